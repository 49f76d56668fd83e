"""Invoices (factures) issued when escrow is released.

Each release gives two invoices, issued in the release's own transaction:
- `service`: from the secretary (an independent business) to the client
  business, for the work: the amount the business paid. The contract amount is
  the price all taxes included: when the secretary charges VAT (not
  `vat_exempt`) it is split into HT + 20 % TVA, otherwise the invoice carries
  "TVA non applicable, art. 293 B du CGI" (franchise en base).
- `commission`: from the platform to the secretary, for its commission (TTC,
  with 20 % VAT).

Numbers run in one unbroken sequence per issuer: the issuer's counter row is
locked (SELECT ... FOR UPDATE) and moved in the same transaction as the
invoice, so a rollback gives the number back. The PDF and every fact it was
made from are stored when issued and never changed afterwards.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from fpdf import FPDF
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.db import utcnow
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.payments.interfaces import InvoiceFacts, InvoiceParty
from marketplace.payments.models import Invoice, InvoiceCounter, InvoiceKind

VAT_RATE_PERCENT = 20
VAT_EXEMPT_MENTION = "TVA non applicable, art. 293 B du CGI"
PLATFORM_ISSUER = "platform"
LATE_PAYMENT_MENTIONS = [
    "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour "
    "frais de recouvrement : 40 € (art. L441-10 du code de commerce). Pas d'escompte pour "
    "paiement anticipé.",
]


def split_vat(total_cents: int, vat_exempt: bool) -> tuple[int, int]:
    """(HT, TVA) of an amount all taxes included, rounded half up to the cent."""
    if vat_exempt:
        return total_cents, 0
    excl = (total_cents * 100 + (100 + VAT_RATE_PERCENT) // 2) // (100 + VAT_RATE_PERCENT)
    return excl, total_cents - excl


def secretary_issuer(user_id: uuid.UUID) -> str:
    return f"secretary:{user_id}"


def next_sequence(issuer_key: str) -> int:
    """The issuer's next number; its counter row stays locked until the transaction ends."""
    query = (
        sa.select(InvoiceCounter)
        .where(InvoiceCounter.issuer_key == issuer_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    counter = db.session.scalar(query)
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(issuer_key=issuer_key, last_sequence=0))
        except IntegrityError:  # another transaction created it first; lock theirs
            pass
        counter = db.session.scalar(query)
        assert counter is not None
    counter.last_sequence += 1
    db.session.flush()
    return counter.last_sequence


def _platform_party() -> dict[str, Any]:
    settings = current_app.config["MARKETPLACE_SETTINGS"]
    return {
        "name": settings.platform_legal_name,
        "siret": settings.platform_siret,
        "vat_number": settings.platform_vat_number,
        "address_lines": [line.strip() for line in settings.platform_address.split(",")],
    }


_SECRETARY_FIELDS = ("name", "legal_form", "siret", "address_lines", "vat_exempt")
_BUSINESS_FIELDS = ("name", "contact", "siret", "address_lines")


def _party(party: InvoiceParty, fields: tuple[str, ...]) -> dict[str, Any]:
    """What the stored invoice data (and its PDF) say of a party."""
    data = {name: getattr(party, name) for name in fields}
    data["address_lines"] = list(party.address_lines)
    return data


def issue_for_release(
    facts: InvoiceFacts, released_cents: int, commission_cents: int
) -> list[Invoice]:
    """Issue the service invoice (and the commission invoice when there is one)."""
    issued = [_issue_service(facts, released_cents)]
    if commission_cents > 0:
        issued.append(_issue_commission(facts, commission_cents))
    return issued


def _common(facts: InvoiceFacts, now: datetime) -> dict[str, Any]:
    return {
        "contract_id": str(facts.contract.id),
        "mission_title": facts.contract.mission_title,
        "issued_on": now.date().isoformat(),
        "service_date": facts.service_date.isoformat(),
        "currency": "EUR",
        "mentions": LATE_PAYMENT_MENTIONS,
    }


def _issue_service(facts: InvoiceFacts, amount_cents: int) -> Invoice:
    contract = facts.contract
    issuer = _party(facts.secretary, _SECRETARY_FIELDS)
    excl, vat = split_vat(amount_cents, facts.secretary.vat_exempt)
    partial = amount_cents != contract.amount_cents
    line = {
        "description": f"Mission : {contract.mission_title}",
        "detail": facts.work_detail
        + (" (montant fixé par la résolution du litige)" if partial else ""),
        "amount_excl_tax_cents": excl,
    }
    return _store(
        facts,
        kind=InvoiceKind.SERVICE,
        issuer_key=secretary_issuer(contract.secretary_id),
        prefix="F",
        issuer_user_id=contract.secretary_id,
        recipient_user_id=contract.business_id,
        issuer=issuer,
        recipient=_party(facts.business, _BUSINESS_FIELDS),
        line=line,
        totals=(excl, vat, amount_cents),
        vat_mention=VAT_EXEMPT_MENTION if issuer["vat_exempt"] else None,
        payment=(
            "Facture acquittée : payée par le client en séquestre sur la plateforme, "
            "versée à la prestataire à la validation."
        ),
    )


def _issue_commission(facts: InvoiceFacts, commission_cents: int) -> Invoice:
    contract = facts.contract
    excl, vat = split_vat(commission_cents, vat_exempt=False)
    recipient = _party(facts.secretary, _SECRETARY_FIELDS)
    recipient.pop("vat_exempt")
    rate = f"{contract.commission_basis_points / 100:g}".replace(".", ",")
    line = {
        "description": "Commission de mise en relation et de paiement sécurisé",
        "detail": f"Mission : {contract.mission_title} ({rate} %)",
        "amount_excl_tax_cents": excl,
    }
    return _store(
        facts,
        kind=InvoiceKind.COMMISSION,
        issuer_key=PLATFORM_ISSUER,
        prefix="COM-",
        issuer_user_id=None,
        recipient_user_id=contract.secretary_id,
        issuer=_platform_party(),
        recipient=recipient,
        line=line,
        totals=(excl, vat, commission_cents),
        vat_mention=None,
        payment="Facture acquittée : retenue sur le montant versé par le séquestre.",
    )


def _store(
    facts: InvoiceFacts,
    *,
    kind: InvoiceKind,
    issuer_key: str,
    prefix: str,
    issuer_user_id: uuid.UUID | None,
    recipient_user_id: uuid.UUID,
    issuer: dict[str, Any],
    recipient: dict[str, Any],
    line: dict[str, Any],
    totals: tuple[int, int, int],
    vat_mention: str | None,
    payment: str,
) -> Invoice:
    now = utcnow()
    sequence = next_sequence(issuer_key)
    number = f"{prefix}{sequence:06d}"
    excl, vat, total = totals
    data = _common(facts, now) | {
        "kind": kind.value,
        "number": number,
        "issuer": issuer,
        "recipient": recipient,
        "lines": [line],
        "total_excl_tax_cents": excl,
        "vat_rate_percent": 0 if vat_mention else VAT_RATE_PERCENT,
        "vat_cents": vat,
        "total_cents": total,
        "vat_mention": vat_mention,
        "payment": payment,
    }
    invoice = Invoice(
        contract_id=facts.contract.id,
        kind=kind,
        issuer_key=issuer_key,
        issuer_user_id=issuer_user_id,
        recipient_user_id=recipient_user_id,
        sequence=sequence,
        number=number,
        issued_at=now,
        total_excl_tax_cents=excl,
        vat_cents=vat,
        total_cents=total,
        data=data,
        pdf=render_pdf(data, now),
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


# --- access ---------------------------------------------------------------


def visible_to(user: User) -> sa.ColumnElement[bool]:
    if user.role is Role.OPERATOR:
        return sa.true()
    return sa.or_(Invoice.issuer_user_id == user.id, Invoice.recipient_user_id == user.id)


def invoices_for_contract(user: User, contract_id: uuid.UUID) -> list[Invoice]:
    return list(
        db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.contract_id == contract_id, visible_to(user))
            .order_by(Invoice.issued_at, Invoice.kind)
        )
    )


def invoices_for_contracts(user: User, contract_ids: list[uuid.UUID]) -> list[Invoice]:
    """The invoices of several contracts the user may see, in one query (dashboards)."""
    if not contract_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.contract_id.in_(contract_ids), visible_to(user))
            .order_by(Invoice.issued_at, Invoice.kind)
        )
    )


def visible_invoice(user: User, invoice_id: uuid.UUID) -> Invoice:
    invoice = db.session.scalar(
        sa.select(Invoice).where(Invoice.id == invoice_id, visible_to(user))
    )
    if invoice is None:
        raise NotFound("Facture introuvable.")
    return invoice


def filename(invoice: Invoice) -> str:
    return f"facture-{invoice.number}.pdf"


# --- PDF ------------------------------------------------------------------


def _text(value: object) -> str:
    """Text the PDF core fonts (Windows-1252) can show; anything else becomes '?'."""
    text = str(value).replace("\u202f", "\u00a0")
    return text.encode("cp1252", errors="replace").decode("cp1252")


def render_pdf(data: dict[str, Any], issued_at: datetime) -> bytes:
    """The invoice as a PDF, from the stored data only (A4, French)."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_creation_date(issued_at)
    pdf.set_title(_text(f"Facture {data['number']}"))
    pdf.set_author(_text(data["issuer"]["name"]))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, style: str = "", align: str = "L") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, 5.5, _text(text), align=align, new_x="LMARGIN", new_y="NEXT")

    def party(title: str, who: dict[str, Any]) -> None:
        line(title, 9, "B")
        line(who["name"], 10)
        if who.get("legal_form"):
            line(who["legal_form"], 9)
        if who.get("contact") and who["contact"] != who["name"]:
            line(f"À l'attention de {who['contact']}", 9)
        for address in who.get("address_lines") or []:
            line(address, 9)
        if who.get("siret"):
            line(f"SIRET : {who['siret']}", 9)
        if who.get("vat_number"):
            line(f"N° TVA intracommunautaire : {who['vat_number']}", 9)
        pdf.ln(3)

    line(f"FACTURE N° {data['number']}", 16, "B")
    line(f"Date d'émission : {_french_date(data['issued_on'])}", 10)
    line(f"Date de la prestation : {_french_date(data['service_date'])}", 10)
    pdf.ln(4)
    party("ÉMETTEUR", data["issuer"])
    party("CLIENT", data["recipient"])

    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(width * 0.72, 8, _text("Désignation"), border=1)
    pdf.cell(
        width * 0.28, 8, _text("Montant HT"), border=1, align="R", new_x="LMARGIN", new_y="NEXT"
    )
    for item in data["lines"]:
        pdf.set_font("Helvetica", size=10)
        y = pdf.get_y()
        pdf.multi_cell(
            width * 0.72,
            6,
            _text(f"{item['description']}\n{item['detail']}"),
            border=1,
            new_x="RIGHT",
            new_y="TOP",
        )
        height = pdf.get_y() - y if pdf.get_y() > y else 12
        pdf.set_xy(pdf.l_margin + width * 0.72, y)
        pdf.cell(
            width * 0.28,
            max(height, 12),
            _text(euros(item["amount_excl_tax_cents"])),
            border=1,
            align="R",
        )
        pdf.set_xy(pdf.l_margin, y + max(height, 12))
    pdf.ln(3)

    def total(label: str, cents: int, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=10)
        pdf.cell(width * 0.72, 7, _text(label), align="R")
        pdf.cell(width * 0.28, 7, _text(euros(cents)), align="R", new_x="LMARGIN", new_y="NEXT")

    total("Total HT", data["total_excl_tax_cents"])
    if data["vat_mention"]:
        total("TVA", 0)
    else:
        total(f"TVA {data['vat_rate_percent']} %", data["vat_cents"])
    total("Total TTC", data["total_cents"], "B")
    pdf.ln(4)
    if data["vat_mention"]:
        line(data["vat_mention"], 10, "B")
    line(data["payment"], 9)
    for mention in data["mentions"]:
        line(mention, 8)
    line(f"Référence du contrat : {data['contract_id']}", 8)
    return bytes(pdf.output())


def _french_date(iso: str) -> str:
    # Invoices are French documents whatever the reader's language: "27 novembre 2026".
    return format_date(date.fromisoformat(iso), format="d MMMM y", locale="fr_FR")
