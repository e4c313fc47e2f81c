"""Submitting an order to a supplier's orders_url (docs/CATALOG_FEED.md, "Orders").

POST with Idempotency-Key = the order's uuid, so a retry (a reset connection, a lost answer,
a 503 with Retry-After, the owner pressing Submit again after a crash) can never create a
second order: the supplier answers the same order again. The bearer token of the supplier's
feed (OS keyring) goes to the orders_url only, and redirects are never followed. Errors in
application/problem+json are turned into a sentence for the owner.

No database transaction is held open over the network: prepare (a short write), then the
POST, then record (a short write).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.catalog.http_transport import (
    CONNECT_TIMEOUT,
    MAX_RETRY_AFTER,
    READ_TIMEOUT,
    network_error,
    session_for,
    token_for,
)
from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import CatalogSource, OrderStatus, PurchaseOrder, Supplier
from shop_desk.errors import InputError, ShopDeskError
from shop_desk.i18n import tr
from shop_desk.purchasing.orders import get_order, order_ref, recalculate, status_label
from shop_desk.settings import load_settings

RETRY_STATUSES = (408, 409, 425, 429, 500, 502, 503, 504)
ATTEMPTS = 5


class SubmitError(ShopDeskError):
    """The supplier did not take the order (or could not be reached); nothing changed here."""


@dataclass(frozen=True)
class Submission:
    order_id: int
    url: str
    key: str  # Idempotency-Key
    body: dict
    token: str | None


@dataclass(frozen=True)
class RemoteAnswer:
    order_id: str
    status: str
    total_fen: int | None = None


# --- the two short database steps ---------------------------------------------------------


def _supplier_url(session: Session, order: PurchaseOrder) -> tuple[str, str | None]:
    supplier = session.get(Supplier, order.supplier_id) if order.supplier_id else None
    if supplier is None or not supplier.orders_url:
        raise InputError(
            tr(
                "{supplier} does not take orders over the internet: export the order (PDF, "
                "Excel or text for WeChat) and send it yourself.",
                supplier=order.supplier_name,
            )
        )
    source_id = session.scalar(
        select(CatalogSource.id).where(
            CatalogSource.supplier_id == supplier.id, CatalogSource.kind == "http"
        )
    )
    return supplier.orders_url, token_for(source_id)


def prepare(session: Session, order_id: int) -> Submission:
    """What to POST for a draft; its member discount and shipping are worked out anew."""
    order = get_order(session, order_id, lock=True)
    if order.status != OrderStatus.DRAFT:
        raise InputError(
            tr(
                "{ref} is {status}: only a draft is submitted (sending it again would order "
                "twice).",
                ref=order_ref(order.id),
                status=status_label(order.status),
            )
        )
    if not order.lines:
        raise InputError(tr("{ref} has no lines: nothing to send.", ref=order_ref(order.id)))
    settings = load_settings(session)
    if not settings.shop_name.strip() or not settings.shop_phone.strip():
        raise InputError(
            tr(
                "The supplier needs to know who orders: enter the shop's name, phone and "
                "address in Settings first."
            )
        )
    url, token = _supplier_url(session, order)
    recalculate(session, order, shop_day(utcnow()))
    body = {
        "order_ref": order_ref(order.id),
        "buyer": {
            "name": settings.shop_name,
            "phone": settings.shop_phone,
            "address": settings.shop_address,
        },
        "lines": [
            {"sku": x.sku, "packs": x.packs, "unit_price_fen": x.pack_price_fen}
            for x in order.lines
        ],
        "note": order.note,
    }
    return Submission(order.id, url, order.uuid, body, token)


def record(
    session: Session, order_id: int, answer: RemoteAnswer, *, at: datetime | None = None
) -> PurchaseOrder:
    order = get_order(session, order_id, lock=True)
    if order.status == OrderStatus.DRAFT:
        order.status = OrderStatus.SENT
        order.sent_at = at or utcnow()
    order.remote_order_id = answer.order_id[:100]
    order.remote_status = answer.status[:64]
    return order


# --- the network ------------------------------------------------------------------------


def _headers(submission_key: str | None, token: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json, application/problem+json"}
    if submission_key:
        headers["Idempotency-Key"] = submission_key
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def problem_reason(response: requests.Response) -> str:
    """title and detail of a problem+json answer (RFC 9457), else the start of the text."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and (data.get("title") or data.get("detail")):
        return ": ".join(str(data[k]).strip() for k in ("title", "detail") if data.get(k))[:400]
    return (response.text or "").strip()[:200] or str(response.status_code)


def refusal(response: requests.Response) -> SubmitError:
    status, reason = response.status_code, problem_reason(response)
    if status in (401, 403):
        return SubmitError(
            tr(
                "The supplier's order service refused access ({status}): the token is wrong "
                "or missing. Check the token the supplier gave you. ({reason})",
                status=status,
                reason=reason,
            )
        )
    if status == 404:
        return SubmitError(
            tr(
                "The supplier's order address was not found (404). Sync the supplier's "
                "catalog to get the current address, or export the order instead."
            )
        )
    if 300 <= status < 400:
        return SubmitError(
            tr(
                "The supplier's order address moved ({status}). Sync the supplier's catalog "
                "to get the new address.",
                status=status,
            )
        )
    return SubmitError(
        tr(
            "The supplier did not accept the order ({status}): {reason}. Nothing was "
            "ordered; correct the order and submit it again.",
            status=status,
            reason=reason,
        )
    )


def _busy(status: int) -> SubmitError:
    return SubmitError(
        tr(
            "The supplier's order service is busy ({status}). Try again later; submitting "
            "again is safe and never orders twice.",
            status=status,
        )
    )


def _answer(response: requests.Response) -> RemoteAnswer:
    try:
        data = response.json()
        order_id = data["order_id"]
        total = data.get("total_fen")
        return RemoteAnswer(
            str(order_id),
            str(data.get("status", "")),
            total if isinstance(total, int) and not isinstance(total, bool) else None,
        )
    except (ValueError, KeyError, TypeError):
        raise SubmitError(
            tr(
                "The supplier's answer could not be understood. Submit again later (it never "
                "orders twice), or ask the supplier whether the order arrived."
            )
        ) from None


def post_order(
    submission: Submission,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> RemoteAnswer:
    session = session_for(submission.url)
    headers = _headers(submission.key, submission.token)
    last: ShopDeskError | None = None
    for attempt in range(attempts):
        wait = backoff * 2**attempt * (1 + random.random() * 0.25)
        try:
            response = session.post(
                submission.url,
                json=submission.body,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
                verify=True,
            )
        except requests.exceptions.SSLError as exc:
            raise _certificate(exc) from exc
        except requests.exceptions.RequestException as exc:
            last = _unreachable(exc)
        else:
            with response:
                if response.status_code in (200, 201):
                    return _answer(response)
                if response.status_code not in RETRY_STATUSES:
                    raise refusal(response)
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None and asked > MAX_RETRY_AFTER:
                    raise _busy(response.status_code)
                wait = asked if asked is not None else wait
                last = _busy(response.status_code)
        if attempt + 1 < attempts:
            sleep(wait)
    assert last is not None
    raise last


def _unreachable(exc: Exception) -> SubmitError:
    if isinstance(exc, requests.exceptions.Timeout):
        return SubmitError(
            tr(
                "The supplier's order service did not answer in time. The order may or may "
                "not have reached the supplier: submitting it again is safe and never orders "
                "twice."
            )
        )
    return SubmitError(
        tr(
            "Cannot reach the supplier's order service ({error}). Check the internet "
            "connection. The order may or may not have reached the supplier: submitting it "
            "again is safe and never orders twice.",
            error=str(exc)[:160],
        )
    )


def _certificate(exc: Exception) -> SubmitError:
    return SubmitError(
        tr(
            "The certificate of the supplier's order service could not be verified, so the "
            "order was not sent: {error}",
            error=str(exc)[:200],
        )
    )


def get_status(url: str, remote_id: str, token: str | None) -> str:
    target = url.rstrip("/") + "/" + requests.utils.quote(remote_id, safe="")
    try:
        response = session_for(target).get(
            target,
            headers=_headers(None, token),
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.exceptions.RequestException as exc:
        raise network_error(exc) from exc
    with response:
        if response.status_code != 200:
            raise refusal(response)
        return _answer(response).status


# --- the whole step, for the CLI and a worker of the window ------------------------------


def submit_order(db, order_id: int, **retry) -> tuple[PurchaseOrder, RemoteAnswer]:
    """Submit a draft; for an order already submitted, ask the supplier for its status."""
    with db.session(write=False) as session:
        order = get_order(session, order_id)
        already = order.remote_order_id is not None
    if already:
        return refresh_status(db, order_id)
    with db.session() as session:
        submission = prepare(session, order_id)
    answer = post_order(submission, **retry)
    with db.session() as session:
        order = record(session, order_id, answer)
    return order, answer


def refresh_status(db, order_id: int) -> tuple[PurchaseOrder, RemoteAnswer]:
    with db.session(write=False) as session:
        order = get_order(session, order_id)
        if order.remote_order_id is None:
            raise InputError(
                tr("{ref} was not submitted to the supplier.", ref=order_ref(order.id))
            )
        url, token = _supplier_url(session, order)
        remote_id = order.remote_order_id
    status = get_status(url, remote_id, token)
    with db.session() as session:
        order = get_order(session, order_id, lock=True)
        order.remote_status = status[:64]
    return order, RemoteAnswer(remote_id, status)
