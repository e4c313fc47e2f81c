"""Sell continuously on a shop's database and acknowledge each committed sale on stdout.

    python tests/helpers/checkout_loop.py FOLDER SEED

The parent (tests/test_kill_checkout.py) kills this process with SIGKILL at random moments.
A sale id is printed only after its transaction has committed, so every printed id must be in
the database afterwards, whole. Every tenth round receives stock instead (lots and receipts are
written too), printed as "r <product id>".
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from sqlalchemy import select

from shop_desk.db.engine import open_database
from shop_desk.db.models import Product
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock


def main() -> None:
    folder, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    db = open_database(folder=folder)
    with db.read() as session:
        ids = list(session.scalars(select(Product.id).order_by(Product.id)))
    print("ready", flush=True)
    for n in range(10**9):
        if n % 10 == 9:
            pid = rng.choice(ids)
            with db.session() as session:
                receive_stock(session, pid, rng.randint(6, 48), rng.randint(100, 9000))
            print(f"r {pid}", flush=True)
            continue
        with db.session() as session:
            cart = Cart()
            for pid in rng.sample(ids, rng.randint(1, 4)):
                cart.add(session.get(Product, pid), rng.randint(1, 3))
            receipt = checkout(session, cart, cart.total_fen + rng.choice((0, 0, 50, 1000)))
        print(receipt.sale_id, flush=True)  # after the commit: acknowledged


if __name__ == "__main__":
    main()
