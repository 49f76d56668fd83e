"""Obligation de vigilance (Code du travail L8222-1 and D8222-5).

The rule, as this platform applies it:
- A contract whose total excluding tax reaches THRESHOLD_CENTS (5,000 €) obliges the
  business to obtain from the secretary an URSSAF attestation de vigilance less than
  six months old, and again every six months while they work together. The total is
  `contract_total_excl_tax_cents`: the one place that says what a contract adds up to
  (a recurring contract will count all its periods: the law counts one service paid in
  several instalments as one amount).
- The secretary uploads her attestation (the file, its issue date, the security code
  the business can check on urssaf.fr). It counts for six months from its issue date
  (`expires_on`, exclusive); her newest one is the one that counts.
- For each contract the status is `not_required` (under the threshold), `missing` (none
  uploaded), `valid` (her newest one has not expired) or `expired`.
- While it is required and not valid, funding is refused: `require_vigilance(contract)`
  raises 409 `vigilance_document_missing` / `vigilance_document_expired`, naming the
  document. Every funding path calls it before any money moves.
- A month before her newest attestation expires, she is reminded
  (`remind_expiring`, daily), once per attestation.

This package sits below contracts: a contract is seen through `VigilanceSubject`.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO, Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.compliance.models import VigilanceDocument
from marketplace.errors import Conflict, FieldErrors, Forbidden, field_error
from marketplace.extensions import db
from marketplace.files import UnacceptableFile, inspect
from marketplace.notifications.services import notify
from marketplace.storage import current_storage
from marketplace.urls import path_for

THRESHOLD_CENTS = 500_000
VALID_MONTHS = 6
REMIND_BEFORE = timedelta(days=30)
# A scan or the PDF downloaded from urssaf.fr.
ACCEPTED_KINDS = ("pdf", "png", "jpeg")


class VigilanceSubject(Protocol):
    """What the rule reads of a contract."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def amount_cents(self) -> int: ...
    @property
    def life_total_cents(self) -> int:
        """What it adds up to over its life (a recurring contract: all its periods)."""
        ...

    @property
    def secretary_id(self) -> uuid.UUID: ...


class VigilanceDocumentMissing(Conflict):
    code = "vigilance_document_missing"


class VigilanceDocumentExpired(Conflict):
    code = "vigilance_document_expired"


@dataclass(frozen=True)
class VigilanceStatus:
    required: bool
    total_excl_tax_cents: int
    document: VigilanceDocument | None
    status: str  # not_required, missing, valid, expired


def contract_total_excl_tax_cents(contract: VigilanceSubject) -> int:
    """What the contract adds up to over its life, excluding tax: the one definition. A
    recurring contract counts every period it has (approved ones for what they came to, the
    others for their cap, the one about to be funded included): one service paid in
    several instalments is one amount."""
    return contract.life_total_cents


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(issued_on: date) -> date:
    return add_months(issued_on, VALID_MONTHS)


def _today() -> date:
    return date.today()


def latest_document(secretary_id: uuid.UUID) -> VigilanceDocument | None:
    """Her newest attestation (by issue date), the one that counts."""
    return db.session.scalar(
        sa.select(VigilanceDocument)
        .where(VigilanceDocument.secretary_id == secretary_id)
        .order_by(VigilanceDocument.issued_on.desc(), VigilanceDocument.created_at.desc())
        .limit(1)
    )


def status_of(contract: VigilanceSubject, today: date | None = None) -> VigilanceStatus:
    """Where the contract stands (no query under the threshold)."""
    total = contract_total_excl_tax_cents(contract)
    if total < THRESHOLD_CENTS:
        return VigilanceStatus(False, total, None, "not_required")
    document = latest_document(contract.secretary_id)
    if document is None:
        return VigilanceStatus(True, total, None, "missing")
    valid = (today or _today()) < document.expires_on
    return VigilanceStatus(True, total, document, "valid" if valid else "expired")


def require_vigilance(contract: VigilanceSubject) -> None:
    """Refuse (409) to fund a contract whose attestation is required and not valid."""
    state = status_of(contract)
    if state.status == "missing":
        raise VigilanceDocumentMissing(
            _(
                "Paiement impossible : ce contrat atteint 5 000 € HT, la loi demande "
                "l'attestation de vigilance URSSAF de la secrétaire (moins de six mois), et "
                "elle ne l'a pas encore déposée. Elle en est informée."
            )
        )
    if state.status == "expired":
        assert state.document is not None
        raise VigilanceDocumentExpired(
            _(
                "Paiement impossible : l'attestation de vigilance URSSAF de la secrétaire a "
                "expiré le %(date)s ; ce contrat atteint 5 000 € HT et la loi en demande une "
                "de moins de six mois. Elle en est informée.",
                date=state.document.expires_on.strftime("%d/%m/%Y"),
            )
        )


def ask_for_document(contract: VigilanceSubject) -> None:
    """Tell the secretary her attestation is needed for this contract (once per contract),
    in the current transaction; nothing when it is not required or already valid."""
    state = status_of(contract)
    if state.status not in ("missing", "expired"):
        return
    notify(
        contract.secretary_id,
        "document_requested",
        subject=("contract", contract.id),
        url=path_for("web.vigilance_page"),
        params={"document": "vigilance"},
        dedupe_key=f"vigilance_requested:{contract.id}",
    )


# --- her documents ------------------------------------------------------------


def _max_bytes() -> int:
    return int(current_app.config["MARKETPLACE_SETTINGS"].attachment_max_bytes)


def _check_dates(issued_on: date, today: date) -> None:
    if issued_on > today:
        raise FieldErrors(
            {"issued_on": _("La date de délivrance ne peut pas être dans le futur.")},
            location="form",
        )
    if expiry_of(issued_on) <= today:
        raise FieldErrors(
            {
                "issued_on": _(
                    "Cette attestation a plus de six mois : téléchargez-en une nouvelle sur "
                    "urssaf.fr."
                )
            },
            location="form",
        )


def upload(
    user: User, filename: str, stream: BinaryIO, *, issued_on: date, security_code: str
) -> VigilanceDocument:
    """Keep her attestation (checked from its content: PDF, PNG or JPEG)."""
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    _check_dates(issued_on, _today())
    try:
        inspected = inspect(filename or "", stream, _max_bytes())
    except UnacceptableFile as refused:
        raise field_error("file", str(refused.message), location="files") from None
    with inspected:
        if inspected.kind not in ACCEPTED_KINDS:
            raise field_error(
                "file",
                _("Déposez l'attestation en PDF (celle d'urssaf.fr) ou une photo PNG ou JPEG."),
                location="files",
            )
        document_id = uuid.uuid4()
        key = f"vigilance/{document_id.hex[:2]}/{document_id.hex}"
        storage = current_storage()
        storage.put(key, inspected.file)
    document = VigilanceDocument(
        id=document_id,
        secretary_id=user.id,
        issued_on=issued_on,
        expires_on=expiry_of(issued_on),
        security_code=security_code,
        filename=inspected.filename,
        content_type=inspected.content_type,
        size_bytes=inspected.size_bytes,
        sha256=inspected.sha256,
        storage_key=key,
    )
    db.session.add(document)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(key)  # no bytes without their row
        raise
    return document


def documents_of(user: User) -> list[VigilanceDocument]:
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    return list(
        db.session.scalars(
            sa.select(VigilanceDocument)
            .where(VigilanceDocument.secretary_id == user.id)
            .order_by(VigilanceDocument.issued_on.desc(), VigilanceDocument.created_at.desc())
        )
    )


def open_document(document: VigilanceDocument) -> BinaryIO:
    return current_storage().open(document.storage_key)


# --- reminders ------------------------------------------------------------------


def remind_expiring(today: date | None = None) -> int:
    """Remind each secretary whose newest attestation expires within REMIND_BEFORE (once
    per attestation); returns how many were reminded. Safe to run again or twice at once:
    the reminder has a dedupe key."""
    today = today or _today()
    newest = (
        sa.select(
            VigilanceDocument.secretary_id,
            sa.func.max(VigilanceDocument.issued_on).label("issued_on"),
        )
        .group_by(VigilanceDocument.secretary_id)
        .subquery()
    )
    due = db.session.scalars(
        sa.select(VigilanceDocument)
        .join(
            newest,
            sa.and_(
                newest.c.secretary_id == VigilanceDocument.secretary_id,
                newest.c.issued_on == VigilanceDocument.issued_on,
            ),
        )
        .where(
            VigilanceDocument.expires_on > today,
            VigilanceDocument.expires_on <= today + REMIND_BEFORE,
        )
    ).all()
    reminded: set[uuid.UUID] = set()
    for document in due:
        if document.secretary_id in reminded:
            continue  # two uploads of the same day: one reminder
        reminded.add(document.secretary_id)
        notify(
            document.secretary_id,
            "document_requested",
            subject=("vigilance_document", document.id),
            url=path_for("web.vigilance_page"),
            params={"document": "vigilance", "expires_on": document.expires_on.isoformat()},
            dedupe_key=f"vigilance_expiring:{document.secretary_id}:{document.issued_on}",
        )
    db.session.commit()
    return len(reminded)
