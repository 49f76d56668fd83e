"""Conversations and their files: who may open, read and write them, and what is recorded.

The rules (API.md "Conversations and documents"):
- One conversation per mission and secretary. A secretary opens hers about a mission she
  can see; the owner opens one with any active secretary (from a ranked card or a quote).
- Only the two parties read a thread. An operator reads it, read-only, only while the
  contract of that mission and secretary is disputed (the thread says so to the parties).
- Before hiring, e-mail addresses and phone numbers in messages are masked
  (`masking.py`); once a contract exists between them, they pass.
- Nobody writes in a thread one of whose parties is suspended.
- A file of a confidential mission is hidden from the secretary until she accepted the
  mission's confidentiality agreement, like its description.
- Every download is recorded; the uploader sees who downloaded her file and when.

Conversations sit above contracts: they read the contract of their mission and secretary
to know whether the parties are hired or in dispute; contracts never import them. A
delivery with files (`deliver`) is the contract's transition and the delivery message in
one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import require_verified_email
from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract, ContractEvent, ContractStatus
from marketplace.conversations.masking import mask_contacts
from marketplace.conversations.models import (
    Attachment,
    AttachmentAccess,
    Conversation,
    Message,
    MessageKind,
)
from marketplace.db import utcnow
from marketplace.errors import Conflict, Forbidden, NotFound, field_error
from marketplace.extensions import db
from marketplace.files import UnacceptableFile, inspect
from marketplace.missions import services as missions
from marketplace.missions.models import Mission
from marketplace.notifications.services import mark_subject_read, notify
from marketplace.storage import ObjectNotFound, current_storage
from marketplace.urls import path_for

log = logging.getLogger(__name__)

MAX_BODY = 5000
MAX_ATTACHMENTS = 10
# A burst of messages is one e-mail: the mail about the first unread message waits this
# long, and the messages written meanwhile join its notification.
MESSAGE_EMAIL_DELAY = timedelta(minutes=5)
# Uploads never sent in a message are deleted after this long (`purge_unsent`, daily).
UNSENT_KEPT_FOR = timedelta(hours=24)
# Download links of the pages are signed for one user and expire.
LINK_MAX_AGE = timedelta(hours=1)
_LINK_SALT = "attachment-download"


class ConversationClosed(Conflict):
    """One of the parties is suspended: the thread is read-only."""

    code = "conversation_closed"


# --- finding and opening ----------------------------------------------------------


def contract_of(conversation: Conversation) -> Contract | None:
    """The contract between the two parties on this mission, if she was hired."""
    return db.session.scalar(
        sa.select(Contract).where(
            Contract.mission_id == conversation.mission_id,
            Contract.secretary_id == conversation.secretary_id,
        )
    )


def is_disputed(contract: Contract | None) -> bool:
    """While the parties' contract is disputed an operator may read their thread."""
    return contract is not None and contract.status is ContractStatus.DISPUTED


def operator_may_read(conversation: Conversation) -> bool:
    return is_disputed(contract_of(conversation))


def other_party(conversation: Conversation, user: User) -> User:
    """Whom `user` talks with; for an operator reading the thread, the business."""
    other_id = (
        conversation.other_party_id(user.id)
        if conversation.party_role(user.id)
        else conversation.business_id
    )
    other = db.session.get(User, other_id)
    assert other is not None
    return other


def visible_conversation(user: User, conversation_id: uuid.UUID) -> Conversation:
    """The conversation for its parties, or an operator during a dispute; else 404."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is not None:
        if conversation.party_role(user.id) is not None:
            return conversation
        if user.role is Role.OPERATOR and operator_may_read(conversation):
            return conversation
    raise NotFound(_("Conversation introuvable."))


def _get_or_create(mission: Mission, secretary_id: uuid.UUID) -> tuple[Conversation, bool]:
    query = sa.select(Conversation).where(
        Conversation.mission_id == mission.id, Conversation.secretary_id == secretary_id
    )
    existing = db.session.scalar(query)
    if existing is not None:
        return existing, False
    conversation = Conversation(
        mission_id=mission.id, business_id=mission.business_id, secretary_id=secretary_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(conversation)
    except IntegrityError:  # the other party opened it at the same moment
        return db.session.scalars(query).one(), False
    db.session.commit()
    return conversation, True


def open_conversation(
    user: User, mission_id: uuid.UUID, secretary_id: uuid.UUID | None = None
) -> tuple[Conversation, bool]:
    """(The conversation, whether it was created): hers about the mission, for a secretary;
    with `secretary_id`, for the mission's owner."""
    if user.role is Role.SECRETARY:
        mission = missions.visible_mission(user, mission_id)
        if secretary_id is not None and secretary_id != user.id:
            raise field_error("secretary_id", _("Une secrétaire n'ouvre que ses conversations."))
        require_verified_email(user)
        return _get_or_create(mission, user.id)
    if user.role is Role.BUSINESS:
        mission = missions.owned_mission(user, mission_id)
        if secretary_id is None:
            raise field_error("secretary_id", _("Choisissez la secrétaire à qui écrire."))
        secretary = db.session.get(User, secretary_id)
        if secretary is None or secretary.role is not Role.SECRETARY or secretary.is_suspended:
            raise field_error("secretary_id", _("Cette secrétaire n'existe pas."))
        require_verified_email(user)
        return _get_or_create(mission, secretary.id)
    raise Forbidden()


@missions.involvement
def _in_conversation(mission: Mission, user: User) -> bool:
    """A secretary who talked with the owner still sees the mission once it is closed."""
    return (
        db.session.scalar(
            sa.select(Conversation.id).where(
                Conversation.mission_id == mission.id, Conversation.secretary_id == user.id
            )
        )
        is not None
    )


# --- the inbox --------------------------------------------------------------------


def _read_at_column(user: User) -> Any:
    return (
        Conversation.business_read_at
        if user.role is Role.BUSINESS
        else Conversation.secretary_read_at
    )


def _unread_messages(user: User) -> sa.ScalarSelect[int]:
    read_at = _read_at_column(user)
    return (
        sa.select(sa.func.count(Message.id))
        .where(
            Message.conversation_id == Conversation.id,
            Message.sender_id != user.id,
            sa.or_(read_at.is_(None), Message.created_at > read_at),
        )
        .correlate(Conversation)
        .scalar_subquery()
    )


def inbox(user: User) -> sa.Select[Conversation, int]:
    """(Conversation, unread count) of the caller: unread ones first, then the latest."""
    if user.role not in (Role.BUSINESS, Role.SECRETARY):
        raise Forbidden()
    mine = (
        Conversation.business_id == user.id
        if user.role is Role.BUSINESS
        else Conversation.secretary_id == user.id
    )
    unread = _unread_messages(user).label("unread")
    latest = sa.func.coalesce(Conversation.last_message_at, Conversation.created_at)
    return (
        sa.select(Conversation, unread)
        .options(
            joinedload(Conversation.mission),
            joinedload(Conversation.business),
            joinedload(Conversation.secretary),
        )
        .where(mine)
        .order_by((unread > 0).desc(), latest.desc(), Conversation.id.desc())
    )


def unread_conversations(user: User) -> int:
    if user.role not in (Role.BUSINESS, Role.SECRETARY):
        return 0
    query = inbox(user).subquery()
    return int(
        db.session.scalar(sa.select(sa.func.count()).select_from(query).where(query.c.unread > 0))
        or 0
    )


def unread_in(conversation: Conversation, user: User) -> int:
    role = conversation.party_role(user.id)
    if role is None:
        return 0
    read_at = (
        conversation.business_read_at if role == "business" else conversation.secretary_read_at
    )
    query = sa.select(sa.func.count(Message.id)).where(
        Message.conversation_id == conversation.id, Message.sender_id != user.id
    )
    if read_at is not None:
        query = query.where(Message.created_at > read_at)
    return int(db.session.scalar(query) or 0)


def mark_read(conversation: Conversation, user: User) -> None:
    """The caller has read everything so far; her message notifications of it too."""
    role = conversation.party_role(user.id)
    if role is None:  # an operator reading during a dispute leaves no trace on the parties
        return
    now = utcnow()
    column = "business_read_at" if role == "business" else "secretary_read_at"
    db.session.execute(
        sa.update(Conversation).where(Conversation.id == conversation.id).values({column: now})
    )
    mark_subject_read(user.id, "conversation", conversation.id)
    db.session.commit()
    db.session.refresh(conversation)


# --- messages -------------------------------------------------------------------


def messages_of(conversation: Conversation) -> sa.Select[Message]:
    """Oldest first, as a thread is read."""
    return (
        sa.select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.created_at, Message.id)
    )


def is_hired(conversation: Conversation) -> bool:
    return contract_of(conversation) is not None


def closed_reason(conversation: Conversation) -> str | None:
    """Why nobody may write here, or None."""
    parties = db.session.scalars(
        sa.select(User).where(User.id.in_((conversation.business_id, conversation.secretary_id)))
    ).all()
    if any(p.is_suspended for p in parties):
        return _("Ce compte est suspendu : la conversation est fermée aux nouveaux messages.")
    return None


def _check_writer(conversation: Conversation, user: User) -> None:
    if conversation.party_role(user.id) is None:
        if user.role is Role.OPERATOR:  # reading a disputed thread, never writing in it
            raise Forbidden(_("Un opérateur lit la conversation d'un litige, sans y écrire."))
        raise NotFound(_("Conversation introuvable."))
    reason = closed_reason(conversation)
    if reason is not None:
        raise ConversationClosed(reason)
    require_verified_email(user)


def _claim_attachments(user: User, message: Message, attachment_ids: Sequence[uuid.UUID]) -> None:
    """Attach the caller's own unsent uploads to `message`; a concurrent send of the same
    file makes the second one fail (the UPDATE matches fewer rows)."""
    ids = list(dict.fromkeys(attachment_ids))
    if len(ids) > MAX_ATTACHMENTS:
        raise field_error(
            "attachment_ids", _("Au plus %(n)s fichiers par message.", n=MAX_ATTACHMENTS)
        )
    if not ids:
        return
    claimed = db.session.execute(
        sa.update(Attachment)
        .where(
            Attachment.id.in_(ids),
            Attachment.uploader_id == user.id,
            Attachment.message_id.is_(None),
        )
        .values(message_id=message.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != len(ids):
        db.session.rollback()
        raise field_error(
            "attachment_ids",
            _("Un des fichiers est introuvable ou a déjà été envoyé : téléversez-le à nouveau."),
        )


def _write(
    conversation: Conversation,
    user: User,
    body: str,
    attachment_ids: Sequence[uuid.UUID],
    *,
    kind: MessageKind = MessageKind.TEXT,
    contract_id: uuid.UUID | None = None,
) -> Message:
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise field_error("body", _("Au plus %(n)s caractères.", n=MAX_BODY))
    if not body and not attachment_ids and kind is MessageKind.TEXT:
        raise field_error("body", _("Écrivez un message ou joignez un fichier."))
    masked = False
    if not is_hired(conversation):
        body, masked = mask_contacts(body)
    now = utcnow()
    # The conversation's row is locked first: messages of one thread are written one at a
    # time, so a burst is grouped into one notification (below) without a race.
    column = (
        "business_read_at"
        if conversation.party_role(user.id) == "business"
        else ("secretary_read_at")
    )
    db.session.execute(
        sa.update(Conversation)
        .where(Conversation.id == conversation.id)
        .values({"last_message_at": now, column: now})
    )
    message = Message(
        conversation_id=conversation.id,
        sender_id=user.id,
        kind=kind,
        contract_id=contract_id,
        body=body,
        masked=masked,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    _claim_attachments(user, message, attachment_ids)
    return message


def post_message(
    conversation: Conversation, user: User, body: str, attachment_ids: Sequence[uuid.UUID] = ()
) -> Message:
    _check_writer(conversation, user)
    message = _write(conversation, user, body, attachment_ids)
    recipient = conversation.other_party_id(user.id)
    notify(
        recipient,
        "message_received",
        subject=("conversation", conversation.id),
        url=path_for("web.conversation_page", conversation_id=conversation.id),
        params={"sender": user.display_name, "mission": conversation.mission.title},
        group=True,
        email_delay=MESSAGE_EMAIL_DELAY,
    )
    db.session.commit()
    db.session.refresh(conversation)
    return message


def existing_for_contract(contract: Contract) -> Conversation | None:
    return db.session.scalar(
        sa.select(Conversation).where(
            Conversation.mission_id == contract.mission_id,
            Conversation.secretary_id == contract.secretary_id,
        )
    )


def conversation_ids(contracts_: Sequence[Contract]) -> dict[uuid.UUID, uuid.UUID]:
    """For each contract that has one, the id of its parties' conversation (one query)."""
    if not contracts_:
        return {}
    rows = db.session.execute(
        sa.select(Contract.id, Conversation.id)
        .join(
            Conversation,
            sa.and_(
                Conversation.mission_id == Contract.mission_id,
                Conversation.secretary_id == Contract.secretary_id,
            ),
        )
        .where(Contract.id.in_([c.id for c in contracts_]))
    ).all()
    return {contract_id: conversation_id for contract_id, conversation_id in rows}


def conversation_for_contract(contract: Contract) -> Conversation:
    mission = db.session.get(Mission, contract.mission_id)
    assert mission is not None
    conversation, _created = _get_or_create(mission, contract.secretary_id)
    return conversation


def deliver(
    contract: Contract, user: User, note: str = "", attachment_ids: Sequence[uuid.UUID] = ()
) -> Contract:
    """Deliver the contract with a note and files: the transition and the delivery message
    in the conversation, in one transaction (the business is told by `contract_delivered`)."""
    if not note.strip() and not attachment_ids:
        return contracts.deliver(contract, user)
    contracts.check_role(user, "deliver")
    if contract.secretary_id != user.id:
        raise NotFound(_("Contrat introuvable."))
    conversation = conversation_for_contract(contract)
    _check_writer(conversation, user)
    contracts.mark_delivered(contract, user)
    _write(
        conversation,
        user,
        note,
        attachment_ids,
        kind=MessageKind.DELIVERY,
        contract_id=contract.id,
    )
    db.session.commit()
    return contract


def deliverables(contract: Contract) -> list[Attachment]:
    """The files the secretary delivered this contract with, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .join(Message, Attachment.message_id == Message.id)
            .where(Message.contract_id == contract.id, Message.kind == MessageKind.DELIVERY)
            .order_by(Message.created_at, Attachment.created_at)
        )
    )


# --- the thread as a party sees it ------------------------------------------------------


@dataclass(frozen=True)
class ThreadEntry:
    """A message, or a step of the contract shown in the thread at its time."""

    at: datetime
    message: Message | None = None
    event: ContractEvent | None = None


@dataclass(frozen=True)
class Thread:
    conversation: Conversation
    mission: Mission
    other_party: User
    contract: Contract | None
    entries: list[ThreadEntry]
    operator_reading: bool  # a dispute is open: the platform's operators may read
    closed_reason: str | None
    files_hidden: bool  # confidential mission, agreement not accepted: files are not shown


def thread(conversation: Conversation, user: User) -> Thread:
    contract = contract_of(conversation)
    messages = db.session.scalars(
        messages_of(conversation).options(
            selectinload(Message.attachments), selectinload(Message.sender)
        )
    ).all()
    entries = [ThreadEntry(at=m.created_at, message=m) for m in messages]
    if contract is not None:
        events = db.session.scalars(
            sa.select(ContractEvent).where(ContractEvent.contract_id == contract.id)
        ).all()
        # Steps only (a note added to a contract keeps its status and is not one).
        entries += [ThreadEntry(at=e.at, event=e) for e in events if e.from_status != e.to_status]
    entries.sort(key=lambda e: e.at)
    return Thread(
        conversation=conversation,
        mission=conversation.mission,
        other_party=other_party(conversation, user),
        contract=contract,
        entries=entries,
        operator_reading=is_disputed(contract),
        closed_reason=closed_reason(conversation),
        files_hidden=not files_visible(conversation, user),
    )


# --- files ------------------------------------------------------------------------


def _max_bytes() -> int:
    return int(current_app.config["MARKETPLACE_SETTINGS"].attachment_max_bytes)


def upload(user: User, filename: str, stream: BinaryIO) -> Attachment:
    """Check the file from its content and keep it for the caller, unsent."""
    if user.role not in (Role.BUSINESS, Role.SECRETARY):
        raise Forbidden()
    require_verified_email(user)
    try:
        inspected = inspect(filename or "", stream, _max_bytes())
    except UnacceptableFile as refused:
        raise field_error("file", str(refused.message), location="files") from None
    attachment_id = uuid.uuid4()
    key = f"attachments/{attachment_id.hex[:2]}/{attachment_id.hex}"
    storage = current_storage()
    with inspected:  # the spooled copy is removed once stored
        storage.put(key, inspected.file)
    attachment = Attachment(
        id=attachment_id,
        uploader_id=user.id,
        filename=inspected.filename,
        content_type=inspected.content_type,
        size_bytes=inspected.size_bytes,
        sha256=inspected.sha256,
        storage_key=key,
    )
    db.session.add(attachment)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(key)  # no bytes without their row
        raise
    return attachment


def purge_unsent(now: datetime | None = None) -> int:
    """Delete the uploads nobody sent within UNSENT_KEPT_FOR (a message that failed, a page
    left): rows first, in one statement (a concurrent send either claimed a row before, or
    finds it gone and asks to upload again), then their bytes. Safe to run twice at once."""
    cutoff = (now or utcnow()) - UNSENT_KEPT_FOR
    keys = list(
        db.session.scalars(
            sa.delete(Attachment)
            .where(Attachment.message_id.is_(None), Attachment.created_at < cutoff)
            .returning(Attachment.storage_key)
        )
    )
    db.session.commit()
    storage = current_storage()
    for key in keys:
        storage.delete(key)
    return len(keys)


def _conversation_of(attachment: Attachment) -> Conversation | None:
    if attachment.message_id is None:
        return None
    return db.session.scalar(
        sa.select(Conversation)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Message.id == attachment.message_id)
    )


def files_visible(conversation: Conversation, user: User) -> bool:
    """A confidential mission's files wait for the secretary's agreement."""
    if user.id != conversation.secretary_id:
        return True
    return missions.details_visible(conversation.mission, user)


def may_download(attachment: Attachment, user: User) -> bool:
    if attachment.uploader_id == user.id:
        return True
    conversation = _conversation_of(attachment)
    if conversation is None:
        return False
    if conversation.party_role(user.id) is not None:
        return files_visible(conversation, user)
    return user.role is Role.OPERATOR and operator_may_read(conversation)


def visible_attachment(user: User, attachment_id: uuid.UUID) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not may_download(attachment, user):
        raise NotFound(_("Fichier introuvable."))
    return attachment


def download(user: User, attachment_id: uuid.UUID) -> tuple[Attachment, BinaryIO]:
    """The file and its content, the download recorded (committed before the first byte)."""
    attachment = visible_attachment(user, attachment_id)
    try:
        stream = current_storage().open(attachment.storage_key)
    except ObjectNotFound:  # the row outlived its bytes: an operator must look, the user waits
        log.error("attachment %s: no object under its storage key", attachment.id)
        raise NotFound(_("Ce fichier n'est plus disponible.")) from None
    db.session.add(AttachmentAccess(attachment_id=attachment.id, user_id=user.id))
    db.session.commit()
    return attachment, stream


def accesses(user: User, attachment_id: uuid.UUID) -> sa.Select[AttachmentAccess]:
    """Who downloaded the caller's file, newest first (the uploader only; others 404)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.uploader_id != user.id:
        raise NotFound(_("Fichier introuvable."))
    return (
        sa.select(AttachmentAccess)
        .where(AttachmentAccess.attachment_id == attachment.id)
        .order_by(AttachmentAccess.at.desc(), AttachmentAccess.id)
        .options(selectinload(AttachmentAccess.user))
    )


def accesses_by_others(
    attachments: Sequence[Attachment],
) -> dict[uuid.UUID, list[AttachmentAccess]]:
    """For the uploader's view of a thread: each file's downloads by someone else."""
    ids = [a.id for a in attachments]
    found: dict[uuid.UUID, list[AttachmentAccess]] = {i: [] for i in ids}
    if not ids:
        return found
    uploaders = {a.id: a.uploader_id for a in attachments}
    for access in db.session.scalars(
        sa.select(AttachmentAccess)
        .where(AttachmentAccess.attachment_id.in_(ids))
        .order_by(AttachmentAccess.at)
    ):
        if access.user_id != uploaders[access.attachment_id]:
            found[access.attachment_id].append(access)
    return found


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def download_token(attachment: Attachment, user: User) -> str:
    """A link for one user that stops working after LINK_MAX_AGE."""
    return _serializer().dumps({"a": attachment.id.hex, "u": user.id.hex})


def attachment_from_token(token: str, user: User) -> uuid.UUID:
    try:
        data = _serializer().loads(token, max_age=int(LINK_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise NotFound(_("Ce lien de téléchargement a expiré : rouvrez la conversation.")) from None
    except BadSignature:
        raise NotFound(_("Fichier introuvable.")) from None
    if not isinstance(data, dict) or data.get("u") != user.id.hex:
        raise NotFound(_("Fichier introuvable."))
    try:
        return uuid.UUID(hex=str(data.get("a")))
    except ValueError:
        raise NotFound(_("Fichier introuvable.")) from None
