"""Reorder page: suggest -> edit packs and source -> create purchase orders."""

from sqlalchemy import func, select

from shop_desk.db.models import PurchaseOrder, PurchaseOrderLine
from shop_desk.gui.pages.reorder import DraftModel, ReorderPage
from tests.shop_with_offers import build_shop


def test_suggest_edit_and_create_orders(ctx, qtbot, tmp_path):
    cola, water, _ = build_shop(ctx.db, tmp_path)
    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    draft = page.model.draft
    products = {line.product_id for line in draft.lines}
    assert products == {str(cola), str(water)}
    assert page.tile_total.value.text().startswith("¥")
    assert page.tile_low.value.text().isdigit()

    # The owner buys cola from the other supplier and more water than suggested.
    row = next(i for i, ln in enumerate(draft.lines) if ln.product_id == str(cola))
    other = next(o for o in draft.alternatives[str(cola)] if o != draft.lines[row].offer)
    page.model.setData(page.model.index(row, DraftModel.SOURCE), other)
    assert draft.lines[row].offer == other and draft.lines[row].edited
    row = next(i for i, ln in enumerate(draft.lines) if ln.product_id == str(water))
    page.model.setData(page.model.index(row, DraftModel.PACKS), 3)
    assert draft.lines[row].packs == 3
    expected = {(ln.offer.sku, ln.packs) for ln in draft.lines}
    suppliers = {ln.offer.supplier_id for ln in draft.lines}
    assert "total" in page.suppliers.text()

    page.create_orders()
    qtbot.waitUntil(lambda: page.model.draft is None, timeout=20_000)
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(PurchaseOrder.id))) == len(suppliers)
        lines = {(ln.sku, ln.packs) for ln in s.scalars(select(PurchaseOrderLine))}
    assert lines == expected
    assert "created" in page.status.text()


def test_background_refit_caches_the_fit_once(ctx, qtbot, tmp_path):
    from shop_desk.gui.reorder_jobs import RefitScheduler
    from shop_desk.reorder.service import cached_fit

    build_shop(ctx.db, tmp_path)
    scheduler = RefitScheduler(ctx)
    scheduler.timer.stop()
    done = []
    scheduler._done = done.append
    scheduler.run()
    qtbot.waitUntil(lambda: len(done) == 1, timeout=30_000)
    scheduler.run()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=30_000)
    assert done == [True, False]  # the second run finds a fresh fit
    with ctx.db.read() as s:
        assert cached_fit(s) is not None


def test_the_supplier_summary_reads_in_chinese(ctx, qtbot, tmp_path):
    from shop_desk.gui.i18n_qt import install_translators

    build_shop(ctx.db, tmp_path)
    installed = install_translators("zh_CN")
    try:
        assert installed.loaded["shop_desk"]
        page = ReorderPage(ctx)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
        lines = page.suppliers.text().split("<br>")
        assert lines and all("；" in line and "; " not in line for line in lines)
        assert all("本月采购" in line for line in lines)  # the parts are in Chinese too
    finally:
        install_translators("en")
