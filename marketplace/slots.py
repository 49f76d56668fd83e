"""Weekly time slots, e.g. {"day": "mon", "start": "08:00", "end": "12:00"}: when a recurring
mission needs someone (`Mission.weekly_slots`) and when a secretary works
(`SecretaryProfile.slots`). One schema for both, and the arithmetic the ranking and its
reasons use.

Coverage is measured in minutes: the share of the mission's slot minutes that fall inside
her slots (`coverage`). Search engines cannot intersect intervals cheaply, so the ranking
compares *hour cells* instead (`cells`): the hours of the week of which a slot covers at
least half ("mon08" for 08:00–09:00). Both backends score the share of the mission's cells
she has, and the reason on the card quotes the exact minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.taxonomy import WEEKDAY_CODES

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
MAX_SLOTS = 21  # three a day


class SlotIn(Schema):
    """A weekly time slot: {"day": "mon", "start": "08:00", "end": "12:00"}."""

    day = fields.String(required=True, validate=validate.OneOf(WEEKDAY_CODES))
    start = fields.String(required=True, validate=validate.Regexp(HHMM, error="HH:MM"))
    end = fields.String(required=True, validate=validate.Regexp(HHMM, error="HH:MM"))

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError(_("La fin du créneau doit suivre son début."), "end")


class SlotOut(Schema):
    day = fields.String()
    start = fields.String()
    end = fields.String()


def slot_list(**kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(SlotIn), validate=validate.Length(max=MAX_SLOTS), **kwargs)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Interval = tuple[int, int]


def intervals(slots: Iterable[Mapping[str, str]]) -> dict[str, list[Interval]]:
    """Each day's slots as merged, sorted (start, end) minute intervals."""
    by_day: dict[str, list[Interval]] = {}
    for slot in slots:
        by_day.setdefault(slot["day"], []).append((_minutes(slot["start"]), _minutes(slot["end"])))
    merged: dict[str, list[Interval]] = {}
    for day, spans in by_day.items():
        out: list[Interval] = []
        for start, end in sorted(spans):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        merged[day] = out
    return merged


def normalise(slots: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Slots merged where they touch or overlap, in weekday then time order."""
    merged = intervals(slots)
    return [
        {"day": day, "start": _hhmm(start), "end": _hhmm(end)}
        for day in WEEKDAY_CODES
        for start, end in merged.get(day, [])
    ]


def days_of(slots: Iterable[Mapping[str, str]]) -> list[str]:
    present = {slot["day"] for slot in slots}
    return [day for day in WEEKDAY_CODES if day in present]


def total_minutes(slots: Iterable[Mapping[str, str]]) -> int:
    return sum(end - start for spans in intervals(slots).values() for start, end in spans)


def _overlap(a: list[Interval], b: list[Interval]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def coverage(needed: Iterable[Mapping[str, str]], offered: Iterable[Mapping[str, str]]) -> float:
    """The share (0..1) of the needed slots' minutes that the offered slots cover."""
    need, offer = intervals(needed), intervals(offered)
    total = sum(end - start for spans in need.values() for start, end in spans)
    if total == 0:
        return 0.0
    covered = sum(_overlap(spans, offer.get(day, [])) for day, spans in need.items())
    return covered / total


def coverage_percent(
    needed: Iterable[Mapping[str, str]], offered: Iterable[Mapping[str, str]]
) -> int:
    """`coverage` in whole percent, rounded down (99.9 % covered is not "100 %")."""
    return math.floor(coverage(needed, offered) * 100 + 1e-9)


def cells(slots: Iterable[Mapping[str, str]]) -> list[str]:
    """The hours of the week ("mon08" = Monday 08:00–09:00) of which the slots cover at least
    half: what the index stores and the ranking compares."""
    out: list[str] = []
    for day, spans in intervals(slots).items():
        for hour in range(24):
            inside = _overlap(spans, [(hour * 60, hour * 60 + 60)])
            if inside >= 30:
                out.append(f"{day}{hour:02d}")
    order = {day: i for i, day in enumerate(WEEKDAY_CODES)}
    return sorted(out, key=lambda cell: (order[cell[:3]], cell[3:]))
