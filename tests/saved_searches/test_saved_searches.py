"""Saved searches (API.md): save, list, delete; with `alert`, a new or changed secretary or
mission that fits sends one `saved_search_match` notification, never twice for the same.

The jobs run as the worker runs them (`runner.run_pending`), against the real database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox
from tests import factories as f

SAVED = "/api/v1/saved-searches"
NOTIFICATIONS = "/api/v1/notifications"


def run_jobs(app: Flask) -> dict[str, int]:
    with app.app_context():
        return runner.run_pending()


def matches_for(api: Any, user: dict) -> list[dict]:
    status, body = api.get(NOTIFICATIONS, token=user["token"])
    assert status == 200, body
    return [n for n in body["results"] if n["kind"] == "saved_search_match"]


def test_a_business_saves_lists_and_deletes_its_searches(api):
    owner = f.business(api)
    status, saved = api.post(
        SAVED,
        {
            "kind": "secretaries",
            "criteria": {"specialty": "medical", "postal_code": "69003", "radius_km": 30},
            "alert": True,
        },
        token=owner["token"],
    )
    assert status == 201, saved
    assert saved["criteria"] == {"specialty": "medical", "postal_code": "69003", "radius_km": 30}
    assert saved["alert"] is True
    assert saved["url"].startswith("/recherche?") and "postal_code=69003" in saved["url"]
    status, page = api.get(SAVED, token=owner["token"])
    assert status == 200 and page["total"] == 1 and page["results"][0]["id"] == saved["id"]
    other = f.business(api)
    assert api.get(SAVED, token=other["token"])[1]["total"] == 0
    assert api.call("DELETE", f"{SAVED}/{saved['id']}", token=other["token"])[0] == 404
    assert api.call("DELETE", f"{SAVED}/{saved['id']}", token=owner["token"])[0] == 204
    assert api.call("DELETE", f"{SAVED}/{saved['id']}", token=owner["token"])[0] == 404
    assert api.get(SAVED, token=owner["token"])[1]["total"] == 0


def test_who_may_save_what(api, app):
    owner = f.business(api)
    sec = f.secretary(api)
    assert api.get(SAVED)[0] == 401
    assert api.post(SAVED, {"kind": "secretaries", "criteria": {}})[0] == 401
    op = f.operator(api, app)
    assert api.post(SAVED, {"kind": "missions"}, token=op["token"])[0] == 403
    status, body = api.post(SAVED, {"kind": "secretaries"}, token=sec["token"])
    assert status == 422 and "kind" in body["errors"]["json"], body
    status, body = api.post(SAVED, {"kind": "missions"}, token=owner["token"])
    assert status == 422 and "kind" in body["errors"]["json"], body
    assert api.post(SAVED, {"kind": "missions"}, token=sec["token"])[0] == 201


def test_criteria_are_checked_by_the_search_schema_naming_the_field(api):
    owner = f.business(api)
    status, body = api.post(
        SAVED,
        {"kind": "secretaries", "criteria": {"specialty": "medical", "colour": "blue"}},
        token=owner["token"],
    )
    assert status == 422, body
    assert body["errors"]["json"] == {"criteria.colour": ["Unknown field."]}, body
    status, body = api.post(
        SAVED, {"kind": "secretaries", "criteria": {"postal_code": "00000"}}, token=owner["token"]
    )
    assert status == 422 and "criteria.postal_code" in body["errors"]["json"], body
    status, body = api.post(
        SAVED, {"kind": "secretaries", "criteria": {"radius_km": 20}}, token=owner["token"]
    )
    assert status == 422 and "criteria.postal_code" in body["errors"]["json"], body


def test_a_new_fitting_secretary_is_told_once_and_a_changed_one_again(api, app):
    owner = f.business(api)
    status, saved = api.post(
        SAVED,
        {
            "kind": "secretaries",
            "criteria": {"specialty": "medical", "postal_code": "69003", "radius_km": 30},
        },
        token=owner["token"],
    )
    assert status == 201, saved
    near = f.secretary(api, postal_code="69100")  # Villeurbanne: fits
    f.secretary(api, postal_code="13001")  # Marseille: too far
    f.secretary(api, specialties=["legal"], postal_code="69006")  # another specialty
    assert run_jobs(app).get("done", 0) >= 1
    (told,) = matches_for(api, owner)
    assert told["subject"] == {"type": "secretary", "id": near["id"]}
    assert told["url"] == f"/secretaires/{near['id']}"
    assert "correspond à vos critères" in told["body"]
    assert run_jobs(app) == {}  # nothing left to run
    assert len(matches_for(api, owner)) == 1

    # the same profile saved again without a change: not told twice
    profile = f.secretary_profile(postal_code="69100")
    assert api.put("/api/v1/me/profile", profile, token=near["token"])[0] == 200
    run_jobs(app)
    assert len(matches_for(api, owner)) == 1
    # a real change (her rate) is a changed match: told again, once
    profile["hourly_rate_cents"] = 3100
    assert api.put("/api/v1/me/profile", profile, token=near["token"])[0] == 200
    run_jobs(app)
    run_jobs(app)
    assert len(matches_for(api, owner)) == 2
    # a change that takes her out of the criteria tells nothing
    profile["postal_code"] = "33000"
    assert api.put("/api/v1/me/profile", profile, token=near["token"])[0] == 200
    run_jobs(app)
    assert len(matches_for(api, owner)) == 2


def test_without_alert_nothing_is_told_and_no_job_is_written(api, app):
    owner = f.business(api)
    api.post(SAVED, {"kind": "secretaries", "alert": False}, token=owner["token"])
    f.secretary(api)
    with app.app_context():
        written = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(JobOutbox)
            .where(JobOutbox.kind == "saved_search_match")
        )
    assert written == 0
    run_jobs(app)
    assert matches_for(api, owner) == []


def test_a_secretary_is_told_of_a_new_mission_that_fits_her_search(api, app):
    sec = f.secretary(api)
    status, _saved = api.post(
        SAVED,
        {"kind": "missions", "criteria": {"q": "comptes rendus", "specialty": "medical"}},
        token=sec["token"],
    )
    assert status == 201
    owner = f.business(api)
    fits = f.mission(api, owner)  # "Frappe de comptes rendus de consultation"
    f.mission(
        api,
        owner,
        title="Accueil téléphonique",
        description="Standard du cabinet.",
        skills=["phone_reception"],
    )
    run_jobs(app)
    (told,) = matches_for(api, sec)
    assert told["subject"] == {"type": "mission", "id": fits["id"]}
    assert "Frappe de comptes rendus de consultation" in told["body"]
    status, en = api.get(NOTIFICATIONS, token=sec["token"], headers={"Accept-Language": "en"})
    assert "fits your criteria" in en["results"][0]["body"]


def test_at_most_twenty_saved_searches(api):
    owner = f.business(api)
    for _ in range(20):
        assert api.post(SAVED, {"kind": "secretaries"}, token=owner["token"])[0] == 201
    status, body = api.post(SAVED, {"kind": "secretaries"}, token=owner["token"])
    assert status == 409 and body["error"] == "too_many_saved_searches", body
