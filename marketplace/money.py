"""Euros in and out: the one place amounts are read from people and written for them.

Amounts are integer cents everywhere else (models, schemas, services, the API); this module
is the border. Forms, the search filters, templates (the `euros` filter), ranking reasons,
invoices and operator alerts all go through it, so an amount reads and shows the same way
on every page.

Reading, `parse_euros(text) -> cents`, for what a person types in an amount field:

* a comma or a dot is the decimal separator: "28,50" and "28.50" are 28,50 €; at most two
  decimals ("28,5" is 28,50 €, "28,505" is refused);
* spaces of every kind (no-break, narrow no-break) and a € sign before or after are
  ignored: "1 234,50 €", "€ 12";
* when a comma and a dot both appear, the last one is the decimal separator and the other
  must group thousands by three: "1.234,50" (French) and "1,234.50" (English) are both
  1 234,50 €; "1,23.4" is refused;
* never a guess: "1.234" (one separator, then three digits) could mean 1 234 € or 1,23 €,
  so it is refused with a message asking for at most two decimals;
* empty, negative, or above 10 000 000 € is refused.

A refusal is a ValueError whose message is for the visitor, translated with flask_babel
(so parse inside a request or an application context).

Writing, `euros(cents, locale, style)`; locale "en..." is English, anything else French:

* "amount" (the default): "1 234,50 €" in French (narrow no-break space between thousands,
  no-break space before the sign), "€1,234.50" in English; "-5,00 €" / "-€5.00". This is
  CLDR's currency format, as babel writes it.
* "short": the same without the cents when there are none ("30 €", "€30"), for sentences
  such as the ranking reasons ("au-dessus de votre budget (30 €/h)").
* "input": what an amount field shows and `parse_euros` reads back: "1234,50" / "1234.50",
  no grouping, no sign.

`None` gives "" (an amount not set). PDFs need no variant: the invoices' core fonts
(Windows-1252) have no narrow no-break space, and `payments.invoices._text` turns it into
a no-break space in every string it draws, amounts included.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel.numbers import format_currency, parse_pattern
from flask_babel import gettext as _

Style = Literal["amount", "short", "input"]

MAX_CENTS = 10_000_000 * 100
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"(\d+)(?:\.(\d{1,2}))?")
_TOO_PRECISE = re.compile(r"\d+\.\d{3,}")
# CLDR's euro patterns without the cents, for the "short" style. Patterns and locales are
# parsed once here: babel parses a string at every call, and the ranking reasons write
# amounts for every result of every search.
_WHOLE_PATTERN = {"fr": parse_pattern("#,##0\u00a0¤"), "en": parse_pattern("¤#,##0")}
_LOCALES = {"fr": Locale.parse("fr"), "en": Locale.parse("en")}


def _lang(locale: object) -> Literal["fr", "en"]:
    return "en" if str(locale or "fr").startswith("en") else "fr"


def parse_euros(raw: str) -> int:
    """An amount typed in euros -> integer cents; ValueError (a message for the visitor) if
    it is empty, unreadable, ambiguous, negative or too large. Rules in the module docstring."""
    text = _SPACES.sub("", raw).removesuffix("€").removeprefix("€")
    if not text:
        raise ValueError(_("Indiquez un montant."))
    if text.startswith("-"):
        raise ValueError(_("Le montant doit être positif."))
    if "," in text and "." in text:
        # "1.234,50" or "1,234.50": the last separator is the decimal one.
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        head, _sep, tail = text.rpartition(decimal_sep)
        if group_sep in tail or not re.fullmatch(
            r"\d{1,3}(" + re.escape(group_sep) + r"\d{3})*", head
        ):
            raise ValueError(_("Montant illisible : écrivez par exemple 1234,50."))
        text = head.replace(group_sep, "") + "." + tail
    else:
        text = text.replace(",", ".")
    match = _PLAIN.fullmatch(text)
    if match is None:
        if _TOO_PRECISE.fullmatch(text):
            raise ValueError(_("Deux décimales au plus (par exemple 28,50)."))
        raise ValueError(_("Montant illisible : écrivez par exemple 28,50."))
    whole, fraction = match.group(1), match.group(2) or ""
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if cents > MAX_CENTS:
        raise ValueError(_("Montant trop élevé."))
    return cents


def euros(cents: int | None, locale: str = "fr", style: Style = "amount") -> str:
    """Integer cents -> euros written for people (styles in the module docstring)."""
    if cents is None:
        return ""
    return _written(int(cents), _lang(locale), style)


@functools.lru_cache(maxsize=4096)
def _written(cents: int, lang: Literal["fr", "en"], style: Style) -> str:
    # Cached: babel takes about 0.1 ms an amount, and the same rates and budgets come back
    # in every page of search results.
    if style == "input":
        whole, rest = divmod(abs(cents), 100)
        sign = "-" if cents < 0 else ""
        return f"{sign}{whole}{'.' if lang == 'en' else ','}{rest:02d}"
    value = Decimal(cents) / 100
    if style == "short" and cents % 100 == 0:
        return format_currency(
            value, "EUR", _WHOLE_PATTERN[lang], locale=_LOCALES[lang], currency_digits=False
        )
    return format_currency(value, "EUR", locale=_LOCALES[lang])
