"""Recurring work over the public API: periods funded in escrow, time logged with the
secretary's surcharges, timesheets submitted and approved, unused money refunded, the
next period opened and charged by the job, and the contract ended with its notice."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from marketplace.contracts import periods as periods_service
from tests import factories as f
from tests.regular.steps import (
    RATE,
    Engagement,
    recurring_mission,
    submitted_days_ago,
    travel,
    travel_contract,
)


def test_a_recurring_mission_names_each_missing_field(api) -> None:
    owner = f.business(api)
    payload = f.mission_payload(**recurring_mission(period=None, hours_per_period=None))
    status, body = api.post("/api/v1/missions", payload, token=owner["token"])
    assert status == 422, body
    assert set(body["errors"]["json"]) == {"period", "hours_per_period"}
    slots = recurring_mission(weekly_slots=[{"day": "mon", "start": "12:00", "end": "08:00"}])
    status, body = api.post("/api/v1/missions", f.mission_payload(**slots), token=owner["token"])
    assert status == 422, body
    assert list(body["errors"]["json"]) == ["weekly_slots.0.end"]


def test_an_implausible_hourly_budget_is_flagged_with_its_figure(api) -> None:
    owner = f.business(api)
    mission = f.mission(api, owner, **recurring_mission(hours_per_period=36, budget_cents=3_000))
    [warning] = mission["warnings"]
    assert warning["code"] == "implausible_hourly_rate"
    assert warning["field"] == "budget_cents"
    assert warning["hourly_cents"] == 83  # 30 EUR for 36 hours
    assert "0,83" in warning["message"]
    fair = f.mission(api, owner, **recurring_mission(hours_per_period=10, budget_cents=30_000))
    assert fair["warnings"] == []
    assert fair["schedule"] == "recurring" and fair["period"] == "week"
    assert fair["weekly_slots"][0] == {"day": "mon", "start": "08:00", "end": "10:00"}


def test_hiring_at_an_hourly_rate_makes_a_recurring_contract_with_its_first_period(api) -> None:
    e = Engagement(api)
    assert e.bid["hourly_rate_cents"] == RATE
    assert e.bid["amount_cents"] == 10 * RATE  # one period's hours at her rate
    c = e.contract
    assert (c["kind"], c["status"], c["period"]) == ("recurring", "awaiting_funding", "week")
    assert c["hourly_rate_cents"] == RATE and c["cap_minutes_per_period"] == 600
    assert c["surcharges"] == {"urgent_percent": 50, "evening_percent": 25, "weekend_percent": 40}
    assert c["notice_days"] == 7
    [first] = e.periods()
    assert first["status"] == "awaiting_funding"
    assert first["cap_cents"] == 30_000 and first["cap_minutes"] == 600
    assert date.fromisoformat(first["ends_on"]) - date.fromisoformat(first["starts_on"]) == (
        timedelta(days=6)
    )
    assert "fund_period" in c["next_actions"]


def test_time_is_priced_with_her_surcharge_and_bounded_by_the_cap(api) -> None:
    e = Engagement(api)
    first = e.period()
    status, _ = e.log(60)
    assert status == 409  # not funded yet: no time can be logged
    status, funded = e.act(first["id"], "fund", "business")  # no body needed
    assert status == 200, funded
    assert funded["period"]["status"] == "funded"
    assert e.contract_now()["status"] == "active"
    status, normal = e.log(120)
    assert status == 201, normal
    assert (normal["rate_cents"], normal["amount_cents"]) == (3_000, 6_000)
    status, evening = e.log(60, "evening")
    assert status == 201, evening
    assert (evening["rate_cents"], evening["amount_cents"]) == (3_750, 3_750)
    saturday = date.today() + timedelta(days=(5 - date.today().weekday()) % 7)
    if saturday > date.fromisoformat(first["ends_on"]) or saturday > date.today():
        status, body = e.log(30, "weekend")  # today is a weekday: refused, naming the field
        if date.today().weekday() < 5:
            assert status == 422 and "rate_kind" in body["errors"]["json"], body
    status, body = e.log(60, on=date.fromisoformat(first["ends_on"]) + timedelta(days=1))
    assert status == 422 and "date" in body["errors"]["json"], body  # outside the period
    status, body = e.log(500)  # 3 h logged, 10 h capped: 7 h left
    assert status == 409 and body["error"] == "over_cap", body
    [period] = e.periods(who="secretary")
    assert (period["logged_minutes"], period["logged_cents"]) == (180, 9_750)


def test_approval_pays_the_hours_minus_commission_and_refunds_the_rest(api) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(120)
    e.log(60, "evening")
    status, body = e.act(first["id"], "approve", "business")
    assert status == 409, body  # not submitted yet
    status, body = e.act(first["id"], "submit", "secretary")
    assert status == 200 and body["status"] == "submitted", body
    status, late = e.log(30)
    assert status == 409, late  # the timesheet is sent: nothing more goes in
    status, body = e.act(first["id"], "submit", "secretary")
    assert status == 409, body
    status, approved = e.act(first["id"], "approve", "business")
    assert status == 200, approved
    commission = (9_750 * 1_200 + 5_000) // 10_000  # the default 12 %
    assert approved["status"] == "approved"
    assert approved["approved_cents"] == 9_750
    assert approved["commission_cents"] == commission
    assert approved["released_cents"] == 9_750 - commission
    assert approved["refunded_cents"] == 30_000 - 9_750
    assert approved["held_cents"] == 0
    status, again = e.act(first["id"], "approve", "business")
    assert status == 409, again
    ledger = e.ledger()
    assert ledger["balanced"] is True and ledger["held_cents"] == 0
    assert ledger["balances"]["secretary"] == 9_750 - commission
    assert ledger["balances"]["business"] == -9_750
    status, invoices = e.get(f"/api/v1/contracts/{e.id}/invoices", "secretary")
    assert status == 200, invoices
    assert {i["kind"] for i in invoices} == {"service", "commission"}
    service = next(i for i in invoices if i["kind"] == "service")
    assert service["total_cents"] == 9_750


def test_only_the_parties_see_the_periods_and_only_she_logs_time(api) -> None:
    e = Engagement(api)
    stranger = f.secretary(api)
    status, _ = api.get(f"/api/v1/contracts/{e.id}/periods", token=stranger["token"])
    assert status == 404
    first = e.period()
    status, _ = api.post(
        f"/api/v1/contracts/{e.id}/periods/{first['id']}/fund", {}, token=stranger["token"]
    )
    assert status == 404
    status, _ = e.act(first["id"], "fund", "secretary", {})
    assert status == 403
    e.fund(first["id"])
    status, _ = api.post(
        f"/api/v1/contracts/{e.id}/time-entries",
        {"date": date.today().isoformat(), "minutes": 30, "description": "Appels"},
        token=e.business["token"],
    )
    assert status == 403


def test_entries_can_be_changed_and_deleted_until_the_period_is_submitted(api) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    _, entry = e.log(60)
    status, changed = api.patch(
        f"/api/v1/time-entries/{entry['id']}",
        {"minutes": 90, "rate_kind": "evening"},
        token=e.secretary["token"],
    )
    assert status == 200, changed
    assert (changed["minutes"], changed["amount_cents"]) == (90, 5_625)
    _, other = e.log(30)
    status, _ = api.delete(f"/api/v1/time-entries/{other['id']}", token=e.secretary["token"])
    assert status == 204
    status, listed = e.get(f"/api/v1/contracts/{e.id}/time-entries?period_id={first['id']}")
    assert status == 200 and [x["id"] for x in listed] == [entry["id"]]
    e.act(first["id"], "submit", "secretary")
    status, body = api.patch(
        f"/api/v1/time-entries/{entry['id']}", {"minutes": 30}, token=e.secretary["token"]
    )
    assert status == 409, body
    status, body = api.delete(f"/api/v1/time-entries/{entry['id']}", token=e.secretary["token"])
    assert status == 409, body


def test_the_job_opens_and_charges_the_next_period_and_auto_approves(api, app) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(90)
    travel(app, first["id"], 6)  # the week went by: its last day is today
    with app.app_context():
        report = periods_service.run_due()
    assert (report.opened, report.charged) == (1, 1)
    first_now, second = e.periods()
    assert second["status"] == "funded"  # the method saved with the first one was charged
    assert date.fromisoformat(second["starts_on"]) == date.fromisoformat(
        first_now["ends_on"]
    ) + timedelta(days=1)
    e.act(first["id"], "submit", "secretary")
    submitted_days_ago(app, first["id"], 4.5)  # the day before it approves itself
    with app.app_context():
        report = periods_service.run_due()
    assert (report.reminded, report.approved) == (1, 0)
    _status, notes = api.get("/api/v1/notifications", token=e.business["token"])
    assert "timesheet_auto_approve_soon" in {n["kind"] for n in notes["results"]}
    submitted_days_ago(app, first["id"], 5.1)
    with app.app_context():
        report = periods_service.run_due()
        again = periods_service.run_due()
    assert report.approved == 1 and again.approved == 0
    approved = e.period(0)
    assert approved["status"] == "approved" and approved["auto_approved"] is True
    assert approved["approved_cents"] == 4_500


def test_ending_cuts_the_last_period_and_funds_nothing_after_it(api, app) -> None:
    e = Engagement(api, notice_days=3)
    first = e.period()
    e.fund(first["id"])
    status, ended = api.post(
        f"/api/v1/contracts/{e.id}/end",
        {"reason": "Le cabinet ferme en janvier."},
        token=e.secretary["token"],
    )
    assert status == 200, ended
    last_day = date.today() + timedelta(days=3)
    assert ended["ends_on"] == last_day.isoformat()
    status, again = api.post(
        f"/api/v1/contracts/{e.id}/end", {"reason": "Encore."}, token=e.business["token"]
    )
    assert status == 409 and again["error"] == "already_ending", again
    [cut] = e.periods()
    assert cut["ends_on"] == last_day.isoformat()
    assert cut["cap_minutes"] == 600 * 4 // 7  # four of its seven days
    assert cut["cap_cents"] == (cut["cap_minutes"] * RATE + 30) // 60
    assert cut["funded_cents"] == 30_000  # funded in full before: the unused part comes back
    e.log(60)
    travel_contract(app, e.id, 10)  # ten days later: the last day was a week ago
    with app.app_context():
        report = periods_service.run_due()
    assert report.opened == 0  # nothing past the last day
    assert report.submitted == 1  # the forgotten timesheet is sent by itself
    assert e.contract_now()["status"] == "active"  # its last period is still open
    status, body = e.act(first["id"], "approve", "business")
    assert status == 200, body
    assert body["refunded_cents"] == 30_000 - RATE  # one hour used of the funded week
    final = e.contract_now()
    assert final["status"] == "ended"
    assert "review" in final["next_actions"]
    status, review = api.post(
        f"/api/v1/contracts/{e.id}/reviews",
        {"rating": 5, "comment": "Très fiable chaque matin."},
        token=e.business["token"],
    )
    assert status == 201, review
    assert e.ledger()["balanced"] is True and e.ledger()["held_cents"] == 0


def test_a_contract_never_funded_is_called_off_at_once(api) -> None:
    e = Engagement(api)
    status, body = api.post(
        f"/api/v1/contracts/{e.id}/end", {"reason": "Finalement non."}, token=e.business["token"]
    )
    assert status == 200, body
    assert body["status"] == "cancelled"
    assert [p["status"] for p in e.periods()] == ["cancelled"]


def test_hourly_one_off_work_is_one_period_that_ends_the_contract(api) -> None:
    e = Engagement(api, hourly_one_off=True)
    assert e.contract["kind"] == "hourly"
    [period] = e.periods()
    assert period["cap_minutes"] == 360 and period["cap_cents"] == 6 * RATE
    status, funded = api.post(f"/api/v1/contracts/{e.id}/fund", None, token=e.business["token"])
    assert status == 200, funded
    assert funded["status"] == "active"
    e.log(240)
    e.act(period["id"], "submit", "secretary")
    status, body = e.act(period["id"], "approve", "business")
    assert status == 200, body
    final = e.contract_now()
    assert final["status"] == "ended"
    assert final["money"]["paid_out_cents"] == body["released_cents"]
    assert final["money"]["refunded_cents"] == 6 * RATE - 4 * RATE


def test_a_disputed_timesheet_waits_for_the_operator_split(api, app) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(300)
    e.act(first["id"], "submit", "secretary")
    status, body = e.act(
        first["id"], "dispute", "business", {"reason": "Trois heures n'ont pas été faites."}
    )
    assert status == 200 and body["status"] == "disputed", body
    operator = f.operator(api, app)
    path = f"/api/v1/admin/contracts/{e.id}/periods/{first['id']}/resolve"
    status, body = api.post(
        path, {"release_cents": 100, "refund_cents": 100}, token=operator["token"]
    )
    assert status == 422 and "release_cents" in body["errors"]["json"], body
    status, body = api.post(
        path, {"release_cents": 6_000, "refund_cents": 24_000}, token=operator["token"]
    )
    assert status == 200, body
    assert body["status"] == "resolved" and body["refunded_cents"] == 24_000
    assert e.ledger()["balanced"] is True and e.ledger()["held_cents"] == 0


def test_long_contracts_are_rated_every_three_months_and_again_at_the_end(api, app) -> None:
    e = Engagement(api)
    e.fund(e.period()["id"])
    review = {"rating": 5, "comment": "Toujours à l'heure au téléphone."}
    path = f"/api/v1/contracts/{e.id}/reviews"
    status, body = api.post(path, review, token=e.business["token"])
    assert status == 409, body  # not three months yet
    travel_contract(app, e.id, 92)
    assert "review" in e.contract_now()["next_actions"]
    status, first = api.post(path, review, token=e.business["token"])
    assert status == 201, first
    status, again = api.post(path, review, token=e.business["token"])
    assert status == 409, again  # once per quarter
    assert "review" not in e.contract_now()["next_actions"]
    status, hers = api.post(
        path, {"rating": 4, "comment": "Client clair et réactif."}, token=e.secretary["token"]
    )
    assert status == 201, hers
    status, published = api.get(f"/api/v1/secretaries/{e.secretary['id']}/reviews")
    assert status == 200 and published["total"] == 1, published  # both rated: public


def test_a_recurring_contract_reaching_5000_eur_needs_her_urssaf_attestation(api) -> None:
    e = Engagement(
        api, period="month", hours_per_period=170, budget_cents=510_000
    )  # 170 h a month at 30 EUR: 5,100 EUR from the first period
    first = e.period()
    assert first["cap_cents"] == 510_000
    status, body = e.act(first["id"], "fund", "business", {})
    assert status == 409 and body["error"] == "vigilance_document_missing", body
    assert "attestation de vigilance" in body["message"]
    status, state = e.get(f"/api/v1/contracts/{e.id}/vigilance")
    assert status == 200 and state["required"] is True and state["status"] == "missing", state
    assert state["total_excl_tax_cents"] >= 500_000


def test_recurring_work_is_matched_on_its_period_budget_and_its_slot_days(api, app) -> None:
    from marketplace.missions.models import Mission
    from marketplace.search import ranking

    e = Engagement(api)
    with app.app_context():
        from marketplace.extensions import db

        mission = db.session.get(Mission, uuid.UUID(e.mission["id"]))
        criteria = ranking.criteria_for_mission(mission)
    # 300 EUR for 10 hours a week: 30 EUR an hour, read from one period, not the estimate.
    assert criteria.budget_rate_cents == 3_000
    assert criteria.days == ("mon", "tue", "wed", "thu", "fri")  # its weekly slots


def test_evening_and_weekend_slots_compare_the_budget_with_her_surcharged_rate(api, app) -> None:
    from types import SimpleNamespace

    from marketplace.search import ranking

    def mission(*slots: tuple[str, str, str], urgent: bool = False) -> SimpleNamespace:
        return SimpleNamespace(
            weekly_slots=[{"day": d, "start": a, "end": b} for d, a, b in slots], urgent=urgent
        )

    assert ranking.rate_kind_of(mission(("sat", "09:00", "12:00"))) == "weekend"
    assert ranking.rate_kind_of(mission(("mon", "17:00", "20:00"))) == "evening"
    assert ranking.rate_kind_of(mission(("mon", "08:00", "12:00"))) == "hourly"
    assert ranking.rate_kind_of(mission(urgent=True)) == "urgent"
    e = Engagement(api, weekly_slots=[{"day": "sat", "start": "09:00", "end": "12:00"}])
    with app.app_context():
        from marketplace.extensions import db
        from marketplace.missions.models import Mission

        criteria = ranking.criteria_for_mission(db.session.get(Mission, uuid.UUID(e.mission["id"])))
    assert ranking.rate_field(criteria) == "weekend_rate_cents"
