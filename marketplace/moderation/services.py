"""What an operator may do to keep the marketplace clean, each decision in the journal.

* Suspending an account signs its owner out everywhere: every web session ends (its
  `web_sessions` rows are revoked, so even a restore does not bring old sessions back), every API
  token is revoked, a secretary leaves search results, her public profile answers 404 and
  her pending quotes are withdrawn, a business's open missions are closed (their pending
  bids declined, so nobody waits on them). Contracts under way are left as they are: the
  money they hold stays in escrow and is settled through a dispute if need be.
* Restoring reopens the account; revoked tokens and closed missions stay so.
* Closing a mission takes an open mission out of search and out of reach of new bids.

Each change is a conditional UPDATE (two operators acting at once: one wins, the other is
told it is already done) followed by its journal row, in one transaction.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import end_other_web_sessions, revoke_all_tokens
from marketplace.bids.models import BID, Bid
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions.models import MISSION, Mission, MissionStatus
from marketplace.missions.services import claim_close
from marketplace.moderation.models import ModerationAction, ModerationKind
from marketplace.transactions import execute_update

REASON_MIN, REASON_MAX = 10, 2000


def _operator(user: User) -> None:
    if user.role is not Role.OPERATOR:
        raise Forbidden()


def _reason(raw: str | None) -> str:
    reason = " ".join((raw or "").split())
    if len(reason) < REASON_MIN:
        raise FieldErrors(
            {"reason": [_("Motivez la décision en %(min)d caractères au moins.", min=REASON_MIN)]}
        )
    if len(reason) > REASON_MAX:
        raise FieldErrors({"reason": [_("%(max)d caractères au plus.", max=REASON_MAX)]})
    return reason


def get_account(user_id: uuid.UUID) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        raise NotFound(_("Compte introuvable."))
    return account


def _journal(
    operator: User,
    kind: ModerationKind,
    account_id: uuid.UUID,
    reason: str,
    mission_id: uuid.UUID | None = None,
) -> None:
    db.session.add(
        ModerationAction(
            operator_id=operator.id,
            kind=kind,
            user_id=account_id,
            mission_id=mission_id,
            reason=reason,
        )
    )


def suspend_account(operator: User, user_id: uuid.UUID, raw_reason: str | None) -> list[Mission]:
    """Suspend; returns the missions this closed (a business's open ones)."""
    _operator(operator)
    reason = _reason(raw_reason)
    account = get_account(user_id)
    if account.role is Role.OPERATOR:
        raise Conflict(_("Un compte opérateur ne peut pas être suspendu ici."))
    if (
        execute_update(
            sa.update(User)
            .where(User.id == account.id, User.is_suspended.is_(False))
            .values(is_suspended=True, session_epoch=User.session_epoch + 1)
        )
        != 1
    ):
        db.session.rollback()
        raise Conflict(_("Ce compte est déjà suspendu."))
    revoke_all_tokens(account.id)
    end_other_web_sessions(account.id)  # every browser she is signed in with
    if account.role is Role.SECRETARY:  # nobody may hire her from a quote she sent before
        BID.claim_all("withdraw", Bid.secretary_id == account.id, decided_at=utcnow())
    closed: list[Mission] = []
    if account.role is Role.BUSINESS:
        open_missions = db.session.scalars(
            sa.select(Mission).where(
                Mission.business_id == account.id, Mission.status == MissionStatus.OPEN
            )
        ).all()
        closed = [m for m in open_missions if claim_close(m)]
    _journal(operator, ModerationKind.SUSPEND_ACCOUNT, account.id, reason)
    for mission in closed:  # each closure in the journal too: its owner's page says why
        _journal(operator, ModerationKind.CLOSE_MISSION, account.id, reason, mission.id)
    db.session.commit()
    db.session.refresh(account)
    return closed


def restore_account(operator: User, user_id: uuid.UUID, raw_reason: str | None) -> User:
    _operator(operator)
    reason = _reason(raw_reason)
    account = get_account(user_id)
    if (
        execute_update(
            sa.update(User)
            .where(User.id == account.id, User.is_suspended.is_(True))
            .values(is_suspended=False)
        )
        != 1
    ):
        db.session.rollback()
        raise Conflict(_("Ce compte n'est pas suspendu."))
    _journal(operator, ModerationKind.RESTORE_ACCOUNT, account.id, reason)
    db.session.commit()
    db.session.refresh(account)
    return account


def close_mission(operator: User, mission_id: uuid.UUID, raw_reason: str | None) -> Mission:
    _operator(operator)
    reason = _reason(raw_reason)
    mission = db.session.get(Mission, mission_id)
    if mission is None:
        raise NotFound(_("Mission introuvable."))
    MISSION.target("close", mission.status)
    if not claim_close(mission):
        db.session.rollback()
        db.session.refresh(mission)
        raise MISSION.refusal("close", mission.status)
    _journal(operator, ModerationKind.CLOSE_MISSION, mission.business_id, reason, mission.id)
    db.session.commit()
    db.session.refresh(mission)
    return mission


# ----------------------------------------------------------------------------- reading
def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def accounts_select(query: str = "") -> sa.Select[tuple[User]]:
    """Accounts whose e-mail or name contains `query`, newest first (every one without a
    query); the page shows them a page at a time (`marketplace.pagination.paginate`)."""
    select = sa.select(User).where(User.role != Role.OPERATOR)
    if query:
        pattern = _like(query.strip().lower())
        select = select.where(
            sa.or_(
                sa.func.lower(User.email).like(pattern, escape="\\"),
                sa.func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    return select.order_by(User.created_at.desc(), User.id)


def missions_select(query: str = "") -> sa.Select[tuple[Mission]]:
    """Missions whose title contains `query`; the open ones without a query; newest first."""
    select = sa.select(Mission).options(selectinload(Mission.business))
    if query:
        pattern = _like(query.strip().lower())
        select = select.where(sa.func.lower(Mission.title).like(pattern, escape="\\"))
    else:
        select = select.where(Mission.status == MissionStatus.OPEN)
    return select.order_by(Mission.created_at.desc(), Mission.id)


def journal_select() -> sa.Select[tuple[ModerationAction]]:
    """Every decision, newest first, with who took it and on whom (loaded with the page)."""
    return (
        sa.select(ModerationAction)
        .options(
            selectinload(ModerationAction.user),
            selectinload(ModerationAction.operator),
            selectinload(ModerationAction.mission),
        )
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id)
    )


def last_mission_decision(mission_id: uuid.UUID) -> ModerationAction | None:
    """Why the operator closed this mission, for its owner's page."""
    return db.session.scalars(
        sa.select(ModerationAction)
        .where(
            ModerationAction.mission_id == mission_id,
            ModerationAction.kind == ModerationKind.CLOSE_MISSION,
        )
        .order_by(ModerationAction.created_at.desc())
        .limit(1)
    ).first()
