"""Write loops for the kill -9 suite (tests/test_kill_suite.py), and the fork server that
starts them in milliseconds.

    python tests/helpers/kill_jobs.py serve            # POSIX: a fork server on stdin/stdout
    python tests/helpers/kill_jobs.py run JOB FOLDER SEED ACKS [EXTRA]   # one loop, directly

The server imports everything once, prints "ready", then for each line "JOB FOLDER SEED ACKS
EXTRA" (tab separated) forks a child that runs the loop, prints "pid N", waits for it and
prints "exit N STATUS". Starting a Python process costs ~0.5 s; a fork costs a few ms, so the
suite can kill every 0.2-0.5 s. The server holds no database connection when it forks.

Each loop writes "o" to ACKS once its database is open, then one line per committed unit of
work, after its commit (an acknowledged write): the parent checks every one of them is in the
database afterwards.
Lines are written with one write() each, so a kill leaves at most a cut last line, which
the parent ignores (no newline: not acknowledged).
"""

from __future__ import annotations

import os
import random
import sys
import traceback
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import configure_mappers

from shop_desk.catalog.sync import sync_source
from shop_desk.db.engine import open_database
from shop_desk.db.models import Product
from shop_desk.importing.products_import import apply_products, preview_products
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock, write_off
from shop_desk.progress import run_job
from shop_desk.text import pinyin_keys


class Acks:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def __call__(self, *words: object) -> None:
        os.write(self.fd, (" ".join(map(str, words)) + "\n").encode())


def product_ids(db) -> list[int]:
    with db.read() as session:
        return list(
            session.scalars(
                select(Product.id).where(Product.short_code.is_(None)).order_by(Product.id)
            )
        )


def checkout_loop(db, rng: random.Random, ack: Acks, _extra: str) -> None:
    """Sales of 1-4 lines; every tenth round a receipt. Acks: "s SALE_ID", "r REFERENCE"."""
    ids = product_ids(db)
    for n in range(10**9):
        if n % 10 == 9:
            reference = f"kill-receipt:{rng.random():.12f}"
            with db.session() as session:
                receive_stock(
                    session, rng.choice(ids), rng.randint(6, 48), rng.randint(100, 9000),
                    reference=reference,
                )  # fmt: skip
            ack("r", reference)
            continue
        with db.session() as session:
            cart = Cart()
            for pid in rng.sample(ids, rng.randint(1, 4)):
                cart.add(session.get(Product, pid), rng.randint(1, 3))
            receipt = checkout(session, cart, cart.total_fen + rng.choice((0, 0, 50, 1000)))
        ack("s", receipt.sale_id)


def receiving_loop(db, rng: random.Random, ack: Acks, _extra: str) -> None:
    """Deliveries of 2-6 lines with expiry dates (lots) in one transaction, and write-offs.
    Acks: "d REFERENCE LINES" and "w REFERENCE"."""
    ids = product_ids(db)
    today = date.today()
    for n in range(10**9):
        if n % 7 == 6:
            reference = f"kill-waste:{rng.random():.12f}"
            with db.session() as session:
                write_off(session, rng.choice(ids), rng.randint(1, 3), "damaged", note=reference)
            ack("w", reference)
            continue
        lines = rng.sample(ids, rng.randint(2, 6))
        reference = f"kill-delivery:{rng.random():.12f}:{len(lines)}"
        with db.session() as session:
            for pid in lines:
                receive_stock(
                    session, pid, rng.randint(6, 60), rng.randint(100, 20000),
                    expiry_date=today + timedelta(days=rng.randint(-3, 400)),
                    reference=reference,
                )  # fmt: skip
        ack("d", reference, len(lines))


def import_loop(db, rng: random.Random, ack: Acks, extra: str) -> None:
    """Product files (one batch of products, several versions of its prices) imported all
    or nothing. Acks: "a FILE_NAME" as it starts (an attempt, not a write), then
    "i FILE_NAME" after the commit (that version is now in the database)."""
    files = sorted(Path(extra).glob("*.csv"))
    while True:
        path = rng.choice(files)
        ack("a", path.name)
        with db.session() as session:
            preview = preview_products(path, session=session)
            apply_products(session, preview)
        ack("i", path.name)


def sync_loop(db, _rng: random.Random, ack: Acks, extra: str) -> None:
    """Catalog syncs from a feed folder to its latest sequence (the parent publishes new ones
    and sometimes resets the checkpoint between kills). Acks: "synced SEQUENCE"."""
    source_id, last = int(extra), None
    while True:
        outcome = run_job(sync_source(db, source_id, work_dir=Path(str(db.folder) + "-dl")))
        if outcome.to_sequence != last:
            ack("synced", outcome.to_sequence)
            last = outcome.to_sequence


JOBS = {
    "checkout": checkout_loop,
    "receiving": receiving_loop,
    "import": import_loop,
    "sync": sync_loop,
}


def run(job: str, folder: str, seed: str, acks: str, extra: str = "") -> None:
    ack = Acks(Path(acks))
    # As the window opens it: kills also land in the middle of background WAL checkpoints.
    db = open_database(folder=Path(folder), idle_checkpoints=True)
    ack("o")  # open: the parent's kill timer starts now (not a write)
    JOBS[job](db, random.Random(int(seed)), ack, extra)


def serve() -> None:
    # Do once what every child would otherwise do first: pypinyin's dictionaries, the ORM's
    # mapper configuration. No connection is open when the server forks.
    pinyin_keys("预热拼音词典")
    configure_mappers()
    _warm_up_import()
    print("ready", flush=True)
    for line in sys.stdin:
        job, folder, seed, acks, extra = line.rstrip("\n").split("\t")
        pid = os.fork()
        if pid == 0:
            _child(job, folder, seed, acks, extra)
        print("pid", pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print("exit", pid, status, flush=True)


def _warm_up_import() -> None:
    """Read a small product file once: the importer's lazy imports (encoding detection, the
    spreadsheet readers) then happen here, not in every child."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "预热.csv"
        sample.write_text("商品名称,自编码,售价\n预热商品,W0001,1.50\n", encoding="utf-8-sig")
        preview_products(sample)


def _child(job: str, folder: str, seed: str, acks: str, extra: str) -> None:
    code = 3
    try:
        errors = os.open(acks + ".err", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(errors, 2)
        run(job, folder, seed, acks, extra)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)  # never back into the server's loop


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    else:
        run(*sys.argv[2:])
