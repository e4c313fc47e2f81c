"""The feed client against a real HTTP server on 127.0.0.1 with injected faults."""

import time

import pytest
from sqlalchemy import text

from shop_desk.catalog import http_transport
from shop_desk.catalog.http_transport import HttpTransport
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.models import CatalogSource
from shop_desk.errors import InputError
from shop_desk.progress import run_job
from tests.feed_server import FeedServer

SUPPLIER = SupplierInfo(code="gz", name="广州饮料批发")


def rec(sku, price=5400):
    return OfferRecord(sku=sku, name=f"可乐{sku}", pack_size=24, tiers=((1, price),))


@pytest.fixture
def server(tmp_path):
    srv = FeedServer(tmp_path / "feed")
    yield srv
    srv.close()


@pytest.fixture
def source_id(sqlite_db, server):
    with sqlite_db.session() as s:
        source = CatalogSource(kind="http", name="广州", location=server.url)
        s.add(source)
        s.flush()
        return source.id


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    http_transport._sessions.clear()
    monkeypatch.setattr(http_transport, "MAX_RETRY_AFTER", 2.0)
    yield
    http_transport._sessions.clear()


def sync(db, source_id, **kw):
    return run_job(sync_source(db, source_id, **kw))


def current(db):
    with db.session(write=False) as s:
        return dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all())


def test_sync_then_304(sqlite_db, server, source_id):
    publish([rec("A1"), rec("A2")], SUPPLIER, server.root)
    assert sync(sqlite_db, source_id).to_sequence == 1
    assert current(sqlite_db) == {"A1": 5400, "A2": 5400}
    server.faults.requests.clear()
    started = time.perf_counter()
    assert sync(sqlite_db, source_id).status == "unchanged"
    assert time.perf_counter() - started < 1.0
    ((path, headers),) = server.faults.requests
    assert path == "feed.json" and "if-none-match" in headers
    file_requests = [h for p, h in server.faults.requests if p.endswith(".gz")]
    assert all(h.get("accept-encoding") == "identity" for h in file_requests)


def test_a_token_protected_feed_takes_the_quick_304_path_too(sqlite_db, server, source_id):
    server.faults.token = "secret"
    http_transport.set_token(source_id, "secret")
    publish([rec("A1")], SUPPLIER, server.root)
    assert sync(sqlite_db, source_id).to_sequence == 1
    server.faults.requests.clear()
    assert sync(sqlite_db, source_id).status == "unchanged"
    # Asked without the token first (an open feed never reads the keyring), then with it;
    # both by the standard library's client (requests would add "Accept: */*").
    ((first, plain), (second, signed)) = server.faults.requests
    assert first == second == "feed.json"
    assert "authorization" not in plain and signed["authorization"] == "Bearer secret"
    assert "accept" not in signed and "if-none-match" in signed


def test_token_is_sent_and_a_wrong_one_is_named(sqlite_db, server, source_id, monkeypatch):
    publish([rec("A1")], SUPPLIER, server.root)
    server.faults.token = "secret"
    with pytest.raises(InputError, match="token is wrong or missing"):
        sync(sqlite_db, source_id)
    http_transport.set_token(source_id, "secret")
    assert http_transport.token_for(source_id) == "secret"
    assert sync(sqlite_db, source_id).to_sequence == 1
    assert server.faults.requests[-1][1]["authorization"] == "Bearer secret"
    with sqlite_db.session(write=False) as s:
        assert "secret" not in str(s.execute(text("SELECT * FROM catalog_sources")).all())


def test_a_full_sync_reads_the_token_only_when_the_feed_asks(
    sqlite_db, server, source_id, monkeypatch
):
    read, real = [], http_transport.token_for
    monkeypatch.setattr(http_transport, "token_for", lambda sid: read.append(sid) or real(sid))
    publish([rec("A1")], SUPPLIER, server.root)
    assert sync(sqlite_db, source_id).to_sequence == 1
    assert read == []  # an open feed: the keyring is never asked
    server.faults.token = "secret"
    http_transport.set_token(source_id, "secret")
    publish([rec("A1"), rec("A2")], SUPPLIER, server.root)
    server.faults.requests.clear()
    assert sync(sqlite_db, source_id).to_sequence == 2
    assert read == [source_id]  # once, when the feed first refused
    # The full client's requests (requests adds "Accept"; the quick check's have none): the
    # manifest asked without the token, then with it, and every file with it.
    (first, plain), *signed = [(p, h) for p, h in server.faults.requests if "accept" in h]
    assert first == "feed.json" and "authorization" not in plain
    assert signed[0][0] == "feed.json" and any(p.endswith(".gz") for p, _ in signed)
    assert all(h["authorization"] == "Bearer secret" for _, h in signed)


def test_404_says_the_url_is_wrong(sqlite_db, server, source_id):
    with pytest.raises(InputError, match="404"):
        sync(sqlite_db, source_id)
    with sqlite_db.session(write=False) as s:
        assert "404" in s.get(CatalogSource, source_id).last_error


def test_429_with_retry_after_is_honoured(sqlite_db, server, source_id):
    publish([rec("A1")], SUPPLIER, server.root)
    server.faults.statuses["feed.json"] = [429]
    server.faults.retry_after = "1"
    started = time.perf_counter()
    assert sync(sqlite_db, source_id).to_sequence == 1
    assert time.perf_counter() - started >= 0.9


def test_503_that_never_ends_gives_up_with_a_message(sqlite_db, server, source_id):
    publish([rec("A1")], SUPPLIER, server.root)
    server.faults.statuses["feed.json"] = [503] * 10
    server.faults.retry_after = "0"
    with pytest.raises(InputError, match="busy or failing"):
        sync(sqlite_db, source_id)
    assert current(sqlite_db) == {}


def test_connection_reset_mid_file_resumes_with_range(sqlite_db, server, source_id):
    publish([rec(f"A{i}") for i in range(20000)], SUPPLIER, server.root)
    snapshot = next((server.root / "snapshots").iterdir())
    assert snapshot.stat().st_size > 100_000
    server.faults.reset_after[f"snapshots/{snapshot.name}"] = 70_000
    assert sync(sqlite_db, source_id).upserts == 20000
    ranges = [h.get("range") for p, h in server.faults.requests if p.endswith(snapshot.name)]
    assert len(ranges) == 2 and ranges[0] is None
    start = int(ranges[1].removeprefix("bytes=").rstrip("-"))
    assert 40_000 <= start <= 70_000  # resumed near where it broke, not from zero


def test_server_that_never_answers_times_out(sqlite_db, server, source_id):
    server.faults.hang.add("feed.json")
    transport = HttpTransport(server.url, timeout=(1.0, 0.5))
    started = time.perf_counter()
    with pytest.raises(InputError, match="did not answer in time"):
        sync(sqlite_db, source_id, transport=transport)
    assert time.perf_counter() - started < 10


def test_token_not_sent_along_a_redirect_to_another_host(sqlite_db, server, tmp_path):
    other = FeedServer(tmp_path / "other")
    try:
        publish([rec("A1")], SUPPLIER, other.root)
        server.faults.redirect["feed.json"] = other.url.replace("127.0.0.1", "localhost") + (
            "feed.json"
        )
        transport = HttpTransport(server.url, token="secret")
        raw, _ = transport.get_manifest(None)
        assert b"shop-desk-catalog/1" in raw
        assert server.faults.requests[0][1]["authorization"] == "Bearer secret"
        assert "authorization" not in other.faults.requests[0][1]
    finally:
        other.close()


def test_refuses_a_non_web_address():
    with pytest.raises(InputError, match="https://"):
        HttpTransport("ftp://example.invalid/feed")
