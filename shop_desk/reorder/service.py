"""Today's reorder suggestion for this shop: its database, its settings, its cached fit.

The per-product forecast method comes from a rolling back-test that takes seconds for
thousands of products, so it is cached in the settings table and refreshed in the
background once the day has closed; the suggestion itself reuses it and stays fast.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.engine import Database
from shop_desk.db.models import Setting
from shop_desk.reorder import forecast
from shop_desk.reorder.draft import ReorderDraft
from shop_desk.reorder.from_shop import load_review_state
from shop_desk.reorder.policy import ShopDeskPolicy, fit
from shop_desk.reorder.review import OrderLine, ReviewState
from shop_desk.reorder.suggestion import Suggestions
from shop_desk.settings import ShopSettings, load_settings

log = logging.getLogger(__name__)
FIT_KEY = "reorder_fit"  # a settings row: FittedMethods.to_dict() as JSON
REFIT_AFTER_DAYS = 7  # a week-old fit is still good; older ones are refreshed


def review_state(
    session: Session, today: date, settings: ShopSettings, budget_fen: int | None = None
) -> ReviewState:
    from shop_desk.purchasing.orders import month_spend, open_lines

    budget = budget_fen if budget_fen is not None else settings.reorder_budget_fen
    return load_review_state(
        session,
        today,
        open_lines=open_lines(session),
        month_spend_fen=month_spend(session, today),
        review_days=settings.default_review_days,
        holding_rate=settings.holding_cost_bp / 10_000,
        budget_fen=budget or None,
    )


def cached_fit(session: Session) -> forecast.FittedMethods | None:
    row = session.get(Setting, FIT_KEY)
    if row is None:
        return None
    try:
        return forecast.FittedMethods.from_dict(json.loads(row.value))
    except (ValueError, KeyError, TypeError, IndexError):
        log.warning("the cached forecast fit is damaged; it will be redone")
        return None


def fit_is_stale(fitted: forecast.FittedMethods | None, today: date) -> bool:
    return fitted is None or (today - fitted.fitted_through).days > REFIT_AFTER_DAYS


def refit(db: Database, today: date | None = None) -> forecast.FittedMethods:
    """Back-test every product and cache the choice (a background job after the day closes)."""
    today = today or shop_day(utcnow())
    with db.read() as session:
        state = review_state(session, today, load_settings(session))
    fitted = fit(state)
    encoded = json.dumps(fitted.to_dict(), separators=(",", ":"))
    with db.session() as session:
        row = session.get(Setting, FIT_KEY)
        if row is None:
            session.add(Setting(key=FIT_KEY, value=encoded))
        else:
            row.value = encoded
    return fitted


def suggest_today(
    db: Database, today: date | None = None, budget_fen: int | None = None
) -> tuple[ReviewState, Suggestions]:
    """What to order today, with the cached fit (the default method where there is none)."""
    today = today or shop_day(utcnow())
    with db.read() as session:
        state = review_state(session, today, load_settings(session), budget_fen)
        fitted = cached_fit(session)
    return state, ShopDeskPolicy(fitted=fitted).suggest(state)


def draft_today(
    db: Database, today: date | None = None, budget_fen: int | None = None
) -> ReorderDraft:
    """Today's suggestion ready for the owner's edits (every linked offer as an alternative)."""
    return ReorderDraft.from_suggestions(*suggest_today(db, today, budget_fen))


def create_orders(db: Database, lines: list[OrderLine]) -> list[int]:
    """One draft purchase order per supplier; their ids."""
    from shop_desk.purchasing.orders import create_drafts, draft_lines_from_review

    with db.session() as session:
        orders = create_drafts(session, draft_lines_from_review(lines))
        return [order.id for order in orders]
