"""One more Shop Desk installation on a shared database, as a separate process.

    python tests/helpers/installation.py ACTION URL [ARGS...]

It prints "ready" once its imports are done, then waits for a line on stdin ("go") so that
several of them start the action at the same moment. Actions:

    migrate FOLDER            Database(URL).migrate(); prints "migrated True|False"
    hold NAME                 takes exclusive(NAME), prints "held", keeps it until stdin closes
    try NAME                  exclusive(NAME, wait=0); prints "got" or "busy <message>"
    sync SOURCE_ID WORKDIR    the catalog sync under exclusive_job("catalog-sync"); prints
                              "started" at its first progress step (the lock is held then),
                              then "synced <sequence>", or "busy <message>"
    sell SEED COUNT IDS       COUNT checkouts of 1-2 units of the products IDS (comma
                              separated), 20-60 ms apart (a quick cashier); prints each
                              sale id after its commit
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from shop_desk import i18n
from shop_desk.db.engine import Database
from shop_desk.db.locks import LockBusy, exclusive


def main() -> None:
    action, url, *args = sys.argv[1:]
    i18n.set_language(i18n.resolve_language(os.environ.get("SHOP_DESK_LANGUAGE")))
    folder = Path(args[0]) if action == "migrate" else None
    db = Database(url, folder)
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        if action == "migrate":
            print("migrated", db.migrate(), flush=True)
        elif action == "hold":
            with exclusive(db, args[0]):
                print("held", flush=True)
                sys.stdin.read()  # until the parent closes stdin (or kills this process)
        elif action == "try":
            with exclusive(db, args[0], wait=0):
                print("got", flush=True)
        elif action == "sync":
            sync(db, int(args[0]), Path(args[1]))
        elif action == "sell":
            sell(db, int(args[0]), int(args[1]), [int(i) for i in args[2].split(",")])
    except LockBusy as exc:
        print("busy", exc, flush=True)
    finally:
        db.dispose()


def sync(db: Database, source_id: int, work_dir: Path) -> None:
    from shop_desk.catalog.sync import sync_source
    from shop_desk.progress import run_job

    locked_sync = sync_source  # under exclusive_job("catalog-sync") itself
    started = []

    def progress(_step) -> None:
        if not started:
            started.append(True)
            print("started", flush=True)

    outcome = run_job(locked_sync(db, source_id, work_dir=work_dir), progress)
    print("synced", outcome.to_sequence, flush=True)


def sell(db: Database, seed: int, count: int, ids: list[int]) -> None:
    from shop_desk.db.models import Product
    from shop_desk.inventory.counter import Cart, checkout

    rng = random.Random(seed)
    for _ in range(count):
        with db.session() as session:
            cart = Cart()
            for pid in rng.sample(ids, rng.randint(1, len(ids))):
                cart.add(session.get(Product, pid), rng.randint(1, 2))
            receipt = checkout(session, cart)
        print(receipt.sale_id, flush=True)
        time.sleep(rng.uniform(0.02, 0.06))


if __name__ == "__main__":
    main()
