"""DELETE /api/v1/me: personal data erased, legal records kept and pseudonymised."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.bids.models import Bid
from marketplace.conversations.models import Attachment, Conversation, Message
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.notifications.models import Notification
from marketplace.payments.models import Invoice, LedgerEntry
from marketplace.privacy.erasure import DELETED_DISPLAY_NAME
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.storage import current_storage
from tests import factories as f
from tests.conversations import files
from tests.conversations.steps import open_thread, say, upload


def _delete(api: Any, who: dict[str, Any], password: str = f.PASSWORD) -> tuple[int, Any]:
    return api.call("DELETE", "/api/v1/me", {"password": password}, token=who["token"])


def _user(app: Any, user_id: str) -> User:
    user = db.session.get(User, uuid.UUID(user_id))
    assert user is not None
    return user


def test_a_wrong_password_is_a_422_naming_it_and_changes_nothing(api, app) -> None:
    me = f.secretary(api)
    status, body = _delete(api, me, "pas-le-bon-mot-de-passe")
    assert status == 422, body
    assert "password" in body["errors"]["json"]
    assert api.get("/api/v1/me", token=me["token"])[0] == 200
    with app.app_context():
        assert _user(app, me["id"]).email == me["email"]


@pytest.mark.parametrize("status", ["awaiting_funding", "funded", "delivered", "disputed"])
@pytest.mark.parametrize("who", ["business", "secretary"])
def test_deletion_is_refused_while_a_contract_is_under_way(api, app, status, who) -> None:
    deal = f.Deal(api).to(status)
    code, body = _delete(api, getattr(deal, who))
    assert code == 409, body
    assert body["error"] == "contract_under_way"
    assert api.get("/api/v1/me", token=getattr(deal, who)["token"])[0] == 200


def _invoices(deal: f.Deal) -> dict[uuid.UUID, tuple[Any, ...]]:
    found = db.session.scalars(
        sa.select(Invoice).where(Invoice.contract_id == uuid.UUID(deal.contract_id))
    )
    return {i.id: (i.number, i.total_cents, i.data, i.recipient_user_id) for i in found}


def _released_with_history(api: Any) -> tuple[f.Deal, dict[str, Any], str]:
    """A released, reviewed contract whose conversation holds a file from the secretary; an
    other secretary's question before the quote (no contract); an upload never sent."""
    deal = f.Deal(api)
    other = f.Rows(api.client.application).secretary()
    status, question = open_thread(api, other, deal.mission["id"])
    assert status == 201, question
    say(api, other, question["id"], "Une question avant le devis.")
    status, thread = open_thread(api, deal.secretary, deal.mission["id"])
    assert status == 201, thread
    status, sent = upload(api, deal.secretary, "modele.pdf", files.pdf("Modele"))
    assert status == 201, sent
    say(api, deal.secretary, thread["id"], "Mon modèle de courrier.", sent["id"])
    deal.to("released")
    for who in ("business", "secretary"):
        code, body = deal.act("reviews", who, {"rating": 5, "comment": "Très bien."})
        assert code in (200, 201), body
    return deal, other, str(question["id"])


def test_after_deletion_she_cannot_sign_in_her_tokens_are_dead_and_her_address_is_free(
    api, app
) -> None:
    deal, _other, _question = _released_with_history(api)
    me = deal.secretary
    status, second = api.post("/api/v1/auth/token", {"email": me["email"], "password": f.PASSWORD})
    assert status == 200, second

    status, body = _delete(api, me)
    assert status == 202, body
    assert body == {"accepted": True}

    assert api.get("/api/v1/me", token=me["token"])[0] == 401
    assert api.get("/api/v1/me", token=second["token"])[0] == 401
    status, _ = api.post("/api/v1/auth/token", {"email": me["email"], "password": f.PASSWORD})
    assert status == 401
    with app.app_context():
        uid = uuid.UUID(me["id"])
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ApiToken)
                .where(ApiToken.user_id == uid, ApiToken.revoked_at.is_(None))
            )
            == 0
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(WebSession)
                .where(WebSession.user_id == uid, WebSession.revoked_at.is_(None))
            )
            == 0
        )

    # The same address signs up again, as a new account.
    status, again = api.post(
        "/api/v1/auth/register",
        {
            "email": me["email"],
            "password": f.PASSWORD,
            "role": "secretary",
            "display_name": "Nouvelle venue",
        },
    )
    assert status == 201, again
    assert again["user"]["id"] != me["id"]


def test_after_deletion_no_personal_data_is_left_and_records_are_kept(api, app) -> None:
    deal, _other, question = _released_with_history(api)
    me = deal.secretary
    with app.app_context():
        uid = uuid.UUID(me["id"])
        invoices_before = _invoices(deal)
        ledger_before = db.session.scalars(
            sa.select(LedgerEntry.id).where(LedgerEntry.contract_id == uuid.UUID(deal.contract_id))
        ).all()
        storage_keys = db.session.scalars(
            sa.select(Attachment.storage_key).where(Attachment.uploader_id == uid)
        ).all()
    assert len(invoices_before) == 2 and ledger_before
    status, unsent = upload(api, me, "brouillon.pdf", files.pdf("Brouillon"))
    assert status == 201, unsent

    # Her quote on another mission is withdrawn.
    rows = f.Rows(app)
    elsewhere = rows.mission(rows.business())
    pending = rows.bid(me, elsewhere["id"])

    status, body = _delete(api, me)
    assert status == 202, body

    with app.app_context():
        user = _user(app, me["id"])
        assert user.email != me["email"] and user.email.endswith("@deleted.invalid")
        assert user.display_name == DELETED_DISPLAY_NAME
        assert user.pending_email is None and user.email_verified_at is None
        assert not user.password_hash.startswith("$argon2")
        assert db.session.get(SecretaryProfile, uid) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.user_id == uid)
            )
            == 0
        )
        # Nothing of hers in the users and profiles tables: not her address, not her name.
        for row in db.session.execute(sa.text("SELECT * FROM users WHERE id = :id"), {"id": uid}):
            assert me["email"] not in " ".join(str(v) for v in row)
        assert db.session.get(Bid, uuid.UUID(pending["id"])).status == "withdrawn"
        # Her unsent upload is gone, rows and bytes.
        assert db.session.get(Attachment, uuid.UUID(unsent["id"])) is None

        # Invoices and the ledger: untouched, still balanced.
        assert _invoices(deal) == invoices_before
        legs = db.session.scalars(
            sa.select(LedgerEntry).where(LedgerEntry.contract_id == uuid.UUID(deal.contract_id))
        ).all()
        assert sorted(leg.id for leg in legs) == sorted(ledger_before)
        assert sum(leg.amount_cents for leg in legs) == 0
        # Reviews and the contract's conversation are kept, pointing to "Compte supprimé".
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Review).where(Review.author_id == uid)
            )
            == 1
        )
        kept = db.session.scalars(
            sa.select(Message.body).join(Conversation).where(Conversation.secretary_id == uid)
        ).all()
        assert "Mon modèle de courrier." in kept
        # The file she sent in the contract's conversation stays for the other party.
        storage = current_storage()
        assert storage_keys and all(storage.exists(k) for k in storage_keys)
        # The other secretary's question (no contract with the business) is not hers: kept.
        assert db.session.get(Conversation, uuid.UUID(question)) is not None

    # The business still sees the contract, the invoices and the ledger, with the
    # pseudonymised name.
    status, contract = api.get(
        f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"]
    )
    assert status == 200, contract
    assert me["email"] not in str(contract)
    assert deal.ledger()["balanced"] is True
    status, threads = api.get("/api/v1/conversations", token=deal.business["token"])
    assert status == 200, threads
    assert DELETED_DISPLAY_NAME in str(threads) and me["email"] not in str(threads)
    status, invoices = api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.business["token"]
    )
    assert status == 200 and len(invoices) == 1


def test_deleting_a_business_closes_her_open_missions_and_drops_threads_without_contract(
    api, app
) -> None:
    rows = f.Rows(app)
    boss = rows.business()
    sec = rows.secretary()
    mission = rows.mission(boss)
    quote = rows.bid(sec, mission["id"])
    status, thread = open_thread(api, sec, mission["id"])
    assert status == 201, thread
    status, sent = upload(api, boss, "planning.pdf", files.pdf("Planning"))
    assert status == 201, sent
    say(api, boss, thread["id"], "Voici le planning.", sent["id"])
    with app.app_context():
        key = db.session.get(Attachment, uuid.UUID(sent["id"])).storage_key
        assert current_storage().exists(key)

    status, body = _delete(api, boss)
    assert status == 202, body

    with app.app_context():
        assert db.session.get(Mission, uuid.UUID(mission["id"])).status == "closed"
        assert db.session.get(Bid, uuid.UUID(quote["id"])).status == "declined"
        assert db.session.get(BusinessProfile, uuid.UUID(boss["id"])) is None
        # A conversation without a contract goes, with its messages and files (bytes too).
        assert db.session.get(Conversation, uuid.UUID(thread["id"])) is None
        assert db.session.get(Attachment, uuid.UUID(sent["id"])) is None
        assert not current_storage().exists(key)
    # Her side of that thread is gone too; she was told her quote was declined.
    status, page = api.get("/api/v1/conversations", token=sec["token"])
    assert status == 200, page
    assert page["total"] == 0, page
    status, told = api.get("/api/v1/notifications", token=sec["token"])
    assert status == 200, told
    assert "bid_declined" in str(told)
