"""Getting feed files: from a local folder, or over HTTP(S) with requests.

Both speak the same two verbs: the manifest (conditionally), and one file streamed to a
temporary path with a size limit. HTTP lives in http_transport.py (requests is imported only
when a web feed is synced).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Protocol

from shop_desk import __version__
from shop_desk.catalog.manifest import FeedFile, safe_relative_path
from shop_desk.errors import InputError
from shop_desk.i18n import tr

CHUNK = 1 << 16
USER_AGENT = f"ShopDesk/{__version__} (catalog-feed/1)"


class Cancelled(Exception):
    """The owner cancelled the sync; whatever was already applied stays."""


class Transport(Protocol):
    def get_manifest(self, etag: str | None) -> tuple[bytes | None, str | None]:
        """(manifest bytes, new etag), or (None, etag) when nothing changed."""

    def fetch(self, feed_file: FeedFile, dest: Path, on_bytes, cancel: threading.Event) -> None:
        """Stream one file to dest, never past feed_file.bytes."""


def size_error(path: str) -> InputError:
    return InputError(tr("The feed file {path} is larger than announced (refused).", path=path))


class FolderTransport:
    """A feed folder (the same layout as on a web server), e.g. on a USB stick."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_manifest(self, etag: str | None) -> tuple[bytes | None, str | None]:
        path = self.folder / "feed.json"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError(
                tr("No feed.json in {folder}: is this a feed folder?", folder=self.folder)
            ) from None
        tag = hashlib.sha256(raw).hexdigest()[:32]
        return (None, etag) if tag == etag else (raw, tag)

    def fetch(self, feed_file: FeedFile, dest: Path, on_bytes, cancel: threading.Event) -> None:
        source = self.folder / safe_relative_path(feed_file.path)
        if not source.is_file():
            raise InputError(tr("The feed file {path} is missing.", path=feed_file.path))
        with source.open("rb") as src, dest.open("wb") as out:
            copied = 0
            while block := src.read(CHUNK):
                if cancel.is_set():
                    raise Cancelled
                copied += len(block)
                if copied > feed_file.bytes:
                    raise size_error(feed_file.path)
                out.write(block)
                on_bytes(len(block))
