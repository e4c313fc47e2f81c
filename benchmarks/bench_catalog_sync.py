"""Catalog sync of a generated 1,000,000-offer feed served by nginx on 127.0.0.1.

    python benchmarks/bench_catalog_sync.py [--offers 1000000] [--parts first,incremental,gui]

Prints one JSON object:
- baseline_s: raw sqlite3 executemany upsert of the same pre-parsed rows, then an FTS5
  trigram index over their names (the issue's yardstick), in a process of its own;
- first_sync_s, peak_rss_mb: a full first sync (download, hash, decompress, parse, validate,
  apply, price history, GTIN links, search index), in a process of its own, until the new
  copy is visible; ratio to baseline; first_tidy_s: the housekeeping the GUI and the CLI run
  after it (purging superseded rows, finishing the index merge), and ratio_with_tidy;
  workers_peak_rss_mb: the parsing processes' together (sampled from /proc), and
  total_peak_rss_mb with the sync's own; total_peak_pss_mb: the peak of the processes
  together with shared libraries counted once (sampled every 0.1 s);
- incremental_s: a 10,000-record change file, and incremental_tidy_s after it, with the HTTP
  client already imported (http_client_import_ms: what a process pays for it once);
  unchanged_ms: a sync answered by 304;
- search: p95 over a mix of 2-6 character Chinese fragments, initials and barcode prefixes;
- during a second full sync run under a Qt event loop: the longest stall of the GUI event
  loop, and the waits of checkouts made every 200 ms at the counter meanwhile (in full, and
  the part spent waiting for the sync's turn to end: checkout_turn_wait_*); for scale, the
  same two measured for 3 s before the sync starts (the machine's own noise).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, REPO, emit, summary_ms
from catalog_feed import build

sys.path.insert(0, str(REPO))
from tests.nginx_server import NGINX, Nginx

BASELINE = r"""
import gzip, json, sqlite3, sys, time
rows = []
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        rows.append((1, r["sku"], 1, r.get("gtin"), r["name"], r["category"], r["pack_size"],
                     json.dumps([[t["min_packs"], t["unit_price_fen"]] for t in r["tiers"]]),
                     r["tiers"][0]["unit_price_fen"], r["moq_packs"], r["multiple_packs"],
                     r.get("available_packs")))
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE offers (id INTEGER PRIMARY KEY, supplier_id, sku, valid_from, gtin,"
           " name, category, pack_size, tiers, price_fen, moq, multiple, available,"
           " UNIQUE (supplier_id, sku))")
start = time.perf_counter()
db.execute("BEGIN")
db.executemany("INSERT INTO offers (supplier_id, sku, valid_from, gtin, name, category,"
               " pack_size, tiers, price_fen, moq, multiple, available)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (supplier_id, sku) DO UPDATE SET"
               " name = excluded.name, tiers = excluded.tiers, price_fen = excluded.price_fen",
               rows)
db.execute("COMMIT")
upsert = time.perf_counter() - start
db.execute("CREATE VIRTUAL TABLE offers_fts USING fts5(name, content='offers',"
           " content_rowid='id', tokenize='trigram')")
db.execute("INSERT INTO offers_fts(offers_fts) VALUES ('rebuild')")
print(json.dumps({"baseline_s": time.perf_counter() - start, "upsert_s": upsert}))
"""

SYNC = r"""
import json, resource, sys, time
from pathlib import Path
from shop_desk.db.engine import open_database
from shop_desk.db.models import CatalogSource, Product
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.progress import run_job
db = open_database(folder=Path(sys.argv[1]))
with db.session() as s:
    src = CatalogSource(kind="http", name="bench", location=sys.argv[2]); s.add(src); s.flush()
    sid = src.id
# The parsing workers' peak memory, read from /proc while they run: a child's ru_maxrss
# counts the parent's pages it had between fork and exec (spawn), not its own. And the
# peak of all the sync's processes together as proportional set size (PSS): libraries the
# processes share (Python, NumPy, SQLite) counted once, not once per process as RSS does.
import multiprocessing, os, threading
workers_peak, pss_peak, workers_seen, done = [0], [0], set(), threading.Event()
def status_kb(pid, file, key):
    try:
        with open(f"/proc/{pid}/{file}") as status:
            return next(int(l.split()[1]) for l in status if l.startswith(key))
    except (OSError, StopIteration):
        return 0
def sample_workers():
    while not done.wait(0.1):
        children = multiprocessing.active_children()
        workers_seen.update(child.pid for child in children)
        rss = sum(status_kb(child.pid, "status", "VmHWM") for child in children)
        workers_peak[0] = max(workers_peak[0], rss)
        pss = sum(status_kb(pid, "smaps_rollup", "Pss:")
                  for pid in [os.getpid(), *(child.pid for child in children)])
        pss_peak[0] = max(pss_peak[0], pss)
threading.Thread(target=sample_workers, daemon=True).start()
start = time.perf_counter()
outcome = run_job(sync_source(db, sid, work_dir=Path(sys.argv[1]) / "dl"))
first = time.perf_counter() - start
done.set()
start = time.perf_counter()
tidy(db, sid)
print(json.dumps({"first_sync_s": first, "first_tidy_s": time.perf_counter() - start,
                  "upserts": outcome.upserts,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_peak_rss_mb": workers_peak[0] / 1024,
                  "workers": len(workers_seen),
                  "total_peak_rss_mb":
                      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                      + workers_peak[0] / 1024,
                  "total_peak_pss_mb": pss_peak[0] / 1024}))
"""


GUI_DURING_SYNC = r"""
import json, os, sys, threading, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from shop_desk.db.engine import open_database
from shop_desk.db.models import CatalogSource, Product
from shop_desk.gui.catalog.sync_runner import SyncRunner
from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.tasks import TaskRunner
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.products import ProductData, create_product
from shop_desk.inventory.stock import receive_stock
from shop_desk.settings import ShopSettings

folder = Path(sys.argv[1])
db = open_database(folder=folder, idle_checkpoints=True)  # as the window opens it (gui/app.py)
with db.session() as s:
    src = CatalogSource(kind="http", name="bench", location=sys.argv[2]); s.add(src); s.flush()
    sid = src.id
    product = create_product(s, ProductData(name="可口可乐", retail_price_fen=300))
    receive_stock(s, product.id, 100000, 100000 * 200)
    pid = product.id
app = QApplication([])
ctx = AppContext(db, ShopSettings(), TaskRunner(), Events())
runner = SyncRunner(ctx)
gaps, last = [], [time.perf_counter()]
def tick():
    now = time.perf_counter(); gaps.append(now - last[0]); last[0] = now
timer = QTimer(); timer.setInterval(10); timer.timeout.connect(tick); timer.start()
waits, stop = [], threading.Event()
# How long each checkout waited for its turn (the sync's transaction to end): the part of the
# wait the sync controls; the rest is the checkout's own work and the disk's fsync.
from contextlib import contextmanager
from shop_desk.db.engine import WriteGate
turn_waits, _write = [], WriteGate.write
@contextmanager
def timed_write(self):
    started = time.perf_counter()
    with _write(self):
        if threading.current_thread() is thread:
            turn_waits.append(time.perf_counter() - started)
        yield
WriteGate.write = timed_write
def counter():
    # a second connection, as another window would open it: its commits never copy the WAL
    # back (the window's idle checkpoints do), so a checkout never copies the sync's pages
    till = open_database(folder=folder, idle_checkpoints=True)
    while not stop.is_set():
        started = time.perf_counter()
        with till.session() as s:
            cart = Cart(); cart.add(s.get(Product, pid)); checkout(s, cart)
        waits.append(time.perf_counter() - started)
        time.sleep(0.2)
thread = threading.Thread(target=counter, daemon=True)
idle = {}
def start_sync():
    idle["waits"], idle["gaps"] = sorted(waits), sorted(gaps)
    waits.clear(); gaps.clear(); turn_waits.clear(); last[0] = time.perf_counter()
    idle["started"] = time.perf_counter()
    runner.sync([sid])
runner.finished.connect(lambda _r: app.quit())
QTimer.singleShot(0, thread.start)
QTimer.singleShot(3000, start_sync)  # 3 s of the same measures without a sync, for scale
app.exec()
stop.set(); thread.join()
waits.sort(); gaps.sort(); turn_waits.sort()
started = idle["started"]
print(json.dumps({"gui_idle_max_stall_ms": round(idle["gaps"][-1] * 1000, 1),
                  "checkout_idle_max_ms": round(idle["waits"][-1] * 1000, 1),
                  "checkout_idle_p50_ms": round(idle["waits"][len(idle["waits"]) // 2] * 1000, 1),
                  "gui_sync_s": time.perf_counter() - started,
                  "gui_max_stall_ms": round(gaps[-1] * 1000, 1),
                  "gui_stalls_over_100ms": sum(g > 0.1 for g in gaps),
                  "checkouts_during_sync": len(waits),
                  "checkout_wait_max_ms": round(waits[-1] * 1000, 1),
                  "checkout_wait_p50_ms": round(waits[len(waits) // 2] * 1000, 1),
                  "checkout_wait_p99_ms": round(waits[int(len(waits) * 0.99) - 1] * 1000, 1),
                  "checkout_turn_wait_max_ms": round(turn_waits[-1] * 1000, 1),
                  "checkout_turn_wait_p99_ms":
                      round(turn_waits[int(len(turn_waits) * 0.99) - 1] * 1000, 1)}))
"""


def run_json(code: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO
    )
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def search_queries(names: list[str], rng: random.Random, per_kind: int = 100) -> list[str]:
    from shop_desk.text import char_initials

    queries = []
    for _ in range(per_kind):
        name = rng.choice(names).split()[0]
        size = rng.randint(2, min(6, len(name)))
        start = rng.randint(0, len(name) - size)
        queries.append(name[start : start + size])
        queries.append(char_initials(rng.choice(names))[: rng.randint(2, 5)])
        queries.append("69" + "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 6))))
    return queries


def measure_search(db, rng) -> dict:
    from sqlalchemy import text

    from shop_desk.catalog.offers import search_offers

    with db.session(write=False) as s:
        names = [
            r[0] for r in s.execute(text("SELECT name FROM offers ORDER BY random() LIMIT 2000"))
        ]
        queries = search_queries(names, rng)
        times = []
        for query in queries:
            started = time.perf_counter()
            search_offers(s, query, limit=50)
            times.append(time.perf_counter() - started)
    return summary_ms(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument(
        "--parts",
        default="first,incremental,gui",
        help="which measures to run (the baseline always runs): first, incremental, gui",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if NGINX is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    feed = build(args.offers)
    work = OUT / f"catalog-sync-{args.offers}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    served = work / "served"
    shutil.copytree(feed, served)
    shutil.copy(served / "feed.json", served / "feed-1.json")
    server = Nginx(served, work / "nginx")
    try:
        result = {"offers": args.offers}
        result.update(
            run_json(BASELINE, str(feed / "snapshots/1.ndjson.gz"), str(work / "baseline.sqlite3"))
        )
        if parts & {"first", "incremental"}:
            result.update(run_json(SYNC, str(work / "shop"), server.url))
            result["ratio_to_baseline"] = round(result["first_sync_s"] / result["baseline_s"], 2)
            result["ratio_with_tidy"] = round(
                (result["first_sync_s"] + result["first_tidy_s"]) / result["baseline_s"], 2
            )
        if "incremental" in parts:
            result.update(after_first_sync(work / "shop", served, server.url))
            shutil.copy(served / "feed-1.json", served / "feed.json")
        if "gui" in parts:
            result.update(run_json(GUI_DURING_SYNC, str(work / "shop-gui"), server.url))
    finally:
        server.stop()
    emit(result)


def after_first_sync(folder: Path, served: Path, url: str) -> dict:
    from shop_desk.catalog.sync import sync_source, tidy
    from shop_desk.db.engine import open_database
    from shop_desk.progress import run_job

    db = open_database(folder=folder)
    # The full HTTP client (requests), imported once per process: timed apart, so that the
    # incremental sync is timed as in a process that has synced before (the window's sync
    # child, a new process each time, pays it at every sync).
    started = time.perf_counter()
    import shop_desk.catalog.http_transport  # noqa: F401

    client_import_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    assert run_job(sync_source(db, 1, work_dir=folder / "dl")).status == "unchanged"
    unchanged_ms = (time.perf_counter() - started) * 1000
    shutil.copy(served / "feed-2.json", served / "feed.json")
    started = time.perf_counter()
    outcome = run_job(sync_source(db, 1, work_dir=folder / "dl"))
    incremental_s = time.perf_counter() - started
    started = time.perf_counter()
    tidy(db, 1)
    tidy_s = time.perf_counter() - started
    search = measure_search(db, random.Random(5))
    return {
        "http_client_import_ms": round(client_import_ms, 1),
        "unchanged_ms": round(unchanged_ms, 1),
        "incremental_s": round(incremental_s, 3),
        "incremental_tidy_s": round(tidy_s, 3),
        "incremental_records": outcome.upserts,
        "search": search,
    }


if __name__ == "__main__":
    main()
