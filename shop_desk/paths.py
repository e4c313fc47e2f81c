"""Every directory the program uses, resolved in one place.

SHOP_DESK_HOME overrides the data folder; a file named ``portable`` beside the executable keeps
the data beside it (a USB-stick install). Paths are pathlib objects: user names and install
folders on Windows often hold Chinese characters.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "ShopDesk"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resources_dir() -> Path:
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    here = Path(__file__).resolve().parent
    checkout = here.parent / "resources"
    if (checkout / "translations").is_dir():
        return checkout
    return here / "resources"  # installed wheel: resources/ is packaged as shop_desk.resources


def data_dir() -> Path:
    """The shop's data folder (created on demand)."""
    override = os.environ.get("SHOP_DESK_HOME")
    if override:
        path = Path(override).expanduser()
    elif is_frozen() and (Path(sys.executable).parent / "portable").exists():
        path = Path(sys.executable).parent / "data"
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))
    return path


def demo_dir() -> Path:
    return data_dir() / "demo"


def database_path(folder: Path) -> Path:
    return folder / "shop.sqlite3"


def backups_dir(folder: Path) -> Path:
    return folder / "backups"


def logs_dir(folder: Path) -> Path:
    return folder / "logs"
