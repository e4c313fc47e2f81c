"""A catalog source reading a feed folder the test publishes into."""

from __future__ import annotations

from pathlib import Path

from shop_desk.db.models import CatalogSource


def add_folder_source(db, feed: Path, name: str) -> int:
    """A folder source for `feed` (not yet synced); its id."""
    with db.session() as s:
        source = CatalogSource(kind="folder", name=name, location=str(feed))
        s.add(source)
        s.flush()
        return source.id
