"""The fast decoder (msgspec, checks on whole batches) accepts and refuses exactly the lines
the reference rules (records.parse_record) do, with the same rows and the same reasons."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shop_desk.catalog.decode import decode_block, decode_lines, row_of
from shop_desk.catalog.name_keys import char_initials_many, search_text_many
from shop_desk.catalog.records import RecordError, parse_record
from shop_desk.text import char_initials, search_text
from tests.test_catalog_records import GOOD


def reference(lines, snapshot):
    """What the per-line rules say: ([(sku, row or None)], [(line, why)])."""
    ops, rejects = [], []
    for line_no, line in lines:
        if not line.strip():
            continue
        try:
            op, value = parse_record(json.loads(line))
        except RecordError as exc:
            rejects.append((line_no, str(exc)))
            continue
        except ValueError:
            rejects.append((line_no, "Not valid JSON."))
            continue
        if op == "delete":
            if snapshot:
                rejects.append((line_no, "A snapshot may hold upserts only."))
            else:
                ops.append((value, None))
        else:
            ops.append((value.sku, row_of(value)))
    return ops, rejects


def numbered(objects):
    return [
        (n, o if isinstance(o, bytes) else json.dumps(o, ensure_ascii=False).encode())
        for n, o in enumerate(objects, 1)
    ]


VARIANTS = [
    GOOD,
    {**GOOD, "sku": "A2", "gtin": "6908512108212"},  # wrong check digit
    {**GOOD, "sku": "A3", "gtin": "12345670"},  # GTIN-8
    {**GOOD, "sku": "A4", "gtin": "６９０８５１２１０８２１１"},  # full-width digits
    {**GOOD, "sku": "A5", "gtin": "6908512108211\n"},
    # Shapes the batch check refuses as the reference does: a letter, a sign, a digit of
    # another script, NUL, nine to eleven digits.
    {**GOOD, "sku": "A5a", "gtin": "690851210821a"},
    {**GOOD, "sku": "A5b", "gtin": "+12345670"},
    {**GOOD, "sku": "A5c", "gtin": "690851210821\u0661"},
    {**GOOD, "sku": "A5d", "gtin": "\u00006908512108211"},
    {**GOOD, "sku": "A5e", "gtin": "012345670"},  # a GTIN-8 with a right check digit,
    {**GOOD, "sku": "A5f", "gtin": "00012345670"},  # zeros in front: not a GTIN's length
    {**GOOD, "sku": "A5g", "gtin": "00000000000000"},
    # Whitespace the joined-column check must see: ideographic and no-break spaces, and a
    # value holding the character that joins them.
    {**GOOD, "sku": "A6a", "name": "\u3000雪碧"},
    {**GOOD, "sku": "A6b", "brand": "可口可乐\u00a0"},
    {**GOOD, "sku": "A6c", "category": "饮料\u0000 水"},
    {**GOOD, "sku": "A6d", "unit": "\u0000"},
    {**GOOD, "sku": "A6f", "brand": " 可口可乐"},  # a space in front only
    {**GOOD, "sku": "A6g", "pack_name": "箱 "},  # ...and behind only
    json.dumps({**GOOD, "sku": "A6e", "name": "可乐\ud800"}).encode(),  # half a UTF-16 pair
    {**GOOD, "sku": " A6 ", "name": " 雪碧 "},  # spaces around: accepted, trimmed
    {**GOOD, "sku": "A7", "name": "  "},
    {**GOOD, "sku": "A8", "tiers": [{"min_packs": 1, "unit_price_fen": 5000}] * 2},
    {**GOOD, "sku": "A9", "tiers": [{"min_packs": 2, "unit_price_fen": 5000}]},
    # Tiers are judged a batch at a time: a price rising at the second tier, packs falling
    # at the third, a good third tier, keys in another order with one more the rules ignore.
    {
        **GOOD,
        "sku": "A9a",
        "tiers": [{"min_packs": 1, "unit_price_fen": 50}, {"min_packs": 5, "unit_price_fen": 51}],
    },
    {
        **GOOD,
        "sku": "A9b",
        "tiers": [
            {"min_packs": 1, "unit_price_fen": 50},
            {"min_packs": 5, "unit_price_fen": 40},
            {"min_packs": 4, "unit_price_fen": 30},
        ],
    },
    {
        **GOOD,
        "sku": "A9c",
        "tiers": [
            {"unit_price_fen": 50, "min_packs": 1, "note": "箱"},
            {"min_packs": 5, "unit_price_fen": 50},
            {"min_packs": 50, "unit_price_fen": 30},
        ],
    },
    {**GOOD, "sku": "A10", "moq_packs": True},
    {**GOOD, "sku": "A11", "pack_size": 2.0},
    {**GOOD, "sku": "A12", "new_since": "20261120"},  # another ISO form Python reads
    {**GOOD, "sku": "A13", "dropship": None, "brand": None, "lead_time_days": None},
    {**GOOD, "sku": "A14", "op": "merge"},
    {**GOOD, "sku": "A15", "name": "x" * 201},
    {**GOOD, "sku": "A16", "name": "可乐\x1f特价"},  # the bulk separator inside a name
    {**GOOD, "sku": "A17", "unit_price_fen": 1, "tiers": [{"min_packs": 1}]},
    {"op": "delete", "sku": "A1"},
    {"op": "delete", "sku": " "},
    {"op": "delete"},
    ["op", "upsert"],
    b"{not json",
    b"",
    b"   ",
    {**GOOD, "sku": "A1", "name": "later wins"},
]


def test_fixed_variants_match_the_reference_rules():
    lines = numbered(VARIANTS)
    for snapshot in (False, True):
        assert decode_lines(lines, snapshot=snapshot) == reference(lines, snapshot)


def test_a_block_numbers_its_lines_from_the_first():
    block = b"\n".join(line for _, line in numbered(VARIANTS))
    assert decode_block(10, block, False) == reference(
        [(n + 9, line) for n, line in numbered(VARIANTS)], False
    )


GOOD_ONLY = [
    GOOD,
    {**GOOD, "sku": "A3", "gtin": "12345670"},
    {**GOOD, "sku": "A12", "new_since": "2026-11-20", "dropship": True},
    {**GOOD, "sku": "A13", "dropship": None, "brand": None, "lead_time_days": None},
    {"op": "delete", "sku": "A9"},
    {**GOOD, "sku": "A1", "name": "later wins"},
    b"",
]


def test_a_block_of_good_lines_only_decodes_as_the_reference_rules_say():
    # (decoded in one call: the fast way)
    lines = numbered(GOOD_ONLY)
    for snapshot in (False, True):  # a delete in a snapshot: judged line by line
        assert decode_lines(lines, snapshot=snapshot) == reference(lines, snapshot)
    crlf = [(n, line + b"\r") if line else (n, line) for n, line in lines]
    assert decode_lines(crlf, snapshot=False) == reference(crlf, False)


def test_each_odd_value_alone_among_good_lines_is_judged_as_the_reference_rules_say():
    # Alone, so that no other odd value in its column makes the batch checks look closer.
    for odd in VARIANTS[1:]:
        lines = numbered([GOOD, {**GOOD, "sku": "Z1"}, odd, {**GOOD, "sku": "Z2"}])
        assert decode_lines(lines, snapshot=True) == reference(lines, True), odd


def test_a_line_holding_two_records_is_refused_not_read_as_two():
    one = json.dumps({**GOOD, "sku": "B1"}).encode()
    two = json.dumps({**GOOD, "sku": "B2"}).encode()
    lines = [(1, one + b"," + two), (2, json.dumps(GOOD).encode())]
    ops, rejects = decode_lines(lines, snapshot=False)
    assert [sku for sku, _ in ops] == [GOOD["sku"]] and [n for n, _ in rejects] == [1]
    assert (ops, rejects) == reference(lines, False)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=10**10),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(
        ["6908512108211", "12345670", "2026-11-20", " x ", "可口可乐", "", "\u3000", "1234567a"]
    ),
)
fields = st.sampled_from(
    [
        "sku",
        "gtin",
        "name",
        "brand",
        "category",
        "unit",
        "pack_name",
        "pack_size",
        "moq_packs",
        "multiple_packs",
        "available_packs",
        "lead_time_days",
        "shelf_life_days",
        "new_since",
        "dropship",
        "op",
    ]
)
tiers = st.lists(
    st.fixed_dictionaries(
        {
            "min_packs": st.integers(min_value=0, max_value=12),
            "unit_price_fen": st.integers(min_value=-1, max_value=6000),
        }
    ),
    max_size=4,
)


@st.composite
def records(draw):
    record = dict(GOOD)
    for key, value in draw(st.dictionaries(fields, values, max_size=3)).items():
        record[key] = value
    if draw(st.booleans()):
        record["tiers"] = draw(tiers)
    if draw(st.booleans()):
        record.pop(draw(fields), None)
    return record


@settings(max_examples=300, deadline=None)
@given(st.lists(records(), min_size=1, max_size=12), st.booleans())
def test_random_records_match_the_reference_rules(objects, snapshot):
    lines = numbered(objects)
    assert decode_lines(lines, snapshot=snapshot) == reference(lines, snapshot)


names = st.lists(
    st.text(
        # İ lowers to two characters and 𠀋 is beyond the BMP: such names take the
        # one-by-one way in name_keys.py.
        alphabet=st.sampled_from(list("可口乐雪碧水 　ＡBc１2-·_\t\n\x1f号ml．éİ𠀋㐀")),
        max_size=12,
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(names)
def test_bulk_name_keys_equal_one_by_one(texts):
    assert char_initials_many(texts) == [char_initials(t) for t in texts]
    assert search_text_many(texts) == [search_text(t) for t in texts]


def test_text_holding_half_a_utf16_pair_is_refused_with_its_field():
    line = json.dumps({**GOOD, "sku": "S1", "brand": "可乐\ud800"}).encode()
    assert decode_lines([(7, line)], snapshot=True) == ([], [(7, "brand is not valid text.")])


ODD_NAMES = [
    "",
    " ",
    "   ",
    " 可口可乐 ",
    "可口  可乐\t500ml",
    "雪碧－500ＭＬ（箱）",
    "!!",
    "a  b",
    "  ",
    "可·乐",
    "Cola 可乐 ZERO",
    "　ideographic　space　",
]


def test_bulk_name_keys_of_odd_names_come_from_the_arrays(monkeypatch):
    """Spaces at the ends of a name, runs of them, punctuation, empty names: the arrays of
    name_keys.py say them as text.py does (the one-by-one way is not taken here)."""
    from shop_desk.catalog import name_keys

    expected = ([char_initials(n) for n in ODD_NAMES], [search_text(n) for n in ODD_NAMES])

    def refused(name):
        raise AssertionError(f"{name!r} took the one-by-one way")

    monkeypatch.setattr(name_keys, "char_initials", refused)
    monkeypatch.setattr(name_keys, "search_text", refused)
    assert (char_initials_many(ODD_NAMES), search_text_many(ODD_NAMES)) == expected
    for name in ODD_NAMES:
        assert (char_initials_many([name]), search_text_many([name])) == (
            [char_initials(name)],
            [search_text(name)],
        )


def test_good_records_all_take_the_fast_way(monkeypatch):
    """Tiers judged a batch at a time judge each record on its own: a record whose first
    tier is below the previous record's last is not sent the slow way."""
    from shop_desk.catalog import decode

    def slow(line, snapshot):
        raise AssertionError(f"{line!r} went the slow way")

    monkeypatch.setattr(decode, "_judge", slow)
    shapes = [
        [{"min_packs": 1, "unit_price_fen": 900}],
        [{"min_packs": 1, "unit_price_fen": 500}, {"min_packs": 50, "unit_price_fen": 400}],
        [{"min_packs": 1, "unit_price_fen": 100}, {"min_packs": 2, "unit_price_fen": 100}],
    ]
    objects = [{**GOOD, "sku": f"G{i}", "tiers": shapes[i % 3]} for i in range(30)]
    pairs, rejects = decode_lines(numbered(objects), snapshot=True)
    assert len(pairs) == 30 and rejects == []
    assert pairs[1][1][10] == "[[1,500],[50,400]]"
