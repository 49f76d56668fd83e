"""Notification e-mails through the job outbox to the real Mailpit: at once, in one daily
digest, not at all when turned off; the unsubscribe link of an e-mail works signed out."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox
from marketplace.notifications.emails import send_digests
from tests import factories as f
from tests.conftest import MAIL_PUBLIC_URL, ApiClient
from tests.conversations.steps import open_thread, say
from tests.mail import mailpit
from tests.web.browser import Browser

PUBLIC_URL = MAIL_PUBLIC_URL


def _fresh_address(app: Flask, person: dict[str, Any]) -> str:
    """A new address for this person, so earlier runs' mail in Mailpit never counts."""
    address = f"{person['email'].split('@')[0]}.{uuid.uuid4().hex[:8]}@exemple.fr"
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == uuid.UUID(person["id"])).values(email=address)
        )
        db.session.commit()
    person["email"] = address
    return address


def _run_jobs(app: Flask) -> dict[str, int]:
    with app.app_context():
        return runner.run_pending()


def test_a_hire_is_e_mailed_at_once_and_its_unsubscribe_link_works_signed_out(
    mail_app: Flask,
) -> None:
    api = ApiClient(mail_app.test_client())
    deal = f.Deal(api, through_api=True)
    to = _fresh_address(mail_app, deal.secretary)
    deal.hire()
    assert _run_jobs(mail_app).get("done", 0) >= 1
    [summary] = mailpit.wait_for(to)
    assert summary["Subject"].startswith("Votre devis est accepté")
    full = mailpit.message(summary["ID"])
    assert f"{PUBLIC_URL}/contrats/{deal.contract_id}" in full["Text"]
    assert full["HTML"] and "Bonjour" in full["HTML"]
    [unsubscribe] = mailpit.headers(summary["ID"])["List-Unsubscribe"]
    assert _run_jobs(mail_app) == {}  # nothing left: one e-mail, not two
    assert len(mailpit.messages_to(to)) == 1

    link = unsubscribe.strip("<>").removeprefix(PUBLIC_URL)
    stranger = Browser(mail_app.test_client())
    page = stranger.get(link)
    assert "Ne plus recevoir" in page.text
    assert "C'est fait" in stranger.submit(page).text
    _, settings = api.get("/api/v1/me/notification-settings", token=deal.secretary["token"])
    assert settings["email"]["bid_accepted"] == "off"


def test_daily_kinds_go_out_in_one_digest_once_and_off_sends_nothing(mail_app: Flask) -> None:
    api = ApiClient(mail_app.test_client())
    deal = f.Deal(api, through_api=True)
    loser = f.secretary(api)
    to = _fresh_address(mail_app, loser)
    f.bid(api, loser, deal.mission["id"], 90_000)
    other = f.Deal(api, through_api=True)
    f.bid(api, loser, other.mission["id"], 80_000)
    deal.hire()
    other.hire()  # two "not retained" for her: daily by default
    _run_jobs(mail_app)
    assert mailpit.messages_to(to) == []  # nothing at once for a daily kind
    with mail_app.app_context():
        assert send_digests() >= 1
        send_digests()  # a second run (or a run at the same time) sends nothing more
    [digest] = mailpit.wait_for(to)
    assert re.search(r"2 nouveautés", digest["Subject"])
    assert mailpit.message(digest["ID"])["Text"].count("Devis non retenu") == 2

    status, _ = api.put(
        "/api/v1/me/notification-settings",
        {"email": {"contract_funded": "off"}},
        deal.secretary["token"],
    )
    assert status == 200
    quiet = _fresh_address(mail_app, deal.secretary)
    assert deal.act("fund", "business")[0] == 200
    _run_jobs(mail_app)
    with mail_app.app_context():
        send_digests()
    assert mailpit.messages_to(quiet) == []  # funded: in the site only
    _, body = api.get("/api/v1/notifications", token=deal.secretary["token"])
    assert body["results"][0]["kind"] == "contract_funded"


def test_a_burst_of_messages_is_one_e_mail_without_their_text(mail_app: Flask) -> None:
    api = ApiClient(mail_app.test_client())
    deal = f.Deal(api)
    to = _fresh_address(mail_app, deal.business)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    secret = "Le dossier de Mme Dupont est prêt"
    for line in ("Bonjour,", secret, "à votre disposition."):
        say(api, deal.secretary, thread["id"], line)
    assert _run_jobs(mail_app).get("done", 0) == 0  # held back while the burst may go on
    with mail_app.app_context():  # as if the five minutes had passed
        db.session.execute(
            sa.update(JobOutbox)
            .where(JobOutbox.kind == "notification_email", JobOutbox.done_at.is_(None))
            .values(next_attempt_at=sa.func.now() - sa.text("interval '1 second'"))
        )
        db.session.commit()
    assert _run_jobs(mail_app).get("done", 0) == 1
    [mail] = mailpit.wait_for(to)
    assert mail["Subject"].startswith("3 nouveaux messages de")
    text = mailpit.message(mail["ID"])["Text"]
    assert f"{PUBLIC_URL}/messages/{thread['id']}" in text
    assert secret not in text  # what is said stays on the platform
    assert _run_jobs(mail_app) == {}
    assert len(mailpit.messages_to(to)) == 1


def test_a_payment_e_mail_carries_her_tax_and_social_obligations(mail_app: Flask) -> None:
    """CGI art. 242 bis: at each payment, the e-mail she gets says her tax and social
    obligations, links the official sites and announces the yearly summary; the business's
    e-mails do not carry it."""
    api = ApiClient(mail_app.test_client())
    deal = f.Deal(api, through_api=True)
    to = _fresh_address(mail_app, deal.secretary)
    deal.to("released")
    _run_jobs(mail_app)
    messages = mailpit.wait_for(to, count=2)
    released = next(m for m in messages if m["Subject"].startswith("Fonds versés"))
    full = mailpit.message(released["ID"])
    for part in (full["Text"], full["HTML"]):
        assert "article 242 bis" in part
        assert "https://www.impots.gouv.fr/professionnel" in part
        assert "https://www.urssaf.fr/accueil/independant.html" in part
        assert "31 janvier" in part and "URSSAF" in part
    hired = next(m for m in messages if m["Subject"].startswith("Votre devis est accepté"))
    assert "242 bis" not in mailpit.message(hired["ID"])["Text"]


def test_a_payment_in_her_daily_digest_carries_the_same_information(mail_app: Flask) -> None:
    api = ApiClient(mail_app.test_client())
    deal = f.Deal(api, through_api=True)
    to = _fresh_address(mail_app, deal.secretary)
    status, _settings = api.put(
        "/api/v1/me/notification-settings",
        {"email": {"contract_released": "daily", "bid_accepted": "off"}},
        token=deal.secretary["token"],
    )
    assert status == 200, _settings
    deal.to("released")
    _run_jobs(mail_app)
    with mail_app.app_context():
        assert send_digests() >= 1
    [digest] = [m for m in mailpit.wait_for(to) if "résumé du jour" in m["Subject"]]
    full = mailpit.message(digest["ID"])
    assert "article 242 bis" in full["Text"] and "https://www.urssaf.fr/" in full["HTML"]
