from __future__ import annotations

from collections import Counter

from tests import factories as f


def test_one_live_bid_per_secretary_per_mission(api) -> None:
    deal = f.Deal(api)
    path = f"/api/v1/missions/{deal.mission['id']}/bids"
    status, body = api.post(path, {"amount_cents": 90_000}, token=deal.secretary["token"])
    assert status == 409 and body["error"] == "already_bid"
    assert (
        api.post(f"/api/v1/bids/{deal.bid['id']}/withdraw", token=deal.secretary["token"])[0] == 200
    )
    assert (
        api.post(f"/api/v1/bids/{deal.bid['id']}/withdraw", token=deal.secretary["token"])[0] == 409
    )
    status, body = api.post(path, {"amount_cents": 90_000}, token=deal.secretary["token"])
    assert status == 201 and body["status"] == "pending"
    _, mine = api.get(path, token=deal.secretary["token"])
    assert Counter(b["status"] for b in mine) == {"withdrawn": 1, "pending": 1}


def test_validation_of_bids(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner)
    sec = f.secretary(api)
    path = f"/api/v1/missions/{mission['id']}/bids"
    status, body = api.post(
        path, {"amount_cents": -5, "start_date": "2000-01-01"}, token=sec["token"]
    )
    assert status == 422 and "amount_cents" in body["errors"]["json"]
    status, body = api.post(
        path, {"amount_cents": 50_000, "start_date": "2000-01-01"}, token=sec["token"]
    )
    assert status == 422 and "start_date" in body["errors"]["json"]
    status, body = api.post(path, {}, token=sec["token"])
    assert status == 422 and "amount_cents" in body["errors"]["json"]


def test_a_secretary_needs_a_profile_to_bid(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner)
    newcomer = f.register(api, "secretary")
    status, body = api.post(
        f"/api/v1/missions/{mission['id']}/bids", {"amount_cents": 50_000}, token=newcomer["token"]
    )
    assert status == 409 and "profil" in body["message"]


def test_owner_sees_every_bid_a_secretary_only_hers(api) -> None:
    deal = f.Deal(api)
    rival = f.secretary(api)
    f.bid(api, rival, deal.mission["id"], 95_000)
    path = f"/api/v1/missions/{deal.mission['id']}/bids"
    _, all_bids = api.get(path, token=deal.business["token"])
    assert len(all_bids) == 2
    _, hers = api.get(path, token=rival["token"])
    assert [b["secretary_id"] for b in hers] == [rival["id"]]
    _, mine = api.get("/api/v1/me/bids", token=rival["token"])
    assert mine["total"] == 1


def test_accepting_a_bid_hires_and_declines_the_others(api) -> None:
    deal = f.Deal(api)
    rival = f.secretary(api)
    rival_bid = f.bid(api, rival, deal.mission["id"], 95_000)
    withdrawn_by = f.secretary(api)
    withdrawn = f.bid(api, withdrawn_by, deal.mission["id"], 80_000)
    api.post(f"/api/v1/bids/{withdrawn['id']}/withdraw", token=withdrawn_by["token"])
    deal.hire()
    contract = deal.contract
    assert contract["status"] == "awaiting_funding"
    assert contract["amount_cents"] == 110_000 and contract["secretary_id"] == deal.secretary["id"]
    assert contract["mission_id"] == deal.mission["id"]
    _, mission = api.get(f"/api/v1/missions/{deal.mission['id']}", token=deal.business["token"])
    assert mission["status"] == "hired"
    _, bids = api.get(f"/api/v1/missions/{deal.mission['id']}/bids", token=deal.business["token"])
    assert {b["id"]: b["status"] for b in bids} == {
        deal.bid["id"]: "accepted",
        rival_bid["id"]: "declined",
        withdrawn["id"]: "withdrawn",
    }
    # Every later move on this mission's bids is refused.
    assert (
        api.post(f"/api/v1/bids/{rival_bid['id']}/accept", token=deal.business["token"])[0] == 409
    )
    assert api.post(f"/api/v1/bids/{deal.bid['id']}/accept", token=deal.business["token"])[0] == 409
    assert (
        api.post(f"/api/v1/bids/{deal.bid['id']}/withdraw", token=deal.secretary["token"])[0] == 409
    )
    assert api.post(f"/api/v1/bids/{rival_bid['id']}/withdraw", token=rival["token"])[0] == 409


def test_withdrawn_bid_cannot_be_accepted(api) -> None:
    deal = f.Deal(api)
    api.post(f"/api/v1/bids/{deal.bid['id']}/withdraw", token=deal.secretary["token"])
    status, body = api.post(f"/api/v1/bids/{deal.bid['id']}/accept", token=deal.business["token"])
    assert status == 409 and body["error"] == "invalid_transition"
    _, mission = api.get(f"/api/v1/missions/{deal.mission['id']}", token=deal.business["token"])
    assert mission["status"] == "open"
