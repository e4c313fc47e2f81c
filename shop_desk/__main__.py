"""Entry point: `shop-desk` (the window) and its headless commands.

Kept tiny: start-up time matters, so heavy modules are imported by the command that needs them.
"""

from __future__ import annotations

import time

START = time.perf_counter()  # the start-up probe measures "shown" from here


def main(argv: list[str] | None = None) -> int:
    from shop_desk.cli import run

    return run(argv)


if __name__ == "__main__":
    import sys

    if getattr(sys, "frozen", False):  # the bundle: catalog parsing runs worker processes
        import multiprocessing

        multiprocessing.freeze_support()
    raise SystemExit(main())
