"""Stock page: highlights, SQL sorting through the header, filters, and the stock dialogs
(receive raises on hand and the average cost, write-off lowers them)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from shop_desk.clock import shop_day, utcnow
from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.dialogs.receive import ReceiveDialog
from shop_desk.gui.dialogs.write_off import WriteOffDialog
from shop_desk.gui.pages.stock import LOW, NEAR_EXPIRY, StockPage
from shop_desk.gui.tasks import TaskRunner
from shop_desk.inventory.products import ProductData, average_cost_fen, create_product, get_product
from shop_desk.inventory.stock import receive_stock
from shop_desk.settings import ShopSettings
from shop_desk.text import gtin_with_check_digit

COLA = gtin_with_check_digit("690000000201")
COLA_CASE = gtin_with_check_digit("1690000000201")
CODES = [(COLA, 1), (COLA_CASE, 24)]


@pytest.fixture
def ctx(sqlite_db, qtbot):
    tasks = TaskRunner()
    context = AppContext(sqlite_db, ShopSettings(near_expiry_days=7), tasks, Events())
    yield context
    tasks.shutdown()


@pytest.fixture
def shop(ctx):
    today = shop_day(utcnow())
    with ctx.db.session() as s:

        def make(name, price, min_qty=0, **kw):
            return create_product(
                s, ProductData(name=name, retail_price_fen=price, min_display_qty=min_qty, **kw)
            ).id

        ids = {
            "cola": make("可口可乐", 300, 6, category="饮料", barcodes=CODES),
            "water": make("农夫山泉", 200, 6, category="饮料"),
            "milk": make("蒙牛纯牛奶", 350, 2, category="乳品"),
            "chips": make("乐事薯片", 650, 2, category="零食"),
        }
        receive_stock(s, ids["cola"], 24, 4800)
        receive_stock(s, ids["water"], 3, 300)  # below its minimum display of 6: low
        receive_stock(s, ids["milk"], 12, 3000, expiry_date=today + timedelta(days=2))
        # chips: nothing on hand -> low
    return ids


def _page(qtbot, ctx) -> StockPage:
    page = StockPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() > 0)
    return page


def _wait_reload(qtbot, page: StockPage, action) -> None:
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        action()


def _background(page: StockPage, product_id: int):
    row = page.model.find(product_id)
    assert row >= 0
    return page.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)


def test_rows_are_highlighted_for_low_stock_and_near_expiry(qtbot, ctx, shop):
    page = _page(qtbot, ctx)
    assert page.model.total == 4
    assert _background(page, shop["water"]) == LOW
    assert _background(page, shop["chips"]) == LOW
    assert _background(page, shop["milk"]) == NEAR_EXPIRY
    assert _background(page, shop["cola"]) is None
    milk = page.model.index(page.model.find(shop["milk"]), 0)
    assert "expires" in milk.data(Qt.ItemDataRole.ToolTipRole)
    assert page.lots_model.rowCount() == 1 and page.lots_model.row(0).name == "蒙牛纯牛奶"
    cola = page.model.find(shop["cola"])
    price = page.model.index(cola, 6)
    assert price.data() == "¥3.00"
    assert price.data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert f"{COLA_CASE}×24" in page.model.index(cola, 3).data()


def test_header_click_sorts_in_sql_and_filters_narrow(qtbot, ctx, shop):
    page = _page(qtbot, ctx)
    assert [r.name for r in page.model.rows()] == ["可口可乐", "乐事薯片", "蒙牛纯牛奶", "农夫山泉"]
    _wait_reload(qtbot, page, lambda: page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder))
    assert [r.on_hand for r in page.model.rows()] == [24, 12, 3, 0]
    _wait_reload(qtbot, page, lambda: page.low_check.setChecked(True))
    assert {r.name for r in page.model.rows()} == {"农夫山泉", "乐事薯片"}
    _wait_reload(qtbot, page, lambda: page.low_check.setChecked(False))
    _wait_reload(qtbot, page, lambda: page.expiry_check.setChecked(True))
    assert [r.name for r in page.model.rows()] == ["蒙牛纯牛奶"]
    _wait_reload(qtbot, page, lambda: page.expiry_check.setChecked(False))
    _wait_reload(qtbot, page, lambda: page.search_edit.setText("kkkl"))
    assert [r.name for r in page.model.rows()] == ["可口可乐"]
    assert "1 of 1" in page.status_label.text()
    _wait_reload(qtbot, page, page.search_edit.clear)
    index = page.category_combo.findData("饮料")
    _wait_reload(qtbot, page, lambda: page.category_combo.setCurrentIndex(index))
    assert {r.name for r in page.model.rows()} == {"可口可乐", "农夫山泉"}


def test_receive_raises_on_hand_and_average_cost(qtbot, ctx, shop):
    page = _page(qtbot, ctx)
    dialog = ReceiveDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.picker.search_edit, COLA_CASE)  # scanning the case barcode
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    assert dialog.product is not None and dialog.product.id == shop["cola"]
    assert dialog.pack_combo.currentData() == 24  # the case size comes with the scan
    dialog.qty_spin.setValue(2)
    dialog.cost_mode.setCurrentIndex(dialog.cost_mode.findData("each"))
    dialog.cost_edit.setText("60")  # ¥60.00 per case of 24 = ¥2.50 a bottle
    assert dialog.units() == 48 and dialog.total_cost_fen() == 12000
    with qtbot.waitSignal(page.model.loaded):  # the page refreshes itself
        dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ctx.db.read() as s:
        cola = get_product(s, shop["cola"])
        assert cola.on_hand == 72
        assert cola.stock_value_fen == 4800 + 12000
        assert average_cost_fen(cola) == 233  # (48.00 + 120.00) / 72 = 2.333...
    row = page.model.row(page.model.find(shop["cola"]))
    assert row.on_hand == 72 and row.avg_cost_fen == 233


def test_receive_rejects_bad_cost_and_keeps_input(qtbot, ctx, shop):
    dialog = ReceiveDialog(ctx, shop["water"])
    qtbot.addWidget(dialog)
    dialog.qty_spin.setValue(5)
    dialog.cost_edit.setText("-4")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.text() and dialog.cost_edit.text() == "-4"
    with ctx.db.read() as s:
        assert get_product(s, shop["water"]).on_hand == 3


def test_write_off_an_expiring_lot_from_the_page(qtbot, ctx, shop):
    page = _page(qtbot, ctx)
    opened = []

    def run(dialog):
        opened.append(dialog)
        assert isinstance(dialog, WriteOffDialog)
        assert dialog.qty_spin.value() == 12  # the whole lot
        assert dialog.reason_combo.currentData() == "expired"
        dialog.accept()
        return dialog.result()

    page.exec_dialog = run
    page.lots_table.selectRow(0)
    with qtbot.waitSignal(page.model.loaded):
        page.write_off_lot_button.click()
    assert opened
    with ctx.db.read() as s:
        milk = get_product(s, shop["milk"])
        assert milk.on_hand == 0 and milk.stock_value_fen == 0
    assert page.lots_model.rowCount() == 0
    assert _background(page, shop["milk"]) == LOW  # now it is simply out of stock


def test_write_off_reduces_stock(qtbot, ctx, shop):
    dialog = WriteOffDialog(ctx, shop["cola"])
    qtbot.addWidget(dialog)
    dialog.qty_spin.setValue(4)
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("damaged"))
    assert "¥8.00" in dialog.summary.text()
    dialog.accept()
    with ctx.db.read() as s:
        cola = get_product(s, shop["cola"])
        assert cola.on_hand == 20 and cola.stock_value_fen == 4000


def test_archive_and_restore(qtbot, ctx, shop):
    page = _page(qtbot, ctx)
    page.confirm = lambda *args: True
    page.table.selectRow(page.model.find(shop["chips"]))
    assert page.archive_action.text() == "Archive"
    _wait_reload(qtbot, page, page.archive_action.trigger)
    assert page.model.find(shop["chips"]) == -1
    _wait_reload(qtbot, page, lambda: page.archived_check.setChecked(True))
    page.table.selectRow(page.model.find(shop["chips"]))
    assert page.archive_action.text() == "Restore"
    assert (
        page.model.index(page.model.find(shop["chips"]), 0).data(Qt.ItemDataRole.ForegroundRole)
        is not None
    )  # archived rows are greyed
    _wait_reload(qtbot, page, page.archive_action.trigger)
    with ctx.db.read() as s:
        assert get_product(s, shop["chips"]).active


def test_new_product_is_selected_after_saving(qtbot, ctx, shop):
    page = _page(qtbot, ctx)

    def run(editor):
        editor.name_edit.setText("奥利奥")
        editor.price_edit.setText("9.90")
        editor.accept()
        return editor.result()

    page.exec_dialog = run
    _wait_reload(qtbot, page, page.new_action.trigger)
    selected = page.selected_row()
    assert selected is not None and selected.name == "奥利奥"
    assert selected.retail_price_fen == 990


# --- import dialog ---------------------------------------------------------------------------

GOOD_CSV = (
    "商品资料导出 2024-05-01\n"
    "条码,商品名称,售价,进价,分类,单位\n"
    f"{gtin_with_check_digit('690000000301')},康师傅红烧牛肉面,4.50,3.10,方便面,袋\n"
    f"{gtin_with_check_digit('690000000302')},旺仔牛奶,5,3.6,乳品,罐\n"
)


def _import_dialog(qtbot, ctx, path):
    from shop_desk.gui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    return dialog


def test_import_gbk_csv_preview_then_apply(qtbot, ctx, shop, tmp_path):
    path = tmp_path / "商品.csv"
    path.write_bytes(GOOD_CSV.encode("gbk"))  # as Excel on Chinese Windows saves it
    dialog = _import_dialog(qtbot, ctx, path)
    assert dialog.preview is not None and dialog.preview.ok, dialog.error_label.text()
    assert "GB" in dialog.info_label.text() and "line 2" in dialog.info_label.text()
    assert dialog.rows_model.rowCount() == 2
    actions = [dialog.rows_model.index(i, 1).data() for i in range(2)]
    assert actions == ["New", "New"]
    assert dialog.rows_model.index(0, 4).data() == "¥4.50"
    name_combo = dialog.mapping_combos["name"]
    assert name_combo.currentText().endswith("商品名称")
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(ctx.events.products_changed, timeout=10000):
        dialog.import_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "2 new" in dialog.result_message
    with ctx.db.read() as s:
        from shop_desk.inventory.products import lookup_code

        noodles, _units = lookup_code(s, gtin_with_check_digit("690000000301"))
        assert noodles.name == "康师傅红烧牛肉面" and noodles.retail_price_fen == 450


def test_import_with_errors_lists_lines_and_cannot_apply(qtbot, ctx, shop, tmp_path):
    good = gtin_with_check_digit("690000000401")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    path = tmp_path / "bad.csv"
    path.write_text(
        "条码,商品名称,售价\n"
        f"{good},好的商品,2.00\n"
        f"{bad},校验位错,2.00\n"
        f"{gtin_with_check_digit('690000000402')},负价格,-1\n",
        encoding="utf-8-sig",
    )
    dialog = _import_dialog(qtbot, ctx, path)
    assert dialog.preview is not None and not dialog.preview.ok
    assert not dialog.import_button.isEnabled()
    lines = {dialog.problems_model.row(i)[1].line for i in range(dialog.problems_model.rowCount())}
    assert {3, 4} <= lines
    first = dialog.problems_model.index(0, 0)
    assert first.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert dialog.tabs.currentIndex() == 1 and dialog.error_label.isVisibleTo(dialog)
    dialog.apply()  # refused: nothing happens
    with ctx.db.read() as s:
        from shop_desk.inventory.products import lookup_code

        assert lookup_code(s, good) is None


def test_import_column_choice_by_hand(qtbot, ctx, shop, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    dialog = _import_dialog(qtbot, ctx, path)
    combo = dialog.mapping_combos["retail_price"]
    combo.setCurrentIndex(combo.findData(-1))  # "(not used)"
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: not dialog.busy and dialog.preview is not None, timeout=10000)
    assert "retail_price" not in dialog.preview.mapping
    assert dialog.rows_model.index(0, 4).data() == ""  # no price read
    assert dialog.preview.warning_count >= 2  # new products without a price are warned about


# --- paged model -----------------------------------------------------------------------------


def test_model_fetches_pages_as_the_view_scrolls_and_sorts_in_sql(qtbot, sqlite_db):
    from shop_desk.gui.table_model import Column, PagedTableModel, PageResult
    from shop_desk.inventory.stock_list import StockFilter, count_rows, fetch_rows

    with sqlite_db.session() as s:
        for i in range(25):
            create_product(s, ProductData(name=f"商品{i:02d}", retail_price_fen=100 + i))
    requests = []

    def fetch(request):
        requests.append(request)
        with sqlite_db.read() as s:
            rows = fetch_rows(
                s,
                StockFilter(),
                sort=request.sort_key or "name",
                descending=request.descending,
                offset=request.offset,
                limit=request.limit,
            )
            total = count_rows(s, StockFilter()) if request.with_total else None
        return PageResult(rows, total)

    columns = [
        Column("Name", lambda r: r.name, sort_key="name"),
        Column("Price", lambda r: r.retail_price_fen, "money", "retail_price"),
    ]
    model = PagedTableModel(columns, fetch, page_size=10)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 10 and model.total == 25
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 25 and not model.canFetchMore()
    prices = [model.index(i, 1).data(Qt.ItemDataRole.EditRole) for i in range(25)]
    assert prices == list(range(124, 99, -1))  # one order across three pages, from SQL
    assert model.index(0, 1).data() == "¥1.24"
    assert [r.offset for r in requests] == [0, 10, 20]
    assert requests[0].sort_key == "retail_price" and requests[0].descending
    model.reload()  # a refresh keeps what was loaded
    assert model.rowCount() == 25 and requests[-1].limit == 25
