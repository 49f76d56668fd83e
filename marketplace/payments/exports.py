"""The accountant's export: a year of a business's invoices in one ZIP.

`accountant_zip(user, year)` holds every invoice (and credit note) the business received
that year (issued between 1 January and 31 December, Paris time) as its Factur-X PDF,
exactly as issued (the stored bytes), and `factures-<year>.csv`: one line per invoice (a
credit note with negative amounts and the number it corrects), written for a French
spreadsheet (semicolons, decimal commas, UTF-8 with BOM). Nothing is recomputed: the
CSV reads the invoices' stored data.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from marketplace.accounts.models import Role, User
from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.payments.models import Invoice

PARIS = ZoneInfo("Europe/Paris")
CSV_HEADER = [
    "Date",
    "Type",
    "Numéro",
    "Émetteur",
    "SIRET émetteur",
    "N° TVA émetteur",
    "Total HT",
    "TVA",
    "Total TTC",
    "Mention TVA",
    "Mission",
    "Facture corrigée",
    "Fichier",
]


def _euros(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}".replace(".", ",")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "emetteur"


def received_in(user: User, year: int) -> list[Invoice]:
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    start = datetime(year, 1, 1, tzinfo=PARIS).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=PARIS).astimezone(UTC)
    return list(
        db.session.scalars(
            sa.select(Invoice)
            .options(undefer(Invoice.pdf))
            .where(
                Invoice.recipient_user_id == user.id,
                Invoice.issued_at >= start,
                Invoice.issued_at < end,
            )
            .order_by(Invoice.issued_at, Invoice.number)
        )
    )


def accountant_zip(user: User, year: int) -> bytes:
    invoices = received_in(user, year)
    rows = io.StringIO()
    writer = csv.writer(rows, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            issuer = invoice.data["issuer"]
            name = f"factures/{invoice.issued_at.astimezone(PARIS).date().isoformat()}-"
            name += f"{_slug(issuer['name'])}-{invoice.number}.pdf"
            archive.writestr(name, invoice.pdf)
            # A credit note (avoir) is written with negative amounts, so that a column's sum
            # is what the business owes net; it names the invoice it corrects.
            sign = -1 if invoice.is_credit_note else 1
            corrected = invoice.data.get("corrects") or {}
            writer.writerow(
                [
                    invoice.data["issued_on"],
                    "Avoir" if invoice.is_credit_note else "Facture",
                    invoice.number,
                    issuer["name"],
                    issuer.get("siret") or "",
                    issuer.get("vat_number") or "",
                    _euros(sign * invoice.total_excl_tax_cents),
                    _euros(sign * invoice.vat_cents),
                    _euros(sign * invoice.total_cents),
                    invoice.data.get("vat_mention") or "",
                    invoice.data.get("mission_title", ""),
                    corrected.get("number", ""),
                    name,
                ]
            )
        archive.writestr(f"factures-{year}.csv", "\ufeff" + rows.getvalue())
    return out.getvalue()


def filename(year: int) -> str:
    return f"factures-{year}.zip"
