"""Today's suggestion for a real shop database: edits, supplier totals, the cached fit,
orders created from it counting as on order, and `shop-desk suggest` as a user runs it."""

import json
from dataclasses import replace

import pytest

from shop_desk.db.engine import open_database
from shop_desk.errors import InputError
from shop_desk.purchasing.orders import mark_sent, open_lines
from shop_desk.reorder import lots, service
from shop_desk.reorder.draft import ReorderDraft
from tests.shop_with_offers import build_shop
from tests.test_cli import cli


@pytest.fixture
def shop(db, tmp_path):
    cola, water, today = build_shop(db, tmp_path / "feeds")
    return db, str(cola), str(water), today


def test_both_products_are_suggested_with_a_reason(shop):
    db, cola, water, today = shop
    state, suggestions = service.suggest_today(db, today)
    assert {line.product_id for line in suggestions.lines} == {cola, water}
    cola_line = next(ln for ln in suggestions.lines if ln.product_id == cola)
    assert "6" in cola_line.reason and cola_line.units >= 6  # sells about 6 a day
    assert state.today == today and state.sold.shape[0] == 2


def test_edits_keep_lines_orderable_and_totals_follow(shop):
    db, cola, _water, today = shop
    draft = service.draft_today(db, today)
    row = next(i for i, ln in enumerate(draft.lines) if ln.product_id == cola)
    line = draft.set_packs(row, 10)
    assert line.packs == 10 and line.edited
    assert line.pack_price_fen == line.offer.tiers[-1].pack_price_fen  # the 10-pack tier
    before = {s.supplier_id: s for s in draft.summaries()}[line.offer.supplier_id]
    assert before.subtotal_fen == sum(
        ln.line_cost_fen for ln in draft.lines if ln.offer.supplier_id == line.offer.supplier_id
    )
    other = next(o for o in draft.alternatives[cola] if o != line.offer)
    moved = draft.set_source(row, other)
    assert moved.offer == other and moved.units >= line.units
    with pytest.raises(InputError):
        draft.set_packs(row, -1)
    draft.set_packs(row, 0)
    assert cola not in {ln.product_id for ln in draft.lines}


def test_moving_a_line_onto_an_offer_another_line_uses_makes_one_line(shop):
    db, cola, _water, today = shop
    draft = service.draft_today(db, today)
    row = next(i for i, ln in enumerate(draft.lines) if ln.product_id == cola)
    line = draft.lines[row]
    other = next(o for o in draft.alternatives[cola] if o != line.offer)
    draft.lines.append(replace(line, offer=other, packs=2))  # say, a top-up from there
    count = len(draft.lines)
    assert draft.duplicate_of(row, other) == count - 1
    assert draft.duplicate_of(row, line.offer) is None
    merged = draft.set_source(row, other)
    assert len(draft.lines) == count - 1
    assert merged.offer == other and merged.edited
    assert merged.packs == lots.valid_packs(other, 2 + lots.packs_for_units(other, line.units))
    assert [ln for ln in draft.lines if ln.product_id == cola] == [merged]
    assert [o.packs for o in draft.order_lines() if o.product_id == cola] == [merged.packs]
    summary = {s.supplier_id: s for s in draft.summaries()}[other.supplier_id]
    there = [ln for ln in draft.lines if ln.offer.supplier_id == other.supplier_id]
    assert summary.lines == len(there)


def test_free_shipping_gap_and_next_member_tier(shop):
    db, cola, _water, today = shop
    draft = service.draft_today(db, today)
    row = next(i for i, ln in enumerate(draft.lines) if ln.product_id == cola)
    draft.lines[:] = [draft.lines[row]]
    draft.set_packs(0, 1)
    summary = draft.summaries()[0]
    supplier = draft.suppliers[draft.lines[0].offer.supplier_id]
    assert summary.subtotal_fen == draft.lines[0].offer.tiers[0].pack_price_fen
    assert summary.shipping_fen == supplier.shipping_fee_fen
    assert summary.missing_to_free_fen == supplier.free_over_fen - summary.subtotal_fen
    assert summary.next_tier_missing_fen == 200_000 - summary.subtotal_fen
    assert summary.total_fen == summary.subtotal_fen + summary.shipping_fen


def test_refit_is_cached_and_used(shop):
    db, cola, _water, today = shop
    with db.read() as s:
        assert service.cached_fit(s) is None
    fitted = service.refit(db, today)
    with db.read() as s:
        cached = service.cached_fit(s)
    assert cached is not None and set(cached.product_ids) == set(fitted.product_ids)
    assert cola in cached.product_ids
    assert not service.fit_is_stale(cached, today)
    _, suggestions = service.suggest_today(db, today)
    assert suggestions.lines


def test_orders_sent_count_as_on_order(shop):
    db, cola, _water, today = shop
    draft = service.draft_today(db, today)
    ids = service.create_orders(db, draft.order_lines())
    assert len(ids) == len({ln.offer.supplier_id for ln in draft.lines})
    with db.session() as s:
        for order_id in ids:
            mark_sent(s, order_id)
    with db.read() as s:
        assert {line.product_id for line in open_lines(s)} == {ln.product_id for ln in draft.lines}
    _, again = service.suggest_today(db, today)
    ordered = sum(ln.units for ln in draft.lines if ln.product_id == cola)
    still = sum(ln.units for ln in again.lines if ln.product_id == cola)
    assert still < ordered  # what is on its way is not ordered twice


def test_cli_suggest_json_and_create_orders(tmp_path):
    home = tmp_path / "home"
    db = open_database(folder=home)
    build_shop(db, tmp_path / "feeds")
    db.dispose()
    result = cli(home, "suggest", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["lines"]) == 2 and data["total_fen"] > 0
    result = cli(home, "suggest", "--budget", "0.01", "--create-orders")
    assert result.returncode == 0, result.stderr
    assert "budget" in result.stdout
    result = cli(home, "suggest", "--create-orders")
    assert "Draft purchase orders created" in result.stdout
    result = cli(home, "suggest", "--budget", "abc")
    assert result.returncode == 1 and "Error" in result.stderr


def test_a_shop_without_offers_has_nothing_to_order(sqlite_db):
    state, suggestions = service.suggest_today(sqlite_db)
    assert suggestions.lines == [] and state.sold.shape[0] == 0
    assert ReorderDraft.from_suggestions(state, suggestions).total_fen == 0
