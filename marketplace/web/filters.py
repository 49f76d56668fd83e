"""Jinja filters: money, numbers, dates and taxonomy labels the French way (or English)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal, format_percent
from flask import Flask
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from marketplace import money, slots, taxonomy

# The marketplace serves France: times are shown in Paris time whatever the server runs in.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")


def locale_name() -> str:
    return str(get_locale() or "fr")


def number(value: Any) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=locale_name())


def percent(value: Any) -> str:
    """12 -> "12 %" in French, "12%" in English (the value is already a percentage)."""
    if value is None:
        return ""
    ratio = Decimal(str(value)) / 100
    return format_percent(ratio, locale=locale_name(), decimal_quantization=False)


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(DISPLAY_TIMEZONE).date()
    return format_date(value, "long")


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(DISPLAY_TIMEZONE).date()
    return format_date(value, "medium")


def date_time(value: datetime | None) -> str:
    """A moment in Paris time: "3 mars 2026 à 14:05"."""
    if value is None:
        return ""
    local = value.astimezone(DISPLAY_TIMEZONE)
    return _(
        "%(date)s à %(time)s",
        date=format_date(local.date(), "long"),
        time=babel_format_time(local, "short", tzinfo=DISPLAY_TIMEZONE, locale=locale_name()),
    )


def iso_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, "yyyy-MM-dd'T'HH:mm:ssZZZZZ", tzinfo=DISPLAY_TIMEZONE)


def term(code: str) -> str:
    """A specialty, skill, language or weekday code -> its label."""
    return taxonomy.label(code, locale_name())


def terms(codes: list[str] | None) -> list[str]:
    return [term(code) for code in codes or []]


def file_size(size_bytes: int | None) -> str:
    """1 234 567 -> "1,2 Mo" (French) or "1.2 MB" (English), decimal units as file managers show."""
    if size_bytes is None:
        return ""
    french = not locale_name().startswith("en")
    units = ("o", "ko", "Mo", "Go") if french else ("B", "kB", "MB", "GB")
    value = float(size_bytes)
    for unit in units:
        if value < 1000 or unit == units[-1]:
            shown = format_decimal(round(value, 1), locale=locale_name())
            return f"{shown}\u00a0{unit}"
        value /= 1000
    return ""  # unreachable: the last unit always returns


def duration(minutes: int | None) -> str:
    """150 -> "2 h 30", 45 -> "45 min", 120 -> "2 h"."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(m)s min", m=rest)
    if not rest:
        return _("%(h)s h", h=hours)
    return _("%(h)s h %(m)02d", h=hours, m=rest)


def weekday_date(value: date | None) -> str:
    """A day of a timesheet: "lundi 7 déc."."""
    if value is None:
        return ""
    return format_date(value, "EEEE d MMM")


def slot_summary(slot_list: list[dict[str, str]] | None) -> str:
    """Weekly slots in one line, days with the same hours together:
    "lundi, mardi, jeudi : 08:00–12:00, 14:00–18:00 · samedi : 09:00–12:00"."""
    by_day: dict[str, list[str]] = {}
    for slot in slots.normalise(slot_list or []):
        by_day.setdefault(slot["day"], []).append(f"{slot['start']}\u2013{slot['end']}")
    groups: dict[tuple[str, ...], list[str]] = {}
    for day, hours in by_day.items():
        groups.setdefault(tuple(hours), []).append(day)
    return " · ".join(
        _("%(days)s : %(hours)s", days=", ".join(terms(days)), hours=", ".join(hours))
        for hours, days in groups.items()
    )


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        # 12345 -> "123,45 €" (French) or "€123.45" (English): see marketplace.money
        euros=lambda cents: money.euros(cents, locale_name()),
        number=number,
        percent=percent,
        long_date=long_date,
        short_date=short_date,
        date_time=date_time,
        iso_datetime=iso_datetime,
        file_size=file_size,
        duration=duration,
        weekday_date=weekday_date,
        term=term,
        terms=terms,
        slot_summary=slot_summary,
    )
