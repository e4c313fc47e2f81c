import pytest

from shop_desk.errors import InputError
from shop_desk.money import fen_to_plain, format_fen, mul_div_round, parse_fen, round_half_even


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.05", 1205),
        ("¥1,234.50", 123450),
        ("￥ 3.00", 300),
        ("8元", 800),
        ("０.５", 50),
        (7, 700),
        ("0", 0),
    ],
)
def test_parse_fen(text, fen):
    assert parse_fen(text) == fen


@pytest.mark.parametrize("bad", ["", "abc", "1.234", "1e3", "--1", "1.2.3", True])
def test_parse_fen_rejects_garbage(bad):
    with pytest.raises(InputError):
        parse_fen(bad)


def test_negative_only_when_allowed():
    with pytest.raises(InputError, match="negative"):
        parse_fen("-1.00")
    assert parse_fen("-1.50", allow_negative=True) == -150


def test_absurd_amount_refused():
    with pytest.raises(InputError, match="too large"):
        parse_fen("6908512108211")


def test_format():
    assert format_fen(123450) == "¥1,234.50"
    assert format_fen(5) == "¥0.05"
    assert format_fen(-250) == "-¥2.50"
    assert format_fen(100, symbol=False) == "1.00"
    assert fen_to_plain(123456789) == "1234567.89"


def test_mul_div_round_is_integer_and_half_away_from_zero():
    assert mul_div_round(5100, 1, 24) == 213  # 212.5 -> 213
    assert mul_div_round(-5100, 1, 24) == -213
    assert mul_div_round(10, 1, 3) == 3
    assert mul_div_round(10**15 + 1, 3, 7) == (3 * (10**15 + 1) * 2 + 7) // 14


def test_round_half_even_rounds_ties_to_the_even_fen():
    assert [round_half_even(n, 10) for n in (14, 15, 16, 25, 35, -25, -35)] == [
        1,
        2,
        2,
        2,
        4,
        -2,
        -4,
    ]
    assert round_half_even(29_700 * 9_700, 10_000) == 28_809  # 288.09 exactly
    assert round_half_even(5, 10_000) == 0 and round_half_even(5_001, 10_000) == 1
