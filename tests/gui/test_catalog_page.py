"""The Catalog page and Settings → Sources, driven as the owner would, offscreen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.db.models import ProductOfferLink
from shop_desk.gui.catalog.link_dialog import LinkDialog
from shop_desk.gui.catalog.page import CatalogPage
from shop_desk.gui.catalog.sources_panel import AddSourceDialog, SourcesPanel
from tests.factories import make_product

SUPPLIER = SupplierInfo(code="gz", name="广州饮料批发")


def offers(price=5400):
    return [
        OfferRecord(
            sku="A1",
            name="可口可乐 500ml×24",
            pack_size=24,
            tiers=((1, price),),
            gtin="6908512108211",
        ),
        OfferRecord(sku="B1", name="雪碧 500ml×24", pack_size=24, tiers=((1, 5200), (10, 5000))),
    ]


@pytest.fixture
def shop(ctx, tmp_path):
    with ctx.db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, barcodes=[("6908512108211", 1)]).id
        sprite = make_product(s, "雪碧 500ml", 300).id
    feed = tmp_path / "feed"
    publish(offers(), SUPPLIER, feed)
    return feed, cola, sprite


def add_and_sync(ctx, qtbot, panel: SourcesPanel, feed):
    dialog = AddSourceDialog(ctx, panel)
    dialog.kind.setCurrentIndex(dialog.kind.findData("folder"))
    dialog.location.setText(str(feed))
    dialog.name.setText("广州")
    with qtbot.waitSignal(panel.sync_runner.finished, timeout=20000) as finished:
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted
        ctx.events.catalog_changed.emit()
        panel.sync_runner.sync([dialog.source_id])
    return finished.args[0]


def test_add_source_sync_and_browse(ctx, qtbot, shop):
    feed, _, _ = shop
    page = CatalogPage(ctx)
    panel = SourcesPanel(ctx, page.sync_runner)
    qtbot.addWidget(page)
    qtbot.addWidget(panel)
    progress = []
    ctx.events.progress.connect(lambda d, t, m: progress.append((d, t)))
    ((name, outcome, error),) = add_and_sync(ctx, qtbot, panel, feed)
    assert (name, outcome.upserts, outcome.links, error) == ("广州", 2, 1, "")
    assert progress and progress[-1] == (-1, 0)
    qtbot.waitUntil(lambda: page.offers_model.total == 2)
    assert panel.table.item(0, 3).text() == "2"
    page.search.setText("xb")
    page.refresh()
    qtbot.waitUntil(lambda: page.offers_model.total == 1)
    row = page.offers_model.row(0)
    assert row.sku == "B1" and "10+ ¥50.00" in page.offers_model.index(0, 4).data()
    page.view_box.setCurrentIndex(page.view_box.findData("linked"))
    qtbot.waitUntil(lambda: page.offers_model.total == 0)  # 雪碧 matched "xb" but is unlinked


def test_link_dialog_links_with_pack_conversion(ctx, qtbot, shop):
    feed, _, sprite = shop
    page = CatalogPage(ctx)
    panel = SourcesPanel(ctx, page.sync_runner)
    qtbot.addWidget(page)
    add_and_sync(ctx, qtbot, panel, feed)
    page.refresh()
    qtbot.waitUntil(lambda: page.offers_model.total == 2)
    offer = next(r for r in page.offers_model.rows() if r.sku == "B1")
    dialog = LinkDialog(ctx, offer, page)
    dialog.search.setText("雪碧")
    assert dialog.chosen_product() == sprite
    dialog.units.setValue(12)
    dialog.save()
    with ctx.db.session(write=False) as s:
        link = s.scalar(select(ProductOfferLink).where(ProductOfferLink.sku == "B1"))
        assert (link.product_id, link.units_per_pack, link.auto) == (sprite, 12, False)


def test_price_drop_view_and_report(ctx, qtbot, shop):
    feed, cola, _ = shop
    page = CatalogPage(ctx)
    panel = SourcesPanel(ctx, page.sync_runner)
    qtbot.addWidget(page)
    add_and_sync(ctx, qtbot, panel, feed)
    publish(offers(price=5000), SUPPLIER, feed)
    with qtbot.waitSignal(page.sync_runner.finished, timeout=20000):
        page.sync_now()
    assert "1 price changes" in page.last_report.text.toPlainText()
    page.view_box.setCurrentIndex(page.view_box.findData("drops"))
    qtbot.waitUntil(lambda: page.drops_model.total == 1)
    drop = page.drops_model.row(0)
    assert (drop.product_id, drop.previous_fen, drop.price_fen) == (cola, 5400, 5000)


def test_a_bad_location_keeps_the_dialog_open(ctx, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    dialog = AddSourceDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("http"))
    dialog.location.setText("ftp://nope")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted and "https://" in shown[0]
    assert dialog.location.text() == "ftp://nope"
