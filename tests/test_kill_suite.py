"""kill -9 at random moments across four write loops: checkout, receiving, product import and
catalog sync. Each loop runs in a child process (tests/helpers/kill_jobs.py) on a shop whose
data folder path holds Chinese characters, and is killed every 0.2-0.5 s (a sync, which
commits several times, every 0.2-0.8 s); on POSIX the
children are forked from a server that has imported everything, so 52 kills per loop (208 in
all) take about a minute and a half. Afterwards:

- every acknowledged write (the child prints it after its commit) is in the database;
- nothing is half written: each sale has all its lines and moves, each delivery all its
  lines, each import file all its rows at one version of the prices, the catalog copy is
  exactly one published sequence;
- `shop-desk check` (the real command, SHOP_DESK_HOME set to the Chinese folder) is clean.

SHOP_DESK_KILLS_PER_LOOP changes the count. Windows has no fork: there each child is a new
process killed with TerminateProcess (Popen.kill), after its start-up, 8 times per loop.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.engine import Database, open_database
from shop_desk.db.models import CatalogSource, Product, Sale, SaleLine, StockMove
from shop_desk.importing.products_import import apply_products, preview_products
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers

pytestmark = pytest.mark.slow

FORK = hasattr(os, "fork")
KILLS = int(os.environ.get("SHOP_DESK_KILLS_PER_LOOP", "52" if FORK else "8"))
DELAY_S = {"sync": (0.2, 0.8)}  # a sync commits several times (each synced to disk)
DEFAULT_DELAY_S = (0.2, 0.5)
REPO = Path(__file__).resolve().parent.parent
HELPER = REPO / "tests" / "helpers" / "kill_jobs.py"
NAMES = [
    "可口可乐 330ml",
    "康师傅红烧牛肉面",
    "农夫山泉 550ml",
    "乐事薯片 原味",
    "旺仔牛奶",
    "绿箭口香糖",
]
TOTAL_KILLS: Counter[str] = Counter()
ACKNOWLEDGED: Counter[str] = Counter()


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"}


class Killer:
    """Starts a loop, lets it run for `delay` seconds, kills it with SIGKILL (or
    TerminateProcess) and says whether it died of that, not of an error of its own."""

    def __init__(self) -> None:
        self.server = None
        if FORK:
            self.server = subprocess.Popen(
                [sys.executable, str(HELPER), "serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                cwd=REPO,
                env=_env(),
            )
            assert self.server.stdout.readline() == "ready\n"

    def round(self, job: str, folder: Path, seed: int, acks: Path, extra: str, delay: float):
        if self.server is None:
            return self._spawned(job, folder, seed, acks, extra, delay)
        self.server.stdin.write(f"{job}\t{folder}\t{seed}\t{acks}\t{extra}\n")
        self.server.stdin.flush()
        words = self.server.stdout.readline().split()
        assert words[0] == "pid", words
        wait_until_open(acks)
        time.sleep(delay)
        os.kill(int(words[1]), signal.SIGKILL)
        words = self.server.stdout.readline().split()
        assert words[0] == "exit", words
        status = int(words[2])
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert killed, (
            f"the {job} loop ended by itself:\n{_read(acks.with_name(acks.name + '.err'))}"
        )

    def _spawned(self, job, folder, seed, acks, extra, delay) -> None:
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), "run", job, str(folder), str(seed), str(acks), extra],
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=_env(),
        )
        wait_until_open(acks)
        time.sleep(delay)
        proc.kill()
        _, err = proc.communicate()
        assert proc.returncode != 0, err.decode(errors="replace")[-3000:]

    def close(self) -> None:
        if self.server is not None:
            self.server.stdin.close()
            self.server.wait(timeout=30)


@pytest.fixture(scope="module", autouse=True)
def _report_kills(pytestconfig):
    """Print how many kills the suite made, past pytest's capture (the CI log keeps it)."""
    yield
    if not TOTAL_KILLS:
        return
    counts = {
        "kills": dict(TOTAL_KILLS),
        "total_kills": sum(TOTAL_KILLS.values()),
        "acknowledged_writes": dict(ACKNOWLEDGED),
    }
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + json.dumps(counts), flush=True)


@pytest.fixture
def killer():
    k = Killer()
    yield k
    k.close()


def wait_until_open(acks: Path, timeout_s: float = 60) -> None:
    """The child opened its database: the kill delay counts from here (a loaded machine can
    take longer to start a child than the delay itself)."""
    deadline = time.monotonic() + timeout_s
    while not _read(acks) and time.monotonic() < deadline:
        time.sleep(0.005)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def acknowledged(acks: Path) -> list[list[str]]:
    """The complete lines (a line cut by the kill has no newline: not acknowledged)."""
    return [line.split() for line in _read(acks).split("\n")[:-1]]


@pytest.fixture
def shop(tmp_path) -> Path:
    folder = tmp_path / "店铺数据" / "张三的店"
    db = open_database(folder=folder)
    with db.session() as s:
        for i, name in enumerate(NAMES * 2):
            product = make_product(s, name=f"{name} {i}", price=250 + 40 * i)
            receive_stock(s, product.id, 30, 30 * (150 + 20 * i))
    db.dispose()
    return folder


def kill_loop(
    killer, job: str, folder: Path, tmp_path: Path, extra: str = "", between=None, min_acks=1
):
    """KILLS rounds at random delays; then, if fewer than min_acks writes were acknowledged
    (a slow machine commits less between kills), more rounds with longer delays, so the
    test never passes on kills alone. Returns every acknowledged line, in order."""
    rng = random.Random(f"{job}-20261127")
    acks_dir = tmp_path / "acks"
    acks_dir.mkdir(exist_ok=True)
    low, high = DELAY_S.get(job, DEFAULT_DELAY_S)
    writes = 0
    for round_ in range(KILLS + 40):
        if round_ >= KILLS:
            if writes >= min_acks:
                break
            low, high = low * 1.2, high * 1.2
        acks = acks_dir / f"{job}-{round_:03d}.txt"
        killer.round(job, folder, round_, acks, extra, rng.uniform(low, high))
        TOTAL_KILLS[job] += 1
        lines = acknowledged(acks)
        writes += sum(1 for words in lines if words[0] not in ("o", "a"))
        if between is not None:
            between(round_, lines)
    lines = [
        words
        for path in sorted(acks_dir.glob(f"{job}-*.txt"))
        for words in acknowledged(path)
        if words[0] != "o"
    ]
    ACKNOWLEDGED[job] += sum(1 for words in lines if words[0] != "a")  # "a": an attempt
    assert ACKNOWLEDGED[job] >= min_acks, f"only {ACKNOWLEDGED[job]} writes acknowledged"
    return lines


def cli_check_is_clean(folder: Path) -> None:
    env = {**_env(), "SHOP_DESK_HOME": str(folder), "SHOP_DESK_LANGUAGE": "en"}
    env.pop("SHOP_DESK_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "shop_desk", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Database integrity: ok" in done.stdout and "0 differences found" in done.stdout


def _still_sells(db: Database) -> None:
    with db.session() as s:
        cart = Cart()
        cart.add(s.scalars(select(Product).order_by(Product.id)).first(), 1)
        sale_id = checkout(s, cart).sale_id
    with db.read() as s:
        assert s.get(Sale, sale_id) is not None


# --- checkout ----------------------------------------------------------------------------


def test_kill_9_during_checkouts(killer, shop, tmp_path):
    acks = kill_loop(killer, "checkout", shop, tmp_path, min_acks=KILLS)
    sales = [int(words[1]) for words in acks if words[0] == "s"]
    receipts = [words[1] for words in acks if words[0] == "r"]
    db = open_database(folder=shop)
    with db.read() as s:
        stored = {sale.id: sale for sale in s.scalars(select(Sale))}
        assert set(sales) <= set(stored), "an acknowledged sale is missing"
        references = set(s.scalars(select(StockMove.reference).where(StockMove.kind == "receipt")))
        assert set(receipts) <= references, "an acknowledged receipt is missing"
        _every_sale_is_whole(s, stored)
        report = check_database(s)
        assert report.ok, (report.integrity, report.problems[:5])
    _still_sells(db)
    db.dispose()
    cli_check_is_clean(shop)


def _every_sale_is_whole(s, stored: dict) -> None:
    lines_by_sale = Counter(s.scalars(select(SaleLine.sale_id)))
    moves = s.execute(
        select(StockMove.reference, StockMove.product_id, StockMove.qty).where(
            StockMove.kind == "sale"
        )
    ).all()
    moves_by_sale = Counter(int(ref.removeprefix("sale:")) for ref, _, _ in moves)
    assert set(moves_by_sale) <= set(stored), "moves of a sale that does not exist"
    sold_by_sale = defaultdict(set)
    for ref, pid, qty in moves:
        sold_by_sale[int(ref.removeprefix("sale:"))].add((pid, -qty))
    for sale_id, sale in stored.items():
        lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id)).all()
        assert lines, f"sale {sale_id} has no lines"
        assert lines_by_sale[sale_id] == moves_by_sale[sale_id], f"half sale {sale_id}"
        assert sale.total_fen == sum(line.line_total_fen for line in lines)
        assert sale.change_fen == sale.paid_fen - sale.total_fen
        assert sold_by_sale[sale_id] == {(line.product_id, line.qty) for line in lines}


# --- receiving -----------------------------------------------------------------------------


def test_kill_9_during_deliveries_and_write_offs(killer, shop, tmp_path):
    acks = kill_loop(killer, "receiving", shop, tmp_path, min_acks=KILLS)
    deliveries = {words[1]: int(words[2]) for words in acks if words[0] == "d"}
    waste = [words[1] for words in acks if words[0] == "w"]
    db = open_database(folder=shop)
    with db.read() as s:
        lines = Counter(
            s.scalars(
                select(StockMove.reference).where(
                    StockMove.kind == "receipt", StockMove.reference.like("kill-delivery:%")
                )
            )
        )
        for reference, count in lines.items():  # no half delivery, acknowledged or not
            assert count == int(reference.rsplit(":", 1)[1]), f"half delivery {reference}"
        for reference, count in deliveries.items():
            assert lines[reference] == count, f"acknowledged delivery {reference} is missing"
        notes = set(s.scalars(select(StockMove.note).where(StockMove.kind == "waste")))
        assert set(waste) <= notes, "an acknowledged write-off is missing"
        report = check_database(s)  # lots: the sum of open lots equals max(on hand, 0)
        assert report.ok, (report.integrity, report.problems[:5])
    _still_sells(db)
    db.dispose()
    cli_check_is_clean(shop)


# --- product import --------------------------------------------------------------------------

BATCHES, VERSIONS = 3, 3
ROWS = {0: 60, 1: 60, 2: 15}  # batches 0 and 1 exist before the kills; 2 is created under them


def _price(batch: int, version: int, row: int) -> int:
    return 1000 + 100 * batch + 7 * version + row


def _import_files(folder: Path) -> None:
    folder.mkdir()
    for batch in range(BATCHES):
        for version in range(VERSIONS):
            path = folder / f"批次{batch}-v{version}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["商品名称", "自编码", "售价"])
                for row in range(ROWS[batch]):
                    price = _price(batch, version, row)
                    writer.writerow([f"导入商品 {batch}-{row}", f"K{batch}{row:04d}", price / 100])


def _batch_versions(db: Database) -> dict[int, int | None]:
    """Which version of its prices each batch holds now (None: not imported); asserts the
    batch is whole and at one version."""
    found: dict[int, int | None] = {}
    with db.read() as s:
        rows = s.execute(select(Product.short_code, Product.retail_price_fen)).all()
    by_batch: dict[int, dict[int, int]] = defaultdict(dict)
    for code, price in rows:
        if code and code.startswith("K"):
            by_batch[int(code[1])][int(code[2:])] = price
    for batch in range(BATCHES):
        prices = by_batch.get(batch, {})
        if not prices:
            found[batch] = None
            continue
        rows = ROWS[batch]
        assert len(prices) == rows, f"batch {batch} is half imported ({len(prices)} rows)"
        versions = [
            v for v in range(VERSIONS) if all(prices[r] == _price(batch, v, r) for r in range(rows))
        ]
        assert len(versions) == 1, f"batch {batch} mixes versions of its prices"
        found[batch] = versions[0]
    return found


def _file_version(name: str) -> tuple[int, int]:
    found = re.fullmatch(r"批次(\d+)-v(\d+)\.csv", name)
    return int(found.group(1)), int(found.group(2))


def test_kill_9_during_product_imports(killer, shop, tmp_path):
    files = tmp_path / "导入文件"
    _import_files(files)
    db = open_database(folder=shop)
    for batch in (0, 1):  # creating 60 products takes longer than a kill interval
        with db.session() as s:
            apply_products(s, preview_products(files / f"批次{batch}-v0.csv", session=s))
    expected: dict[int, int | None] = {0: 0, 1: 0, 2: None}

    def after_round(_round: int, acks: list[list[str]]) -> None:
        # Each batch holds its last acknowledged version, or the version whose import was
        # under way at the kill ("a" without its "i"), had it committed just before.
        in_flight = None
        for words in acks:
            if words[0] not in ("a", "i"):
                continue
            batch, version = _file_version(words[1])
            if words[0] == "i":
                expected[batch], in_flight = version, None
            else:
                in_flight = (batch, version)
        for batch, version in _batch_versions(db).items():
            if in_flight is not None and (batch, version) == in_flight:
                expected[batch] = version  # committed, not yet acknowledged
            assert version == expected[batch], f"batch {batch}: {version} != {expected[batch]}"

    kill_loop(
        killer, "import", shop, tmp_path, extra=str(files), between=after_round, min_acks=KILLS // 4
    )
    with db.read() as s:
        report = check_database(s)
        assert report.ok, (report.integrity, report.problems[:5])
    db.dispose()
    cli_check_is_clean(shop)


# --- catalog sync ----------------------------------------------------------------------------

OFFERS = 2500


def test_kill_9_during_catalog_syncs(killer, shop, tmp_path):
    feed = tmp_path / "feed"
    rng = random.Random(3)
    catalog = {f"S{i:05d}": 1000 + i for i in range(OFFERS)}
    published: dict[int, dict[str, int]] = {}

    def publish_next() -> None:
        changed = rng.sample(sorted(catalog), OFFERS if rng.random() < 0.1 else 20)
        for sku in changed:
            catalog[sku] -= rng.randint(1, 9)
        result = publish(
            [
                OfferRecord(sku=k, name=f"商品 {k}", pack_size=12, tiers=((1, v),))
                for k, v in catalog.items()
            ],
            SupplierInfo(code="gz", name="广州批发"),
            feed,
            snapshot_every=10,
        )
        published[result.sequence] = dict(catalog)

    publish_next()
    db = open_database(folder=shop)
    source_id = add_folder_source(db, feed, "广州批发")
    run_job(sync_source(db, source_id, work_dir=tmp_path / "dl"))  # the first full copy
    floor = {"sequence": 1}  # what an acknowledged sync guarantees

    def after_round(_round: int, acks: list[list[str]]) -> None:
        with db.read() as s:
            sequence = s.get(CatalogSource, source_id).sequence
            rows = dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all())
        acked = [int(words[1]) for words in acks if words[0] == "synced"]
        if acked:
            floor["sequence"] = max(acked)
        assert (sequence or 0) >= floor["sequence"], "an acknowledged sync was lost"
        assert rows == (published[sequence] if sequence else {}), f"not whole at {sequence}"
        if rng.random() < 0.1:  # start from the snapshot again next time (a bigger job)
            with db.session() as s:
                s.get(CatalogSource, source_id).sequence = None
                s.get(CatalogSource, source_id).etag = None
            floor["sequence"] = 0
        if rng.random() < 0.7:
            publish_next()

    kill_loop(
        killer,
        "sync",
        shop,
        tmp_path,
        extra=str(source_id),
        between=after_round,
        min_acks=KILLS // 6,
    )
    with db.read() as s:
        assert check_database(s).integrity == "ok"
        assert s.scalar(select(func.count()).select_from(text("current_offers"))) in (0, OFFERS)
    assert_index_matches_offers(db)
    db.dispose()
    cli_check_is_clean(shop)
