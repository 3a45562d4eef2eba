"""Dutch number and money notation, parsed to exact :class:`~decimal.Decimal` values.

``1.440.000,00`` is 1440000, ``20,7 miljoen euro`` is 20700000 euro, ``0,132`` (MEUR) is 132000 euro,
``€ 8.473.038,00`` is 8473038, ``500 k€`` is 500000, ``n.v.t.`` is no value. PDF extraction also
produces English decimals such as ``0.200`` or ``17.6``: a dot followed by other than groups of three
digits, or after a leading zero, is read as a decimal point. Only ASCII digits are numbers, and every
result is exact however many digits the text has (no rounding to the default 28-digit context).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException, Inexact, InvalidOperation, localcontext

NOT_APPLICABLE = ("n.v.t.", "n.v.t", "nvt", "/", "-", "–")

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which are no number notation of ours.
# A thousands group never starts with 0: "01.440" is read as a decimal point after a leading zero.
_THOUSANDS_DOTS = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
_DUTCH = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})*,[0-9]+|[0-9]+,[0-9]+")
_PLAIN = re.compile(r"[0-9]+")
_DOT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_SPACE_GROUPS = re.compile(r"[1-9][0-9]{0,2}([ \u00a0\u202f][0-9]{3})+")


def parse_number(text: str) -> Decimal:
    """Parse one number in Dutch notation (thousands ``.``, decimals ``,``) exactly.

    >>> parse_number("1.440.000,00")
    Decimal('1440000.00')
    >>> parse_number("0.200")
    Decimal('0.200')

    :raises ValueError: if ``text`` is not a number in a notation we accept.
    """
    s = text.strip()
    if _PLAIN.fullmatch(s):
        return Decimal(s)
    if _DUTCH.fullmatch(s):
        return Decimal(s.replace(".", "").replace(",", "."))
    if _THOUSANDS_DOTS.fullmatch(s):
        return Decimal(s.replace(".", ""))
    if _DOT_DECIMAL.fullmatch(s):
        return Decimal(s)
    if _SPACE_GROUPS.fullmatch(s):
        return Decimal(re.sub(r"[ \u00a0\u202f]", "", s))
    raise ValueError(f"not a number in Dutch notation: {text!r}")


def parse_percentage(text: str) -> Decimal:
    """``"26,82%"`` -> ``Decimal('26.82')`` (the percentage, not the fraction).

    :raises ValueError: if it is not a percentage.
    """
    s = text.strip()
    if not s.endswith("%"):
        raise ValueError(f"not a percentage: {text!r}")
    return parse_number(s[:-1].strip())


#: Unit words (lower case, whitespace-normalised) and the factor that turns the number into euro.
SCALES: dict[str, Decimal] = {
    "euro": Decimal(1),
    "eur": Decimal(1),
    "€": Decimal(1),
    "k€": Decimal(1000),
    "keur": Decimal(1000),
    "k€/j": Decimal(1000),
    "miljoen euro": Decimal(1_000_000),
    "miljoen eur": Decimal(1_000_000),
    "miljoen": Decimal(1_000_000),
    "mln euro": Decimal(1_000_000),
    "mln": Decimal(1_000_000),
    "meur": Decimal(1_000_000),
    "m euro": Decimal(1_000_000),
    "miljard euro": Decimal(1_000_000_000),
    "miljard eur": Decimal(1_000_000_000),
    "miljard": Decimal(1_000_000_000),
}


@dataclass(frozen=True)
class Amount:
    """A money amount: exact value in euro plus the text it was read from."""

    value: Decimal  #: in euro
    text: str  #: as written in the source, e.g. ``"20,7 miljoen euro"``
    number: str  #: the number part as written, e.g. ``"20,7"``
    unit: str  #: the unit as written (``"miljoen euro"``; ``"miljoen euro"`` for a table stated in MEUR)

    @property
    def scale(self) -> Decimal:
        return SCALES[normalise_unit(self.unit)]


def normalise_unit(unit: str) -> str:
    return " ".join(unit.lower().replace("\u00a0", " ").split())


def to_euro(number: str, unit: str) -> Decimal:
    """Exact euro value of ``number`` written in ``unit`` (``"0,132"``, ``"MEUR"`` -> 132000).

    :raises ValueError: for an unknown unit or a malformed number.
    """
    key = normalise_unit(unit)
    if key not in SCALES:
        raise ValueError(f"unknown money unit: {unit!r}")
    parsed = parse_number(number)
    # Enough precision for the exact product (a scale has at most 10 digits); Inexact is trapped so a
    # value is never silently rounded, and any decimal-module failure surfaces as a ValueError.
    try:
        with localcontext() as ctx:
            ctx.prec = max(28, len(parsed.as_tuple().digits) + 12)
            ctx.traps[Inexact] = True
            value = parsed * SCALES[key]
            # Normalise the exponent so 20,7 miljoen is 20700000, not 2.07E+7.
            return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    except DecimalException as exc:
        raise ValueError(f"cannot convert {number!r} {unit!r} to euro exactly: {exc!r}") from None


def amount(number: str, unit: str, text: str | None = None) -> Amount:
    """Build an :class:`Amount` from a number and the unit it is stated in."""
    return Amount(to_euro(number, unit), text if text is not None else f"{number} {unit}", number, unit)


_NUM = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+,[0-9]+|[0-9]+\.[0-9]+|[0-9]+"
# A number never starts inside another one: not after a digit, nor after a digit and a separator
# (without this, "1,234.567 euro" yielded "234.567 euro").
_START = r"(?<![0-9])(?<![0-9][.,])"
# A "€" followed by a number is that number's sign, not this one's unit: in "257 € 8.473.038,00" the
# amount is € 8.473.038,00 and 257 a count (this read "257 €" before).
_UNIT_AFTER = (
    r"miljard\s+(?:euro|EUR)|miljoen\s+(?:euro|EUR)|mln\s+euro|M\s+euro|MEUR|kEUR|k€(?:/j)?|"
    r"euro|EUR|€(?!\s?[0-9])|miljard|miljoen|mln"
)
AMOUNT_RE = re.compile(
    rf"(?P<pre>€\s?)(?P<num1>{_NUM})(?:\s?(?P<unit1>miljoen|miljard))?(?![0-9,.]*[0-9])"
    rf"|{_START}(?P<num2>{_NUM})\s?(?P<unit2>{_UNIT_AFTER})(?![A-Za-z])"
)


def parse_amount(text: str) -> Amount:
    """Parse one complete money expression such as ``"1.440.000,00 euro"`` or ``"€ 8.473.038,00"``.

    :raises ValueError: if ``text`` is not exactly one money expression.
    """
    s = " ".join(text.split())
    match = AMOUNT_RE.fullmatch(s)
    if not match:
        raise ValueError(f"not a money amount: {text!r}")
    return _from_match(match, text.strip())


def _from_match(match: re.Match[str], text: str) -> Amount:
    if match.group("num1") is not None:
        number = match.group("num1")
        unit = match.group("unit1") or "€"
        if match.group("unit1"):
            unit = match.group("unit1") + " euro"
    else:
        number = match.group("num2")
        unit = match.group("unit2")
    return Amount(to_euro(number, unit), text, number, unit)


def scan_amounts(line: str) -> list[tuple[int, int, Amount]]:
    """Every money expression in ``line`` as ``(start, end, Amount)``; a range such as
    ``"50.000 tot 600.000 euro"`` yields both ends with the unit of the second.

    >>> [a.value for _, _, a in scan_amounts("leningen van 50.000 tot 600.000 euro")]
    [Decimal('50000'), Decimal('600000')]
    """
    found: list[tuple[int, int, Amount]] = []
    for match in AMOUNT_RE.finditer(line):
        try:
            found.append((match.start(), match.end(), _from_match(match, match.group(0))))
        except ValueError:
            continue
    # Ranges: "X tot Y unit", "X à Y unit", "X en Y unit", "X - Y unit" where X has no unit of its own.
    extra: list[tuple[int, int, Amount]] = []
    for start, _end, amt in found:
        if amt.text.startswith("€"):
            continue
        head = line[:start]
        m = re.search(rf"(?:van\s+|tussen\s+)?{_START}(?P<num>{_NUM})\s+(?:tot(?:\s+maximum)?|à|en|-|–)\s+$", head)
        if m and not any(s <= m.start("num") < e for s, e, _ in found):
            try:
                value = to_euro(m.group("num"), amt.unit)
            except ValueError:
                continue
            extra.append((m.start("num"), m.end("num"), Amount(value, m.group("num"), m.group("num"), amt.unit)))
    return sorted(found + extra, key=lambda t: t[0])


def is_not_applicable(cell: str) -> bool:
    """True for cells that state there is no value (``n.v.t.``, ``/``)."""
    return cell.strip().lower() in NOT_APPLICABLE


def decimal_or_none(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except (ValueError, InvalidOperation):
        return None
