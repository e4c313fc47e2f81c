"""The Qt binding itself: PySide6 6.12.0 under Python 3.11 lost a reference to True on every
signal emit and killed the process after a few hundred (pyproject.toml keeps it out).

Run in a process of its own: a binding with this fault corrupts the interpreter it runs in.
"""

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
class Emitter(QObject):
    fired = Signal()
emitter, label = Emitter(), QLabel()
before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(1000):
    emitter.fired.emit()
    label.setText("x")
after = sys.getrefcount(True), sys.getrefcount(None)
print(after[0] - before[0], after[1] - before[1])
"""


def test_signal_emits_and_calls_keep_reference_counts():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    true_delta, none_delta = map(int, result.stdout.split())
    assert abs(true_delta) < 50 and abs(none_delta) < 50
