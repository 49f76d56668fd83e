"""Badges say exactly what was checked, on the public profile (API and page) and on the
search cards; each is absent while its check is not met, and none appears for what nobody
checked (the sandbox verifies no identity; a SIRET with a wrong check digit; an expired
attestation)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.badges import services as badges
from marketplace.extensions import db
from marketplace.payments.models import PayoutAccount
from marketplace.profiles.models import SecretaryProfile
from tests import factories as f
from tests.compliance.test_vigilance import upload
from tests.conftest import ApiClient
from tests.payments.conftest import account_updated, post_event
from tests.payments.helpers import connect_payouts
from tests.web.browser import Browser

ALL = ["identity_verified", "siret_valid", "urssaf_attestation_valid"]


def _public(api: ApiClient, secretary_id: str) -> dict[str, Any]:
    status, body = api.get(f"/api/v1/secretaries/{secretary_id}")
    assert status == 200, body
    return dict(body)


def _card(api: ApiClient, secretary_id: str) -> dict[str, Any]:
    status, body = api.get("/api/v1/search/secretaries?per_page=100")
    assert status == 200, body
    [card] = [h["secretary"] for h in body["results"] if h["secretary"]["id"] == secretary_id]
    return dict(card)


def _set_siret(app: Flask, secretary_id: str, siret: str | None) -> None:
    """A profile row as an older version stored it (the API checks the key on input)."""
    with app.app_context():
        db.session.execute(
            sa.update(SecretaryProfile)
            .where(SecretaryProfile.user_id == uuid.UUID(secretary_id))
            .values(siret=siret)
        )
        db.session.commit()


def test_the_siret_badge_is_its_check_digit(api: ApiClient, app: Flask) -> None:
    rows = f.Rows(app)
    valid = rows.secretary(siret="73282932000074")
    none = rows.secretary(siret=None)
    wrong = rows.secretary(siret="73282932000074")
    _set_siret(app, wrong["id"], "73282932000075")
    assert _public(api, valid["id"])["badges"] == ["siret_valid"]
    assert _card(api, valid["id"])["badges"] == ["siret_valid"]
    for who in (none, wrong):
        assert _public(api, who["id"])["badges"] == []
        assert _card(api, who["id"])["badges"] == []
    assert _public(api, wrong["id"])["has_siret"] is True  # given, but not valid: no badge


def test_the_urssaf_badge_lasts_the_attestations_six_months(api: ApiClient, app: Flask) -> None:
    secretary = f.Rows(app).secretary(siret=None)
    assert _public(api, secretary["id"])["badges"] == []
    issued = date.today() - timedelta(days=10)
    code, body = upload(api, secretary, issued_on=issued)
    assert code == 201, body
    assert _public(api, secretary["id"])["badges"] == ["urssaf_attestation_valid"]
    assert _card(api, secretary["id"])["badges"] == ["urssaf_attestation_valid"]
    expires = date.fromisoformat(body["expires_on"])
    with app.app_context():
        later = badges.for_secretaries([secretary["id"]], today=expires)
        before = badges.for_secretaries([secretary["id"]], today=expires - timedelta(days=1))
    assert later[secretary["id"]] == [] and before[secretary["id"]] == ["urssaf_attestation_valid"]


def test_the_sandbox_verifies_no_identity(api: ApiClient, app: Flask) -> None:
    secretary = f.Rows(app).secretary(siret=None)
    with app.app_context():
        db.session.add(
            PayoutAccount(
                user_id=uuid.UUID(secretary["id"]),
                provider="sandbox",
                account_id=f"sbx_acct_{secretary['id']}",
                payouts_enabled=True,
                details_submitted=True,
            )
        )
        db.session.commit()
    assert _public(api, secretary["id"])["badges"] == []


def test_identity_is_verified_once_stripe_enables_her_payouts(sapi: ApiClient) -> None:
    app = sapi.client.application
    secretary = f.Rows(app).secretary()
    account = connect_payouts(sapi, secretary, enabled=False)
    assert "identity_verified" not in _public(sapi, secretary["id"])["badges"]
    assert post_event(sapi, account_updated(account, True))[0] == 200
    assert _public(sapi, secretary["id"])["badges"] == ["identity_verified", "siret_valid"]
    assert _card(sapi, secretary["id"])["badges"] == ["identity_verified", "siret_valid"]
    assert post_event(sapi, account_updated(account, False))[0] == 200
    assert _public(sapi, secretary["id"])["badges"] == ["siret_valid"]


def test_the_profile_page_and_the_cards_show_the_badges_by_name(
    client, api: ApiClient, app: Flask
) -> None:
    checked = f.Rows(app).secretary(siret="73282932000074")
    assert upload(api, checked, issued_on=date.today())[0] == 201
    plain = f.Rows(app).secretary(siret=None)
    browser = Browser(client)
    page = browser.get(f"/secretaires/{checked['id']}")
    assert "SIRET valide" in page and "Attestation URSSAF à jour" in page
    assert "Identité vérifiée" not in page
    bare = browser.get(f"/secretaires/{plain['id']}")
    for label in ("SIRET valide", "Attestation URSSAF à jour", "Identité vérifiée"):
        assert label not in bare
    results = browser.get("/recherche")
    assert "Attestation URSSAF à jour" in results and "Identité vérifiée" not in results
    assert set(ALL) == set(badges.BADGES)
