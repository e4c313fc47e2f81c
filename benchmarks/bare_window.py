"""The yardstick for start-up: a bare PySide6 QMainWindow, shown and painted once.

Prints one JSON line {"shown_s", "rss_mb"} after the first paint (the same contract as
SHOP_DESK_STARTUP_PROBE=1 for `python -m shop_desk`) and exits.
"""

import time

START = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


def rss_mb() -> float:
    """Resident memory now, from /proc (psutil is optional)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            shown = time.perf_counter() - START
            sys.stdout.write(json.dumps({"shown_s": round(shown, 4), "rss_mb": rss_mb()}) + "\n")
            sys.stdout.flush()
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1024, 700)
    probe = FirstPaint()
    window.installEventFilter(probe)
    window.show()
    app.exec()
    os._exit(0)  # like the probe: do not time the teardown


if __name__ == "__main__":
    raise SystemExit(main())
