"""Turn a seeded random generator into people, companies and missions, without the database.

Everything here depends only on the generator and the date it is given, so the same seed
gives the same data. The payloads have the shape the JSON API accepts (dates as ISO
strings) and are validated by the API's own schemas before they reach the services.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date

from marketplace.demo import people, texts
from marketplace.geo.places import Place, department_places, distance_km, lookup
from marketplace.taxonomy import SKILL_CODES
from marketplace.validation import french_vat_key, luhn_ok

# Overseas departments (DROM). The overseas collectivities (Polynésie, Nouvelle-Calédonie,
# Saint-Pierre-et-Miquelon...) have their own rules and currencies: not part of the demo.
OVERSEAS_DEPARTMENTS = ("971", "972", "973", "974", "976")
CORSICA = ("2A", "2B")
_EXCLUDED = ("975", "977", "978", "986", "987", "988")

SPECIALTY_WEIGHTS = {"general": 40, "medical": 25, "legal": 17, "insurance": 10, "industry": 8}

# Skills a secretary of each specialty nearly always has, then those she may add.
SPECIALTY_SKILLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "medical": (
        ("medical_transcription", "appointment_booking", "phone_reception"),
        ("transcription", "billing", "mail_processing", "word_processing", "customer_service"),
    ),
    "legal": (
        ("legal_drafting", "word_processing", "transcription"),
        ("mail_processing", "billing", "appointment_booking", "phone_reception", "spreadsheets"),
    ),
    "insurance": (
        ("customer_service", "phone_reception", "mail_processing"),
        ("billing", "mail_merge", "spreadsheets", "telemarketing", "transcription"),
    ),
    "industry": (
        ("spreadsheets", "billing", "customer_service"),
        (
            "hr_admin",
            "travel_planning",
            "meeting_logistics",
            "bookkeeping",
            "word_processing",
            "presentations",
        ),
    ),
    "general": (
        ("mail_processing", "word_processing", "phone_reception"),
        (
            "spreadsheets",
            "presentations",
            "desktop_publishing",
            "mail_merge",
            "travel_planning",
            "meeting_logistics",
            "telemarketing",
            "appointment_booking",
            "billing",
            "bookkeeping",
            "transcription",
        ),
    ),
}

WEEKDAY_PATTERNS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("mon", "tue", "wed", "thu", "fri"), 50),
    (("mon", "tue", "thu", "fri"), 12),
    (("mon", "tue", "wed", "thu"), 8),
    (("mon", "tue", "wed", "thu", "fri", "sat"), 10),
    (("mon", "wed", "fri"), 7),
    (("tue", "thu"), 4),
    (("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 3),
    (("sat", "sun"), 2),
    (("wed", "thu", "fri", "sat"), 4),
)
# Her working hours on those days, for the 55 % who give them (the others leave slots out):
# one or two ranges, as a télésecrétaire publishes them.
SLOT_PATTERNS: tuple[tuple[tuple[tuple[str, str], ...], int], ...] = (
    ((("08:00", "12:00"),), 20),
    ((("09:00", "12:30"),), 10),
    ((("14:00", "18:00"),), 10),
    ((("08:30", "12:30"), ("13:30", "17:30")), 30),
    ((("09:00", "12:00"), ("14:00", "17:00")), 20),
    ((("08:00", "12:00"), ("14:00", "19:00")), 10),
)
SLOT_SHARE = 0.55
# The five cities a first search is most likely made from: each gets at least
# METRO_CORE medical and METRO_CORE legal secretaries (`seed.build_people`).
METROS = {
    "Lyon": "69003",
    "Paris": "75011",
    "Marseille": "13006",
    "Bordeaux": "33000",
    "Lille": "59000",
}
METRO_CORE = 3
HOURS_PER_WEEK = ((10, 8), (15, 10), (20, 18), (25, 14), (30, 16), (35, 20), (39, 6), (45, 8))
SURCHARGES = ((0, 25), (10, 20), (15, 15), (20, 18), (25, 12), (30, 10))
OTHER_LANGUAGES = (("es", 0.10), ("de", 0.05), ("it", 0.04), ("pt", 0.04), ("ar", 0.05))


def french_date(day: date) -> str:
    return format_date(day, format="d MMMM", locale="fr_FR")


def french_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def slug(text: str) -> str:
    """ "Hélène Le Goff" -> "helene-le-goff" for e-mail addresses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in ascii_text.lower())
    return "-".join(part for part in cleaned.split("-") if part)


def weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...] | list[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def make_siret(rng: random.Random, used: set[str]) -> str:
    """A SIRET that passes the Luhn check: a SIREN (with its own key) and an establishment."""
    while True:
        body = str(rng.randint(10_000_000, 99_999_999))
        siren = body + next(d for d in "0123456789" if luhn_ok(body + d))
        base = siren + rng.choice(("0001", "0001", "0001", "0002", "0003"))
        siret = base + next(d for d in "0123456789" if luhn_ok(base + d))
        if siret not in used and not siret.startswith("356000000"):
            used.add(siret)
            return siret


STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "place de la Mairie",
    "rue du Général de Gaulle",
    "boulevard Pasteur",
    "rue des Écoles",
    "chemin des Vignes",
    "rue Gambetta",
    "allée des Tilleuls",
)


def street_for(key: str) -> str:
    """A street address of its own for each person, drawn from their key (not from the
    seed's generator, so the rest of the demo data stays the same)."""
    own = random.Random(key)
    return f"{own.randint(1, 120)} {own.choice(STREETS)}"


def invoicing(key: str, siret: str | None, vat_exempt: bool) -> dict[str, Any]:
    """The street and VAT regime fields of a profile payload (VAT needs a SIRET here)."""
    fields: dict[str, Any] = {"street_address": street_for(key), "vat_regime": "franchise"}
    if siret and not vat_exempt:
        siren = siret[:9]
        fields |= {"vat_regime": "vat", "vat_number": f"FR{french_vat_key(siren):02d}{siren}"}
    return fields


class PlacePicker:
    """Draws places weighted by population (metropolitan France and the DROM)."""

    def __init__(self) -> None:
        self.by_department = {
            code: [p for p in places if p.population > 0]
            for code, places in department_places().items()
            if code not in _EXCLUDED
        }
        self.places = [p for places in self.by_department.values() for p in places]
        self.cumulative = list(itertools.accumulate(p.population for p in self.places))

    def any(self, rng: random.Random) -> Place:
        return rng.choices(self.places, cum_weights=self.cumulative)[0]

    def within(self, rng: random.Random, departments: tuple[str, ...]) -> Place:
        places = [p for code in departments for p in self.by_department.get(code, [])]
        return rng.choices(places, weights=[p.population for p in places])[0]


@dataclass
class SecretarySpec:
    first_name: str
    last_name: str
    female: bool
    email: str
    place: Place
    specialties: tuple[str, ...]
    rate_cents: int
    surcharge_percent: int
    remote: bool
    radius_km: int
    available_from: date | None
    years: int
    quality: float  # the mean rating clients give her
    star: bool = False
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def e(self) -> str:
        return "e" if self.female else ""

    @property
    def adjective(self) -> str:
        labels = texts.SPECIALTY_ADJECTIVES if self.female else texts.SPECIALTY_ADJECTIVES_MALE
        return labels[self.specialties[0]]

    def can_work_at(self, place: Place, remote_ok: bool) -> bool:
        if remote_ok and self.remote:
            return True
        distance = distance_km(self.place.lat, self.place.lon, place.lat, place.lon)
        return distance <= max(self.radius_km, 30 if remote_ok else 0)


@dataclass
class BusinessSpec:
    owner_first_name: str
    owner_last_name: str
    email: str
    company_name: str
    sector: people.Sector
    place: Place
    siret: str | None
    quality: float  # the mean rating secretaries give it

    @property
    def payload(self) -> dict[str, Any]:
        return {
            "company_name": self.company_name,
            "siret": self.siret,
            "sector": self.sector.label,
            "postal_code": self.place.postal_code,
            **invoicing(self.email, self.siret, vat_exempt=True),
        }


@dataclass
class MissionSpec:
    business: int  # index in the businesses list
    template: texts.MissionTemplate
    place: Place
    payload: dict[str, Any]

    @property
    def specialty(self) -> str:
        return str(self.payload["specialty"])

    @property
    def remote_ok(self) -> bool:
        return bool(self.payload["remote_ok"])

    @property
    def urgent(self) -> bool:
        return bool(self.payload["urgent"])

    @property
    def confidential(self) -> bool:
        return bool(self.payload["confidential"])

    @property
    def start_date(self) -> date:
        return date.fromisoformat(self.payload["start_date"])


class Names:
    """First names and surnames, with the regional surnames where people live."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self, place: Place, female_share: float) -> tuple[str, str, bool]:
        female = self.rng.random() < female_share
        first = self.rng.choice(people.FEMALE_FIRST_NAMES if female else people.MALE_FIRST_NAMES)
        regional = people.REGIONAL_SURNAMES.get(place.department_code)
        if regional and self.rng.random() < 0.6:
            last = self.rng.choice(regional)
        else:
            last = self.rng.choice(people.SURNAMES)
        return first, last, female


def email_for(first: str, last: str, number: int) -> str:
    return f"{slug(first)}.{slug(last)}.{number}@exemple.fr"


def _specialties(rng: random.Random) -> tuple[str, ...]:
    primary = weighted(rng, tuple(SPECIALTY_WEIGHTS.items()))
    if rng.random() < 0.22:
        if primary != "general" and rng.random() < 0.6:
            return (primary, "general")
        others = tuple((code, w) for code, w in SPECIALTY_WEIGHTS.items() if code != primary)
        return (primary, weighted(rng, others))
    return (primary,)


def _skills(rng: random.Random, specialties: tuple[str, ...]) -> list[str]:
    chosen: set[str] = set()
    for specialty in specialties:
        core, optional = SPECIALTY_SKILLS[specialty]
        chosen.update(rng.sample(core, rng.randint(2, 3)))
        chosen.update(rng.sample(optional, rng.randint(1, 3)))
    return [code for code in SKILL_CODES if code in chosen]


def _rate_cents(rng: random.Random, specialties: tuple[str, ...], star: bool) -> int:
    # Skewed to the right: most between 23 and 30 EUR, a few experts up to 45 EUR (mean ~27).
    euros = 22 + rng.expovariate(1 / 4.8)
    if specialties[0] in ("legal", "medical"):
        euros += 1.5
    if star:
        euros = rng.uniform(30, 38)
    euros = min(euros, 45)
    return round(euros * 2) * 50


def _languages(rng: random.Random) -> list[str]:
    languages = ["fr"]
    if rng.random() < 0.45:
        languages.append("en")
    languages.extend(code for code, share in OTHER_LANGUAGES if rng.random() < share)
    return languages


def _bio(rng: random.Random, spec: SecretarySpec, skills: list[str], languages: list[str]) -> str:
    workplace = rng.choice(texts.WORKPLACES[spec.specialties[0]])
    opening = rng.choice(texts.BIO_OPENINGS).format(
        years=spec.years, workplace=workplace, e=spec.e, adjective=spec.adjective
    )
    phrases = [texts.SKILL_PHRASES[code] for code in rng.sample(skills, min(4, len(skills)))]
    if not spec.remote:
        mode = texts.BIO_MODES["onsite"]
    elif spec.radius_km:
        mode = texts.BIO_MODES["remote_onsite"]
    else:
        mode = texts.BIO_MODES["remote"]
    parts = [
        opening,
        f"Je prends en charge {french_list(phrases)}.",
        texts.TOOLS[spec.specialties[0]],
        mode.format(radius=spec.radius_km, city=spec.place.city),
        *(texts.LANGUAGE_SENTENCES[code] for code in languages if code != "fr"),
        rng.choice(texts.BIO_CLOSINGS),
    ]
    return " ".join(parts)


def secretary(
    rng: random.Random,
    names: Names,
    place: Place,
    number: int,
    today: date,
    used_sirets: set[str],
    *,
    star_specialty: str | None = None,
    main_specialty: str | None = None,
) -> SecretarySpec:
    first, last, female = names.person(place, female_share=0.88)
    star = star_specialty is not None
    specialties = ("general", star_specialty) if star_specialty else _specialties(rng)
    if main_specialty is not None and not star:
        specialties = (main_specialty, *(s for s in specialties[1:] if s != main_specialty))
    roll = rng.random()
    if star:
        remote, radius = True, 0
    elif roll < 0.12:
        remote, radius = False, rng.choice((10, 15, 20, 25, 30, 40, 50))
    elif roll < 0.50:
        remote, radius = True, rng.choice((10, 15, 20, 25, 30, 40, 50))
    else:
        remote, radius = True, 0
    available_from = today + timedelta(days=rng.randint(5, 45)) if rng.random() < 0.3 else None
    if star:
        quality = 4.95
    elif rng.random() < 0.07:
        quality = 3.0
    else:
        quality = rng.uniform(4.3, 4.9)
    spec = SecretarySpec(
        first_name=first,
        last_name=last,
        female=female,
        email=email_for(first, last, number),
        place=place,
        specialties=specialties,
        rate_cents=_rate_cents(rng, specialties, star),
        surcharge_percent=weighted(rng, SURCHARGES),
        remote=remote,
        radius_km=radius,
        available_from=available_from,
        years=rng.randint(3, 25),
        quality=quality,
        star=star,
    )
    skills = _skills(rng, specialties)
    languages = _languages(rng)
    headlines = texts.HEADLINES if female else texts.HEADLINES_MALE
    spec.payload = {
        "headline": rng.choice(headlines[specialties[0]]).format(years=spec.years),
        "bio": _bio(rng, spec, skills, languages),
        "specialties": list(specialties),
        "skills": skills,
        "hourly_rate_cents": spec.rate_cents,
        "surcharge_percent": spec.surcharge_percent,
        "postal_code": place.postal_code,
        "remote": remote,
        "onsite_radius_km": radius,
        "languages": languages,
        "availability": _availability(rng, available_from),
        "siret": make_siret(rng, used_sirets) if rng.random() < 0.96 else None,
        "vat_exempt": rng.random() < 0.8,
    }
    spec.payload |= invoicing(spec.email, spec.payload["siret"], spec.payload["vat_exempt"])
    return spec


def _availability(rng: random.Random, available_from: date | None) -> dict[str, Any]:
    days = list(weighted(rng, WEEKDAY_PATTERNS))
    hours = weighted(rng, SLOT_PATTERNS) if rng.random() < SLOT_SHARE else ()
    return {
        "weekdays": days,
        "hours_per_week": weighted(rng, HOURS_PER_WEEK),
        "available_from": available_from.isoformat() if available_from else None,
        "slots": [{"day": day, "start": start, "end": end} for day in days for start, end in hours],
    }


def business(
    rng: random.Random,
    names: Names,
    place: Place,
    number: int,
    used_names: set[str],
    used_sirets: set[str],
) -> BusinessSpec:
    first, last, _female = names.person(place, female_share=0.5)
    sector = rng.choices(people.SECTORS, weights=[s.weight for s in people.SECTORS])[0]
    company = ""
    for _attempt in range(20):
        company = rng.choice(sector.name_patterns).format(
            nom=rng.choice((last, *rng.sample(people.SURNAMES, 2))),
            nom2=rng.choice(people.SURNAMES),
            lieu=rng.choice(people.LOCAL_NAMES),
            ville=place.city,
        )
        if company not in used_names:
            break
    if company in used_names:
        company = f"{company} ({place.city})"
    used_names.add(company)
    return BusinessSpec(
        owner_first_name=first,
        owner_last_name=last,
        email=email_for(first, last, number),
        company_name=company[:160],
        sector=sector,
        place=place,
        siret=make_siret(rng, used_sirets) if rng.random() < 0.9 else None,
        quality=rng.uniform(4.2, 4.9) if rng.random() > 0.08 else 3.2,
    )


def _mission_specialty(rng: random.Random, sector: people.Sector) -> str:
    if sector.specialty != "general":
        return sector.specialty if rng.random() < 0.75 else "general"
    if rng.random() < 0.85:
        return "general"
    return weighted(rng, tuple((c, w) for c, w in SPECIALTY_WEIGHTS.items() if c != "general"))


def mission(
    rng: random.Random,
    business_index: int,
    owner: BusinessSpec,
    today: date,
    specialty: str | None = None,
    avoid: set[str] | None = None,
) -> MissionSpec:
    specialty = specialty or _mission_specialty(rng, owner.sector)
    choices = [t for t in texts.MISSIONS if t.specialty == specialty]
    fresh = [t for t in choices if not avoid or t.title not in avoid]
    template = rng.choice(fresh or choices)
    pricing = (
        template.pricing
        if rng.random() < 0.85
        else ("hourly" if template.pricing == "fixed" else "fixed")
    )
    hours = max(4, 5 * round(rng.randint(*template.hours) / 5))
    low, high = texts.HOURLY_BUDGET_EUROS[specialty]
    budget_euros = max(10, 10 * round(hours * rng.uniform(low, high) / 10))
    urgent = rng.random() < 0.13
    confidential = rng.random() < (0.55 if template.sensitive else 0.06)
    remote_ok = rng.random() < (0.25 if template.onsite else 0.93)
    start = today + timedelta(days=rng.randint(1, 4) if urgent else rng.randint(3, 40))
    weeks = rng.randint(2, 12)
    end = start + timedelta(weeks=weeks) if rng.random() < 0.6 else None
    description = template.description.format(
        n=rng.randint(*template.n), weeks=weeks, city=owner.place.city
    )
    if urgent:
        description += " Démarrage très rapide souhaité."
    if confidential:
        description += (
            " Les documents sont confidentiels : un accord de confidentialité sera demandé."
        )
    title = template.title
    if urgent:
        title = "Urgent : " + title[0].lower() + title[1:]
    payload = {
        "title": title,
        "description": description,
        "specialty": specialty,
        "skills": list(template.skills),
        "pricing": pricing,
        "budget_cents": budget_euros * 100,
        "estimated_hours": hours if pricing == "hourly" or rng.random() < 0.7 else None,
        "postal_code": owner.place.postal_code,
        "remote_ok": remote_ok,
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None,
        "urgent": urgent,
        "confidential": confidential,
    }
    return MissionSpec(business_index, template, owner.place, payload)


def bid_payload(
    rng: random.Random, mission_spec: MissionSpec, spec: SecretarySpec, today: date
) -> dict[str, Any]:
    payload = mission_spec.payload
    hours = float(payload["estimated_hours"] or (payload["budget_cents"] / 100 / 28))
    hours = max(1.0, round(hours * rng.uniform(0.85, 1.2) * 2) / 2)
    if payload["pricing"] == "hourly":
        rate = spec.rate_cents * (1 + spec.surcharge_percent / 100 if mission_spec.urgent else 1)
        amount = round(hours * rate / 100) * 100
    else:
        amount = round(payload["budget_cents"] * rng.uniform(0.8, 1.15) / 500) * 500
    start = mission_spec.start_date + timedelta(days=rng.randint(0, 2))
    if spec.available_from and spec.available_from > start:
        start = spec.available_from
    start = max(start, today)
    hours_text = f"{hours:g}".replace(".", ",")
    message = " ".join(
        part
        for part in (
            rng.choice(texts.BID_OPENINGS).format(
                adjective=spec.adjective, years=spec.years, e=spec.e
            ),
            rng.choice(texts.BID_DETAILS).format(start=french_date(start), hours=hours_text),
            rng.choice(texts.BID_CLOSINGS),
            spec.first_name,
        )
        if part
    )
    return {
        "amount_cents": max(amount, 1_000),
        "estimated_hours": hours,
        "start_date": start.isoformat(),
        "message": message,
    }


# --- the demo accounts ---------------------------------------------------------------------

DEMO_SECRETARY_SPECIALTIES = ("legal", "general")


def demo_secretary(rng: random.Random, email: str, used_sirets: set[str]) -> SecretarySpec:
    """Sophie Lambert, legal and general secretary near Lyon: the secretary's side of the demo."""
    place = lookup("69100")
    assert place is not None
    spec = SecretarySpec(
        first_name="Sophie",
        last_name="Lambert",
        female=True,
        email=email,
        place=place,
        specialties=DEMO_SECRETARY_SPECIALTIES,
        rate_cents=2_900,
        surcharge_percent=20,
        remote=True,
        radius_km=25,
        available_from=None,
        years=14,
        quality=4.7,
    )
    spec.payload = {
        "headline": "Secrétaire juridique indépendante, 14 ans en cabinet d'avocats",
        "bio": (
            "Après 14 ans dans un cabinet d'avocats d'affaires lyonnais, je me suis installée à "
            "mon compte pour accompagner avocats, notaires et TPE. Je prends en charge la mise "
            "en forme d'actes et de conclusions, la frappe de dictées, la facturation des "
            "honoraires et l'accueil téléphonique. Je travaille à distance et je peux me "
            "déplacer dans un rayon de 25 km autour de Villeurbanne. Je travaille aussi en "
            "anglais. Discrétion absolue : je signe volontiers un accord de confidentialité."
        ),
        "specialties": list(DEMO_SECRETARY_SPECIALTIES),
        "skills": [
            "mail_processing",
            "word_processing",
            "spreadsheets",
            "phone_reception",
            "appointment_booking",
            "transcription",
            "legal_drafting",
            "billing",
        ],
        "hourly_rate_cents": spec.rate_cents,
        "surcharge_percent": spec.surcharge_percent,
        "postal_code": place.postal_code,
        "remote": True,
        "onsite_radius_km": 25,
        "languages": ["fr", "en"],
        "availability": {
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "hours_per_week": 30,
            "available_from": None,
        },
        "siret": make_siret(rng, used_sirets),
        "vat_exempt": True,
    }
    spec.payload |= invoicing(spec.email, spec.payload["siret"], vat_exempt=True)
    return spec


def demo_business(
    rng: random.Random, email: str, used_names: set[str], used_sirets: set[str]
) -> BusinessSpec:
    """A law firm in Lyon: the business's side of the demo."""
    place = lookup("69003")
    assert place is not None
    sector = next(s for s in people.SECTORS if s.label == "Cabinet d'avocats")
    name = "Cabinet Moreau & Associés, avocats"
    used_names.add(name)
    return BusinessSpec(
        owner_first_name="Claire",
        owner_last_name="Moreau",
        email=email,
        company_name=name,
        sector=sector,
        place=place,
        siret=make_siret(rng, used_sirets),
        quality=4.6,
    )
