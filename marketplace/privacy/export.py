"""The export of everything held about a user (RGPD art. 15 and 20): one ZIP.

`data.json` holds her account, profile, missions (a business) or quotes, invitations and
confidentiality agreements (a secretary), contracts with their events and ledger rows,
reviews she wrote and the published reviews about her (an unpublished one stays hidden
until the review window rules it public, as on the site), notifications and their
settings, the conversations she is a party of with their messages, her invoices'
metadata, her sessions and API tokens (dates only), her payout account reference.
`files/` holds the attachments she uploaded or can download in her conversations (a
confidential mission's files only once she accepted its agreement, as on the site) and
her invoices' PDFs.

Other people appear only as she sees them on the site: their id and display name, never
their e-mail address or profile. The archive is built in a temporary file (spooled to
disk past SPOOL_BYTES) and the files are copied in chunks: memory stays small whatever
she holds.
"""

from __future__ import annotations

import enum
import json
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
from flask import Response, send_file
from sqlalchemy.orm import selectinload, undefer

from marketplace.accounts.models import ApiToken, User, WebSession
from marketplace.accounts.throttle import Throttle
from marketplace.bids.models import Bid
from marketplace.contracts.models import Contract, ContractEvent
from marketplace.conversations import services as conversations
from marketplace.conversations.models import Attachment, Conversation, Message
from marketplace.extensions import db
from marketplace.files.names import clean_filename
from marketplace.missions.models import Invitation, Mission, NdaAcceptance
from marketplace.notifications.models import Notification, NotificationSetting
from marketplace.payments.models import Invoice, LedgerEntry, PayoutAccount
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.reviews.models import Review
from marketplace.storage import ObjectNotFound, current_storage

FORMAT_VERSION = 1
SPOOL_BYTES = 8 * 1024 * 1024
# Building the archive reads everything she holds and copies her files: a few per hour.
EXPORT = Throttle("export", per_account="5/hour", per_address="20/hour")

# Columns never exported: secrets, and where the bytes live.
_HIDDEN = {"password_hash", "token_hash", "storage_key", "session_epoch", "pdf"}


def _value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(obj: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    hidden = _HIDDEN | set(skip)
    return {
        attr.key: _value(getattr(obj, attr.key))
        for attr in sa.inspect(obj).mapper.column_attrs
        if attr.key not in hidden
    }


def _names(user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _person(names: dict[uuid.UUID, str], user_id: uuid.UUID | None) -> dict[str, Any] | None:
    if user_id is None:
        return None
    return {"id": str(user_id), "display_name": names.get(user_id, "")}


def _attachment_name(attachment: Attachment) -> str:
    return f"files/attachments/{attachment.id.hex[:8]}-{clean_filename(attachment.filename)}"


def _invoice_name(invoice: Invoice) -> str:
    return f"files/invoices/{clean_filename(invoice.number)}-{invoice.id.hex[:8]}.pdf"


def collect(user: User) -> tuple[dict[str, Any], list[Attachment], list[Invoice]]:
    """What goes into data.json, the attachments and the invoices whose files go along."""
    uid = user.id
    profile_model = SecretaryProfile if user.is_secretary else BusinessProfile
    profile = db.session.get(profile_model, uid)

    missions = db.session.scalars(
        sa.select(Mission).where(Mission.business_id == uid).order_by(Mission.created_at)
    ).all()
    bids = db.session.scalars(
        sa.select(Bid).where(Bid.secretary_id == uid).order_by(Bid.created_at)
    ).all()
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.secretary_id == uid)
    ).all()
    ndas = db.session.scalars(
        sa.select(NdaAcceptance).where(NdaAcceptance.secretary_id == uid)
    ).all()
    contracts = db.session.scalars(
        sa.select(Contract)
        .where(sa.or_(Contract.business_id == uid, Contract.secretary_id == uid))
        .order_by(Contract.created_at)
    ).all()
    contract_ids = [c.id for c in contracts]
    events = db.session.scalars(
        sa.select(ContractEvent)
        .where(ContractEvent.contract_id.in_(contract_ids))
        .order_by(ContractEvent.at)
    ).all()
    ledger = db.session.scalars(
        sa.select(LedgerEntry)
        .where(LedgerEntry.contract_id.in_(contract_ids))
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).all()
    reviews_written = db.session.scalars(sa.select(Review).where(Review.author_id == uid)).all()
    reviews_received = db.session.scalars(
        sa.select(Review).where(Review.subject_id == uid, Review.published_at.is_not(None))
    ).all()
    invoices = db.session.scalars(
        sa.select(Invoice)
        .options(undefer(Invoice.pdf))
        .where(sa.or_(Invoice.issuer_user_id == uid, Invoice.recipient_user_id == uid))
        .order_by(Invoice.issued_at)
    ).all()
    threads = db.session.scalars(
        sa.select(Conversation)
        .where(sa.or_(Conversation.business_id == uid, Conversation.secretary_id == uid))
        .order_by(Conversation.created_at)
    ).all()

    people: set[uuid.UUID | None] = set()
    for c in contracts:
        people |= {c.business_id, c.secretary_id}
    for t in threads:
        people |= {t.business_id, t.secretary_id}
    for r in [*reviews_written, *reviews_received]:
        people |= {r.author_id, r.subject_id}
    people |= {e.actor_id for e in events}
    names = _names(people)

    events_by_contract: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for e in events:
        entry = _row(e, skip=("contract_id", "actor_id")) | {"actor": _person(names, e.actor_id)}
        events_by_contract.setdefault(e.contract_id, []).append(entry)
    ledger_by_contract: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for leg in ledger:
        ledger_by_contract.setdefault(leg.contract_id, []).append(_row(leg))

    files: dict[uuid.UUID, Attachment] = {}
    conversations_out = []
    for thread in threads:
        visible = conversations.files_visible(thread, user)
        messages = db.session.scalars(
            sa.select(Message)
            .options(selectinload(Message.attachments))
            .where(Message.conversation_id == thread.id)
            .order_by(Message.created_at)
        ).all()
        names.update(_names(m.sender_id for m in messages))
        messages_out = []
        for message in messages:
            shown = [a for a in message.attachments if visible or a.uploader_id == uid]
            for attachment in shown:
                files[attachment.id] = attachment
            messages_out.append(
                _row(message, skip=("sender_id",))
                | {
                    "sender": _person(names, message.sender_id),
                    "attachments": [
                        _row(a, skip=("uploader_id", "message_id")) | {"file": _attachment_name(a)}
                        for a in shown
                    ],
                }
            )
        conversations_out.append(
            {
                "id": str(thread.id),
                "mission_id": str(thread.mission_id),
                "mission_title": thread.mission.title,
                "business": _person(names, thread.business_id),
                "secretary": _person(names, thread.secretary_id),
                "created_at": _value(thread.created_at),
                "messages": messages_out,
            }
        )
    for attachment in db.session.scalars(
        sa.select(Attachment).where(Attachment.uploader_id == uid, Attachment.message_id.is_(None))
    ):
        files[attachment.id] = attachment  # uploaded, never sent

    data = {
        "format_version": FORMAT_VERSION,
        "account": _row(user),
        "profile": _row(profile) if profile is not None else None,
        "missions": [_row(m) for m in missions],
        "bids": [_row(b) | {"mission_title": b.mission.title} for b in bids],
        "invitations": [_row(i) for i in invitations],
        "confidentiality_agreements": [_row(n) for n in ndas],
        "contracts": [
            _row(c)
            | {
                "mission_title": c.mission.title,
                "business": _person(names, c.business_id),
                "secretary": _person(names, c.secretary_id),
                "events": events_by_contract.get(c.id, []),
                "ledger": ledger_by_contract.get(c.id, []),
            }
            for c in contracts
        ],
        "reviews_written": [
            _row(r) | {"subject": _person(names, r.subject_id)} for r in reviews_written
        ],
        "reviews_received": [
            _row(r) | {"author": _person(names, r.author_id)} for r in reviews_received
        ],
        "notifications": [
            _row(n)
            for n in db.session.scalars(
                sa.select(Notification)
                .where(Notification.user_id == uid)
                .order_by(Notification.created_at)
            )
        ],
        "notification_settings": [
            _row(s)
            for s in db.session.scalars(
                sa.select(NotificationSetting).where(NotificationSetting.user_id == uid)
            )
        ],
        "conversations": conversations_out,
        "unsent_uploads": [
            _row(a, skip=("uploader_id", "message_id")) | {"file": _attachment_name(a)}
            for a in files.values()
            if a.message_id is None
        ],
        "invoices": [_row(i) | {"file": _invoice_name(i)} for i in invoices],
        "payout_account": _row(p) if (p := db.session.get(PayoutAccount, uid)) else None,
        "api_tokens": [
            _row(t, skip=("user_id",))
            for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == uid))
        ],
        "web_sessions": [
            _row(s, skip=("user_id",))
            for s in db.session.scalars(sa.select(WebSession).where(WebSession.user_id == uid))
        ],
    }
    return data, list(files.values()), list(invoices)


def build_archive(user: User) -> IO[bytes]:
    """The ZIP, rewound, in a temporary file the caller closes (sending it does)."""
    EXPORT.attempt(str(user.id))
    data, attachments, invoices = collect(user)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    storage = current_storage()
    missing = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for attachment in attachments:
            try:
                source = storage.open(attachment.storage_key)
            except ObjectNotFound:
                missing.append(_attachment_name(attachment))
                continue
            with source, archive.open(_attachment_name(attachment), "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        for invoice in invoices:
            archive.writestr(_invoice_name(invoice), invoice.pdf)
        data["missing_files"] = missing
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        )
    out.seek(0)
    return out


def archive_name(user: User) -> str:
    return f"export-{user.id.hex[:8]}-{date.today().isoformat()}.zip"


def archive_response(user: User) -> Response:
    """The archive as a download (the API and the account page send the same). One still
    in memory is sent as bytes and its buffer closed at once; one spooled to disk is
    streamed from its file, which the server closes after the last byte."""
    archive = build_archive(user)
    size = archive.seek(0, 2)
    archive.seek(0)
    if size <= SPOOL_BYTES:
        with archive:
            response = Response(archive.read(), mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{archive_name(user)}"'
    else:
        response = send_file(
            archive,
            mimetype="application/zip",
            as_attachment=True,
            download_name=archive_name(user),
            max_age=0,
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response
