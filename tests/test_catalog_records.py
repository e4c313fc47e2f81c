import pytest

from shop_desk.catalog.records import OfferRecord, RecordError, parse_record, record_to_json

GOOD = {
    "op": "upsert",
    "sku": "A123",
    "gtin": "6908512108211",
    "name": "可口可乐 500ml",
    "brand": "可口可乐",
    "category": "饮料/碳酸饮料",
    "unit": "瓶",
    "pack_size": 24,
    "pack_name": "箱",
    "tiers": [{"min_packs": 1, "unit_price_fen": 5400}, {"min_packs": 5, "unit_price_fen": 5100}],
    "moq_packs": 1,
    "multiple_packs": 1,
    "available_packs": 1200,
    "lead_time_days": 2,
    "shelf_life_days": 365,
    "new_since": "2026-11-20",
    "dropship": False,
    "future_field": 1,
}


def test_good_record_round_trips():
    op, record = parse_record(GOOD)
    assert op == "upsert" and isinstance(record, OfferRecord)
    assert record.tiers == ((1, 5400), (5, 5100))
    assert record.new_since.isoformat() == "2026-11-20"
    assert parse_record(record_to_json(record)) == ("upsert", record)


def test_delete_and_minimal_upsert():
    assert parse_record({"op": "delete", "sku": "A999"}) == ("delete", "A999")
    _, record = parse_record(
        {
            "op": "upsert",
            "sku": "B",
            "name": "散装糖",
            "tiers": [{"min_packs": 1, "unit_price_fen": 100}],
        }
    )
    assert (record.pack_size, record.moq_packs, record.gtin, record.lead_time_days) == (
        1,
        1,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"gtin": "6908512108212"}, "GTIN"),
        (
            {
                "tiers": [
                    {"min_packs": 1, "unit_price_fen": 5000},
                    {"min_packs": 5, "unit_price_fen": 5100},
                ]
            },
            "costs more",
        ),
        (
            {
                "tiers": [
                    {"min_packs": 5, "unit_price_fen": 5000},
                    {"min_packs": 1, "unit_price_fen": 4000},
                ]
            },
            "sorted",
        ),
        ({"tiers": [{"min_packs": 2, "unit_price_fen": 5000}]}, "above the minimum"),
        ({"tiers": []}, "non-empty"),
        ({"pack_size": 0}, "between"),
        ({"pack_size": 2.5}, "whole number"),
        ({"moq_packs": True}, "whole number"),
        ({"tiers": [{"min_packs": 1, "unit_price_fen": -1}]}, "between"),
        ({"name": "  "}, "missing"),
        ({"new_since": "yesterday"}, "date"),
        ({"dropship": "no"}, "true or false"),
        ({"op": "merge"}, "Unknown op"),
    ],
)
def test_bad_records_say_why(change, why):
    with pytest.raises(RecordError, match=why):
        parse_record({**GOOD, **change})


def test_not_an_object():
    with pytest.raises(RecordError):
        parse_record(["op", "upsert"])
