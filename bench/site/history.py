"""Two years of contracts as the services leave them, bulk-loaded with COPY.

Each contract of `bench.search.generate` (its mission, accepted bid, business and secretary)
gets a status that fits its age: the last six weeks' contracts are mostly under way
(awaiting funding, funded, delivered, disputed), older ones mostly released, some cancelled
(refunded when they had been paid), disputed or resolved; every status is there. Then what
the services write for that status, in their tables and with their rules:

- the status stamps and a `contract_events` row per move (contracts/services.py);
- the ledger legs (payments/escrow.py): funding (business -A, escrow +A), release (escrow
  -A, secretary +payout, platform +commission), refund (escrow -A, business +A), resolution
  (escrow -A split between the secretary, the platform and the business), each movement's
  legs sharing a transaction id and summing to zero;
- the invoices of a release or a resolution (payments/invoices.py): the service invoice in
  the secretary's unbroken numbering (F000001...) and the platform's commission invoice
  (COM-000001...), their totals split as `split_vat` does, the counters left at the last
  number; the stored `data` carries the same keys as the real one. The PDF bytes are one
  small real PDF (fpdf2) shared by every row: a real Factur-X PDF per invoice would take
  ~10^5 renders; what the pages must show is that lists never load it (deferred);
- the business's review of the secretary, published, on 90 % of the finished contracts.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import psycopg
from fpdf import FPDF

from bench.search.generate import HistoryRow

BASIS_POINTS = 1200
RECENT = timedelta(days=45)
# (status, weight) for contracts younger than RECENT, then older ones.
RECENT_STATUSES = [
    ("awaiting_funding", 20),
    ("funded", 30),
    ("delivered", 25),
    ("disputed", 5),
    ("released", 15),
    ("cancelled", 5),
]
OLD_STATUSES = [
    ("released", 86),
    ("cancelled", 7),
    ("resolved", 4),
    ("disputed", 1),
    ("delivered", 1),
    ("funded", 1),
]
COMMENTS = [
    "Travail soigné, dans les délais.",
    "Très réactive, je recommande.",
    "Bonne communication, quelques retards.",
    "",
]


def commission_for(amount_cents: int, basis_points: int = BASIS_POINTS) -> int:
    return (amount_cents * basis_points + 5_000) // 10_000  # as payments/ledger.py


def split_vat(total_cents: int, vat_exempt: bool) -> tuple[int, int]:
    if vat_exempt:
        return total_cents, 0
    excl = (total_cents * 100 + 60) // 120  # as payments/invoices.py, 20 %
    return excl, total_cents - excl


def _party(name: str, vat_exempt: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "siret": "12345678900011",
        "address_lines": ["1 rue de la Paix", "75002 Paris"],
        "street_lines": ["1 rue de la Paix"],
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
        "vat_number": None,
        "vat_exempt": vat_exempt,
    }


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Facture (banc d'essai)")
    return bytes(pdf.output())


def write_history(
    cur: psycopg.Cursor[Any],
    rng: random.Random,
    history: list[HistoryRow],
    now: datetime,
    names: dict[uuid.UUID, str],
) -> int:
    """Contracts, events, ledger legs, invoices, counters and reviews. Returns the reviews."""
    pdf = _pdf()
    sequences: dict[str, int] = {}
    contracts: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    legs: list[tuple[object, ...]] = []
    invoices: list[tuple[object, ...]] = []
    reviews: list[tuple[object, ...]] = []

    def move(h: HistoryRow, at: datetime, before: str, after: str, actor: Any) -> None:
        events.append((uuid.uuid4(), h.contract, actor, after, before, after, "", at))

    def movement(h: HistoryRow, kind: str, at: datetime, amounts: dict[str, int]) -> None:
        transaction = uuid.uuid4()
        for account, cents in sorted(amounts.items()):
            if cents:
                legs.append(
                    (uuid.uuid4(), h.contract, None, transaction, kind, account, cents, None, at)
                )

    def invoice(h: HistoryRow, kind: str, total: int, at: datetime, title: str) -> None:
        issuer = f"secretary:{h.secretary}" if kind == "service" else "platform"
        sequences[issuer] = sequence = sequences.get(issuer, 0) + 1
        number = ("F" if kind == "service" else "COM-") + f"{sequence:06d}"
        excl, vat = split_vat(total, vat_exempt=kind == "service")
        secretary = _party(names[h.secretary], vat_exempt=True)
        parties = (
            (secretary, _party(names[h.business]))
            if kind == "service"
            else (_party("Marketplace des secrétaires SAS"), secretary)
        )
        data = {
            "contract_id": str(h.contract),
            "mission_title": title,
            "issued_on": at.date().isoformat(),
            "service_date": at.date().isoformat(),
            "currency": "EUR",
            "kind": kind,
            "number": number,
            "issuer": parties[0],
            "recipient": parties[1],
            "lines": [{"description": f"Mission : {title}", "amount_excl_tax_cents": excl}],
            "total_excl_tax_cents": excl,
            "vat_cents": vat,
            "total_cents": total,
        }
        invoices.append(
            (
                uuid.uuid4(),
                h.contract,
                kind,
                None,
                issuer,
                h.secretary if kind == "service" else None,
                h.business if kind == "service" else h.secretary,
                sequence,
                number,
                at,
                excl,
                vat,
                total,
                psycopg.types.json.Jsonb(data),
                pdf,
            )
        )

    for h in sorted(history, key=lambda h: h.created):
        young = now - h.created < RECENT
        choices = RECENT_STATUSES if young else OLD_STATUSES
        status = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        amount = h.amount
        commission = commission_for(amount)
        payout = amount - commission
        at = h.created
        stamps: dict[str, Any] = {}
        dispute: tuple[Any, Any] = (None, None)
        resolution: tuple[Any, Any, Any] = (None, None, None)
        title = "Mission"
        funded = status != "awaiting_funding" and not (status == "cancelled" and rng.random() < 0.4)
        if funded:
            stamps["funded_at"] = at + timedelta(days=1)
            move(h, stamps["funded_at"], "awaiting_funding", "funded", h.business)
            movement(h, "funding", stamps["funded_at"], {"business": -amount, "escrow": amount})
        if status == "cancelled":
            stamps["cancelled_at"] = at + timedelta(days=2)
            move(h, stamps["cancelled_at"], "funded" if funded else "awaiting_funding",
                 "cancelled", h.business)  # fmt: skip
            if funded:
                movement(
                    h, "refund", stamps["cancelled_at"], {"escrow": -amount, "business": amount}
                )
        if status in ("delivered", "released", "disputed", "resolved"):
            stamps["delivered_at"] = at + timedelta(days=5)
            move(h, stamps["delivered_at"], "funded", "delivered", h.secretary)
        if status == "released":
            stamps["released_at"] = stamps["approved_at"] = at + timedelta(days=6)
            move(h, stamps["released_at"], "delivered", "released", h.business)
            movement(
                h,
                "release",
                stamps["released_at"],
                {"escrow": -amount, "secretary": payout, "platform": commission},
            )
            invoice(h, "service", amount, stamps["released_at"], title)
            invoice(h, "commission", commission, stamps["released_at"], title)
        if status in ("disputed", "resolved"):
            stamps["disputed_at"] = at + timedelta(days=6)
            move(h, stamps["disputed_at"], "delivered", "disputed", h.business)
            dispute = (h.business, "Le travail livré ne correspond pas.")
        if status == "resolved":
            stamps["resolved_at"] = at + timedelta(days=8)
            move(h, stamps["resolved_at"], "disputed", "resolved", None)
            release = amount // 2
            part = commission_for(release)
            movement(
                h,
                "resolution",
                stamps["resolved_at"],
                {
                    "escrow": -amount,
                    "secretary": release - part,
                    "platform": part,
                    "business": amount - release,
                },
            )
            resolution = (release, amount - release, "Moitié livrée.")
            invoice(h, "service", release, stamps["resolved_at"], title)
            invoice(h, "commission", part, stamps["resolved_at"], title)
        finished = stamps.get("released_at") or stamps.get("resolved_at")
        deadline = finished + timedelta(days=14) if finished else None
        if finished and h.rating is not None:
            written = finished + timedelta(days=rng.randint(0, 10))
            reviews.append(
                (
                    uuid.uuid4(),
                    h.contract,
                    h.business,
                    h.secretary,
                    h.rating,
                    rng.choice(COMMENTS),
                    written,
                    written,
                    deadline,
                )
            )
        contracts.append(
            (
                h.contract,
                h.mission,
                h.bid,
                h.business,
                h.secretary,
                status,
                amount,
                BASIS_POINTS,
                commission,
                payout,
                "sandbox",
                f"ch_{h.contract.hex[:12]}" if funded else None,
                f"tr_{h.contract.hex[:12]}" if status == "released" else None,
                h.created,
                stamps.get("funded_at"),
                stamps.get("delivered_at"),
                stamps.get("approved_at"),
                stamps.get("released_at"),
                stamps.get("cancelled_at"),
                stamps.get("disputed_at"),
                stamps.get("resolved_at"),
                deadline,
                *dispute,
                *resolution,
            )
        )

    copies: list[tuple[str, list[tuple[object, ...]]]] = [
        (
            "contracts (id, mission_id, bid_id, business_id, secretary_id, status, amount_cents,"
            " commission_basis_points, commission_cents, payout_cents, payment_provider,"
            " charge_id, transfer_id, created_at, funded_at, delivered_at, approved_at,"
            " released_at, cancelled_at, disputed_at, resolved_at, review_deadline,"
            " disputed_by_id, dispute_reason, resolution_release_cents,"
            " resolution_refund_cents, resolution_note)",
            contracts,
        ),
        (
            "contract_events (id, contract_id, actor_id, action, from_status, to_status, note, at)",
            events,
        ),
        (
            "ledger_entries (id, contract_id, part_id, transaction_id, kind, account,"
            " amount_cents, provider_reference, created_at)",
            legs,
        ),
        (
            "invoices (id, contract_id, kind, part_id, issuer_key, issuer_user_id,"
            " recipient_user_id, sequence, number, issued_at, total_excl_tax_cents, vat_cents,"
            " total_cents, data, pdf)",
            invoices,
        ),
        (
            "invoice_counters (issuer_key, last_sequence)",
            [(key, last) for key, last in sequences.items()],
        ),
        (
            "reviews (id, contract_id, author_id, subject_id, rating, comment, created_at,"
            " published_at, publish_after)",
            reviews,
        ),
    ]
    for table, rows in copies:
        with cur.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return len(reviews)
