"""The feed manifest (feed.json): parsing and validation.

A manifest that breaks the rules is refused whole, with a sentence for the owner; nothing
from that feed is applied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from shop_desk.errors import InputError
from shop_desk.i18n import tr

FORMAT_MAJOR = "shop-desk-catalog/1"
MAX_MANIFEST_BYTES = 4_000_000
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_.\-/]+$")


@dataclass
class MemberTier:
    name: str
    monthly_spend_fen: int
    discount_bp: int


@dataclass
class SupplierInfo:
    code: str
    name: str
    currency: str = "CNY"
    lead_time_days: int = 1
    shipping_fee_fen: int = 0
    free_over_fen: int | None = None
    member_tiers: list[MemberTier] = field(default_factory=list)
    mixed_min_amount_fen: int | None = None
    mixed_min_units: int | None = None
    orders_url: str | None = None


@dataclass
class FeedFile:
    sequence: int
    path: str
    sha256: str
    bytes: int
    records: int | None = None


@dataclass
class Manifest:
    supplier: SupplierInfo
    sequence: int
    snapshot: FeedFile | None
    changes: list[FeedFile]
    generated_at: str = ""

    def plan(self, checkpoint: int | None) -> tuple[list[FeedFile], bool]:
        """Files to apply after `checkpoint`, and whether the first is a snapshot."""
        if checkpoint is not None and checkpoint == self.sequence:
            return [], False
        if checkpoint is not None and checkpoint < self.sequence:
            wanted = range(checkpoint + 1, self.sequence + 1)
            by_seq = {c.sequence: c for c in self.changes}
            if all(s in by_seq for s in wanted):
                return [by_seq[s] for s in wanted], False
        if self.snapshot is None:
            raise InputError(
                tr("The feed has no snapshot and its changes do not reach this shop's copy.")
            )
        after = [c for c in self.changes if c.sequence > self.snapshot.sequence]
        return [self.snapshot, *after], True


def safe_relative_path(path: object) -> str:
    """Refuse absolute paths, '..', schemes and backslashes (CATALOG_FEED.md)."""
    if (
        not isinstance(path, str)
        or not path
        or path.startswith("/")
        or "\\" in path
        or ":" in path
        or not _SAFE_PATH.match(path)
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        raise InputError(tr("The feed names an unsafe file path: {path}", path=str(path)[:100]))
    return path


def _int(obj: dict, key: str, default: int | None = None, low: int = 0) -> int | None:
    value = obj.get(key, default)
    if value is None:
        return None
    if type(value) is not int or value < low:
        raise InputError(tr("The feed's {field} is not a valid number.", field=key))
    return value


def _file(obj: object) -> FeedFile:
    if not isinstance(obj, dict):
        raise InputError(tr("The feed's file list is malformed."))
    sha = obj.get("sha256")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise InputError(tr("The feed lists a file without a valid sha256."))
    return FeedFile(
        sequence=_int(obj, "sequence"),
        path=safe_relative_path(obj.get("path")),
        sha256=sha,
        bytes=_int(obj, "bytes"),
        records=_int(obj, "records"),
    )


def _supplier(obj: object) -> SupplierInfo:
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj["id"].strip():
        raise InputError(tr("The feed does not say which supplier it is from."))
    shipping = obj.get("shipping") or {}
    mixed = obj.get("mixed_batch") or {}
    if not isinstance(shipping, dict) or not isinstance(mixed, dict):
        raise InputError(tr("The feed's supplier block is malformed."))
    tiers = []
    for tier in obj.get("member_tiers") or []:
        if not isinstance(tier, dict):
            raise InputError(tr("The feed's supplier block is malformed."))
        discount = _int(tier, "discount_bp")
        if discount is None or discount > 10000:
            raise InputError(tr("The feed's {field} is not a valid number.", field="discount_bp"))
        tiers.append(
            MemberTier(str(tier.get("name", "")), _int(tier, "monthly_spend_fen"), discount)
        )
    tiers.sort(key=lambda t: t.monthly_spend_fen)
    orders_url = obj.get("orders_url")
    if orders_url is not None and not (
        isinstance(orders_url, str) and orders_url.startswith(("https://", "http://"))
    ):
        raise InputError(tr("The feed's orders_url is not a web address."))
    return SupplierInfo(
        code=obj["id"].strip()[:64],
        name=str(obj.get("name") or obj["id"])[:200],
        currency=str(obj.get("currency") or "CNY")[:8],
        lead_time_days=_int(obj, "lead_time_days", 1),
        shipping_fee_fen=_int(shipping, "fee_fen", 0),
        free_over_fen=_int(shipping, "free_over_fen"),
        member_tiers=tiers,
        mixed_min_amount_fen=_int(mixed, "min_amount_fen"),
        mixed_min_units=_int(mixed, "min_units"),
        orders_url=orders_url,
    )


def parse_manifest(raw: bytes) -> Manifest:
    if len(raw) > MAX_MANIFEST_BYTES:
        raise InputError(tr("The feed's manifest is too large."))
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(tr("The feed's manifest is not valid JSON.")) from None
    if not isinstance(obj, dict):
        raise InputError(tr("The feed's manifest is not valid JSON."))
    fmt = obj.get("format")
    if fmt != FORMAT_MAJOR and not (isinstance(fmt, str) and fmt.startswith(FORMAT_MAJOR + ".")):
        raise InputError(
            tr(
                "This feed uses format {format}, which this version of Shop Desk cannot read. "
                "Update Shop Desk.",
                format=str(fmt)[:50],
            )
        )
    sequence = _int(obj, "sequence")
    if sequence is None:
        raise InputError(tr("The feed's {field} is not a valid number.", field="sequence"))
    snapshot = _file(obj["snapshot"]) if obj.get("snapshot") else None
    changes = [_file(c) for c in obj.get("changes") or []]
    changes.sort(key=lambda c: c.sequence)
    _check_sequences(sequence, snapshot, changes)
    return Manifest(
        _supplier(obj.get("supplier")),
        sequence,
        snapshot,
        changes,
        str(obj.get("generated_at", "")),
    )


def _check_sequences(sequence: int, snapshot: FeedFile | None, changes: list[FeedFile]) -> None:
    seqs = [c.sequence for c in changes]
    contiguous = seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True
    if not contiguous or (seqs and seqs[-1] != sequence):
        raise InputError(tr("The feed's change list is not contiguous up to its sequence."))
    if snapshot is not None and snapshot.sequence > sequence:
        raise InputError(tr("The feed's snapshot is newer than its sequence."))
    if snapshot is None and not seqs:
        raise InputError(tr("The feed lists no files."))
