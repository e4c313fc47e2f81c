"""`shop-desk catalog publish`: turn a wholesaler's price list into a static feed folder.

The catalog as of the latest published sequence (its snapshot with every later change applied)
is compared with the new list; the difference becomes one change file; a snapshot is written
every `snapshot_every` changes; change files beyond the retention are pruned; feed.json is
replaced atomically last, so a reader never sees a manifest naming a file not yet there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from shop_desk.catalog.files import (
    atomic_write_bytes,
    iter_gzip_lines,
    sha256_file,
    write_ndjson_gz,
)
from shop_desk.catalog.manifest import (
    FORMAT_MAJOR,
    FeedFile,
    Manifest,
    SupplierInfo,
    parse_manifest,
)
from shop_desk.catalog.records import OfferRecord, record_to_json
from shop_desk.errors import InputError
from shop_desk.i18n import tr

MANIFEST = "feed.json"
MAX_PUBLISHED_FILE = 4 << 30


@dataclass
class PublishResult:
    sequence: int
    upserts: int
    deletes: int
    snapshot_written: bool
    pruned: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.upserts or self.deletes)


def load_published(out_dir: Path) -> tuple[Manifest | None, dict[str, str]]:
    """The manifest and the catalog as of its sequence: {sku: canonical record JSON}."""
    path = out_dir / MANIFEST
    if not path.exists():
        return None, {}
    manifest = parse_manifest(path.read_bytes())
    catalog: dict[str, str] = {}
    if manifest.snapshot is not None:
        _apply_file(out_dir, manifest.snapshot, catalog)
        base = manifest.snapshot.sequence
    else:
        base = 0
    for change in manifest.changes:
        if change.sequence > base:
            _apply_file(out_dir, change, catalog)
    return manifest, catalog


def _apply_file(out_dir: Path, feed_file: FeedFile, catalog: dict[str, str]) -> None:
    for _, line in iter_gzip_lines(out_dir / feed_file.path, MAX_PUBLISHED_FILE):
        if not line.strip():
            continue
        obj = json.loads(line)
        if obj.get("op") == "delete":
            catalog.pop(obj["sku"], None)
        else:
            catalog[obj["sku"]] = _canonical(obj)


def _canonical(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def publish(
    records: Iterable[OfferRecord],
    supplier: SupplierInfo,
    out_dir: Path,
    *,
    snapshot_every: int = 20,
    retention: int = 200,
    now: datetime | None = None,
) -> PublishResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    old_manifest, old = load_published(out_dir)
    new: dict[str, str] = {}
    for record in records:
        if record.sku in new:
            raise InputError(tr("SKU {sku} appears twice in the price list.", sku=record.sku))
        new[record.sku] = _canonical(record_to_json(record))
    upserts = [sku for sku in sorted(new) if old.get(sku) != new[sku]]
    deletes = [sku for sku in sorted(old) if sku not in new]
    sequence = old_manifest.sequence if old_manifest else 0
    same_supplier = old_manifest is not None and old_manifest.supplier == supplier
    if old_manifest is not None and not upserts and not deletes and same_supplier:
        return PublishResult(sequence, 0, 0, False, [])
    changes = list(old_manifest.changes) if old_manifest else []
    snapshot = old_manifest.snapshot if old_manifest else None
    snapshot_written = False
    if upserts or deletes or old_manifest is None:
        sequence += 1
        if old_manifest is not None:
            changes.append(_write_change(out_dir, sequence, upserts, deletes, new))
        if snapshot is None or sequence - snapshot.sequence >= snapshot_every:
            snapshot = _write_snapshot(out_dir, sequence, new)
            snapshot_written = True
    changes = [c for c in changes if c.sequence > sequence - retention]
    manifest = _manifest_json(supplier, sequence, snapshot, changes, now)
    atomic_write_bytes(out_dir / MANIFEST, manifest)
    # Files the previous manifest named stay one more round: a shop that read it a moment
    # ago may still be downloading them.
    keep = _paths(snapshot, changes) | (
        _paths(old_manifest.snapshot, old_manifest.changes) if old_manifest else set()
    )
    pruned = _prune(out_dir, keep)
    return PublishResult(sequence, len(upserts), len(deletes), snapshot_written, pruned)


def _write_change(out_dir: Path, sequence: int, upserts, deletes, new) -> FeedFile:
    rel = f"changes/{sequence}.ndjson.gz"
    objects = [json.loads(new[sku]) for sku in upserts]
    objects += [{"op": "delete", "sku": sku} for sku in deletes]
    count, size = write_ndjson_gz(out_dir / rel, objects)
    return FeedFile(sequence, rel, sha256_file(out_dir / rel), size, count)


def _write_snapshot(out_dir: Path, sequence: int, catalog: dict[str, str]) -> FeedFile:
    rel = f"snapshots/{sequence}.ndjson.gz"
    count, size = write_ndjson_gz(out_dir / rel, (json.loads(catalog[s]) for s in sorted(catalog)))
    return FeedFile(sequence, rel, sha256_file(out_dir / rel), size, count)


def _manifest_json(supplier, sequence, snapshot, changes, now) -> bytes:
    now = now or datetime.now(UTC)
    info = asdict(supplier)
    block = {
        "id": info["code"],
        "name": info["name"],
        "currency": info["currency"],
        "lead_time_days": info["lead_time_days"],
        "shipping": {"fee_fen": info["shipping_fee_fen"]},
        "member_tiers": info["member_tiers"],
    }
    if info["free_over_fen"] is not None:
        block["shipping"]["free_over_fen"] = info["free_over_fen"]
    mixed = {
        k: v
        for k, v in (
            ("min_amount_fen", info["mixed_min_amount_fen"]),
            ("min_units", info["mixed_min_units"]),
        )
        if v is not None
    }
    if mixed:
        block["mixed_batch"] = mixed
    if info["orders_url"]:
        block["orders_url"] = info["orders_url"]
    doc = {
        "format": FORMAT_MAJOR,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "supplier": block,
        "sequence": sequence,
        "snapshot": asdict(snapshot) if snapshot else None,
        "changes": [asdict(c) for c in changes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _paths(snapshot: FeedFile | None, changes: list[FeedFile]) -> set[str]:
    return {c.path for c in changes} | ({snapshot.path} if snapshot else set())


def _prune(out_dir: Path, keep: set[str]) -> list[str]:
    """Remove files no manifest names any more (after the new one replaced the old)."""
    removed = []
    for folder in ("changes", "snapshots"):
        for path in sorted((out_dir / folder).glob("*.ndjson.gz")):
            rel = f"{folder}/{path.name}"
            if rel not in keep:
                path.unlink()
                removed.append(rel)
    return removed
