"""Run `shop-desk` as a user would: a real process on a data folder, messages in English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOP_DESK_HOME": str(home), "SHOP_DESK_LANGUAGE": "en"}
    return subprocess.run(
        [sys.executable, "-m", "shop_desk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
