"""Each wired event tells the right person, in the site; settings per kind; unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.contracts.models import Contract
from marketplace.db import utcnow
from marketplace.extensions import db
from tests import factories as f
from tests.web.browser import Browser
from tests.web.steps import sign_in


def _kinds(api: Any, who: dict[str, Any]) -> list[str]:
    status, body = api.get("/api/v1/notifications?per_page=100", token=who["token"])
    assert status == 200, body
    return [n["kind"] for n in body["results"]]


def test_the_deal_tells_each_party_what_needs_them(api, app: Flask) -> None:
    deal = f.Deal(api, through_api=True)  # the bid is sent, not written in place
    loser = f.secretary(api)
    f.bid(api, loser, deal.mission["id"], 90_000)
    assert _kinds(api, deal.business).count("bid_received") == 2
    deal.to("delivered")
    assert _kinds(api, loser) == ["bid_declined"]
    assert _kinds(api, deal.secretary)[:2] == ["contract_funded", "bid_accepted"]
    assert _kinds(api, deal.business)[0] == "contract_delivered"
    assert deal.act("approve", "business")[0] == 200
    assert _kinds(api, deal.secretary)[0] == "contract_released"
    assert deal.act("reviews", "business", {"rating": 5, "comment": "Parfait."})[0] == 201
    assert _kinds(api, deal.secretary)[0] == "review_received"

    _, body = api.get("/api/v1/notifications", token=deal.secretary["token"])
    released = next(n for n in body["results"] if n["kind"] == "contract_released")
    assert body["unread"] == 4
    assert released["subject"] == {"type": "contract", "id": deal.contract_id}
    assert released["url"] == f"/contrats/{deal.contract_id}"
    assert "968,00" in released["body"]  # 1 100 € minus the 12 % commission, in French


def test_invitation_cancel_dispute_and_resolution_are_told(api, app: Flask) -> None:
    business = f.business(api)
    secretary = f.secretary(api)
    mission = f.mission(api, business)
    status, _ = api.post(
        f"/api/v1/missions/{mission['id']}/invitations",
        {"secretary_id": secretary["id"]},
        token=business["token"],
    )
    assert status == 201
    assert _kinds(api, secretary) == ["invitation_received"]

    cancelled = f.Deal(api).to("funded")
    assert cancelled.act("cancel", "secretary", {"reason": "Indisponible."})[0] == 200
    assert _kinds(api, cancelled.business)[0] == "contract_cancelled"

    disputed = f.Deal(api).to("disputed")  # the business opens it
    assert _kinds(api, disputed.secretary)[0] == "dispute_opened"
    assert disputed.resolve(f.operator(api, app), 0, 110_000)[0] == 200
    assert _kinds(api, disputed.business)[0] == "dispute_resolved"
    assert _kinds(api, disputed.secretary)[0] == "dispute_resolved"


def test_a_business_is_warned_two_days_before_an_automatic_release_once(api, app: Flask) -> None:
    deal = f.Deal(api).to("delivered")
    with app.app_context():
        db.session.execute(
            sa.update(Contract).values(delivered_at=utcnow() - timedelta(days=5, hours=1))
        )
        db.session.commit()
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["payments", "release-due"])
        assert result.exit_code == 0, result.output
    assert _kinds(api, deal.business).count("auto_release_soon") == 1
    _, body = api.get("/api/v1/notifications", token=deal.business["token"])
    assert re.search(r"versés le \d{1,2} \w+ 20\d\d", body["results"][0]["body"])


def test_read_one_read_all_and_nobody_elses(api) -> None:
    deal = f.Deal(api).to("funded")
    other = f.secretary(api)
    _, body = api.get("/api/v1/notifications?unread=true", token=deal.secretary["token"])
    first = body["results"][0]["id"]
    assert api.post(f"/api/v1/notifications/{first}/read", token=other["token"])[0] == 404
    status, read = api.post(f"/api/v1/notifications/{first}/read", token=deal.secretary["token"])
    assert status == 200 and read["read_at"]
    _, body = api.get("/api/v1/notifications?unread=true", token=deal.secretary["token"])
    assert first not in [n["id"] for n in body["results"]]
    status, done = api.post("/api/v1/notifications/read-all", token=deal.secretary["token"])
    assert status == 200 and done["marked"] == body["total"]
    _, body = api.get("/api/v1/notifications", token=deal.secretary["token"])
    assert body["unread"] == 0


def test_settings_have_defaults_and_refuse_unknown_kinds_or_modes(api) -> None:
    secretary = f.secretary(api)
    status, settings = api.get("/api/v1/me/notification-settings", token=secretary["token"])
    assert status == 200
    assert settings["email"]["contract_released"] == "immediate"  # money: at once
    assert settings["email"]["review_received"] == "daily"
    status, body = api.put(
        "/api/v1/me/notification-settings",
        {"email": {"review_received": "off"}},
        secretary["token"],
    )
    assert status == 200 and body["email"]["review_received"] == "off"
    assert body["email"]["contract_released"] == "immediate"
    status, body = api.put(
        "/api/v1/me/notification-settings", {"email": {"nope": "off"}}, secretary["token"]
    )
    assert status == 422 and "email.nope" in body["errors"]["json"]
    status, body = api.put(
        "/api/v1/me/notification-settings",
        {"email": {"bid_accepted": "weekly"}},
        secretary["token"],
    )
    assert status == 422


def test_the_page_shows_the_count_opens_and_unsubscribes_signed_out(
    api, app: Flask, client
) -> None:
    from marketplace.notifications.emails import unsubscribe_token

    deal = f.Deal(api).to("funded")
    browser = Browser(client)
    sign_in(browser, deal.secretary["email"])
    page = browser.get("/notifications")
    assert "Fonds en séquestre" in page.text
    assert re.search(r"Notifications\s*2", page.text)  # bid accepted, contract funded
    opened = browser.submit(
        page,
        action=re.search(r'action="(/notifications/[0-9a-f-]{36}/ouvrir)"', page.html).group(1),
    )
    assert opened.heading() == deal.mission["title"]
    assert re.search(r"Notifications\s*1", browser.get("/tableau-de-bord").text)

    with app.app_context():
        token = unsubscribe_token(deal.secretary["id"], "bid_accepted")
    stranger = Browser(app.test_client())
    page = stranger.get(f"/notifications/desabonnement/{token}")
    assert "Ne plus recevoir" in page.text
    page = stranger.submit(page)
    assert "C'est fait" in page.text
    _, settings = api.get("/api/v1/me/notification-settings", token=deal.secretary["token"])
    assert settings["email"]["bid_accepted"] == "off"
    assert stranger.get("/notifications/desabonnement/faux", expect=404).status == 404


def test_invitations_come_first_on_her_dashboard_with_an_answer_button(api, client) -> None:
    business = f.business(api)
    secretary = f.secretary(api)
    invited = f.mission(api, business, title="Accueil téléphonique du cabinet")
    quoted = f.mission(api, business, title="Publipostage des vœux")
    for mission in (invited, quoted):
        status, _ = api.post(
            f"/api/v1/missions/{mission['id']}/invitations",
            {"secretary_id": secretary["id"]},
            token=business["token"],
        )
        assert status == 201
    f.bid(api, secretary, quoted["id"], 30_000)
    browser = Browser(client)
    sign_in(browser, secretary["email"])
    page = browser.get("/tableau-de-bord")
    html = page.html
    assert html.index("Invitations reçues") < html.index("Mes devis")
    assert html.index("Invitations reçues") < html.index("Missions pour vous")
    answer = f"/missions/{invited['id']}#devis"
    assert answer in html
    assert f"/missions/{quoted['id']}#devis" not in html  # already answered
