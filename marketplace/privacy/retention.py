"""What the privacy page promises about how long things are kept, enforced by one command:
`flask --app wsgi privacy purge` (cron or Celery beat, daily; `--dry-run` counts only).

- web sessions: until signed out, or `WEB_SESSION_IDLE` (30 days) without use, refused after
  that; deleted 30 days after their end;
- API tokens: until revoked; deleted 30 days after;
- idempotency keys of API POSTs: `idempotency.KEEP_FOR`;
- background jobs done (an e-mail job holds the address and the text): 30 days; failed for
  good (shown to the operator): 90 days;
- reconciliation runs and their findings: one year;
- uploads never sent: 24 hours (`conversations.purge_unsent`), bytes too;
- saved searches of a deleted account (erasure deletes them now; accounts deleted before);
- a contract's conversations (messages, files, download register): five years after the last
  contract between the two parties on that mission ended (Code civil art. 2224), bytes too.

Not purged here, and why (the privacy page says the same): invoices and ledger rows are kept
10 years (Code de commerce L123-22, LPF L102 B) and are append-only in the database (a trigger
refuses DELETE); contracts, their events and reviews stay with them, pseudonymised after an
account deletion. Nothing of theirs reaches 10 years before 2036 on this platform, and deleting
them needs the accountant's sign-off: it is left to a later version of this command.

Every step is a bulk DELETE with its cutoff in the WHERE clause: two runs at once delete each
row once, a rerun finds nothing more. Files are removed from the storage after the commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.accounts.services import WEB_SESSION_IDLE
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.conversations.models import Conversation
from marketplace.conversations.services import purge_unsent
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.idempotency import KEEP_FOR, IdempotencyKey
from marketplace.jobs.models import JobOutbox
from marketplace.operations.models import ReconciliationRun
from marketplace.privacy.erasure import DELETED_EMAIL_DOMAIN, delete_conversations
from marketplace.saved_searches.models import SavedSearch
from marketplace.storage import StorageError, current_storage

log = logging.getLogger(__name__)

ENDED_SESSIONS_KEPT = timedelta(days=30)
REVOKED_TOKENS_KEPT = timedelta(days=30)
DONE_JOBS_KEPT = timedelta(days=30)
FAILED_JOBS_KEPT = timedelta(days=90)
RECONCILIATIONS_KEPT = timedelta(days=365)
CONTRACT_RECORDS_KEPT = timedelta(days=5 * 365 + 1)  # five years, leap day included
CLOSED = (
    ContractStatus.RELEASED,
    ContractStatus.CANCELLED,
    ContractStatus.RESOLVED,
    ContractStatus.ENDED,
)


@dataclass
class Purged:
    web_sessions: int = 0
    api_tokens: int = 0
    idempotency_keys: int = 0
    jobs: int = 0
    reconciliation_runs: int = 0
    saved_searches: int = 0
    conversations: int = 0
    files: int = 0
    unsent_files: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count(result: sa.Result[object]) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def contract_end() -> sa.ColumnElement[datetime]:
    """When a contract ended: released, resolved, cancelled, or (regular work) ended."""
    return sa.func.coalesce(
        Contract.released_at, Contract.resolved_at, Contract.cancelled_at, Contract.ended_at
    )


def expired_conversations(now: datetime) -> sa.Select[uuid.UUID]:
    """Conversations whose every contract (there is one at least) ended five years ago."""
    cutoff = now - CONTRACT_RECORDS_KEPT
    same_parties = sa.and_(
        Contract.mission_id == Conversation.mission_id,
        Contract.secretary_id == Conversation.secretary_id,
    )
    still_kept = sa.or_(
        Contract.status.not_in(CLOSED), contract_end().is_(None), contract_end() >= cutoff
    )
    return sa.select(Conversation.id).where(
        sa.select(Contract.id).where(same_parties).exists(),
        ~sa.select(Contract.id).where(same_parties, still_kept).exists(),
    )


def purge(now: datetime | None = None, *, dry_run: bool = False) -> Purged:
    """Delete what has passed its retention (the table above), in one transaction."""
    now = now or utcnow()
    done = Purged()
    session = db.session

    last_use = sa.func.coalesce(WebSession.last_seen_at, WebSession.created_at)
    done.web_sessions = _count(
        session.execute(
            sa.delete(WebSession).where(
                sa.or_(
                    WebSession.revoked_at < now - ENDED_SESSIONS_KEPT,
                    sa.and_(
                        WebSession.revoked_at.is_(None),
                        last_use < now - WEB_SESSION_IDLE - ENDED_SESSIONS_KEPT,
                    ),
                )
            )
        )
    )
    done.api_tokens = _count(
        session.execute(sa.delete(ApiToken).where(ApiToken.revoked_at < now - REVOKED_TOKENS_KEPT))
    )
    done.idempotency_keys = _count(
        session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEEP_FOR))
    )
    done.jobs = _count(
        session.execute(
            sa.delete(JobOutbox).where(
                sa.or_(
                    JobOutbox.done_at < now - DONE_JOBS_KEPT,
                    JobOutbox.failed_at < now - FAILED_JOBS_KEPT,
                )
            )
        )
    )
    done.reconciliation_runs = _count(
        session.execute(
            sa.delete(ReconciliationRun).where(
                ReconciliationRun.started_at < now - RECONCILIATIONS_KEPT
            )
        )
    )
    deleted_accounts = sa.select(User.id).where(User.email.like(f"%@{DELETED_EMAIL_DOMAIN}"))
    done.saved_searches = _count(
        session.execute(sa.delete(SavedSearch).where(SavedSearch.user_id.in_(deleted_accounts)))
    )
    conversation_ids = list(session.scalars(expired_conversations(now)))
    keys = delete_conversations(conversation_ids)
    done.conversations, done.files = len(conversation_ids), len(keys)

    if dry_run:
        session.rollback()
        return done
    session.commit()
    storage = current_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageError:  # the rows are gone; a leftover object is only bytes
            log.warning("retention: could not delete %s", key, exc_info=True)
    done.unsent_files = purge_unsent(now)
    log.info("retention purge: %s", done.as_dict())
    return done
