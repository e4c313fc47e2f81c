"""Settings page, this PC's part: data folder, database address with a connection test,
backups (back up now, a missing USB stick, restore in two clicks) and reorder defaults;
and the daily backup the window takes on its own. A real SQLite shop, a real PostgreSQL
server when SHOP_DESK_TEST_DATABASE_URL is set, a real window offscreen."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from shop_desk.db.models import Product
from shop_desk.gui.auto_backup import AutoBackup
from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.pages.settings import SettingsPage
from shop_desk.gui.tasks import TaskRunner
from shop_desk.local_config import load_local, with_password
from shop_desk.settings import load_settings
from tests.conftest import PG_URL
from tests.factories import make_product
from tests.gui.modal import answer

WAIT_MS = 20000


@pytest.fixture
def ctx(sqlite_db, qtbot):
    tasks = TaskRunner()
    with sqlite_db.read() as s:
        settings = load_settings(s)
    context = AppContext(sqlite_db, settings, tasks, Events(), sqlite_db.folder)
    yield context
    tasks.shutdown()


def make_page(qtbot, ctx) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def save(qtbot, page: SettingsPage) -> None:
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.saving, timeout=WAIT_MS)


def products(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(Product.id)))


def test_reorder_defaults_are_saved(qtbot, ctx):
    page = make_page(qtbot, ctx)
    assert page.reorder.service_level.value() == 97.0  # the defaults shown
    page.reorder.service_level.setValue(95.5)
    page.reorder.review_days.setValue(14)
    page.reorder.holding_cost.setValue(25)
    page.reorder.budget.setValue(800.5)
    save(qtbot, page)
    assert page.message.text() == "Settings saved."
    with ctx.db.read() as s:
        stored = load_settings(s)
    assert (stored.default_service_level_bp, stored.default_review_days) == (9550, 14)
    assert (stored.holding_cost_bp, stored.reorder_budget_fen) == (2500, 80050)
    assert page.reorder.budget.text() != "no limit"
    page.reorder.budget.setValue(0)
    assert page.reorder.budget.text() == "no limit"


def test_the_data_folder_is_shown(qtbot, ctx):
    page = make_page(qtbot, ctx)
    assert page.data_folder.path.text() == str(ctx.db.folder)


def test_back_up_now_then_restore_in_two_clicks(qtbot, ctx):
    with ctx.db.session() as s:
        make_product(s, name="可口可乐 330ml")
    page = make_page(qtbot, ctx)
    backups = page.backups
    qtbot.waitUntil(lambda: backups.last.text() == "none yet", timeout=WAIT_MS)
    backups.backup_button.click()
    qtbot.waitUntil(lambda: backups.backups.count() == 1, timeout=WAIT_MS)
    assert "Backup written" in backups.message.text()
    assert str(ctx.db.folder / "backups") in backups.last.text()
    with ctx.db.session() as s:
        make_product(s, name="后来加的商品")
    assert products(ctx) == 2

    backups.backups.setCurrentRow(0)  # click 1: pick the backup
    texts: list[str] = []
    answer(QMessageBox.StandardButton.Yes, texts)
    restored = []
    backups.restored.connect(lambda: restored.append(True))
    backups.restore_button.click()  # click 2: Restore, then confirm
    qtbot.waitUntil(lambda: bool(restored), timeout=WAIT_MS)
    assert "backed up first" in texts[0]
    assert products(ctx) == 1  # the shop is as it was at the backup, and in use again
    assert "Restored" in backups.message.text()
    qtbot.waitUntil(lambda: backups.backups.count() == 2, timeout=WAIT_MS)  # + pre-restore
    assert "before a restore" in backups.backups.item(0).text()


def test_a_no_at_the_confirmation_restores_nothing(qtbot, ctx):
    page = make_page(qtbot, ctx)
    backups = page.backups
    backups.back_up_now()
    qtbot.waitUntil(lambda: backups.backups.count() == 1, timeout=WAIT_MS)
    with ctx.db.session() as s:
        make_product(s, name="留下的商品")
    backups.backups.setCurrentRow(0)
    answer(QMessageBox.StandardButton.No)
    backups.restore_button.click()
    assert products(ctx) == 1 and not backups.busy


def test_a_missing_usb_stick_falls_back_and_says_so(qtbot, ctx, tmp_path):
    page = make_page(qtbot, ctx)
    stick = tmp_path / "U盘" / "备份"
    page.backups.folder.setText(str(stick))  # chosen earlier; the stick is not plugged in
    save(qtbot, page)
    assert load_local(ctx.db.folder).backup_folder == str(stick)
    page.backups.back_up_now()
    qtbot.waitUntil(lambda: not page.backups.busy, timeout=WAIT_MS)
    text = page.backups.message.text()
    assert "USB stick" in text and str(stick) in text and "Backup written" in text
    assert list((ctx.db.folder / "backups").glob("shop-manual-*.sqlite3"))


def test_the_window_takes_the_daily_backup_itself(qtbot, ctx):
    auto = AutoBackup(ctx)
    messages: list[str] = []
    ctx.events.status_message.connect(messages.append)
    auto.check()
    qtbot.waitUntil(lambda: not auto.running, timeout=WAIT_MS)
    daily = list((ctx.db.folder / "backups").glob("shop-daily-*.sqlite3"))
    assert len(daily) == 1 and "Daily backup written" in messages[0]
    auto.check()  # an hour later: the backup is less than a day old
    qtbot.waitUntil(lambda: not auto.running, timeout=WAIT_MS)
    assert len(list((ctx.db.folder / "backups").glob("shop-daily-*"))) == 1
    assert len(messages) == 1


def test_connection_test_explains_a_server_that_does_not_answer(qtbot, ctx):
    page = make_page(qtbot, ctx)
    section = page.database
    section.test_connection()
    assert "Type the address" in section.result.text()
    section.url.setText("postgresql://shop@127.0.0.1:9/shop")  # nothing listens on port 9
    section.test_connection()
    qtbot.waitUntil(lambda: not section.testing, timeout=WAIT_MS)
    assert "No PostgreSQL server answers at 127.0.0.1:9" in section.result.text()


def test_saving_an_unreachable_database_changes_nothing(qtbot, ctx):
    page = make_page(qtbot, ctx)
    page.database.url.setText("postgresql://shop@127.0.0.1:9/shop")
    save(qtbot, page)
    assert page.message.text().startswith("Nothing was saved")
    assert not (ctx.db.folder / "connection.json").exists()
    page.database.url.setText("mysql://shop@127.0.0.1/shop")
    save(qtbot, page)
    assert "Only PostgreSQL" in page.message.text()


@pytest.mark.skipif(not PG_URL, reason="needs SHOP_DESK_TEST_DATABASE_URL")
def test_a_reachable_server_is_saved_without_its_password(qtbot, ctx):
    from sqlalchemy.engine import make_url

    server = make_url(PG_URL)
    page = make_page(qtbot, ctx)
    page.database.url.setText(server.set(password=None).render_as_string(False))
    page.database.password.setText("s3cret-口令")
    page.database.test_connection()
    qtbot.waitUntil(lambda: not page.database.testing, timeout=WAIT_MS)
    assert "Connected to PostgreSQL" in page.database.result.text()
    save(qtbot, page)
    assert "Restart Shop Desk to open the other database" in page.message.text()
    stored = json.loads((ctx.db.folder / "connection.json").read_text(encoding="utf-8"))
    assert stored["database_url"].startswith("postgresql+psycopg://")
    assert "s3cret" not in json.dumps(stored)  # the password is in the keyring
    assert make_url(with_password(stored["database_url"])).password == "s3cret-口令"
