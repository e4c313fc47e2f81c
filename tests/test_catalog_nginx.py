"""A published feed served by a real nginx: its own ETag, 304 and Range behaviour."""

import pytest
import requests
from sqlalchemy import text

from shop_desk.catalog import http_transport
from shop_desk.catalog.manifest import SupplierInfo, parse_manifest
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.engine import open_database
from shop_desk.db.models import CatalogSource
from shop_desk.progress import run_job
from tests.nginx_server import NGINX, Nginx

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (.ci/run installs it)"
)


@pytest.fixture
def nginx(tmp_path):
    feed = tmp_path / "feed"
    publish(
        [
            OfferRecord(sku=f"S{i:05d}", name=f"可口可乐 {i}", pack_size=24, tiers=((1, 5000 + i),))
            for i in range(20000)
        ],
        SupplierInfo(code="gz", name="广州"),
        feed,
    )
    server = Nginx(feed, tmp_path / "nginx")
    http_transport._sessions.clear()
    yield server
    server.stop()


def _source(db, url):
    with db.session() as s:
        source = CatalogSource(kind="http", name="nginx", location=url)
        s.add(source)
        s.flush()
        return source.id


def test_full_sync_then_304(nginx, tmp_path):
    db = open_database(folder=tmp_path / "shop")
    source_id = _source(db, nginx.url)
    outcome = run_job(sync_source(db, source_id, work_dir=tmp_path / "dl"))
    assert outcome.upserts == 20000
    assert run_job(sync_source(db, source_id, work_dir=tmp_path / "dl")).status == "unchanged"
    statuses = [(uri, status) for uri, status, _ in nginx.log()]
    assert statuses[-1] == ("/feed.json", "304")
    with db.session(write=False) as s:
        assert s.scalar(text("SELECT count(*) FROM current_offers")) == 20000
        assert s.get(CatalogSource, source_id).etag.startswith('"')


def test_a_broken_off_download_resumes_with_range(nginx, tmp_path):
    manifest = parse_manifest((nginx.root / "feed.json").read_bytes())
    snap = manifest.snapshot
    head = requests.head(nginx.url + snap.path, timeout=5)
    downloads = tmp_path / "dl"
    downloads.mkdir()
    part = downloads / f"{snap.sha256}.part"
    half = snap.bytes // 2
    part.write_bytes((nginx.root / snap.path).read_bytes()[:half])
    (downloads / f"{snap.sha256}.part.etag").write_text(head.headers["ETag"], encoding="ascii")
    db = open_database(folder=tmp_path / "shop")
    source_id = _source(db, nginx.url)
    assert run_job(sync_source(db, source_id, work_dir=downloads)).upserts == 20000
    snapshot_requests = [(s, r) for uri, s, r in nginx.log() if uri.endswith(snap.path)]
    assert snapshot_requests[-1] == ("206", f"bytes={half}-")
    assert not part.exists()


def test_a_stale_partial_is_fetched_whole_when_the_etag_changed(nginx, tmp_path):
    manifest = parse_manifest((nginx.root / "feed.json").read_bytes())
    snap = manifest.snapshot
    downloads = tmp_path / "dl"
    downloads.mkdir()
    (downloads / f"{snap.sha256}.part").write_bytes(b"garbage from another file")
    (downloads / f"{snap.sha256}.part.etag").write_text('"not-the-etag"', encoding="ascii")
    db = open_database(folder=tmp_path / "shop")
    source_id = _source(db, nginx.url)
    assert run_job(sync_source(db, source_id, work_dir=downloads)).upserts == 20000
    snapshot_requests = [s for uri, s, _ in nginx.log() if uri.endswith(snap.path)]
    assert snapshot_requests[-1] == "200"
