"""The Qt binding itself: PySide6 6.12.0 under Python 3.11 lost a reference to True on every
signal emit and killed the process after a few hundred (pyproject.toml keeps it out)."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal()


def test_signal_emits_keep_reference_counts(qapp):
    emitter = _Emitter()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(1000):
        emitter.fired.emit()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50
