"""Settings page: typed values are saved through the write lane and come back after a restart."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox

from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.pages.settings import SettingsPage
from shop_desk.gui.tasks import TaskRunner
from shop_desk.settings import ShopSettings, load_settings


@pytest.fixture
def ctx(sqlite_db, qtbot):
    tasks = TaskRunner()
    with sqlite_db.read() as s:
        settings = load_settings(s)
    context = AppContext(sqlite_db, settings, tasks, Events())
    yield context
    tasks.shutdown()


def make_page(qtbot, ctx) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def test_saved_settings_come_back_after_a_restart(qtbot, ctx):
    page = make_page(qtbot, ctx)
    assert page.language.currentData() == ""  # follow the system by default
    page.language.setCurrentIndex(page.language.findData("en"))
    page.shop_name.setText("  幸福便利店 ")
    page.shop_address.setText("广州市天河区体育西路 1 号")
    page.shop_phone.setText("020-12345678")
    page.near_expiry_days.setValue(10)
    changed = []
    ctx.events.settings_changed.connect(lambda: changed.append(True))
    page.save_button.click()
    qtbot.waitUntil(lambda: bool(changed), timeout=10000)
    assert "Restart Shop Desk" in page.message.text()  # the language needs a restart
    expected = ShopSettings(
        language="en",
        shop_name="幸福便利店",
        shop_address="广州市天河区体育西路 1 号",
        shop_phone="020-12345678",
        near_expiry_days=10,
    )
    assert ctx.settings == expected
    with ctx.db.read() as s:
        assert load_settings(s) == expected  # what the next start reads
    again = make_page(qtbot, AppContext(ctx.db, expected, ctx.tasks, Events()))
    assert again.language.currentData() == "en"
    assert again.shop_name.text() == "幸福便利店" and again.near_expiry_days.value() == 10


def test_ctrl_s_saves_without_restart_note_when_language_is_unchanged(qtbot, ctx):
    page = make_page(qtbot, ctx)
    page.shop_phone.setText("13800000000")
    (save,) = [s for s in page.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+S")]
    changed = []
    ctx.events.settings_changed.connect(lambda: changed.append(True))
    save.activated.emit()  # offscreen windows are not always "active" for key shortcuts
    qtbot.waitUntil(lambda: bool(changed), timeout=10000)
    assert page.message.text() == "Settings saved."
    with ctx.db.read() as s:
        assert load_settings(s).shop_phone == "13800000000"


def test_sections_are_group_boxes_that_can_be_added(qtbot, ctx):
    page = make_page(qtbot, ctx)
    form = page.add_section("Printing")
    assert form is not None
    titles = [box.title() for box in page.findChildren(QGroupBox)]
    assert titles[:3] == ["Language", "Shop", "Stock"] and "Printing" in titles
