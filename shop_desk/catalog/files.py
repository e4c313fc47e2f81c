"""Reading and writing feed files: gzip NDJSON, with hashes, size limits and atomic writes."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr

CHUNK = 1 << 16
BLOCK = 1 << 20  # decompressed bytes a parser takes at a time


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary name beside the target, flush to disk, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_ndjson_gz(path: Path, objects: Iterable[dict]) -> tuple[int, int]:
    """Write objects as gzip NDJSON atomically. Returns (records, compressed bytes).

    mtime=0 keeps the bytes (and so the hash) the same for the same content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz:
                for obj in objects:
                    gz.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())
                    gz.write(b"\n")
                    count += 1
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count, path.stat().st_size


def iter_gzip_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) from a gzip file, refusing more than max_bytes decompressed
    (a decompression bomb), a truncated stream or bytes that are not gzip."""
    for first, block in iter_gzip_blocks(path, max_bytes):
        for offset, line in enumerate(block.split(b"\n")):
            yield first + offset, line


def iter_gzip_blocks(
    path: Path, max_bytes: int, block_bytes: int = BLOCK
) -> Iterator[tuple[int, bytes]]:
    """(number of its first line, block of whole lines without the last newline), blocks of
    about block_bytes, with the checks of iter_gzip_lines: a parser takes a block at a time."""
    try:
        yield from _gzip_blocks(path, max_bytes, block_bytes)
    except zlib.error:
        raise InputError(tr("A feed file is truncated or not gzip (refused).")) from None


def _gzip_blocks(path: Path, max_bytes: int, block_bytes: int) -> Iterator[tuple[int, bytes]]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced = 0
    pending = bytearray()
    line_no = 1
    with path.open("rb") as handle:
        while True:
            block = handle.read(CHUNK)
            if not block:
                break
            data = inflater.decompress(block, CHUNK * 16)
            while True:
                produced += len(data)
                if produced > max_bytes:
                    raise InputError(tr("A feed file unpacks to more than it should (refused)."))
                pending += data
                if len(pending) >= block_bytes:
                    cut = pending.rfind(b"\n")
                    if cut >= 0:
                        whole = bytes(pending[:cut])
                        del pending[: cut + 1]
                        yield line_no, whole
                        line_no += whole.count(b"\n") + 1
                if not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, CHUNK * 16)
            if inflater.eof and inflater.unused_data:
                raise InputError(tr("A feed file has data after its end (refused)."))
    if not inflater.eof:
        raise InputError(tr("A feed file is truncated or not gzip (refused)."))
    pending += inflater.flush()
    if pending.endswith(b"\n"):
        del pending[-1:]
    if pending.strip():
        yield line_no, bytes(pending)
