"""Quotes side by side: the owner compares bids on price, hourly equivalent, rating, distance
and start, sorted as she asks (API and mission page)."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories as f
from tests.search.helpers import history


def _bid(api, sec, mission_id, amount_cents, hours, start_in):
    payload = {
        "amount_cents": amount_cents,
        "estimated_hours": hours,
        "start_date": (date.today() + timedelta(days=start_in)).isoformat(),
        "message": "Disponible.",
    }
    status, body = api.post(f"/api/v1/missions/{mission_id}/bids", payload, token=sec["token"])
    assert status == 201, body
    return body


def test_the_owner_compares_quotes_and_sorts_them(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner, postal_code="69003")
    near = f.secretary(api, postal_code="69003")
    far = f.secretary(api, postal_code="13001")  # Marseille
    history(api.client.application, far["id"], [5, 5, 4])
    cheap = _bid(api, near, mission["id"], 90_000, 40, start_in=10)  # 22,50 €/h
    dear = _bid(api, far, mission["id"], 100_000, 32, start_in=8)  # 31,25 €/h
    path = f"/api/v1/missions/{mission['id']}/bids"

    status, listed = api.get(path, token=owner["token"])
    assert status == 200, listed
    assert [b["id"] for b in listed] == [cheap["id"], dear["id"]]  # as received
    facts = {b["id"]: b["comparison"] for b in listed}
    assert facts[cheap["id"]]["hourly_equivalent_cents"] == 2250
    assert facts[dear["id"]]["hourly_equivalent_cents"] == 3125
    assert facts[dear["id"]]["rating_avg"] == 4.67 and facts[dear["id"]]["rating_count"] == 3
    assert facts[cheap["id"]]["rating_count"] == 0 and facts[cheap["id"]]["rating_avg"] is None
    assert facts[cheap["id"]]["distance_km"] < 1 < 250 < facts[dear["id"]]["distance_km"]

    def order(sort: str) -> list[str]:
        status, body = api.get(f"{path}?sort={sort}", token=owner["token"])
        assert status == 200, body
        return [b["id"] for b in body]

    assert order("price") == [cheap["id"], dear["id"]]
    assert order("hourly") == [cheap["id"], dear["id"]]
    assert order("rating") == [dear["id"], cheap["id"]]
    assert order("distance") == [cheap["id"], dear["id"]]
    assert order("start") == [dear["id"], cheap["id"]]
    status, body = api.get(f"{path}?sort=cheapest", token=owner["token"])
    assert status == 422 and "sort" in str(body)

    # she sees her own bid, without the others' figures
    status, mine = api.get(path, token=near["token"])
    assert status == 200 and [b["id"] for b in mine] == [cheap["id"]]
    assert mine[0]["comparison"] is None
