"""The one ranking: who fits a mission best, which missions fit a secretary best, and why.

Both backends rank with the `Plan`s built here (see `plan.py` for how a plan is evaluated
by Elasticsearch and in Python). The formula, documented in docs/elasticsearch.md:

    score = 1 + specialty + proximity + rating + budget + availability + skills + text
              + experience                      (secretaries for a mission or a search)

    score = 1 + specialty + proximity + budget + availability + skills + text + recency
                                                (missions for a secretary or a search)

Each term is a weight times a number between 0 and 1:

* specialty (3): the secretary has the mission's specialty. Required by default (a filter:
  every result then carries the same 3 points); with `strict_specialty=false` it is only a
  strong signal.
* proximity: a gauss decay on the distance between the mission's place and the secretary's.
  On site (the mission is not remote-friendly, or the client asks for on-site work): weight
  3, 1 up to 2 km, 0.5 at 22 km; secretaries whose on-site radius does not reach the place
  are excluded. When remote is fine: weight 1.2, 1 up to 5 km, 0.5 at 55 km, 0.06 at 105 km,
  about 0 beyond 200 km, and a secretary who does not work remotely must still reach the
  place. 1.2 is more than what one review and a couple of contracts bring (about 0.6) and
  less than a record of twenty good reviews (about 1.4): nearer clearly wins between similar
  candidates, a much better record still wins from afar.
* rating (3): a Bayesian average with a prior of 5 reviews at 4/5,
  `(5 x 4 + sum of ratings) / (5 + n)`, mapped from 1..5 to 0..1. One 5-star review gives
  4.17, forty 4.8-star reviews give 4.71: volume earns trust. Published reviews only.
* budget (2): 1 when the hourly rate (with her surcharge for the mission's hours: urgent for
  an urgent mission, evening or weekend for regular work in such slots, `rate_kind_of`) is
  within the client's hourly budget, then a gauss decay: 0.5 at 15 % over budget.
* availability (1, 2 when urgent): half for being available by the start date (a quarter
  when available within a week after it), half for the share of the mission's weekdays the
  secretary works (a quarter when she has not said which days she works). For a recurring
  mission with weekly slots that half is split: a quarter for the days, a quarter for the
  share of the slots' hours her own slots cover (an eighth when she has given no slots).
* skills (2): the share of the mission's skills the secretary has.
* text: the share of the query terms found in the profile, a term in the headline counting
  1 and in the rest 0.6; weight 1 for a mission's title, 3 for a typed query (which must
  then match at least one term). Accents, case, elisions, plurals are folded (`text.py`).
* experience (1): completed contracts n on the platform, as n / (n + 3).
* recency (1, missions only): 1 for a mission posted within a day, 0.5 at 15 days.

Ties are broken by id, so the order is stable and the same in both backends. What each
result says about itself (reasons and caveats, in words) is written by `explain.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from marketplace.search import embeddings, text
from marketplace.search.hybrid import WINDOW
from marketplace.search.plan import (
    NOTHING,
    AllOf,
    AnyOf,
    AnyTerm,
    DateDecay,
    Doc,
    Exists,
    FieldValue,
    Filter,
    GeoDecay,
    Meaning,
    Missing,
    NumberDecay,
    Origin,
    Plan,
    Range,
    Reaches,
    Signal,
    TermShare,
    TextMatch,
    Weight,
    WithinKm,
)
from marketplace.slots import cells as slot_cells

# ----------------------------------------------------------------------------- weights
W_SPECIALTY = 3.0
W_PROXIMITY_ONSITE = 3.0
ONSITE_SCALE_KM, ONSITE_OFFSET_KM = 20.0, 2.0
# Remote work: nearer must clearly win between otherwise similar candidates (a client likes a
# secretary who can drop by), yet a proven record (about 20 good reviews) still outweighs it.
W_PROXIMITY_REMOTE = 1.2
REMOTE_SCALE_KM, REMOTE_OFFSET_KM = 50.0, 5.0
W_RATING = 3.0
RATING_PRIOR_MEAN, RATING_PRIOR_COUNT = 4.0, 5
W_BUDGET = 2.0
BUDGET_SCALE = 0.15  # of the budget: 0.5 at 15 % over
W_AVAILABILITY = 1.0
AVAILABILITY_GRACE_DAYS = 7
W_SKILLS = 2.0
SKILLS_CAP = 8  # a mission's skills beyond 8 do not dilute the share further
W_TEXT_MISSION = 1.0
W_TEXT_QUERY = 3.0
W_EXPERIENCE = 1.0
EXPERIENCE_HALF = 3  # n / (n + 3): 3 contracts give half the points
W_RECENCY = 1.0
RECENCY_SCALE_DAYS, RECENCY_OFFSET_DAYS = 14.0, 1.0

NO_DATE = "1970-01-01"  # the mapping's null_value for `available_from`: available now
FLAT_OFFSET = 10**8  # cents: an offset so large a decay is flat on one side (mission budget)

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# ----------------------------------------------------------------------------- index-time
def bayesian_rating(count: int, total: float) -> float:
    """(prior_count x prior_mean + sum of ratings) / (prior_count + n), on the 1..5 scale."""
    return (RATING_PRIOR_COUNT * RATING_PRIOR_MEAN + total) / (RATING_PRIOR_COUNT + count)


def rating_score(count: int, total: float) -> float:
    return (bayesian_rating(count, total) - 1.0) / 4.0


def experience_score(completed: int) -> float:
    return completed / (completed + EXPERIENCE_HALF)


PRIOR_RATING_SCORE = rating_score(0, 0.0)


def urgent_rate(rate_cents: int, surcharge_percent: int) -> int:
    return rate_cents * (100 + surcharge_percent) // 100


EVENING_FROM = "19:00"


def rate_kind_of(mission: Any) -> str:
    """The rate a mission pays her at: weekend or evening slots bring her surcharge for
    them (the larger share wins: weekend first), an urgent mission her urgent one."""
    slots = getattr(mission, "weekly_slots", None) or []
    if any(slot["day"] in ("sat", "sun") for slot in slots):
        return "weekend"
    if any(slot["end"] > EVENING_FROM for slot in slots):
        return "evening"
    return "urgent" if mission.urgent else "hourly"


def rate_field(c: Any) -> str:
    kind = c.rate_kind if c.rate_kind != "hourly" or not c.urgent else "urgent"
    return f"{kind}_rate_cents"


def budget_hours(mission: Any) -> float | None:
    """The hours a mission's budget pays for: one period's for recurring work (its budget
    is a period's), else the estimate."""
    if getattr(mission, "schedule", None) == "recurring":
        return getattr(mission, "hours_per_period", None)
    return getattr(mission, "estimated_hours", None)


def slot_dicts(slots: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"day": day, "start": start, "end": end} for day, start, end in slots]


def needed_days(mission: Any) -> list[str]:
    """The weekdays a mission needs: its weekly slots' for recurring work, else those of
    its first week (`mission_days`)."""
    slots = getattr(mission, "weekly_slots", None) or []
    if slots:
        return sorted({slot["day"] for slot in slots}, key=WEEKDAY_CODES.index)
    return mission_days(mission.start_date, mission.end_date)


def hourly_budget(budget_cents: int, estimated_hours: float | None) -> int | None:
    """The hourly rate a mission's budget allows, when it can be known."""
    if estimated_hours:
        return int(budget_cents / estimated_hours)
    return None


def mission_days(start: date, end: date | None) -> list[str]:
    """Weekdays the mission needs: those in its first week, working days if any."""
    if end is None or (end - start).days >= 6:
        days = set(WEEKDAY_CODES)
    else:
        days = {
            WEEKDAY_CODES[(start + timedelta(days=i)).weekday()]
            for i in range((end - start).days + 1)
        }
    work = days - {"sat", "sun"}
    chosen = work or days
    return [d for d in WEEKDAY_CODES if d in chosen]


# ----------------------------------------------------------------------------- secretaries
@dataclass(frozen=True)
class SecretaryCriteria:
    """What a client looks for, from a mission or from the search form."""

    specialty: str | None = None
    strict_specialty: bool = True
    origin: Origin | None = None
    radius_km: float | None = None  # filter: within this distance of origin
    onsite: bool = False  # the work is on site at origin
    remote_only: bool = False  # filter: works remotely
    budget_rate_cents: int | None = None  # the hourly rate the client has in mind
    max_rate_cents: int | None = None  # filter
    urgent: bool = False
    # Which of her rates the budget is compared with: "hourly", "urgent", or for regular
    # work in evening or weekend slots "evening" / "weekend" (her surcharge for them).
    rate_kind: str = "hourly"
    start_date: date | None = None
    days: tuple[str, ...] = ()
    # A recurring mission's weekly slots as (day, start, end): coverage is a signal.
    slots: tuple[tuple[str, str, str], ...] = ()
    available_on: date | None = None  # filter
    skills: tuple[str, ...] = ()
    required_skills: tuple[str, ...] = ()  # filter
    terms: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict)  # term -> word typed, for reasons
    text_required: bool = False
    text_weight: float = W_TEXT_MISSION
    exclude_ids: tuple[str, ...] = ()
    meaning: bytes | None = None  # the sentence embedding of the mission or query (hybrid.py)


def secretary_plan(c: SecretaryCriteria) -> Plan:
    filters: list[Filter] = []
    signals: list[Signal] = []
    if c.specialty:
        has_specialty = AnyTerm("specialties", (c.specialty,))
        if c.strict_specialty:
            filters.append(has_specialty)
        signals.append(Weight("specialty", W_SPECIALTY, has_specialty))
    if c.origin is not None:
        if c.radius_km is not None:
            filters.append(WithinKm(c.origin, c.radius_km))
        if c.onsite:
            filters.append(Reaches(c.origin))
            signals.append(
                GeoDecay(
                    "proximity", W_PROXIMITY_ONSITE, c.origin, ONSITE_SCALE_KM, ONSITE_OFFSET_KM
                )
            )
        else:
            # Remote is fine, but someone who only works on site must reach the place.
            filters.append(AnyOf((AnyTerm("remote", (True,)), Reaches(c.origin))))
            signals.append(
                GeoDecay(
                    "proximity", W_PROXIMITY_REMOTE, c.origin, REMOTE_SCALE_KM, REMOTE_OFFSET_KM
                )
            )
    elif c.onsite:
        filters.append(NOTHING)  # on-site work somewhere unknown: nobody can be placed
    if c.remote_only:
        filters.append(AnyTerm("remote", (True,)))
    if c.max_rate_cents is not None:
        filters.append(Range("hourly_rate_cents", lte=c.max_rate_cents))
    if c.available_on is not None:
        filters.append(Range("available_from", lte=c.available_on.isoformat(), null_as=NO_DATE))
        day = WEEKDAY_CODES[c.available_on.weekday()]
        filters.append(AnyOf((AnyTerm("weekdays", (day,)), Missing("weekdays"))))
    if c.required_skills:
        filters.extend(AnyTerm("skills", (s,)) for s in c.required_skills)
    if c.exclude_ids:
        filters.append(_not_ids(c.exclude_ids))

    signals.append(FieldValue("rating", W_RATING, "rating_score", missing=PRIOR_RATING_SCORE))
    budget = c.budget_rate_cents if c.budget_rate_cents is not None else c.max_rate_cents
    if budget:
        signals.append(
            NumberDecay(
                "budget",
                W_BUDGET,
                rate_field(c),
                origin=budget / 2,
                offset=budget / 2,
                scale=budget * BUDGET_SCALE,
            )
        )
    availability = W_AVAILABILITY * (2 if c.urgent else 1)
    if c.start_date is not None:
        start = c.start_date.isoformat()
        grace = (c.start_date + timedelta(days=AVAILABILITY_GRACE_DAYS)).isoformat()
        signals.append(
            Weight(
                "availability",
                availability / 2,
                Range("available_from", lte=start, null_as=NO_DATE),
            )
        )
        signals.append(
            Weight(
                "availability",
                availability / 4,
                Range("available_from", gt=start, lte=grace, null_as=NO_DATE),
            )
        )
    cells = slot_cells(slot_dicts(c.slots))
    # The days' half of availability; with a mission's slots, the share of its hours that
    # she covers takes half of that half (her hour cells, `marketplace/slots.py`).
    days_weight = availability / 4 if cells else availability / 2
    if c.days:
        signals.append(TermShare("availability", days_weight, "weekdays", c.days))
        signals.append(Weight("availability", days_weight / 2, Missing("weekdays")))
    if cells:
        signals.append(TermShare("availability", availability / 4, "slot_cells", tuple(cells)))
        signals.append(Weight("availability", availability / 8, Missing("slot_cells")))
    if c.skills:
        signals.append(TermShare("skills", W_SKILLS, "skills", c.skills))
    signals.append(FieldValue("experience", W_EXPERIENCE, "experience_score", missing=0.0))
    text_match = None
    if c.terms:
        text_match = TextMatch("text", c.text_weight, c.terms, required=c.text_required)
    meaning = Meaning(c.meaning, c.text_weight, WINDOW) if c.meaning else None
    return Plan(filters=filters, signals=signals, text=text_match, meaning=meaning)


@dataclass(frozen=True)
class _NotIds:
    ids: tuple[str, ...]

    def es(self) -> dict[str, Any]:
        return {"bool": {"must_not": [{"terms": {"id": list(self.ids)}}]}}

    def test(self, doc: Doc) -> bool:
        return str(doc["id"]) not in self.ids


def _not_ids(ids: tuple[str, ...]) -> Filter:
    return _NotIds(ids)


def criteria_for_mission(mission: Any, strict_specialty: bool = True) -> SecretaryCriteria:
    """The search a mission implies (a `missions.models.Mission`)."""
    origin = Origin(mission.postal_code, mission.lat, mission.lon, mission.city)
    return SecretaryCriteria(
        specialty=mission.specialty,
        strict_specialty=strict_specialty,
        origin=origin,
        onsite=not mission.remote_ok,
        budget_rate_cents=hourly_budget(mission.budget_cents, budget_hours(mission)),
        urgent=mission.urgent,
        rate_kind=rate_kind_of(mission),
        start_date=mission.start_date,
        days=tuple(needed_days(mission)),
        slots=tuple(
            (slot["day"], slot["start"], slot["end"])
            for slot in getattr(mission, "weekly_slots", None) or []
        ),
        skills=tuple(mission.skills),
        terms=text.query_terms(mission.title, limit=12),
        words=text.query_words(mission.title, limit=12),
        text_weight=W_TEXT_MISSION,
        meaning=embeddings.query_vector(
            embeddings.mission_text(mission.title, mission.description, mission.confidential)
        ),
    )


# ----------------------------------------------------------------------------- missions
@dataclass(frozen=True)
class MissionCriteria:
    """What a secretary looks for: her profile, or the filters of the search form."""

    now: datetime
    specialty: str | None = None  # filter
    specialties: tuple[str, ...] = ()  # signal: her specialties
    origin: Origin | None = None
    radius_km: float | None = None  # filter
    # the secretary's own reach: missions she could not do are out
    home: Origin | None = None
    home_radius_km: int = 0
    works_remotely: bool = True
    rate_cents: int | None = None
    urgent_rate_cents: int | None = None
    available_from: date | None = None
    weekdays: tuple[str, ...] = ()
    slots: tuple[tuple[str, str, str], ...] = ()  # her weekly slots, for the reasons
    skills: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict)
    text_required: bool = False
    text_weight: float = W_TEXT_MISSION
    personal: bool = False
    exclude_ids: tuple[str, ...] = ()
    remote_ok: bool | None = None  # filter: true remote-friendly missions, false on site only
    min_budget_cents: int | None = None  # filter: the mission's budget is at least this
    schedule: str | None = None  # filter: "one_off" or "recurring"
    # the sentence embedding of her profile, or of the typed query (hybrid.py)
    meaning: bytes | None = None


def mission_plan(c: MissionCriteria) -> Plan:
    filters: list[Filter] = []
    signals: list[Signal] = []
    if c.specialty:
        filters.append(AnyTerm("specialty", (c.specialty,)))
    if c.remote_ok is not None:
        filters.append(AnyTerm("remote_ok", (c.remote_ok,)))
    if c.min_budget_cents is not None:
        filters.append(Range("budget_cents", gte=c.min_budget_cents))
    if c.schedule is not None:
        filters.append(AnyTerm("schedule", (c.schedule,)))
    if c.specialties:
        signals.append(Weight("specialty", W_SPECIALTY, AnyTerm("specialty", c.specialties)))
    if c.origin is not None and c.radius_km is not None:
        filters.append(WithinKm(c.origin, c.radius_km))
    if c.home is not None:
        reach: list[Filter] = []
        if c.works_remotely:
            reach.append(AnyTerm("remote_ok", (True,)))
        if c.home_radius_km > 0:
            reach.append(WithinKm(c.home, c.home_radius_km))
        filters.append(AnyOf(tuple(reach)))
    if c.exclude_ids:
        filters.append(_not_ids(c.exclude_ids))
    center = c.home if c.personal else c.origin
    if center is not None:
        signals.append(
            GeoDecay(
                "proximity",
                W_PROXIMITY_ONSITE,
                center,
                ONSITE_SCALE_KM,
                ONSITE_OFFSET_KM,
                when=AnyTerm("remote_ok", (False,)),
            )
        )
        signals.append(
            GeoDecay(
                "proximity",
                W_PROXIMITY_REMOTE,
                center,
                REMOTE_SCALE_KM,
                REMOTE_OFFSET_KM,
                when=AnyTerm("remote_ok", (True,)),
            )
        )
    if c.rate_cents:
        for urgent, rate in ((False, c.rate_cents), (True, c.urgent_rate_cents or c.rate_cents)):
            # 1 when the budget covers her rate, decaying below it; flat above.
            signals.append(
                NumberDecay(
                    "budget",
                    W_BUDGET,
                    "budget_rate_cents",
                    origin=rate + FLAT_OFFSET,
                    offset=FLAT_OFFSET,
                    scale=rate * BUDGET_SCALE,
                    when=AllOf((AnyTerm("urgent", (urgent,)), Exists("budget_rate_cents"))),
                )
            )
        signals.append(Weight("budget", W_BUDGET / 4, Missing("budget_rate_cents")))
    if c.personal:
        ready = (c.available_from or date(1970, 1, 1)).isoformat()
        early = (
            (c.available_from or date(1970, 1, 1)) - timedelta(days=AVAILABILITY_GRACE_DAYS)
        ).isoformat()
        signals.append(Weight("availability", W_AVAILABILITY / 2, Range("start_date", gte=ready)))
        signals.append(
            Weight("availability", W_AVAILABILITY / 4, Range("start_date", gte=early, lt=ready))
        )
        if c.weekdays:
            signals.append(
                TermShare("availability", W_AVAILABILITY / 2, "days", c.weekdays, "days_count", 7)
            )
        else:
            signals.append(Weight("availability", W_AVAILABILITY / 4))
        if c.skills:
            signals.append(
                TermShare("skills", W_SKILLS, "skills", c.skills, "skills_count", SKILLS_CAP)
            )
    signals.append(
        DateDecay(
            "recency", W_RECENCY, "created_at", c.now, RECENCY_SCALE_DAYS, RECENCY_OFFSET_DAYS
        )
    )
    text_match = None
    if c.terms:
        text_match = TextMatch("text", c.text_weight, c.terms, required=c.text_required)
    meaning = Meaning(c.meaning, c.text_weight, WINDOW) if c.meaning else None
    return Plan(filters=filters, signals=signals, text=text_match, meaning=meaning)


__all__ = [
    "MissionCriteria",
    "SecretaryCriteria",
    "criteria_for_mission",
    "mission_plan",
    "secretary_plan",
]
