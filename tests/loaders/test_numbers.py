"""Dutch number and money notation: round trips and garbage as properties (hypothesis), plus the examples
of the sources."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from loaders.numbers import (
    SCALES,
    is_not_applicable,
    parse_amount,
    parse_number,
    parse_percentage,
    scan_amounts,
    to_euro,
)

# -- generators ------------------------------------------------------------------------------------------
integer_parts = st.integers(min_value=0, max_value=10**40)
fractions = st.text(alphabet="0123456789", min_size=0, max_size=8)


def group(digits: str, sep: str) -> str:
    """``1234567`` -> ``1.234.567``."""
    head = len(digits) % 3 or 3
    return sep.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


def dutch(integer: int, fraction: str, thousands: bool) -> str:
    """The number in Dutch notation: thousands ``.`` (when asked), decimal comma."""
    digits = str(integer)
    text = group(digits, ".") if thousands else digits
    return f"{text},{fraction}" if fraction else text


def exact(integer: int, fraction: str) -> Decimal:
    return Decimal(f"{integer}.{fraction}" if fraction else str(integer))


def times(value: Decimal, scale: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 200
        return value * scale


# -- parse_number ----------------------------------------------------------------------------------------
@given(integer_parts, fractions, st.booleans())
@example(1440000, "00", True)
@example(0, "200", True)
@example(111, "75", False)
def test_a_number_in_dutch_notation_parses_back_exactly(integer: int, fraction: str, thousands: bool):
    text = dutch(integer, fraction, thousands)
    parsed = parse_number(text)
    assert parsed == exact(integer, fraction)
    assert str(parsed) == str(exact(integer, fraction))  # same digits and scale: "1.440.000,00" keeps ",00"


@given(st.integers(min_value=1000, max_value=10**30), st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_space_grouped_thousands_parse_back_exactly(integer: int, space: str):
    assert parse_number(group(str(integer), space)) == integer


@given(st.integers(min_value=0, max_value=10**12), st.text(alphabet="0123456789", min_size=1, max_size=6))
def test_english_decimals_of_the_pdf_extraction_parse_exactly(integer: int, fraction: str):
    text = f"{integer}.{fraction}"
    # a dot before exactly three digits after a non-zero head is a thousands separator: 1.234 is 1234
    thousands = len(fraction) == 3 and integer != 0 and len(str(integer)) <= 3
    assert parse_number(text) == (Decimal(f"{integer}{fraction}") if thousands else Decimal(text))


def _candidates(text: str) -> set[Decimal]:
    """Every value a string of digits and separators could honestly mean: the digits as one integer, or
    with the decimal point at any one of its separators."""
    s = text.strip()
    digits = re.sub(r"[^0-9]", "", s)
    found = {Decimal(digits)} if digits else set()
    for i, char in enumerate(s):
        if char in ".,":
            before, after = re.sub(r"[^0-9]", "", s[:i]), re.sub(r"[^0-9]", "", s[i + 1 :])
            if before and after:
                found.add(Decimal(f"{before}.{after}"))
    return found


@given(st.text(alphabet="0123456789.,  \u00a0-+eE%x€٣１", max_size=24))
@example("1,234.567")
@example("0.200,5")
@example("١٢٣")
@example("01.440")
@example("1.2.3")
def test_garbage_raises_value_error_and_never_gives_a_wrong_value(text: str):
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert re.fullmatch(r"[0-9.,  \u00a0\u202f]+", text.strip()), f"accepted {text!r}"
    assert value in _candidates(text), f"{text!r} -> {value}"


@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_value_error(text: str):
    with contextlib.suppress(ValueError):  # anything else (InvalidOperation, IndexError ...) fails the test
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.440.000,00", Decimal("1440000.00")),
        ("20,7", Decimal("20.7")),
        ("0,132", Decimal("0.132")),
        ("0.200", Decimal("0.200")),  # Tabel 8, EFSI: an English decimal after a leading zero
        ("17.6", Decimal("17.6")),  # "ca. 17.6 miljoen euro"
        ("0,000", Decimal("0")),
        ("2196,06", Decimal("2196.06")),
        ("14 000", Decimal("14000")),
        ("01.440", Decimal("1.440")),  # a dot after a leading zero is a decimal point, as documented
        (" 4.035.000 ", Decimal("4035000")),
    ],
)
def test_numbers_as_written_in_the_sources(text: str, value: Decimal):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "n.v.t.", "/", "1,2,3", "1.2.3", "12.34.567", "1,234.567", "0.200,5",
                                  "١٢٣", "１２", "-5", "5%", "1e3", "392470 miljard"])
def test_what_is_no_number_raises(text: str):
    with pytest.raises(ValueError):
        parse_number(text)


def test_percentages_and_not_applicable_cells():
    assert parse_percentage("26,82%") == Decimal("26.82")
    assert parse_percentage(" 50 %") == 50
    with pytest.raises(ValueError):
        parse_percentage("26,82")
    assert all(is_not_applicable(c) for c in ("n.v.t.", " / ", "NVT", "–"))
    assert not is_not_applicable("0,00")


# -- units -------------------------------------------------------------------------------------------------
@given(integer_parts, fractions, st.booleans(), st.sampled_from(sorted(SCALES)))
@example(20, "7", False, "miljoen euro")
@example(0, "132", False, "meur")
@example(10**35, "123456789", True, "miljard")
def test_every_unit_scales_exactly(integer: int, fraction: str, thousands: bool, unit: str):
    value = to_euro(dutch(integer, fraction, thousands), unit)
    assert value == times(exact(integer, fraction), SCALES[unit])
    if value == value.to_integral_value():
        assert value.as_tuple().exponent == 0  # 20,7 miljoen is 20700000, not 2.07E+7


@given(st.sampled_from(sorted(SCALES)))
def test_units_are_read_regardless_of_case_and_spacing(unit: str):
    written = "  ".join(unit.upper().split()) + " "
    assert to_euro("2,5", written) == to_euro("2,5", unit)


def test_an_unknown_unit_or_a_bad_number_raises_value_error():
    with pytest.raises(ValueError, match="unknown money unit"):
        to_euro("5", "dollar")
    with pytest.raises(ValueError):
        to_euro("5,5,5", "euro")


def test_huge_numbers_are_neither_rounded_nor_a_decimal_exception():
    forty = "1" * 40
    assert to_euro(forty, "euro") == Decimal(forty)
    assert to_euro(forty, "miljard") == Decimal(forty + "0" * 9)
    assert to_euro("1234567890,123456789012345678901", "euro") == Decimal("1234567890.123456789012345678901")


# -- whole amounts ------------------------------------------------------------------------------------------
WRITTEN_UNITS = {
    "euro": 1, "EUR": 1, "€": 1, "miljoen euro": 10**6, "miljoen EUR": 10**6, "miljard euro": 10**9,
    "miljard EUR": 10**9, "mln euro": 10**6, "M euro": 10**6, "MEUR": 10**6, "kEUR": 10**3, "k€": 10**3,
    "k€/j": 10**3, "miljoen": 10**6, "miljard": 10**9, "mln": 10**6,
}


@given(integer_parts, fractions, st.booleans(), st.sampled_from(sorted(WRITTEN_UNITS)), st.sampled_from(["", " "]))
def test_an_amount_with_its_unit_after_parses_exactly(integer, fraction, thousands, unit, space):
    if not space and unit[0].isalpha():
        space = " "  # "20,7miljoen" is not how anyone writes
    text = f"{dutch(integer, fraction, thousands)}{space}{unit}"
    assert parse_amount(text).value == times(exact(integer, fraction), Decimal(WRITTEN_UNITS[unit]))


@given(integer_parts, fractions, st.booleans(), st.sampled_from(["€ ", "€"]), st.sampled_from(["", " miljoen"]))
def test_an_amount_with_the_euro_sign_before_parses_exactly(integer, fraction, thousands, sign, scale):
    text = f"{sign}{dutch(integer, fraction, thousands)}{scale}"
    factor = Decimal(10**6 if scale else 1)
    assert parse_amount(text).value == times(exact(integer, fraction), factor)


@given(
    st.integers(min_value=0, max_value=10**12), fractions, st.booleans(), st.sampled_from(sorted(WRITTEN_UNITS)),
    st.sampled_from(["Het gaat om", "In 2022 werd", "budget van", "(zie Tabel 9)"]),
    st.sampled_from(["voorzien.", "aan leningen", "per jaar", ""]),
)
def test_scanning_a_sentence_finds_the_amount_with_its_exact_value(integer, fraction, thousands, unit, before, after):
    number = dutch(integer, fraction, thousands)
    sentence = f"{before} {number} {unit} {after}"
    found = [(sentence[s:e], a.value) for s, e, a in scan_amounts(sentence)]
    expected = times(exact(integer, fraction), Decimal(WRITTEN_UNITS[unit]))
    assert (f"{number} {unit}", expected) in found


@given(st.text(alphabet="0123456789.,  €eurkmiljoenEUR", max_size=30))
def test_every_scanned_amount_is_the_text_at_its_place_and_its_exact_value(line: str):
    for start, end, amount in scan_amounts(line):
        assert line[start:end] == amount.text
        assert amount.value == to_euro(amount.number, amount.unit)
        # the number is never a piece of a longer one: "1,234.567 euro" is no "234.567 euro"
        number_start = start + amount.text.index(amount.number)
        assert not re.search(r"[0-9][.,]?$", line[:number_start]), (line, amount)


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("- Vlajo: 1.440.000,00 euro", [("1.440.000,00 euro", "1440000")]),
        ("voor een totaalbedrag van 20,7 miljoen euro, zie Tabel 9.", [("20,7 miljoen euro", "20700000")]),
        ("Kleine Onderneming 257 € 8.473.038,00", [("€ 8.473.038,00", "8473038")]),
        ("bedraag 16.230€ en wordt uitbetaald", [("16.230€", "16230")]),
        ("max 500 k€/j steun", [("500 k€/j", "500000")]),
        ("project binnengehaald (343 kEUR) en", [("343 kEUR", "343000")]),
        ("steunbedrag van 5,5 MEUR (kennisinstellingen)", [("5,5 MEUR", "5500000")]),
        ("opgesplitst in 6,750 mln euro voor", [("6,750 mln euro", "6750000")]),
        ("met 1,8 M euro subsidie van VLAIO", [("1,8 M euro", "1800000")]),
        ("bedragen van 50.000 tot 600.000 euro.", [("50.000", "50000"), ("600.000 euro", "600000")]),
        ("van €250.000 tot €1.000.000 (richtbedragen)", [("€250.000", "250000"), ("€1.000.000", "1000000")]),
        ("waarvan 2,5 miljoen aan één social impactfonds en 3,5 miljoen euro aan twee",
         [("2,5 miljoen", "2500000"), ("3,5 miljoen euro", "3500000")]),
        ("met een kapitaalbehoefte van 5 tot 50 miljoen EUR", [("5", "5000000"), ("50 miljoen EUR", "50000000")]),
        ("samen €10 miljoen te investeren", [("€10 miljoen", "10000000")]),
        ("Subsidieplafond 25.000 euro 25.000 euro", [("25.000 euro", "25000"), ("25.000 euro", "25000")]),
        ("In 2022 werden 142.927 steunaanvragen goedgekeurd, 97% van de aanvragen", []),
        ("1,234.567 euro", []),
    ],
)
def test_amounts_in_lines_of_the_sources(line: str, found: list[tuple[str, str]]):
    assert [(a.text, format(a.value, "f")) for _, _, a in scan_amounts(line)] == found
