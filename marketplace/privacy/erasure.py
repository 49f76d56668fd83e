"""Deleting an account (RGPD art. 17), in one transaction, and what is kept and why.

Refused (409 `contract_under_way`) while a contract of hers is under way: awaiting
funding, funded, delivered or disputed. Money is held or owed on such a contract and the
other party needs a counterpart; she finishes, cancels or settles it first. Released,
resolved and cancelled contracts are final and do not stop a deletion. An open mission of
a business with pending quotes does not stop it either: the mission is closed, which
declines the quotes and tells each secretary, as closing it herself would.

Erased or replaced:
- the account: e-mail -> `deleted-<id>@deleted.invalid` (`.invalid` is reserved by
  RFC 2606, nobody can receive mail there, and the address she used is free for a new
  sign-up), display name -> "Compte supprimé", password hash -> a value no password
  matches, verification date and pending address cleared;
- her profile rows (secretary or business: bio, phone-like free text, postal code,
  SIRET...) deleted, and her search document with them (the search outbox);
- notifications and notification settings deleted; invitations sent to her deleted; her
  saved searches (and their alerts) deleted;
- uploads she never sent deleted (rows now, bytes after the commit);
- conversations that never led to a contract (the questions before a quote) deleted
  whole, with their messages and files: without a contract there is no legal reason to
  keep what she wrote, and the thread means nothing to the other party without her side;
- her open missions closed, her pending quotes withdrawn;
- every web session and API token revoked.

Kept, pointing to the pseudonymised account (its id stays, only "Compte supprimé" shows):
- invoices: legal records for 10 years (Code de commerce art. L123-22, LPF art. L102 B);
  each holds its own snapshot of the parties' names and addresses, issued once and never
  changed (the database refuses updates);
- ledger rows: append-only accounting records, same 10 years; still balanced;
- contracts and their events, reviews written and received (the other party's track
  record and the contracts the invoices refer to);
- the conversations of her contracts (messages and files, hers included): the record of
  what was agreed and delivered, needed for a dispute or a claim (5 years, Code civil
  art. 2224);
- her payout account reference at the provider (needed to reconcile past payouts).
"""

from __future__ import annotations

import logging
import secrets
import uuid

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.accounts.services import end_other_web_sessions, revoke_all_tokens
from marketplace.accounts.throttle import SIGN_IN
from marketplace.bids.models import BID, Bid, BidStatus
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.conversations.models import (
    Attachment,
    AttachmentAccess,
    Conversation,
    Message,
)
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.models import Invitation, Mission, MissionStatus
from marketplace.notifications.models import Notification, NotificationSetting
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.saved_searches.models import SavedSearch
from marketplace.storage import StorageError, current_storage

log = logging.getLogger(__name__)

DELETED_DISPLAY_NAME = "Compte supprimé"
DELETED_EMAIL_DOMAIN = "deleted.invalid"  # RFC 2606: can never be a real mailbox
# Statuses in which money is held or owed: the contract must end before the account does.
UNDER_WAY = (
    ContractStatus.AWAITING_FUNDING,
    ContractStatus.FUNDED,
    ContractStatus.DELIVERED,
    ContractStatus.DISPUTED,
)


class ContractUnderWay(Conflict):
    code = "contract_under_way"


def deleted_email(user_id: uuid.UUID) -> str:
    return f"deleted-{user_id.hex}@{DELETED_EMAIL_DOMAIN}"


def is_deleted(user: User) -> bool:
    return user.email.endswith("@" + DELETED_EMAIL_DOMAIN)


def contracts_under_way(user_id: uuid.UUID) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Contract.id)).where(
                sa.or_(Contract.business_id == user_id, Contract.secretary_id == user_id),
                Contract.status.in_(UNDER_WAY),
            )
        )
        or 0
    )


def _refuse_if_under_way(user_id: uuid.UUID) -> None:
    if contracts_under_way(user_id):
        db.session.rollback()
        raise ContractUnderWay(
            _(
                "Un de vos contrats est en cours (paiement attendu, fonds en séquestre, "
                "travail livré ou litige) : terminez-le ou annulez-le avant de supprimer "
                "votre compte."
            )
        )


def delete_account(user: User, password: str) -> None:
    """Erase her personal data (see the module docstring), commit, then remove the files
    of what was deleted from the storage. A wrong password is a 422 naming `password` and
    counts as a failed sign-in (a stolen session must not delete an account)."""
    SIGN_IN.check(user.email)
    if not passwords.verify_password(user.password_hash, password):
        SIGN_IN.hit(user.email)
        raise FieldErrors({"password": _("Mot de passe incorrect.")})
    # Her row locked: two deletions of one account wait for each other.
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    _refuse_if_under_way(user.id)
    keys = _erase(user)
    # Again once her quotes and missions are claimed: a quote accepted while this ran has
    # committed its contract before our claim on the quote could proceed.
    _refuse_if_under_way(user.id)
    db.session.commit()
    log.info("account %s deleted (%d files to remove)", user.id, len(keys))
    storage = current_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageError:  # the rows are gone; a leftover object is only bytes
            log.warning("account %s: could not delete %s", user.id, key, exc_info=True)


def _erase(user: User) -> list[str]:
    """Every change of a deletion, in the current transaction; the storage keys to remove
    once it commits."""
    uid = user.id
    # Her open missions closed (their pending quotes declined, secretaries told).
    open_missions = db.session.scalars(
        sa.select(Mission).where(Mission.business_id == uid, Mission.status == MissionStatus.OPEN)
    ).all()
    for mission in open_missions:
        missions.claim_close(mission)
    # Her pending quotes withdrawn.
    BID.claim_all(
        "withdraw", Bid.secretary_id == uid, Bid.status == BidStatus.PENDING, decided_at=utcnow()
    )
    db.session.execute(sa.delete(Invitation).where(Invitation.secretary_id == uid))

    keys = _delete_conversations_without_contract(uid)
    keys += list(
        db.session.scalars(
            sa.delete(Attachment)
            .where(Attachment.uploader_id == uid, Attachment.message_id.is_(None))
            .returning(Attachment.storage_key)
        )
    )

    db.session.execute(sa.delete(Notification).where(Notification.user_id == uid))
    db.session.execute(sa.delete(SavedSearch).where(SavedSearch.user_id == uid))
    db.session.execute(sa.delete(NotificationSetting).where(NotificationSetting.user_id == uid))
    # Through the session (not a bulk DELETE): the search outbox sees the profile go.
    for model in (SecretaryProfile, BusinessProfile):
        profile = db.session.get(model, uid)
        if profile is not None:
            db.session.delete(profile)

    end_other_web_sessions(uid)
    revoke_all_tokens(uid)
    user.email = deleted_email(uid)
    user.display_name = DELETED_DISPLAY_NAME
    # Not an Argon2 hash: verify_password is False for every password.
    user.password_hash = "!deleted:" + secrets.token_hex(16)
    user.pending_email = None
    user.email_verified_at = None
    db.session.flush()
    return keys


def _delete_conversations_without_contract(uid: uuid.UUID) -> list[str]:
    """Her conversations with no contract between the two parties on that mission: deleted
    with their messages, files and download register."""
    has_contract = (
        sa.select(Contract.id)
        .where(
            Contract.mission_id == Conversation.mission_id,
            Contract.secretary_id == Conversation.secretary_id,
        )
        .exists()
    )
    conversation_ids = list(
        db.session.scalars(
            sa.select(Conversation.id).where(
                sa.or_(Conversation.business_id == uid, Conversation.secretary_id == uid),
                ~has_contract,
            )
        )
    )
    return delete_conversations(conversation_ids)


def delete_conversations(conversation_ids: list[uuid.UUID]) -> list[str]:
    """Delete these conversations with their messages, files and download register (the
    children first: SQLite does not cascade unless asked); the storage keys of their files,
    to remove once the transaction commits."""
    if not conversation_ids:
        return []
    message_ids = sa.select(Message.id).where(Message.conversation_id.in_(conversation_ids))
    attachment_ids = sa.select(Attachment.id).where(Attachment.message_id.in_(message_ids))
    db.session.execute(
        sa.delete(AttachmentAccess).where(AttachmentAccess.attachment_id.in_(attachment_ids))
    )
    keys = list(
        db.session.scalars(
            sa.delete(Attachment)
            .where(Attachment.message_id.in_(message_ids))
            .returning(Attachment.storage_key)
        )
    )
    db.session.execute(sa.delete(Message).where(Message.conversation_id.in_(conversation_ids)))
    db.session.execute(sa.delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    return keys
