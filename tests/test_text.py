import pytest

from shop_desk.errors import InputError
from shop_desk.text import (
    clean_barcode,
    gtin_with_check_digit,
    is_valid_gtin,
    normalize,
    pinyin_keys,
    validate_barcode,
)


def test_pinyin_keys():
    assert pinyin_keys("可口可乐") == ("kkkl", "kekoukele")
    initials, full = pinyin_keys("康师傅 红烧牛肉面")
    assert initials == "ksfhsnrm"
    assert full.startswith("kangshifu")


def test_pinyin_keeps_latin_and_digits():
    initials, _ = pinyin_keys("A雪碧600ml")
    assert initials.startswith("axb600")


@pytest.mark.parametrize(
    "code", ["6908512108211", "69021824", "96385074", "036000291452", "16908512108218"]
)
def test_valid_gtins(code):
    assert is_valid_gtin(code)


@pytest.mark.parametrize("code", ["6908512108212", "69085122", "12345", "690851210821a", ""])
def test_invalid_gtins(code):
    assert not is_valid_gtin(code)


def test_check_digit_builder():
    assert gtin_with_check_digit("690851210821") == "6908512108211"


def test_validate_barcode_messages():
    with pytest.raises(InputError, match="check digit"):
        validate_barcode("6908512108212")
    with pytest.raises(InputError, match="empty"):
        validate_barcode("  ")
    assert validate_barcode("６９０８５１２１０８２１１") == "6908512108211"
    assert validate_barcode("A-100") == "A-100"  # in-store label codes pass


def test_clean_barcode_from_excel_number():
    assert clean_barcode("6908512108211.0") == "6908512108211"
    assert normalize("  可口  可乐 ") == "可口 可乐"


def test_pypinyin_not_imported_by_text_module():
    import subprocess
    import sys

    code = "import shop_desk.text, sys; print('pypinyin' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_the_shipped_initials_table_is_pypinyins_reading():
    from shop_desk.text import INITIALS_RANGES, _initial, reference_initial

    for first, last in INITIALS_RANGES:
        for code in range(first, last + 1):
            assert _initial(code) == reference_initial(chr(code)), hex(code)


def test_offer_initials_need_no_pypinyin():
    """A catalog sync computes initials for every offer name; with the shipped table it does
    not pay for importing pypinyin (0.3-0.9 s in each sync process)."""
    import subprocess
    import sys

    code = (
        "import sys; from shop_desk.catalog.name_keys import char_initials_many; "
        "print(char_initials_many(['可口可乐 500ml', '康师傅冰红茶']), 'pypinyin' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "['kkkl500ml', 'ksfbhc'] False"
