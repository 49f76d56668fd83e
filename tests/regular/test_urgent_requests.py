"""Urgent requests within recurring work: sent by the business, accepted or declined by
her (never imposed), billed at her urgent surcharge, expired past their deadline, and her
usual answer time on her profile measured from what she did."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from marketplace.contracts.models import UrgentRequest
from marketplace.extensions import db
from tests.regular.steps import Engagement


def _deadline(hours: float = 4) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def _active(api) -> Engagement:
    e = Engagement(api)
    e.fund(e.period()["id"])
    return e


def _send(api, e: Engagement, title: str = "Relancer les patients de demain") -> dict:
    status, body = api.post(
        f"/api/v1/contracts/{e.id}/urgent-requests",
        {"title": title, "description": "Le médecin est absent demain.", "deadline": _deadline()},
        token=e.business["token"],
    )
    assert status == 201, body
    return dict(body)


def test_an_accepted_request_is_billed_at_her_urgent_surcharge(api) -> None:
    e = _active(api)
    request = _send(api, e)
    assert request["status"] == "pending"
    status, notes = api.get("/api/v1/notifications", token=e.secretary["token"])
    assert "urgent_request" in {n["kind"] for n in notes["results"]}
    status, body = e.log(60, "urgent")
    assert status == 422 and "urgent_request_id" in body["errors"]["json"], body
    status, body = api.post(
        f"/api/v1/urgent-requests/{request['id']}/accept", token=e.secretary["token"]
    )
    assert status == 200 and body["status"] == "accepted", body
    status, again = api.post(
        f"/api/v1/urgent-requests/{request['id']}/decline", token=e.secretary["token"]
    )
    assert status == 409, again
    status, entry = api.post(
        f"/api/v1/contracts/{e.id}/time-entries",
        {
            "date": e.period()["starts_on"],
            "minutes": 60,
            "description": "Relances",
            "rate_kind": "urgent",
            "urgent_request_id": request["id"],
        },
        token=e.secretary["token"],
    )
    assert status == 201, entry
    assert (entry["rate_cents"], entry["amount_cents"]) == (4_500, 4_500)  # +50 %


def test_she_may_decline_and_only_the_business_may_ask(api) -> None:
    e = _active(api)
    status, body = api.post(
        f"/api/v1/contracts/{e.id}/urgent-requests",
        {"title": "Tâche", "deadline": _deadline()},
        token=e.secretary["token"],
    )
    assert status == 403, body
    status, body = api.post(
        f"/api/v1/contracts/{e.id}/urgent-requests",
        {"title": "Hier", "deadline": _deadline(-1)},
        token=e.business["token"],
    )
    assert status == 422 and "deadline" in body["errors"]["json"], body
    request = _send(api, e)
    status, body = api.post(
        f"/api/v1/urgent-requests/{request['id']}/decline",
        {"reason": "Déjà prise ce matin."},
        token=e.secretary["token"],
    )
    assert status == 200 and body["status"] == "declined", body
    assert body["decline_reason"] == "Déjà prise ce matin."
    status, notes = api.get("/api/v1/notifications", token=e.business["token"])
    assert "urgent_request_answered" in {n["kind"] for n in notes["results"]}


def test_a_request_past_its_deadline_expires_and_cannot_be_accepted(api, app) -> None:
    e = _active(api)
    request = _send(api, e)
    with app.app_context():
        db.session.execute(
            sa.update(UrgentRequest)
            .where(UrgentRequest.id == uuid.UUID(request["id"]))
            .values(deadline=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
    status, body = api.post(
        f"/api/v1/urgent-requests/{request['id']}/accept", token=e.secretary["token"]
    )
    assert status == 409, body
    status, listed = api.get(f"/api/v1/contracts/{e.id}/urgent-requests", token=e.business["token"])
    assert status == 200 and [r["status"] for r in listed] == ["expired"]


def test_her_profile_shows_how_fast_she_usually_answers(api, app) -> None:
    e = _active(api)
    for minutes, accept in ((30, True), (90, False), (60, True)):
        request = _send(api, e)
        with app.app_context():
            db.session.execute(
                sa.update(UrgentRequest)
                .where(UrgentRequest.id == uuid.UUID(request["id"]))
                .values(created_at=datetime.now(UTC) - timedelta(minutes=minutes))
            )
            db.session.commit()
        action = "accept" if accept else "decline"
        status, _ = api.post(
            f"/api/v1/urgent-requests/{request['id']}/{action}", token=e.secretary["token"]
        )
        assert status == 200
    status, profile = api.get(f"/api/v1/secretaries/{e.secretary['id']}")
    assert status == 200, profile
    assert profile["urgent_requests_answered"] == 3
    assert profile["urgent_requests_accepted"] == 2
    assert profile["urgent_answer_minutes"] == 60
