"""Weekly time slots: on profiles (API and form), matched against a recurring mission's slots
as a ranking signal and a reason, on both backends; and the arithmetic behind them."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace import slots
from tests.search.helpers import business, ids, mission, secretary

MATCHES = "/api/v1/missions/{}/matches"
WEEK = ("mon", "tue", "wed", "thu", "fri")


def _every_day(start: str, end: str) -> list[dict[str, str]]:
    return [{"day": d, "start": start, "end": end} for d in WEEK]


MORNINGS = _every_day("08:00", "12:00")


def _recurring(api: Any, owner: dict[str, Any], weekly_slots: list[dict[str, str]]) -> dict:
    return mission(
        api,
        owner,
        title="Permanence téléphonique du cabinet",
        schedule="recurring",
        period="week",
        hours_per_period=20,
        budget_cents=60_000,
        estimated_hours=20,
        weekly_slots=weekly_slots,
        end_date=None,
    )


def _availability(slot_list: list[dict[str, str]]) -> dict[str, Any]:
    return {"weekdays": [], "hours_per_week": 20, "slots": slot_list}


def test_coverage_counts_minutes_and_cells_count_hours_half_covered():
    need = MORNINGS
    assert slots.coverage(need, MORNINGS) == 1.0
    half = _every_day("10:00", "14:00")
    assert slots.coverage(need, half) == pytest.approx(0.5)
    assert slots.coverage(need, [{"day": "sat", "start": "08:00", "end": "12:00"}]) == 0.0
    assert slots.cells([{"day": "mon", "start": "08:30", "end": "10:00"}]) == ["mon08", "mon09"]
    assert slots.cells([{"day": "mon", "start": "08:31", "end": "10:00"}]) == ["mon09"]
    merged = slots.normalise(
        [
            {"day": "tue", "start": "14:00", "end": "18:00"},
            {"day": "mon", "start": "10:00", "end": "12:00"},
            {"day": "mon", "start": "08:00", "end": "10:30"},
        ]
    )
    assert merged == [
        {"day": "mon", "start": "08:00", "end": "12:00"},
        {"day": "tue", "start": "14:00", "end": "18:00"},
    ]


def test_profile_slots_round_trip_and_give_her_days(api):
    from tests.factories import register, secretary_profile

    user = register(api, "secretary")
    profile = secretary_profile(
        availability={
            "hours_per_week": 20,
            "slots": [
                {"day": "thu", "start": "14:00", "end": "18:00"},
                {"day": "mon", "start": "08:00", "end": "12:00"},
            ],
        }
    )
    status, body = api.put("/api/v1/me/profile", profile, token=user["token"])
    assert status == 200, body
    assert body["availability"]["slots"] == [
        {"day": "mon", "start": "08:00", "end": "12:00"},
        {"day": "thu", "start": "14:00", "end": "18:00"},
    ]
    assert body["availability"]["weekdays"] == ["mon", "thu"]
    status, public = api.get(f"/api/v1/secretaries/{user['id']}")
    assert status == 200
    assert public["availability"]["slots"] == body["availability"]["slots"]


@pytest.mark.parametrize(
    ("slot", "field"),
    [
        ({"day": "mon", "start": "12:00", "end": "08:00"}, "end"),
        ({"day": "lun", "start": "08:00", "end": "12:00"}, "day"),
        ({"day": "mon", "start": "8h", "end": "12:00"}, "start"),
    ],
)
def test_a_bad_slot_is_a_422_naming_it(api, slot, field):
    from tests.factories import register, secretary_profile

    user = register(api, "secretary")
    profile = secretary_profile(availability={"slots": [slot]})
    status, body = api.put("/api/v1/me/profile", profile, token=user["token"])
    assert status == 422, body
    assert f"availability.slots.0.{field}" in str(body), body


def test_who_covers_the_slots_ranks_first_and_says_so(api):
    owner = business(api)
    full = secretary(api, availability=_availability(MORNINGS))
    afternoons = secretary(
        api,
        availability=_availability(_every_day("14:00", "18:00")),
    )
    partial = secretary(
        api,
        availability=_availability(_every_day("09:00", "12:00")),
    )
    m = _recurring(api, owner, MORNINGS)
    status, body = api.get(MATCHES.format(m["id"]), token=owner["token"])
    assert status == 200, body
    order = ids(body["results"])
    assert order.index(full["id"]) < order.index(partial["id"]) < order.index(afternoons["id"])
    said = {r["secretary"]["id"]: r for r in body["results"]}
    assert "Couvre 100\u00a0% de vos créneaux" in said[full["id"]]["reasons"]
    assert "Couvre 75\u00a0% de vos créneaux" in said[partial["id"]]["caveats"]
    assert "Ne couvre aucun de vos créneaux" in said[afternoons["id"]]["caveats"]
    assert said[full["id"]]["secretary"]["availability"]["slots"] == MORNINGS


def test_secretaries_see_how_much_of_a_mission_their_slots_cover(api):
    owner = business(api)
    m = _recurring(api, owner, MORNINGS)
    one_off = mission(api, owner, title="Saisie de dossiers patients")
    her = secretary(api, availability=_availability(MORNINGS[:2]))
    status, body = api.get("/api/v1/search/missions", token=her["token"])
    assert status == 200, body
    said = {r["mission"]["id"]: r for r in body["results"]}
    assert "Vos créneaux couvrent 40\u00a0% des siens" in said[m["id"]]["caveats"]
    status, body = api.get("/api/v1/search/missions?schedule=recurring", token=her["token"])
    assert status == 200, body
    assert [r["mission"]["id"] for r in body["results"]] == [m["id"]]
    status, body = api.get("/api/v1/search/missions?schedule=one_off", token=her["token"])
    assert [r["mission"]["id"] for r in body["results"]] == [one_off["id"]]
    status, body = api.get("/api/v1/search/missions?schedule=weekly", token=her["token"])
    assert status == 422 and "schedule" in str(body)
