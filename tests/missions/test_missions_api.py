from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories as f


def test_post_mission_resolves_the_place_and_opens_it(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner, postal_code="31000")
    assert mission["status"] == "open"
    assert mission["city"] == "Toulouse" and mission["region"] == "Occitanie"
    assert mission["business"]["id"] == owner["id"]
    status, listed = api.get("/api/v1/missions?mine=true", token=owner["token"])
    assert status == 200 and [m["id"] for m in listed["results"]] == [mission["id"]]
    status, public = api.get("/api/v1/missions")
    assert public["total"] == 1 and public["results"][0]["description"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pricing": "hourly", "estimated_hours": None}, "estimated_hours"),
        ({"start_date": (date.today() - timedelta(days=1)).isoformat()}, "start_date"),
        ({"end_date": date.today().isoformat()}, "end_date"),
        ({"specialty": "astrologie"}, "specialty"),
        ({"postal_code": "00000"}, "postal_code"),
        ({"budget_cents": 5}, "budget_cents"),
        ({"budget_cents": 12.5}, "budget_cents"),
        ({"title": ""}, "title"),
        ({"skills": ["jonglage"]}, "skills.0"),
        ({"start_date": "demain"}, "start_date"),
    ],
)
def test_invalid_missions_are_422_naming_the_field(api, changes, field) -> None:
    owner = f.business(api)
    status, body = api.post("/api/v1/missions", f.mission_payload(**changes), token=owner["token"])
    assert status == 422, body
    assert field in body["errors"]["json"]
    assert api.get("/api/v1/missions?mine=true", token=owner["token"])[1]["total"] == 0


def test_owner_edits_while_open_only(api) -> None:
    deal = f.Deal(api)
    path = f"/api/v1/missions/{deal.mission['id']}"
    status, body = api.patch(
        path, {"urgent": True, "budget_cents": 150_000}, token=deal.business["token"]
    )
    assert status == 200 and body["urgent"] is True and body["budget_cents"] == 150_000
    assert body["title"] == deal.mission["title"]  # untouched fields stay
    status, body = api.patch(path, {"end_date": "2000-01-01"}, token=deal.business["token"])
    assert status == 422 and "end_date" in body["errors"]["json"]
    status, body = api.patch(path, {"postal_code": "33000"}, token=deal.business["token"])
    assert status == 200 and body["city"] == "Bordeaux"
    deal.hire()
    status, body = api.patch(path, {"urgent": False}, token=deal.business["token"])
    assert status == 409


def test_closing_declines_pending_bids_and_refuses_new_ones(api) -> None:
    deal = f.Deal(api)
    mission_id = deal.mission["id"]
    status, body = api.post(f"/api/v1/missions/{mission_id}/close", token=deal.business["token"])
    assert status == 200 and body["status"] == "closed"
    assert api.post(f"/api/v1/missions/{mission_id}/close", token=deal.business["token"])[0] == 409
    _, bid = api.get(f"/api/v1/bids/{deal.bid['id']}", token=deal.secretary["token"])
    assert bid["status"] == "declined"
    # The bidder still sees the mission she bid on; she cannot bid again.
    assert api.get(f"/api/v1/missions/{mission_id}", token=deal.secretary["token"])[0] == 200
    status, body = api.post(
        f"/api/v1/missions/{mission_id}/bids",
        {"amount_cents": 50_000},
        token=deal.secretary["token"],
    )
    assert status == 409
    # A stranger does not see a closed mission at all.
    assert api.get(f"/api/v1/missions/{mission_id}")[0] == 404
    assert api.post(f"/api/v1/bids/{deal.bid['id']}/accept", token=deal.business["token"])[0] == 409


def test_confidential_mission_hides_details_until_the_agreement(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner, confidential=True)
    sec = f.secretary(api)
    path = f"/api/v1/missions/{mission['id']}"
    _, anonymous = api.get(path)
    assert anonymous["description"] is None and anonymous["details_visible"] is False
    assert anonymous["title"] == mission["title"]
    _, before = api.get(path, token=sec["token"])
    assert before["description"] is None
    status, body = api.post(f"{path}/bids", {"amount_cents": 50_000}, token=sec["token"])
    assert status == 409 and body["error"] == "nda_required"
    status, after = api.post(f"{path}/nda", token=sec["token"])
    assert status == 200 and after["description"] and after["details_visible"] is True
    assert api.post(f"{path}/nda", token=sec["token"])[0] == 200  # idempotent
    assert api.post(f"{path}/bids", {"amount_cents": 50_000}, token=sec["token"])[0] == 201
    _, listed = api.get("/api/v1/missions")
    assert listed["results"][0]["description"] is None


def test_nda_on_a_public_mission_is_a_conflict(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner)
    sec = f.secretary(api)
    assert api.post(f"/api/v1/missions/{mission['id']}/nda", token=sec["token"])[0] == 409


def test_invitations(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner)
    sec = f.secretary(api)
    path = f"/api/v1/missions/{mission['id']}/invitations"
    status, body = api.post(
        path,
        {"secretary_id": sec["id"], "message": "Votre profil nous plaît."},
        token=owner["token"],
    )
    assert status == 201 and body["secretary_id"] == sec["id"]
    assert api.post(path, {"secretary_id": sec["id"]}, token=owner["token"])[0] == 409
    status, body = api.post(path, {"secretary_id": owner["id"]}, token=owner["token"])
    assert status == 422 and "secretary_id" in body["errors"]["json"]
    status, body = api.post(path, {"secretary_id": "pas-un-id"}, token=owner["token"])
    assert status == 422 and "secretary_id" in body["errors"]["json"]
    _, mine = api.get("/api/v1/me/invitations", token=sec["token"])
    assert mine["total"] == 1 and mine["results"][0]["mission_id"] == mission["id"]
    _, listed = api.get(path, token=owner["token"])
    assert [i["secretary_id"] for i in listed] == [sec["id"]]


def test_invited_secretary_still_sees_the_mission_after_it_is_hired(api) -> None:
    deal = f.Deal(api)
    invited = f.secretary(api)
    api.post(
        f"/api/v1/missions/{deal.mission['id']}/invitations",
        {"secretary_id": invited["id"]},
        token=deal.business["token"],
    )
    deal.hire()
    assert api.get(f"/api/v1/missions/{deal.mission['id']}", token=invited["token"])[0] == 200


def test_pagination_is_bounded(api) -> None:
    owner = f.business(api)
    for i in range(3):
        f.mission(api, owner, title=f"Mission numéro {i + 1}")
    status, body = api.get("/api/v1/missions?per_page=2&page=2")
    assert status == 200 and body["total"] == 3 and len(body["results"]) == 1
    status, body = api.get("/api/v1/missions?per_page=500")
    assert status == 422 and "per_page" in body["errors"]["query"]


def test_every_cross_field_error_is_reported_at_once(api) -> None:
    owner = f.business(api)
    payload = f.mission_payload(
        pricing="hourly",
        estimated_hours=None,
        postal_code="00000",
        start_date=(date.today() - timedelta(days=2)).isoformat(),
        end_date=(date.today() - timedelta(days=3)).isoformat(),
    )
    status, body = api.post("/api/v1/missions", payload, token=owner["token"])
    assert status == 422
    assert set(body["errors"]["json"]) == {
        "estimated_hours",
        "start_date",
        "end_date",
        "postal_code",
    }


def test_a_direct_proposal_makes_the_mission_and_her_invitation_together(api) -> None:
    owner = f.business(api)
    sec = f.secretary(api)
    payload = f.mission_payload(
        invite_secretary_id=sec["id"], invite_message="Votre profil correspond."
    )
    status, mission = api.post("/api/v1/missions", payload, token=owner["token"])
    assert status == 201, mission
    _, listed = api.get(f"/api/v1/missions/{mission['id']}/invitations", token=owner["token"])
    assert [(i["secretary_id"], i["message"]) for i in listed] == [
        (sec["id"], "Votre profil correspond.")
    ]
    _, told = api.get("/api/v1/notifications", token=sec["token"])
    assert [n["kind"] for n in told["results"]].count("invitation_received") == 1

    # an unknown secretary: a 422 naming the field, and no mission is left behind
    unknown = f.mission_payload(invite_secretary_id=owner["id"], title="Mission fantôme ici")
    status, body = api.post("/api/v1/missions", unknown, token=owner["token"])
    assert status == 422 and "invite_secretary_id" in body["errors"]["json"], body
    _, mine = api.get("/api/v1/missions?mine=true", token=owner["token"])
    assert [m["id"] for m in mine["results"]] == [mission["id"]]
