"""Realistic secretaries, businesses, missions and review histories, bulk-loaded with COPY.

Places are drawn by population (postal codes of the offline table), specialties and skills
by how common they are, rates around 28 EUR/h, most secretaries remote with a small on-site
radius, about a third with completed contracts and published reviews.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from marketplace.geo.places import Place, all_postal_codes, lookup
from marketplace.taxonomy import SKILL_CODES

SPECIALTY_WEIGHTS = {"general": 35, "medical": 25, "legal": 15, "insurance": 10, "industry": 15}
SKILLS_BY_SPECIALTY = {
    "medical": ["medical_transcription", "appointment_booking", "phone_reception"],
    "legal": ["legal_drafting", "word_processing", "mail_processing"],
    "insurance": ["billing", "customer_service", "mail_merge"],
    "industry": ["spreadsheets", "bookkeeping", "hr_admin"],
    "general": ["mail_processing", "word_processing", "phone_reception", "telemarketing"],
}
HEADLINES = {
    "medical": [
        "Secrétaire médicale à distance",
        "Télésecrétaire pour cabinets médicaux",
        "Assistante médicale, frappe de comptes rendus",
    ],
    "legal": [
        "Assistante juridique indépendante",
        "Secrétaire pour cabinets d'avocats",
        "Mise en forme d'actes et suivi de dossiers",
    ],
    "insurance": [
        "Assistante en cabinet de courtage",
        "Gestion de sinistres et relances clients",
        "Secrétaire assurances et mutuelles",
    ],
    "industry": [
        "Assistante administrative industrie",
        "Suivi de production et tableaux Excel",
        "Secrétaire PME industrielle",
    ],
    "general": [
        "Secrétaire indépendante polyvalente",
        "Assistante administrative à distance",
        "Accueil téléphonique et gestion d'agenda",
    ],
}
BIO_PARTS = [
    "Quinze ans d'expérience en entreprise avant de me mettre à mon compte.",
    "Je gère votre agenda, vos appels et votre courrier.",
    "Maîtrise de Word, Excel et PowerPoint, publipostages et mises en page soignées.",
    "Disponible pour des missions ponctuelles comme régulières.",
    "Confidentialité garantie, accord de confidentialité signé sur demande.",
    "Relances clients et facturation, suivi rigoureux.",
    "Télémarketing et prise de rendez-vous pour les commerciaux.",
    "Bilingue anglais, correspondance internationale.",
]
WEEK = ["mon", "tue", "wed", "thu", "fri"]
FIRST = [
    "Camille",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Sandrine",
    "Céline",
    "Aurélie",
    "Julie",
    "Valérie",
    "Émilie",
    "Karine",
    "Laetitia",
    "Stéphanie",
    "Hélène",
    "Marion",
    "Claire",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
]
MISSION_TITLES = {
    "medical": "Frappe de comptes rendus et prise de rendez-vous",
    "legal": "Mise en forme d'actes et accueil téléphonique d'une étude",
    "insurance": "Relances clients et gestion de sinistres",
    "industry": "Tableaux de suivi de production",
    "general": "Accueil téléphonique et gestion du courrier",
}


@dataclass(frozen=True)
class Generated:
    secretaries: int
    businesses: int
    open_missions: int
    contracts: int
    reviews: int


def _weighted_places(rng: random.Random) -> tuple[list[Place], list[int]]:
    places = [p for p in (lookup(c) for c in all_postal_codes()) if p is not None]
    places = [p for p in places if p.department_code[:2] not in ("97", "98")]
    return places, [max(1, p.population) for p in places]


def _specialties(rng: random.Random) -> list[str]:
    codes, weights = zip(*SPECIALTY_WEIGHTS.items(), strict=True)
    first = rng.choices(codes, weights)[0]
    if rng.random() < 0.25:
        second = rng.choices(codes, weights)[0]
        if second != first:
            return [first, second]
    return [first]


def generate(
    dsn: str,
    secretaries: int,
    seed: int = 2026,
    password_hash: str = "!",  # noqa: S107
    site: bool = False,
) -> tuple[Generated, list[str], list[str]]:
    """Fill an empty (migrated) database. Returns counts, business emails and open mission ids.

    Each contract belongs to its mission's business, and its review is written by that
    business. `site` (bench/site): the contracts are spread over every status and over two
    years, with their events, ledger legs and invoices as the services write them
    (bench/site/history.py); otherwise (the search benchmark) they are all released today."""
    rng = random.Random(seed)
    places, weights = _weighted_places(rng)
    now = datetime.now(UTC)
    today = date.today()
    businesses = max(20, secretaries // 200)
    open_missions = max(200, secretaries // 100)
    sec_ids = [uuid.uuid4() for _ in range(secretaries)]
    biz_ids = [uuid.uuid4() for _ in range(businesses)]
    biz_emails = [f"entreprise{i}@bench.exemple.fr" for i in range(businesses)]
    mission_ids: list[str] = []
    contracts = reviews = 0
    names: dict[uuid.UUID, str] = {}

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY users (id, email, password_hash, role, display_name, is_suspended, created_at)"
            " FROM STDIN"
        ) as copy:
            for i, sid in enumerate(sec_ids):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                names[sid] = name
                copy.write_row(
                    (
                        sid,
                        f"secretaire{i}@bench.exemple.fr",
                        password_hash,
                        "secretary",
                        name,
                        False,
                        now,
                    )
                )
            for i, bid in enumerate(biz_ids):
                names[bid] = f"Entreprise {i}"
                copy.write_row(
                    (bid, biz_emails[i], password_hash, "business", names[bid], False, now)
                )

        columns = (
            "user_id, headline, bio, specialties, skills, hourly_rate_cents, surcharge_percent, "
            "remote, onsite_radius_km, languages, weekdays, hours_per_week, available_from, "
            "siret, vat_exempt, updated_at, postal_code, country, city, department_code, "
            "department, region, lat, lon, street_line1, street_line2"
        )
        with cur.copy(f"COPY secretary_profiles ({columns}) FROM STDIN") as copy:
            for sid, place in zip(
                sec_ids, rng.choices(places, weights, k=secretaries), strict=True
            ):
                specialties = _specialties(rng)
                pool = sorted({s for sp in specialties for s in SKILLS_BY_SPECIALTY[sp]})
                skills = rng.sample(pool, rng.randint(1, len(pool)))
                skills += rng.sample(SKILL_CODES, rng.randint(0, 2))
                remote = rng.random() < 0.8
                radius = (
                    rng.choice([0, 0, 10, 20, 20, 30, 50])
                    if remote
                    else rng.choice([10, 20, 30, 30, 50, 100])
                )
                copy.write_row(
                    (
                        sid,
                        rng.choice(HEADLINES[specialties[0]]),
                        " ".join(rng.sample(BIO_PARTS, rng.randint(2, 4))),
                        psycopg.types.json.Jsonb(specialties),
                        psycopg.types.json.Jsonb(sorted(set(skills))),
                        max(1500, int(rng.gauss(2800, 500)) // 50 * 50),
                        rng.choice([0, 0, 10, 20, 25, 50]),
                        remote,
                        radius,
                        psycopg.types.json.Jsonb(["fr"] + (["en"] if rng.random() < 0.3 else [])),
                        psycopg.types.json.Jsonb(
                            sorted(rng.sample(WEEK, rng.randint(2, 5)), key=WEEK.index)
                        ),
                        rng.choice([10, 15, 20, 25, 35]),
                        rng.choice([None, None, today + timedelta(days=rng.randint(0, 60))]),
                        None,
                        True,
                        now,
                        place.postal_code,
                        "FR",
                        place.city,
                        place.department_code,
                        place.department,
                        place.region,
                        place.lat,
                        place.lon,
                        f"{rng.randint(1, 120)} rue {rng.choice(LAST)}",
                        "",
                    )
                )

        mission_cols = (
            "id, business_id, title, description, specialty, skills, pricing, budget_cents, "
            "estimated_hours, remote_ok, start_date, end_date, urgent, confidential, status, "
            "created_at, updated_at, closed_at, postal_code, country, city, department_code, "
            "department, region, lat, lon"
        )

        def mission_row(
            mid: uuid.UUID, status: str, business: uuid.UUID, created: datetime
        ) -> tuple[object, ...]:
            specialty = rng.choices(*zip(*SPECIALTY_WEIGHTS.items(), strict=True))[0]
            place = rng.choices(places, weights)[0]
            hours = rng.choice([10, 20, 40, 80])
            start = created.date() + timedelta(days=rng.randint(1, 30))
            return (
                mid,
                business,
                MISSION_TITLES[specialty],
                "Mission pour une petite entreprise : " + " ".join(rng.sample(BIO_PARTS, 2)),
                specialty,
                psycopg.types.json.Jsonb(rng.sample(SKILLS_BY_SPECIALTY[specialty], 2)),
                "hourly",
                int(hours * rng.gauss(2900, 400)),
                hours,
                rng.random() < 0.75,
                start,
                start + timedelta(days=rng.randint(0, 60)),
                rng.random() < 0.15,
                False,
                status,
                created,
                now,
                None,
                place.postal_code,
                "FR",
                place.city,
                place.department_code,
                place.department,
                place.region,
                place.lat,
                place.lon,
            )

        history: list[HistoryRow] = []
        with cur.copy(f"COPY missions ({mission_cols}) FROM STDIN") as copy:
            for _ in range(open_missions):
                mid = uuid.uuid4()
                mission_ids.append(str(mid))
                copy.write_row(
                    mission_row(
                        mid, "open", rng.choice(biz_ids), now - timedelta(rng.randint(0, 20))
                    )
                )
            for sid in rng.sample(sec_ids, secretaries // 3):
                for _ in range(rng.choice([1, 1, 2, 3, 5, 8, 15, 40])):
                    mid, business = uuid.uuid4(), rng.choice(biz_ids)
                    # The site benchmark's contracts over two years, the search's today.
                    created = now - timedelta(minutes=rng.randint(60, 730 * 1440)) if site else now
                    row = mission_row(mid, "hired", business, created - timedelta(days=3))
                    copy.write_row(row)
                    rating = rng.choices([5, 4, 3, 2, 1, None], [55, 25, 7, 2, 1, 10])[0]
                    amount = 50_000 if not site else max(5_000, int(row[7]) // 100 * 100)  # type: ignore[call-overload]
                    history.append(
                        HistoryRow(
                            mid, uuid.uuid4(), uuid.uuid4(), sid, business, rating, created, amount
                        )
                    )
        with cur.copy(
            "COPY bids (id, mission_id, secretary_id, amount_cents, message, status, created_at)"
            " FROM STDIN"
        ) as copy:
            for h in history:
                copy.write_row((h.bid, h.mission, h.secretary, h.amount, "", "accepted", h.created))
        if site:
            from bench.site.history import write_history

            reviews = write_history(cur, rng, history, now, names)
        else:
            reviews = _released_today(cur, history, now)
        contracts = len(history)
        conn.commit()
        cur.execute("ANALYZE")
    return (
        Generated(secretaries, businesses, open_missions, contracts, reviews),
        biz_emails,
        mission_ids,
    )


@dataclass(frozen=True)
class HistoryRow:
    """One past contract: its mission, accepted bid, parties, the rating its business gives
    (None: no review), when it was made and its amount."""

    mission: uuid.UUID
    bid: uuid.UUID
    contract: uuid.UUID
    secretary: uuid.UUID
    business: uuid.UUID
    rating: int | None
    created: datetime
    amount: int


def _released_today(cur: psycopg.Cursor[Any], history: list[HistoryRow], now: datetime) -> int:
    """The search benchmark's history: every contract released, most reviewed."""
    with cur.copy(
        "COPY contracts (id, mission_id, bid_id, business_id, secretary_id, status, "
        "amount_cents, commission_basis_points, commission_cents, payout_cents, "
        "payment_provider, created_at, released_at, review_deadline) FROM STDIN"
    ) as copy:
        for h in history:
            copy.write_row(
                (
                    h.contract,
                    h.mission,
                    h.bid,
                    h.business,
                    h.secretary,
                    "released",
                    50_000,
                    1200,
                    6000,
                    44_000,
                    "sandbox",
                    now,
                    now,
                    now + timedelta(days=14),
                )
            )
    reviews = 0
    with cur.copy(
        "COPY reviews (id, contract_id, author_id, subject_id, rating, comment, created_at,"
        " published_at) FROM STDIN"
    ) as copy:
        for h in history:
            if h.rating is not None:
                copy.write_row(
                    (uuid.uuid4(), h.contract, h.business, h.secretary, h.rating, "", now, now)
                )
                reviews += 1
    return reviews
