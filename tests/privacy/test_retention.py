"""The retention purge: what the privacy page says goes, goes; what it keeps stays."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.accounts.services import user_for_web_session
from marketplace.contracts.models import Contract
from marketplace.conversations.models import Attachment, Conversation, Message
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.idempotency import IdempotencyKey
from marketplace.jobs.models import JobOutbox
from marketplace.operations.models import ReconciliationFinding, ReconciliationRun
from marketplace.payments.models import Invoice, LedgerEntry
from marketplace.privacy.erasure import deleted_email
from marketplace.privacy.retention import purge
from marketplace.saved_searches.models import SavedSearch
from marketplace.storage import current_storage
from tests import factories as f
from tests.conversations.steps import message_with_file, open_thread

DAY = timedelta(days=1)


def _thread_with_file(api, deal: f.Deal) -> tuple[uuid.UUID, str]:  # type: ignore[no-untyped-def]
    status, thread = open_thread(api, deal.secretary, deal.mission["id"])
    assert status in (200, 201), thread
    attachment = message_with_file(api, deal.business, thread["id"])
    return uuid.UUID(thread["id"]), attachment


def _ended(app: Flask, deal: f.Deal, ago: timedelta) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Contract)
            .where(Contract.id == uuid.UUID(deal.contract_id))
            .values(released_at=utcnow() - ago)
        )
        db.session.commit()


def _count(model: type, *where: object) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)))  # type: ignore[arg-type]


def test_purge_removes_what_passed_its_retention_and_keeps_the_rest(api, app) -> None:
    old_deal = f.Deal(api).to("released")
    old_thread, old_file = _thread_with_file(api, old_deal)
    recent_deal = f.Deal(api).to("released")
    recent_thread, _recent_file = _thread_with_file(api, recent_deal)
    running_deal = f.Deal(api).to("funded")
    running_thread, _running_file = _thread_with_file(api, running_deal)
    _ended(app, old_deal, 5 * 365 * DAY + 10 * DAY)
    _ended(app, recent_deal, 4 * 365 * DAY)
    gone_user = f.register(api, "business")
    kept_user = f.register(api, "business")

    now = utcnow()
    with app.app_context():
        storage = current_storage()
        old_key = db.session.scalar(
            sa.select(Attachment.storage_key).where(Attachment.id == uuid.UUID(old_file))
        )
        assert old_key and storage.exists(old_key)
        user = db.session.get(User, uuid.UUID(kept_user["id"]))
        assert user is not None
        sessions = {
            "revoked long ago": WebSession(user=user, revoked_at=now - 31 * DAY),
            "revoked lately": WebSession(user=user, revoked_at=now - 10 * DAY),
            "idle for two months": WebSession(user=user, last_seen_at=now - 61 * DAY),
            "idle for 40 days": WebSession(user=user, last_seen_at=now - 40 * DAY),
            "in use": WebSession(user=user, last_seen_at=now - DAY),
        }
        db.session.add_all(sessions.values())
        tokens = {
            "revoked long ago": ApiToken(user=user, token_hash="a" * 64, revoked_at=now - 31 * DAY),
            "revoked yesterday": ApiToken(user=user, token_hash="b" * 64, revoked_at=now - DAY),
        }
        db.session.add_all(tokens.values())
        jobs = {
            "done long ago": JobOutbox(kind="send_email", dedupe_key="r1", done_at=now - 31 * DAY),
            "done yesterday": JobOutbox(kind="send_email", dedupe_key="r2", done_at=now - DAY),
            "failed long ago": JobOutbox(
                kind="send_email", dedupe_key="r3", failed_at=now - 91 * DAY
            ),
            "failed lately": JobOutbox(kind="send_email", dedupe_key="r4", failed_at=now - DAY),
            "pending, old": JobOutbox(
                kind="send_email", dedupe_key="r5", created_at=now - 400 * DAY
            ),
        }
        db.session.add_all(jobs.values())
        old_run = ReconciliationRun(started_at=now - 400 * DAY, finished_at=now - 400 * DAY)
        new_run = ReconciliationRun(started_at=now - DAY, finished_at=now - DAY)
        db.session.add_all([old_run, new_run])
        db.session.flush()
        db.session.add(
            ReconciliationFinding(
                run_id=old_run.id,
                contract_id=uuid.UUID(old_deal.contract_id),
                code="unbalanced",
                detail="",
            )
        )
        db.session.add(
            IdempotencyKey(
                user_id=user.id, key="old", request_hash="0" * 64, created_at=now - 3 * DAY
            )
        )
        # An account deleted before erasure removed saved searches: hers are left over.
        db.session.execute(
            sa.update(User)
            .where(User.id == uuid.UUID(gone_user["id"]))
            .values(email=deleted_email(uuid.UUID(gone_user["id"])))
        )
        db.session.add_all(
            [
                SavedSearch(user_id=uuid.UUID(gone_user["id"]), kind="secretaries"),
                SavedSearch(user_id=user.id, kind="secretaries"),
            ]
        )
        db.session.commit()
        ids = {name: s.id for name, s in sessions.items()}
        token_ids = {name: t.id for name, t in tokens.items()}
        job_ids = {name: j.id for name, j in jobs.items()}
        run_ids = (old_run.id, new_run.id)
        invoices, legs = _count(Invoice), _count(LedgerEntry)
        assert invoices and legs

        # An idle session is refused before it is deleted.
        assert user_for_web_session(str(ids["idle for 40 days"])) is None
        assert user_for_web_session(str(ids["in use"])) is not None

        counted = purge(dry_run=True)
        assert counted.conversations == 1 and counted.web_sessions == 2
        assert _count(Conversation, Conversation.id == old_thread) == 1  # nothing deleted

        done = purge()
        assert done.as_dict() == {**counted.as_dict(), "unsent_files": done.unsent_files}
        assert {n for n, i in ids.items() if db.session.get(WebSession, i)} == {
            "revoked lately",
            "idle for 40 days",
            "in use",
        }
        assert {n for n, i in token_ids.items() if db.session.get(ApiToken, i)} == {
            "revoked yesterday"
        }
        assert {n for n, i in job_ids.items() if db.session.get(JobOutbox, i)} == {
            "done yesterday",
            "failed lately",
            "pending, old",
        }
        assert [r for r in run_ids if db.session.get(ReconciliationRun, r)] == [new_run.id]
        assert _count(ReconciliationFinding) == 0
        assert _count(IdempotencyKey, IdempotencyKey.key == "old") == 0
        assert _count(SavedSearch) == 1
        assert _count(SavedSearch, SavedSearch.user_id == user.id) == 1

        # The conversation of the contract that ended over five years ago: gone with its file.
        assert _count(Conversation, Conversation.id == old_thread) == 0
        assert _count(Message, Message.conversation_id == old_thread) == 0
        assert _count(Attachment, Attachment.id == uuid.UUID(old_file)) == 0
        assert not storage.exists(old_key)
        # Four years ago, or under way: kept.
        assert _count(Conversation, Conversation.id.in_([recent_thread, running_thread])) == 2
        # Invoices and the ledger: ten years, untouched; the contract stays.
        assert (_count(Invoice), _count(LedgerEntry)) == (invoices, legs)
        assert db.session.get(Contract, uuid.UUID(old_deal.contract_id)) is not None

        # Again: nothing more to delete.
        assert set(purge().as_dict().values()) == {0}


def test_the_purge_command_says_what_it_deleted(app) -> None:
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("would delete: 0 web_sessions")
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and result.output.startswith("deleted: ")
