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

Each PDF is a Factur-X invoice (PDF/A-3 with its CII XML, profile EN 16931, embedded
as `factur-x.xml`): how it is made, and what the XML says, is in `facturx.py`. The
service invoice is issued by the platform in the secretary's name under her billing
mandate (autofacturation, CGI art. 289 I-2): it says so, and its XML is typed 389
(self-billed). The period of service runs from the funding to the delivery.
"""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from fontTools.ttLib import TTFont
from fpdf import FPDF
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.db import utcnow
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.payments import facturx, mandate
from marketplace.payments.interfaces import InvoiceFacts, InvoiceParty
from marketplace.payments.models import Invoice, InvoiceCounter, InvoiceKind

CREDITED_KIND = {
    InvoiceKind.SERVICE: InvoiceKind.SERVICE_CREDIT,
    InvoiceKind.COMMISSION: InvoiceKind.COMMISSION_CREDIT,
}

VAT_RATE_PERCENT = 20
VAT_EXEMPT_MENTION = "TVA non applicable, art. 293 B du CGI"
PLATFORM_ISSUER = "platform"
SELF_BILLED_MENTION = (
    "Autofacturation : facture émise par la plateforme au nom et pour le compte de la "
    "prestataire, en vertu de son mandat de facturation (art. 289 I-2 du CGI)."
)
LATE_PAYMENT_MENTIONS = [
    "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour "
    "frais de recouvrement : 40 € (art. L441-10 du code de commerce). Pas d'escompte pour "
    "paiement anticipé.",
]
# The same mentions as coded notes of the e-invoice (UNTDID 4451 subject codes).
CODED_MENTIONS = [
    ("PMD", "Pénalités de retard : trois fois le taux d'intérêt légal."),
    (
        "PMT",
        "Indemnité forfaitaire pour frais de recouvrement : 40 € (art. L441-10 du code de "
        "commerce).",
    ),
    ("AAB", "Pas d'escompte pour paiement anticipé."),
]
CATEGORY_MENTION = "Catégorie de l'opération : prestation de services."
FONTS = Path(__file__).parent / "fonts"


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
    lines = [line.strip() for line in settings.platform_address.split(",") if line.strip()]
    party: dict[str, Any] = {
        "name": settings.platform_legal_name,
        "siret": settings.platform_siret,
        "vat_number": settings.platform_vat_number,
        "address_lines": lines,
        "street_lines": [],
        "country": "FR",
    }
    # PLATFORM_ADDRESS is one free text ("8 rue de Londres, 75009 Paris, France"): its
    # "postal code city" part gives the structured address the e-invoice wants.
    for line in lines:
        place = re.fullmatch(r"(\d{5})\s+(.+)", line)
        if place and "postal_code" not in party:
            party["postal_code"], party["city"] = place.groups()
        elif line.lower() != "france":
            party["street_lines"].append(line)
    party["street_lines"] = party["street_lines"][:3]
    return party


_ADDRESS_FIELDS = ("postal_code", "city", "country", "vat_number")
_SECRETARY_FIELDS = ("name", "legal_form", "siret", "address_lines", "vat_exempt", *_ADDRESS_FIELDS)
_BUSINESS_FIELDS = ("name", "contact", "siret", "address_lines", *_ADDRESS_FIELDS)


def _party(party: InvoiceParty, fields: tuple[str, ...]) -> dict[str, Any]:
    """What the stored invoice data (and its PDF) say of a party."""
    data = {name: getattr(party, name) for name in fields}
    data["address_lines"] = list(party.address_lines)
    data["street_lines"] = list(party.street_lines)
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
    end = facts.service_date
    start = min(facts.period_start, end) if facts.period_start else end
    return {
        "contract_id": str(facts.contract.id),
        "mission_title": facts.contract.mission_title,
        "issued_on": now.date().isoformat(),
        "service_date": end.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "paid_on": (facts.paid_on or now.date()).isoformat(),
        "currency": "EUR",
        "category": CATEGORY_MENTION,
        "mentions": LATE_PAYMENT_MENTIONS,
        "coded_mentions": CODED_MENTIONS,
    }


def _quantity(facts: InvoiceFacts, excl_cents: int) -> dict[str, Any]:
    """Quantity, unit (UN/ECE rec. 20) and net unit price of the service line."""
    if facts.hours:
        hours = Decimal(str(facts.hours))
        price = (Decimal(excl_cents) / 100 / hours).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        return {"quantity": f"{hours.normalize():f}", "unit": "HUR", "unit_price": f"{price:f}"}
    return {"quantity": "1", "unit": "C62", "unit_price": f"{Decimal(excl_cents) / 100:.2f}"}


def _hour_lines(facts: InvoiceFacts, excl_cents: int, total_cents: int) -> list[dict[str, Any]]:
    """A line per kind of hours (normal, evening...), in hours at their unit price; the
    amounts excluding tax are shared out so that they add up to the invoice's exactly."""
    lines: list[dict[str, Any]] = []
    left = excl_cents
    for index, hour_line in enumerate(facts.hour_lines):
        last = index == len(facts.hour_lines) - 1
        share = left if last else excl_cents * hour_line.amount_cents // max(total_cents, 1)
        left -= share
        hours = (Decimal(hour_line.minutes) / 60).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        price = (Decimal(share) / 100 / hours).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        lines.append(
            {
                "description": hour_line.label,
                "detail": f"Mission : {facts.contract.mission_title}",
                "amount_excl_tax_cents": share,
                "quantity": f"{hours.normalize():f}",
                "unit": "HUR",
                "unit_price": f"{price:f}",
            }
        )
    return lines


def _annex(facts: InvoiceFacts) -> list[dict[str, Any]]:
    return [
        {
            "date": entry.worked_on.isoformat(),
            "description": entry.description,
            "kind": entry.kind,
            "minutes": entry.minutes,
            "amount_cents": entry.amount_cents,
        }
        for entry in facts.annex
    ]


def _issue_service(facts: InvoiceFacts, amount_cents: int) -> Invoice:
    contract = facts.contract
    issuer = _party(facts.secretary, _SECRETARY_FIELDS)
    excl, vat = split_vat(amount_cents, facts.secretary.vat_exempt)
    partial = amount_cents != contract.amount_cents
    logged = sum(line.amount_cents for line in facts.hour_lines)
    if facts.hour_lines and logged == amount_cents:
        lines = _hour_lines(facts, excl, amount_cents)
        lines[0]["detail"] = facts.work_detail
    else:
        lines = [
            {
                "description": f"Mission : {contract.mission_title}",
                "detail": facts.work_detail
                + (" (montant fixé par la résolution du litige)" if partial else ""),
                "amount_excl_tax_cents": excl,
                **_quantity(facts, excl),
            }
        ]
    accepted = mandate.acceptance_of(contract.secretary_id)
    self_billed_mention = SELF_BILLED_MENTION
    if accepted is not None:
        self_billed_mention = SELF_BILLED_MENTION.removesuffix(".") + (
            f" accepté le {_french_date(accepted.accepted_at.date().isoformat())} "
            f"(version {accepted.version})."
        )
    return _store(
        facts,
        kind=InvoiceKind.SERVICE,
        self_billed_mention=self_billed_mention,
        self_billed=True,
        issuer_key=secretary_issuer(contract.secretary_id),
        prefix="F",
        issuer_user_id=contract.secretary_id,
        recipient_user_id=contract.business_id,
        issuer=issuer,
        recipient=_party(facts.business, _BUSINESS_FIELDS),
        lines=lines,
        totals=(excl, vat, amount_cents),
        vat_mention=VAT_EXEMPT_MENTION if issuer["vat_exempt"] else None,
        payment=(
            f"Facture acquittée : payée par le client le {_french_date(_paid_on(facts))} "
            "en séquestre sur la plateforme, versée à la prestataire à la validation."
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
        "quantity": "1",
        "unit": "C62",
        "unit_price": f"{Decimal(excl) / 100:.2f}",
    }
    return _store(
        facts,
        kind=InvoiceKind.COMMISSION,
        self_billed=False,
        issuer_key=PLATFORM_ISSUER,
        prefix="COM-",
        issuer_user_id=None,
        recipient_user_id=contract.secretary_id,
        issuer=_platform_party(),
        recipient=recipient,
        lines=[line],
        totals=(excl, vat, commission_cents),
        vat_mention=None,
        payment=(
            "Facture acquittée : retenue le "
            f"{_french_date(utcnow().date().isoformat())} sur le montant versé par le séquestre."
        ),
    )


def _store(
    facts: InvoiceFacts,
    *,
    kind: InvoiceKind,
    self_billed: bool,
    issuer_key: str,
    prefix: str,
    issuer_user_id: uuid.UUID | None,
    recipient_user_id: uuid.UUID,
    issuer: dict[str, Any],
    recipient: dict[str, Any],
    lines: list[dict[str, Any]],
    totals: tuple[int, int, int],
    vat_mention: str | None,
    payment: str,
    self_billed_mention: str = SELF_BILLED_MENTION,
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
        "lines": lines,
        # A period of regular work: its time entries, annexed to the service invoice.
        "annex": _annex(facts) if kind is InvoiceKind.SERVICE else [],
        "total_excl_tax_cents": excl,
        "vat_rate_percent": 0 if vat_mention else VAT_RATE_PERCENT,
        "vat_cents": vat,
        "total_cents": total,
        "vat_mention": vat_mention,
        "payment": payment,
        "self_billed": self_billed,
        "self_billed_mention": self_billed_mention if self_billed else None,
    }
    invoice = Invoice(
        contract_id=facts.contract.id,
        part_id=facts.contract.part_id,
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
        pdf=facturx.embed(render_pdf(data, now), facturx.cii_xml(data), data),
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


# --- credit notes (avoirs) ---------------------------------------------------


def credit_note_of(invoice: Invoice) -> Invoice | None:
    """The credit note already issued against `invoice`, if any."""
    found: Invoice | None = db.session.scalar(
        sa.select(Invoice).where(Invoice.corrects_id == invoice.id)
    )
    return found


def commission_invoice_for(service: Invoice) -> Invoice | None:
    """The platform's commission invoice of the same release as a service invoice."""
    part = (
        Invoice.part_id.is_(None) if service.part_id is None else Invoice.part_id == service.part_id
    )
    found: Invoice | None = db.session.scalar(
        sa.select(Invoice).where(
            Invoice.contract_id == service.contract_id,
            Invoice.kind == InvoiceKind.COMMISSION,
            part,
        )
    )
    return found


def issue_credit_notes(
    service: Invoice, amount_cents: int, commission_cents: int, reason: str
) -> list[Invoice]:
    """The credit notes of money given back after a release: the secretary's (in her name
    under her mandate, to the business, for `amount_cents` all taxes included) and the
    platform's on its commission invoice (to her, for `commission_cents`) when some of the
    commission goes back. Each corrects one invoice, by its issuer, in its numbering."""
    notes = [_issue_credit_note(service, amount_cents, reason)]
    if commission_cents > 0:
        commission = commission_invoice_for(service)
        if commission is None:
            raise ValueError(f"no commission invoice to credit for invoice {service.id}")
        notes.append(_issue_credit_note(commission, commission_cents, reason))
    return notes


def _issue_credit_note(original: Invoice, amount_cents: int, reason: str) -> Invoice:
    if original.is_credit_note:
        raise ValueError("a credit note is not credited")
    now = utcnow()
    before = original.data
    exempt = bool(before.get("vat_mention"))
    excl, vat = split_vat(amount_cents, exempt)
    prefix = original.number.rstrip("0123456789")
    sequence = next_sequence(original.issuer_key)
    number = f"{prefix}{sequence:06d}"
    corrected_on = before["issued_on"]
    self_billed = bool(before.get("self_billed"))
    mention = before.get("self_billed_mention")
    if self_billed and original.issuer_user_id is not None:
        accepted = mandate.acceptance_of(original.issuer_user_id)
        if accepted is not None:
            mention = SELF_BILLED_MENTION.replace("facture émise", "avoir émis").removesuffix(
                "."
            ) + (
                f" accepté le {_french_date(accepted.accepted_at.date().isoformat())} "
                f"(version {accepted.version})."
            )
    who_gets_it = "au client" if original.kind is InvoiceKind.SERVICE else "à la prestataire"
    data: dict[str, Any] = {
        "contract_id": before["contract_id"],
        "mission_title": before.get("mission_title", ""),
        "issued_on": now.date().isoformat(),
        "service_date": before["service_date"],
        "period": before.get("period"),
        "paid_on": now.date().isoformat(),
        "currency": before.get("currency", "EUR"),
        "category": before.get("category"),
        "mentions": [],
        "coded_mentions": [],
        "kind": CREDITED_KIND[original.kind].value,
        "number": number,
        "corrects": {"id": str(original.id), "number": original.number, "issued_on": corrected_on},
        "reason": reason,
        "issuer": before["issuer"],
        "recipient": before["recipient"],
        "lines": [
            {
                "description": (
                    f"Avoir sur la facture n° {original.number} du {_french_date(corrected_on)}"
                ),
                "detail": reason or "Remboursement après versement",
                "amount_excl_tax_cents": excl,
                "quantity": "1",
                "unit": "C62",
                "unit_price": f"{Decimal(excl) / 100:.2f}",
            }
        ],
        "annex": [],
        "total_excl_tax_cents": excl,
        "vat_rate_percent": 0 if exempt else VAT_RATE_PERCENT,
        "vat_cents": vat,
        "total_cents": amount_cents,
        "vat_mention": before.get("vat_mention"),
        "payment": (
            f"Avoir remboursé {who_gets_it} le {_french_date(now.date().isoformat())} "
            "(reversement sur son moyen de paiement)."
        ),
        "self_billed": self_billed,
        "self_billed_mention": mention if self_billed else None,
    }
    note = Invoice(
        contract_id=original.contract_id,
        part_id=original.part_id,
        kind=CREDITED_KIND[original.kind],
        issuer_key=original.issuer_key,
        issuer_user_id=original.issuer_user_id,
        recipient_user_id=original.recipient_user_id,
        sequence=sequence,
        number=number,
        corrects_id=original.id,
        issued_at=now,
        total_excl_tax_cents=excl,
        vat_cents=vat,
        total_cents=amount_cents,
        data=data,
        pdf=facturx.embed(render_pdf(data, now), facturx.cii_xml(data), data),
    )
    db.session.add(note)
    db.session.flush()
    return note


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


def filename(invoice: Invoice, extension: str = "pdf") -> str:
    word = "avoir" if invoice.is_credit_note else "facture"
    return f"{word}-{invoice.number}.{extension}"


def invoice_xml(invoice: Invoice) -> bytes:
    """The CII XML embedded in the invoice's stored PDF (the one the PDF carries, byte for
    byte); an invoice issued before Factur-X has none (404)."""
    try:
        return facturx.embedded_xml(invoice.pdf)
    except facturx.NoEmbeddedXml:
        raise NotFound("Cette facture a été émise avant la facturation électronique.") from None


def _paid_on(facts: InvoiceFacts) -> str:
    return (facts.paid_on or utcnow().date()).isoformat()


# --- PDF ------------------------------------------------------------------


@functools.cache
def _drawable() -> frozenset[int]:
    """The characters both embedded fonts have a glyph for."""
    maps = [
        TTFont(FONTS / name).getBestCmap() for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    ]
    return frozenset(maps[0]).intersection(maps[1])


def _text(value: object) -> str:
    """Text the embedded fonts can draw: anything else (an emoji in a title) becomes '?',
    as PDF/A forbids drawing a missing glyph. Babel's narrow no-break space (in
    "1 100,00 €") is shown as a plain no-break space."""
    drawable = _drawable()
    text = str(value).replace("\u202f", "\u00a0")
    return "".join(c if ord(c) in drawable or c == "\n" else "?" for c in text)


def render_pdf(data: dict[str, Any], issued_at: datetime) -> bytes:
    """The invoice as a PDF, from the stored data only (A4, French)."""
    # PDF/A-3B: fonts embedded (PDF/A forbids the core fonts), sRGB output intent; the
    # Factur-X XML is embedded afterwards (facturx.embed).
    pdf = FPDF(format="A4", enforce_compliance="PDF/A-3B")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_lang("fr-FR")
    pdf.set_creation_date(issued_at)
    pdf.set_title(_text(f"{facturx.document_word(data)} {data['number']}"))
    pdf.set_author(_text(data["issuer"]["name"]))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: float = 10, style: str = "", align: str = "L") -> None:
        pdf.set_font("DejaVu", style=style, size=size)
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

    corrected = data.get("corrects")
    line(f"{'AVOIR' if corrected else 'FACTURE'} N° {data['number']}", 16, "B")
    line(f"Date d'émission : {_french_date(data['issued_on'])}", 10)
    if corrected:
        line(
            f"Avoir sur la facture n° {corrected['number']} du "
            f"{_french_date(corrected['issued_on'])}, qui reste inchangée.",
            10,
            "B",
        )
    period = data.get("period")
    if period and period["start"] != period["end"]:
        line(
            f"Période de la prestation : du {_french_date(period['start'])} "
            f"au {_french_date(period['end'])}",
            10,
        )
    else:
        line(f"Date de la prestation : {_french_date(data['service_date'])}", 10)
    if data.get("category"):
        line(data["category"], 10)
    if data.get("self_billed_mention"):
        line(data["self_billed_mention"], 9, "B")
    pdf.ln(4)
    party("ÉMETTEUR", data["issuer"])
    party("CLIENT", data["recipient"])

    pdf.set_font("DejaVu", style="B", size=10)
    columns = (("Désignation", 0.50, "L"), ("Quantité", 0.14, "R"), ("Prix unitaire HT", 0.18, "R"))
    for title, share, align in columns:
        pdf.cell(width * share, 8, _text(title), border=1, align=align)
    pdf.cell(
        width * 0.18, 8, _text("Montant HT"), border=1, align="R", new_x="LMARGIN", new_y="NEXT"
    )
    for item in data["lines"]:
        pdf.set_font("DejaVu", size=10)
        y = pdf.get_y()
        pdf.multi_cell(
            width * 0.50,
            6,
            _text(f"{item['description']}\n{item['detail']}"),
            border=1,
            new_x="RIGHT",
            new_y="TOP",
        )
        height = pdf.get_y() - y if pdf.get_y() > y else 12
        pdf.set_xy(pdf.l_margin + width * 0.50, y)
        for share, text in (
            (0.14, _quantity_text(item)),
            (0.18, _unit_price_text(item)),
            (0.18, euros(item["amount_excl_tax_cents"])),
        ):
            pdf.cell(width * share, max(height, 12), _text(text), border=1, align="R")
        pdf.set_xy(pdf.l_margin, y + max(height, 12))
    pdf.ln(3)

    def total(label: str, cents: int, style: str = "") -> None:
        pdf.set_font("DejaVu", style=style, size=10)
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
    if data.get("annex"):
        _render_annex(pdf, data["annex"], width)
    return bytes(pdf.output())


_KIND_WORDS = {"normal": "normale", "urgent": "urgente", "evening": "soir", "weekend": "week-end"}


def _render_annex(pdf: FPDF, annex: list[dict[str, Any]], width: float) -> None:
    """The time entries the invoice bills, one row each, on their own page."""
    pdf.add_page()
    pdf.set_font("DejaVu", style="B", size=12)
    pdf.cell(0, 8, _text("Annexe : relevé des heures"), new_x="LMARGIN", new_y="NEXT")
    columns = (("Date", 0.14), ("Tâche", 0.50), ("Heures", 0.12), ("Type", 0.10), ("Montant", 0.14))
    pdf.set_font("DejaVu", style="B", size=9)
    for title, share in columns:
        pdf.cell(width * share, 7, _text(title), border=1)
    pdf.ln(7)
    pdf.set_font("DejaVu", size=9)
    for entry in annex:
        hours, minutes = divmod(int(entry["minutes"]), 60)
        cells = (
            _french_date(entry["date"]),
            str(entry["description"])[:70],
            f"{hours} h {minutes:02d}",
            _KIND_WORDS.get(entry["kind"], entry["kind"]),
            euros(int(entry["amount_cents"])),
        )
        for (_title, share), text in zip(columns, cells, strict=True):
            pdf.cell(width * share, 6, _text(text), border=1)
        pdf.ln(6)


def _quantity_text(item: dict[str, Any]) -> str:
    quantity = item.get("quantity", "1").replace(".", ",")
    return f"{quantity} h" if item.get("unit") == "HUR" else quantity


def _unit_price_text(item: dict[str, Any]) -> str:
    if "unit_price" not in item:  # an invoice issued before quantities were stored
        return euros(item["amount_excl_tax_cents"])
    cents = (Decimal(item["unit_price"]) * 100).quantize(Decimal(1), ROUND_HALF_UP)
    return euros(int(cents))


def _french_date(iso: str) -> str:
    # Invoices are French documents whatever the reader's language: "27 novembre 2026".
    return format_date(date.fromisoformat(iso), format="d MMMM y", locale="fr_FR")
