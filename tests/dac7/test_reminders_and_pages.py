"""DAC7 on the site: her tax information page (the form of the API's fields) and her yearly
statements; the reminders when she was paid without her information (once a month), and in
January the yearly statement of the year before, sent by 31 January (the daily job)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.dac7 import services
from marketplace.extensions import db
from marketplace.jobs.schedule import BEAT_SCHEDULE
from marketplace.notifications.models import Notification
from tests import factories as f
from tests.conftest import ApiClient
from tests.dac7.test_dac7 import TAX
from tests.web.browser import Browser
from tests.web.steps import sign_in


def _notifications(app: Flask, user_id: str, kind: str) -> list[Notification]:
    with app.app_context():
        found = list(
            db.session.scalars(
                sa.select(Notification).where(
                    Notification.user_id == uuid.UUID(user_id), Notification.kind == kind
                )
            )
        )
        db.session.expunge_all()
        return found


def _remind(app: Flask, now: datetime) -> services.ReminderRun:
    with app.app_context():
        return services.remind(now)


def test_she_gives_her_tax_information_on_the_page_and_reads_her_statement(
    client: Any, api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api).to("released")
    browser = Browser(client)
    sign_in(browser, deal.secretary["email"])
    page = browser.get("/informations-fiscales")
    assert "complétez ces informations" in page  # paid, nothing given yet
    year = datetime.now(services.PARIS).year
    assert f"Récapitulatif {year}" in page and "provisoire" in page

    refused = browser.submit(page, TAX | {"tin": "99999"}, expect=422)
    assert refused.field_error("tin") and refused.value("legal_name") == "Claire Dubois"
    done = browser.submit("/informations-fiscales", TAX)
    assert "Informations fiscales enregistrées." in done.flashes()
    assert "Informations complètes" in done and "FR76 •••• 0189" in done
    status, body = api.get("/api/v1/me/tax-profile", token=deal.secretary["token"])
    assert status == 200 and body["tin"] == TAX["tin"], body

    statement = browser.get(f"/informations-fiscales/{year}")
    assert "Claire Dubois" in statement and "968,00" in statement  # 1,100 € minus 12 %
    assert browser.get(f"/informations-fiscales/{year - 5}", expect=404).status == 404

    business = Browser(type(client)(client.application))
    sign_in(business, deal.business["email"])
    assert business.get("/informations-fiscales", expect=403).status == 403


def test_a_paid_secretary_without_her_information_is_reminded_once_a_month(
    api: ApiClient, app: Flask
) -> None:
    paid = f.Deal(api).to("released")
    unpaid = f.Rows(app).secretary()
    complete = f.Deal(api).to("released")
    assert api.put("/api/v1/me/tax-profile", TAX, token=complete.secretary["token"])[0] == 200

    now = datetime.now(UTC)
    assert _remind(app, now).reminded == 1
    assert _remind(app, now + timedelta(hours=1)).reminded == 1  # same month: no second one
    [reminder] = _notifications(app, paid.secretary["id"], "document_requested")
    assert reminder.params["document"] == "dac7"
    assert _notifications(app, unpaid["id"], "document_requested") == []
    assert _notifications(app, complete.secretary["id"], "document_requested") == []
    status, listed = api.get("/api/v1/notifications", token=paid.secretary["token"])
    assert status == 200
    [shown] = [n for n in listed["results"] if n["kind"] == "document_requested"]
    assert shown["title"] == "Vos informations fiscales sont à compléter"
    assert shown["url"] == "/informations-fiscales"

    _remind(app, now + timedelta(days=32))
    assert len(_notifications(app, paid.secretary["id"], "document_requested")) == 2
    assert api.put("/api/v1/me/tax-profile", TAX, token=paid.secretary["token"])[0] == 200
    _remind(app, now + timedelta(days=64))
    assert len(_notifications(app, paid.secretary["id"], "document_requested")) == 2


def test_in_january_each_secretary_paid_last_year_is_sent_her_statement_once(
    api: ApiClient, app: Flask
) -> None:
    paid = f.Deal(api).to("released")
    unpaid = f.Rows(app).secretary()
    year = datetime.now(services.PARIS).year
    january = datetime(year + 1, 1, 2, 6, 10, tzinfo=UTC)
    assert _remind(app, january).statements == 1
    assert _remind(app, january + timedelta(days=1)).statements == 1  # run again: still once
    [told] = _notifications(app, paid.secretary["id"], "tax_statement_ready")
    assert told.params == {"year": str(year)} and told.url == f"/informations-fiscales/{year}"
    assert _notifications(app, unpaid["id"], "tax_statement_ready") == []
    # before January nothing is sent: the statement is not final yet
    assert _remind(app, datetime(year, 12, 31, 12, tzinfo=UTC)).statements == 0
    assert any(e["task"] == "marketplace.jobs.dac7_remind" for e in BEAT_SCHEDULE.values())
