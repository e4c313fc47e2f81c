"""Submitting orders to a real order service on 127.0.0.1 that counts the orders it creates:
retries after a lost answer or a 503 never create a second order; refusals in
problem+json reach the owner as a sentence; the token goes along; the status is read back."""

from __future__ import annotations

import time

import pytest

from shop_desk import i18n
from shop_desk.catalog.http_transport import set_token
from shop_desk.db.models import CatalogSource, OrderStatus
from shop_desk.errors import InputError
from shop_desk.purchasing.orders import DraftLine, create_drafts, get_order, mark_sent
from shop_desk.purchasing.submit import (
    SubmitError,
    refresh_status,
    retry_after_seconds,
    submit_order,
)
from shop_desk.settings import ShopSettings, save_settings
from tests.orders_server import OrderServer
from tests.purchasing_shop import build_shop

FAST = {"backoff": 0.01}


@pytest.fixture
def server():
    srv = OrderServer()
    yield srv
    srv.close()


@pytest.fixture
def shop(sqlite_db, tmp_path, server):
    shop = build_shop(sqlite_db, tmp_path / "feeds", orders_url=server.url)
    with sqlite_db.session() as s:
        save_settings(
            s, ShopSettings(shop_name="张三便利店", shop_phone="020-1234", shop_address="广州")
        )
    return shop


def _draft(shop) -> int:
    with shop.db.session() as s:
        lines = [
            DraftLine(shop.drinks, "A1", shop.cola, 5),
            DraftLine(shop.drinks, "M1", shop.milk, 2),
        ]
        return create_drafts(s, lines)[0].id


def test_submit_sends_the_documented_body_and_marks_the_order_sent(shop, server):
    order_id = _draft(shop)
    order, answer = submit_order(shop.db, order_id, **FAST)
    assert (order.status, order.remote_order_id, order.remote_status) == (
        OrderStatus.SENT,
        "S0001",
        "accepted",
    )
    assert answer.total_fen == 32700
    (post,) = server.posts
    assert post["headers"]["Idempotency-Key"] == order.uuid
    assert "Authorization" not in post["headers"]  # this source has no token
    assert post["body"] == {
        "order_ref": f"PO-{order_id:05d}",
        "buyer": {"name": "张三便利店", "phone": "020-1234", "address": "广州"},
        "lines": [
            {"sku": "A1", "packs": 5, "unit_price_fen": 5100},
            {"sku": "M1", "packs": 2, "unit_price_fen": 3600},
        ],
        "note": "",
    }
    with shop.db.read() as s:
        assert get_order(s, order_id).sent_at is not None


def test_a_lost_answer_is_retried_without_a_second_order(shop, server):
    server.faults.drop_after_create = 2  # created, then the connection is reset, twice
    order_id = _draft(shop)
    order, _ = submit_order(shop.db, order_id, **FAST)
    assert len(server.posts) == 3 and len(server.orders) == 1
    assert {p["headers"]["Idempotency-Key"] for p in server.posts} == {order.uuid}
    assert order.remote_order_id == "S0001"


def test_a_crash_after_the_post_then_submitting_again_orders_once(shop, server):
    """Every attempt lost its answer: the order stays a draft here, yet exists there; the
    owner submits again later and gets the same order back."""
    server.faults.drop_after_create = 10
    order_id = _draft(shop)
    with pytest.raises(SubmitError, match="submitting it again is safe"):
        submit_order(shop.db, order_id, attempts=2, backoff=0.01)
    with shop.db.read() as s:
        assert get_order(s, order_id).status == OrderStatus.DRAFT
    server.faults.drop_after_create = 0
    order, _ = submit_order(shop.db, order_id, **FAST)
    assert len(server.orders) == 1 and order.remote_order_id == "S0001"
    # pressing Submit once more only asks for the status
    server.orders["S0001"]["status"] = "shipped"
    order, _ = submit_order(shop.db, order_id, **FAST)
    assert order.remote_status == "shipped" and len(server.posts) == 3


def test_503_with_retry_after_is_honoured(shop, server):
    server.faults.busy = [503, 503]
    server.faults.retry_after = "1"
    order_id = _draft(shop)
    started = time.monotonic()
    order, _ = submit_order(shop.db, order_id, **FAST)
    assert time.monotonic() - started >= 2.0  # waited as asked, twice
    assert len(server.orders) == 1 and order.status == OrderStatus.SENT
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds(None) is None


def test_a_long_retry_after_gives_up_at_once_and_says_busy(shop, server):
    server.faults.busy = [503]
    server.faults.retry_after = "3600"
    order_id = _draft(shop)
    with pytest.raises(SubmitError, match="busy"):
        submit_order(shop.db, order_id, **FAST)
    assert len(server.posts) == 1 and server.orders == {}


def test_problem_json_is_shown_to_the_owner_in_chinese_and_nothing_changes(shop, server):
    server.faults.problem = (422, "SKU 缺货", "M1 暂时无货，请减少数量")
    order_id = _draft(shop)
    with pytest.raises(SubmitError) as english:
        submit_order(shop.db, order_id, **FAST)
    assert str(english.value) == (
        "The supplier did not accept the order (422): SKU 缺货: M1 暂时无货，请减少数量. "
        "Nothing was ordered; correct the order and submit it again."
    )
    i18n.set_language("zh_CN")
    with pytest.raises(SubmitError) as chinese:
        submit_order(shop.db, order_id, **FAST)
    assert "供应商没有接受这张订单（422）" in str(chinese.value)
    assert "M1 暂时无货" in str(chinese.value)
    assert len(server.posts) == 2  # a 422 is not retried
    with shop.db.read() as s:
        order = get_order(s, order_id)
        assert order.status == OrderStatus.DRAFT and order.remote_order_id is None


def test_the_feed_token_goes_to_the_order_service(shop, server):
    server.faults.token = "s3cret"
    order_id = _draft(shop)
    with pytest.raises(SubmitError, match="token is wrong or missing"):
        submit_order(shop.db, order_id, **FAST)
    with shop.db.session() as s:  # the drinks feed becomes a web source with a token
        source = s.get(CatalogSource, shop.drinks_source)
        source.kind = "http"
    set_token(shop.drinks_source, "s3cret")
    order, _ = submit_order(shop.db, order_id, **FAST)
    assert server.posts[-1]["headers"]["Authorization"] == "Bearer s3cret"
    server.orders[order.remote_order_id]["status"] = "packed"
    order, _ = refresh_status(shop.db, order_id)
    assert order.remote_status == "packed"


def test_only_drafts_of_suppliers_with_an_order_service_are_submitted(shop, server):
    with shop.db.session() as s:
        snacks = create_drafts(s, [DraftLine(shop.snacks, "C1", shop.chips, 1)])[0].id
        sent = create_drafts(s, [DraftLine(shop.drinks, "A1", shop.cola, 1)])[0].id
        mark_sent(s, sent)  # sent by WeChat
    with pytest.raises(InputError, match="does not take orders over the internet"):
        submit_order(shop.db, snacks, **FAST)
    with pytest.raises(InputError, match="would order twice"):
        submit_order(shop.db, sent, **FAST)
    with shop.db.session() as s:
        save_settings(s, ShopSettings())
    with pytest.raises(InputError, match="enter the shop's name"):
        submit_order(shop.db, _draft(shop), **FAST)
    assert server.posts == []


def test_an_unreachable_service_says_so(shop, server):
    order_id = _draft(shop)
    server.close()
    with pytest.raises(SubmitError, match="Cannot reach the supplier's order service"):
        submit_order(shop.db, order_id, attempts=2, backoff=0.01)
