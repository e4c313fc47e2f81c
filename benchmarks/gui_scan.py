"""Scan to line shown through the real counter page (offscreen Qt, no pytest-qt).

    python benchmarks/gui_scan.py FOLDER CODES_FILE

Run by bench_scan.py in its own process (a Qt crash cannot take the core figures with it).
For each barcode the digits are typed into the scan box as a scanner does (not timed: that is
the scanner's speed), then Enter is pressed: `enter_to_row` is Enter until the cart model
holds the line (the lookup runs on the GUI thread, so it is there when the key event returns);
`enter_to_painted` adds the event-loop pass that repaints the table. The cart is cleared every
5 scans. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import summary_ms

WARMUP = 50


def main() -> int:
    folder, codes_file = Path(sys.argv[1]), Path(sys.argv[2])
    codes = codes_file.read_text(encoding="utf-8").split()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from shop_desk.db.engine import open_database
    from shop_desk.gui.context import AppContext, Events
    from shop_desk.gui.pages.counter import CounterPage
    from shop_desk.gui.tasks import TaskRunner
    from shop_desk.settings import ShopSettings

    app = QApplication.instance() or QApplication([])
    db = open_database(folder=folder)
    tasks = TaskRunner()
    page = CounterPage(AppContext(db, ShopSettings(), tasks, Events()))
    page.resize(1100, 700)
    page.show()
    app.processEvents()
    to_row, to_paint, missing = [], [], 0
    for n, code in enumerate(codes):
        if n % 5 == 0:
            page.model.clear()
            app.processEvents()
        units_before = page.cart.units
        QTest.keyClicks(page.scan_box, code)
        started = time.perf_counter()
        QTest.keyClick(page.scan_box, Qt.Key.Key_Return)
        added = time.perf_counter()
        app.processEvents()
        painted = time.perf_counter()
        if page.cart.units == units_before:
            missing += 1  # not added (should not happen with codes of active products)
        if n >= WARMUP:
            to_row.append(added - started)
            to_paint.append(painted - started)
    tasks.shutdown()
    db.dispose()
    result = {
        "available": True,
        "scans": len(to_row),
        "not_added": missing,
        "enter_to_row": summary_ms(to_row),
        "enter_to_painted": summary_ms(to_paint),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip Qt teardown


if __name__ == "__main__":
    raise SystemExit(main())
