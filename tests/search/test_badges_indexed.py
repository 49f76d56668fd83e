"""Badges on Elasticsearch's cards: what they are decided from is indexed with the profile
and follows her payout account and her attestations through the outbox; the calendar part
(an attestation that runs out) is decided when the card is read, with no reindex."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.badges import services as badges
from marketplace.extensions import db
from marketplace.payments.models import PayoutAccount
from tests import factories as f
from tests.compliance.test_vigilance import upload
from tests.conftest import ApiClient
from tests.search.test_outbox import es_api, indexed, outbox  # noqa: F401


def _card(api: ApiClient, secretary_id: str) -> dict[str, Any]:
    status, body = api.get("/api/v1/search/secretaries?per_page=100")
    assert status == 200, body
    [card] = [h["secretary"] for h in body["results"] if h["secretary"]["id"] == secretary_id]
    return dict(card)


def _payouts(app: Flask, secretary_id: str, enabled: bool) -> None:
    with app.app_context():
        account = db.session.get(PayoutAccount, uuid.UUID(secretary_id))
        if account is None:
            account = PayoutAccount(
                user_id=uuid.UUID(secretary_id),
                provider="stripe",
                account_id=f"acct_{secretary_id[:8]}",
            )
            db.session.add(account)
        account.payouts_enabled = account.details_submitted = enabled
        db.session.commit()


def test_the_indexed_badges_follow_payouts_and_attestations(
    es_app: Flask,
    es_api: ApiClient,  # noqa: F811
) -> None:
    secretary = f.Rows(es_app).secretary(siret="73282932000074")
    sid = secretary["id"]
    assert _card(es_api, sid)["badges"] == ["siret_valid"]
    assert indexed(es_app, "secretary", sid)["badge_facts"] == {
        "identity": False,
        "siret": True,
        "urssaf_until": None,
    }

    _payouts(es_app, sid, enabled=True)
    assert _card(es_api, sid)["badges"] == ["identity_verified", "siret_valid"]

    code, body = upload(es_api, secretary, issued_on=date.today() - timedelta(days=10))
    assert code == 201, body
    assert _card(es_api, sid)["badges"] == BADGES_ALL
    expires = date.fromisoformat(body["expires_on"])
    facts = badges.Facts.from_doc(indexed(es_app, "secretary", sid)["badge_facts"])
    assert facts.urssaf_until == expires
    # The day it runs out, the same document gives no URSSAF badge.
    assert badges.badges_of(facts, expires - timedelta(days=1)) == BADGES_ALL
    assert badges.badges_of(facts, expires) == ["identity_verified", "siret_valid"]

    _payouts(es_app, sid, enabled=False)
    assert _card(es_api, sid)["badges"] == ["siret_valid", "urssaf_attestation_valid"]

    # A bulk change (no flush) is queued too.
    with es_app.app_context():
        db.session.execute(
            sa.update(PayoutAccount)
            .where(PayoutAccount.user_id == uuid.UUID(sid))
            .values(payouts_enabled=True, details_submitted=True)
        )
        db.session.commit()
    assert _card(es_api, sid)["badges"] == BADGES_ALL
    assert outbox(es_app) == []


BADGES_ALL = ["identity_verified", "siret_valid", "urssaf_attestation_valid"]
