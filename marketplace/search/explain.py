"""Reasons and caveats: what speaks for a ranked result and what speaks against it.

Every ranked result (a mission's matches, both searches) carries two lists of sentences in
the caller's language, built here from the same `Plan` that ranked it (`ranking.py`):

* `reasons`: what speaks for it, strongest first, ordered by the points each part of the
  ranking brought (specialty, proximity, rating, budget, ...). A card shows the first
  `CARD_REASONS`; the API returns them all.
* `caveats`: what speaks against it (over budget, far away, available later or on part of the
  planned days, skills missing, a low rating), the most costly first: ordered by the points
  that part of the ranking could have brought and did not.

A fact is a reason or a caveat, never both: "Dans votre budget" is a reason, "17 % au-dessus
de votre budget" a caveat. Distances up to `NEAR_KM` are reasons, beyond it caveats. Keyword
reasons name only telling words (`text.telling`): no digits, no units such as "ans".

Sentences are French msgids translated through the app catalogue (`wording.py`), so these
functions also run outside a request (notifications).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from marketplace.money import euros
from marketplace.search import ranking, text
from marketplace.search.plan import Doc, Plan
from marketplace.search.wording import Words
from marketplace.slots import coverage_percent
from marketplace.taxonomy import label

CARD_REASONS = 4  # a card shows at most this many reasons
NEAR_KM = 50.0  # a distance up to this is a reason, beyond it a caveat
LOW_RATING = 3.5  # a Bayesian-free average under this (on 1..5) is a caveat


@dataclass
class Explanation:
    reasons: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


class _Collector:
    """Sentences with the ranking component they speak of, ordered when done."""

    def __init__(self, parts: dict[str, float], ceilings: dict[str, float]) -> None:
        self.parts = parts
        self.ceilings = ceilings
        self._pros: list[tuple[str, str]] = []
        self._cons: list[tuple[str, str]] = []

    def pro(self, key: str, sentence: str) -> None:
        self._pros.append((key, sentence))

    def con(self, key: str, sentence: str) -> None:
        self._cons.append((key, sentence))

    def done(self) -> Explanation:
        def brought(ie: tuple[int, tuple[str, str]]) -> tuple[float, int]:
            return (-self.parts.get(ie[1][0], 0.0), ie[0])

        def cost(ie: tuple[int, tuple[str, str]]) -> tuple[float, int]:
            key = ie[1][0]
            return (-(self.ceilings.get(key, 0.0) - self.parts.get(key, 0.0)), ie[0])

        pros = [s for _i, (_k, s) in sorted(enumerate(self._pros), key=brought)]
        cons = [s for _i, (_k, s) in sorted(enumerate(self._cons), key=cost)]
        return Explanation(list(dict.fromkeys(pros)), list(dict.fromkeys(cons)))


# ----------------------------------------------------------------------------- formatting
def number(value: float, decimals: int, locale: str) -> str:
    """1 234,5 in French, 1,234.5 in English."""
    formatted = f"{value:,.{decimals}f}"
    if str(locale).startswith("fr"):
        formatted = formatted.replace(",", "\u202f").replace(".", ",")
    return formatted


def day_date(value: date, locale: str) -> str:
    return value.strftime("%d/%m/%Y") if str(locale).startswith("fr") else value.isoformat()


def km_text(km: float, locale: str) -> str:
    """12 or 4,5 (a decimal under 10 km), for "à %(distance)s km"."""
    return number(km, 0 if km >= 10 else 1, locale).removesuffix(",0").removesuffix(".0")


def distance_sentence(w: Words, km: float) -> str:
    if km < 1:
        return w.gettext("À moins de 1 km")
    return w.gettext("À %(distance)s km", distance=km_text(km, w.lang))


def _listing(codes: Sequence[str], lang: str) -> str:
    return ", ".join(label(code, lang).lower() for code in codes)


def _telling_words(words: dict[str, str], matched: Sequence[str]) -> str:
    return ", ".join(words.get(t, t) for t in matched if text.telling(t))


def _specialty(w: Words, code: str) -> str:
    sentences = {
        "legal": w.gettext("Spécialité juridique"),
        "medical": w.gettext("Spécialité médicale"),
        "insurance": w.gettext("Spécialité assurances"),
        "industry": w.gettext("Spécialité industrie"),
        "general": w.gettext("Secrétariat général"),
    }
    return sentences.get(code, code)


# ----------------------------------------------------------------------------- secretaries
def _slot_coverage(out: _Collector, percent: int, covers: str, none: str) -> None:
    """Slots wholly covered speak for a result; partly or not at all, against it."""
    if percent >= 100:
        out.pro("availability", covers)
    elif percent > 0:
        out.con("availability", covers)
    else:
        out.con("availability", none)


def explain_secretary(
    c: ranking.SecretaryCriteria, plan: Plan, doc: Doc, locale: str
) -> Explanation:
    """Why this secretary ranks where she does for the client's criteria."""
    w = Words(locale)
    lang = w.lang
    availability = ranking.W_AVAILABILITY * (2 if c.urgent else 1)
    out = _Collector(
        plan.contributions(doc),
        {
            "specialty": ranking.W_SPECIALTY,
            "proximity": ranking.W_PROXIMITY_ONSITE if c.onsite else ranking.W_PROXIMITY_REMOTE,
            "rating": ranking.W_RATING,
            "budget": ranking.W_BUDGET,
            "availability": availability,
            "skills": ranking.W_SKILLS,
        },
    )
    if c.specialty:
        if c.specialty in doc.get("specialties", ()):
            out.pro("specialty", _specialty(w, c.specialty))
        else:
            out.con(
                "specialty",
                w.gettext("Autre spécialité que %(specialty)s", specialty=label(c.specialty, lang)),
            )
    if c.origin is not None:
        km = c.origin.km_to(doc)
        radius = int(doc.get("onsite_radius_km") or 0)
        if km <= NEAR_KM:
            out.pro("proximity", distance_sentence(w, km))
        else:
            out.con(
                "proximity",
                w.gettext(
                    "Loin : à %(distance)s km de %(city)s",
                    distance=km_text(km, lang),
                    city=c.origin.city or c.origin.postal_code,
                ),
            )
        if c.onsite:
            out.pro("proximity", w.gettext("Se déplace jusqu'à %(radius)d km", radius=radius))
        elif doc.get("remote"):
            out.pro("remote", w.gettext("Travaille à distance"))
    count = int(doc.get("rating_count") or 0)
    if count:
        avg = float(doc.get("rating_avg") or 0)
        sentence = w.ngettext(
            "%(avg)s/5 sur %(num)d avis",
            "%(avg)s/5 sur %(num)d avis",
            count,
            avg=number(avg, 1, lang),
        )
        if avg >= LOW_RATING:
            out.pro("rating", sentence)
        else:
            out.con("rating", w.gettext("Note moyenne : %(rating)s", rating=sentence))
    budget = c.budget_rate_cents if c.budget_rate_cents is not None else c.max_rate_cents
    if budget:
        rate = int(doc.get(ranking.rate_field(c), doc["hourly_rate_cents"]))
        if rate <= budget:
            if c.urgent and doc.get("surcharge_percent"):
                out.pro("budget", w.gettext("Dans votre budget, majoration urgence comprise"))
            else:
                out.pro("budget", w.gettext("Dans votre budget"))
        else:
            out.con(
                "budget",
                w.gettext(
                    "%(percent)d\u00a0%% au-dessus de votre budget (%(rate)s/h)",
                    percent=round((rate - budget) * 100 / budget),
                    rate=euros(rate, lang, "short"),
                ),
            )
    available_from = str(doc.get("available_from") or ranking.NO_DATE)
    if c.available_on is not None:
        out.pro(
            "availability",
            w.gettext("Disponible le %(date)s", date=day_date(c.available_on, lang)),
        )
    else:
        if c.start_date is not None:
            if available_from <= c.start_date.isoformat():
                out.pro("availability", w.gettext("Disponible dès le début de la mission"))
            else:
                out.con(
                    "availability",
                    w.gettext(
                        "Disponible seulement à partir du %(date)s",
                        date=day_date(date.fromisoformat(available_from), lang),
                    ),
                )
        if c.slots and doc.get("slots"):
            # Her slots say more than her days: the share of the mission's hours she covers.
            percent = coverage_percent(ranking.slot_dicts(c.slots), doc["slots"])
            _slot_coverage(
                out,
                percent,
                w.gettext("Couvre %(percent)d\u00a0%% de vos créneaux", percent=percent),
                w.gettext("Ne couvre aucun de vos créneaux"),
            )
        elif c.days and doc.get("weekdays"):
            covered = [d for d in c.days if d in doc["weekdays"]]
            if len(covered) == len(c.days):
                out.pro("availability", w.gettext("Disponible tous les jours prévus"))
            elif covered:
                out.con(
                    "availability",
                    w.ngettext(
                        "Disponible %(num)d jour sur les %(planned)d prévus",
                        "Disponible %(num)d jours sur les %(planned)d prévus",
                        len(covered),
                        planned=len(c.days),
                    ),
                )
            else:
                out.con("availability", w.gettext("Ne travaille aucun des jours prévus"))
    if c.skills:
        have = [s for s in c.skills if s in doc.get("skills", ())]
        lacks = [s for s in c.skills if s not in have]
        if have:
            out.pro(
                "skills",
                w.ngettext(
                    "%(num)d compétence sur %(asked)d : %(skills)s",
                    "%(num)d compétences sur %(asked)d : %(skills)s",
                    len(have),
                    asked=len(c.skills),
                    skills=_listing(have, lang),
                ),
            )
        if lacks and not c.required_skills:
            out.con("skills", w.gettext("Sans : %(skills)s", skills=_listing(lacks, lang)))
    if plan.text is not None:
        words = _telling_words(c.words, plan.text.matched(doc))
        if words:
            if c.text_required:
                out.pro("text", w.gettext("Correspond à « %(words)s »", words=words))
            else:
                out.pro("text", w.gettext("Son profil parle de : %(words)s", words=words))
    completed = int(doc.get("completed_contracts") or 0)
    if completed:
        out.pro(
            "experience",
            w.ngettext(
                "%(num)d mission réalisée sur la plateforme",
                "%(num)d missions réalisées sur la plateforme",
                completed,
            ),
        )
    return out.done()


# ----------------------------------------------------------------------------- missions
def explain_mission(c: ranking.MissionCriteria, plan: Plan, doc: Doc, locale: str) -> Explanation:
    """Why this mission ranks where it does for the secretary (or the search form)."""
    w = Words(locale)
    lang = w.lang
    remote_ok = bool(doc.get("remote_ok"))
    out = _Collector(
        plan.contributions(doc),
        {
            "specialty": ranking.W_SPECIALTY,
            "proximity": ranking.W_PROXIMITY_REMOTE if remote_ok else ranking.W_PROXIMITY_ONSITE,
            "budget": ranking.W_BUDGET,
            "availability": ranking.W_AVAILABILITY,
            "skills": ranking.W_SKILLS,
        },
    )
    specialty = str(doc.get("specialty") or "")
    if (c.specialties and specialty in c.specialties) or c.specialty:
        out.pro("specialty", _specialty(w, specialty))
    elif c.personal and c.specialties:
        out.con(
            "specialty",
            w.gettext("Hors de vos spécialités (%(specialty)s)", specialty=label(specialty, lang)),
        )
    center = c.home if c.personal else c.origin
    km = center.km_to(doc) if center is not None else None
    if remote_ok:
        out.pro("remote", w.gettext("À distance possible"))
        if km is not None and km <= NEAR_KM:
            out.pro("proximity", distance_sentence(w, km))
    elif km is None:
        out.pro("proximity", w.gettext("Sur place"))
    elif km <= NEAR_KM:
        out.pro("proximity", w.gettext("Sur place, à %(distance)s km", distance=km_text(km, lang)))
    else:
        out.con(
            "proximity",
            w.gettext("Sur place, loin : à %(distance)s km", distance=km_text(km, lang)),
        )
    budget = doc.get("budget_rate_cents")
    if c.rate_cents and budget:
        rate = (c.urgent_rate_cents or c.rate_cents) if doc.get("urgent") else c.rate_cents
        amount = euros(int(budget), lang, "short")
        if budget >= rate:
            sentence = w.gettext("Budget d'environ %(amount)s/h, dans votre tarif", amount=amount)
            out.pro("budget", sentence)
        else:
            out.con(
                "budget",
                w.gettext(
                    "Budget d'environ %(amount)s/h, sous votre tarif (%(rate)s/h)",
                    amount=amount,
                    rate=euros(rate, lang, "short"),
                ),
            )
    start = doc.get("start_date")
    if start:
        when = day_date(date.fromisoformat(str(start)), lang)
        ready = c.available_from.isoformat() if c.available_from else None
        if c.personal and ready and str(start) < ready:
            out.con(
                "availability",
                w.gettext(
                    "Commence le %(date)s, avant votre disponibilité (%(ready)s)",
                    date=when,
                    ready=day_date(c.available_from, lang) if c.available_from else "",
                ),
            )
        else:
            out.pro("availability", w.gettext("Commence le %(date)s", date=when))
    if c.personal and c.slots and doc.get("slots"):
        percent = coverage_percent(doc["slots"], ranking.slot_dicts(c.slots))
        _slot_coverage(
            out,
            percent,
            w.gettext("Vos créneaux couvrent %(percent)d\u00a0%% des siens", percent=percent),
            w.gettext("Aucun de ses créneaux dans les vôtres"),
        )
    elif c.personal and c.weekdays and doc.get("days"):
        outside = [d for d in doc["days"] if d not in c.weekdays]
        if not outside:
            out.pro("availability", w.gettext("Tombe sur vos jours de travail"))
        else:
            out.con(
                "availability",
                w.ngettext(
                    "%(num)d jour prévu hors de vos jours de travail",
                    "%(num)d jours prévus hors de vos jours de travail",
                    len(outside),
                ),
            )
    if c.personal and c.skills:
        wanted = list(doc.get("skills", ()))
        have = [s for s in wanted if s in c.skills]
        lacks = [s for s in wanted if s not in c.skills]
        if have:
            out.pro(
                "skills",
                w.ngettext(
                    "%(num)d compétence en commun : %(skills)s",
                    "%(num)d compétences en commun : %(skills)s",
                    len(have),
                    skills=_listing(have, lang),
                ),
            )
        if lacks:
            out.con(
                "skills",
                w.gettext("Demande aussi : %(skills)s", skills=_listing(lacks, lang)),
            )
    if plan.text is not None:
        words = _telling_words(c.words, plan.text.matched(doc))
        if words:
            if c.personal:
                out.pro("text", w.gettext("Mots de votre profil : %(words)s", words=words))
            else:
                out.pro("text", w.gettext("Correspond à « %(words)s »", words=words))
    created = doc.get("created_at")
    if created:
        age = (c.now - datetime.fromisoformat(str(created))).days
        if age <= 0:
            out.pro("recency", w.gettext("Publiée aujourd'hui"))
        else:
            out.pro(
                "recency",
                w.ngettext("Publiée il y a %(num)d jour", "Publiée il y a %(num)d jours", age),
            )
    if doc.get("urgent"):
        out.pro("urgent", w.gettext("Urgente"))
    return out.done()
