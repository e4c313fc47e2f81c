"""Fixtures shared by the GUI tests."""

from __future__ import annotations

import pytest

from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.tasks import TaskRunner
from shop_desk.settings import ShopSettings


@pytest.fixture
def ctx(sqlite_db, qtbot):
    """What every page is given, over a real SQLite shop; the task runner is shut down
    (its workers finished) before the widgets and the database go."""
    tasks = TaskRunner()
    context = AppContext(sqlite_db, ShopSettings(), tasks, Events())
    yield context
    tasks.shutdown()
