"""Building blocks of a ranking, each with two renderings that mean the same thing.

A `Plan` is a list of filters (who is in) and signals (how much each one scores). Every
filter and signal renders itself as Elasticsearch query JSON (`es()`) and evaluates itself on
a document dict in Python (`test()` / `value()`). The Elasticsearch backend sends the JSON;
the embedded backend runs the Python; both read the same `Plan`, built by `ranking.py`, so
the two backends rank with one formula by construction. The tests check they agree.

The score of a document is

    score = 1 + sum(signal contributions) + text contribution

which is exactly what Elasticsearch computes for a `function_score` query with
`score_mode: sum`, `boost_mode: sum`, one always-on `{"weight": 1}` function (so the function
part never falls back to Elasticsearch's "no function matched -> 1"), and a `bool` query
whose only scoring clauses are `constant_score` term clauses (the text signal).

Documents are the dicts of `documents.py`: the Elasticsearch `_source`, with the same keys in
the embedded backend. Dates are ISO strings (they compare like dates); a location is
``{"lat": .., "lon": ..}``; text fields hold space-separated terms from `text.terms()`.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from marketplace.geo.places import distance_km

Doc = Mapping[str, Any]
Json = dict[str, Any]
# isinstance() with a tuple, not `list | tuple | ...`: that union is rebuilt at each call,
# and these run for every document and signal (several times slower).
_COLLECTIONS = (list, tuple, set, frozenset)
_TERM_SETS = (frozenset, set, dict)


@dataclass(frozen=True)
class Origin:
    """A place searched from: a known French postal code and its coordinates."""

    postal_code: str
    lat: float
    lon: float
    city: str = ""

    def km_to(self, doc: Doc) -> float:
        loc = doc["location"]
        return distance_km(self.lat, self.lon, loc["lat"], loc["lon"])

    def es_point(self) -> Json:
        return {"lat": self.lat, "lon": self.lon}


def gauss(distance: float, scale: float, offset: float, decay: float) -> float:
    """Elasticsearch's gauss decay: 1 within `offset`, `decay` at `offset + scale`."""
    sigma2 = -(scale**2) / (2.0 * math.log(decay))
    excess = max(0.0, abs(distance) - offset)
    return math.exp(-(excess**2) / (2.0 * sigma2))


def _values(value: Any) -> Iterable[Any]:
    if value is None:
        return ()
    if isinstance(value, _COLLECTIONS):
        return value
    return (value,)


# ----------------------------------------------------------------------------- filters


class Filter(Protocol):
    def es(self) -> Json: ...

    def test(self, doc: Doc) -> bool: ...


@dataclass(frozen=True)
class AnyTerm:
    """The (keyword or boolean) field holds at least one of `values`."""

    field: str
    values: tuple[Any, ...]

    def es(self) -> Json:
        if len(self.values) == 1:
            return {"term": {self.field: self.values[0]}}
        return {"terms": {self.field: list(self.values)}}

    def test(self, doc: Doc) -> bool:
        value = doc.get(self.field)
        if isinstance(value, _COLLECTIONS):
            if len(self.values) == 1:
                return self.values[0] in value
            return any(v in self.values for v in value)
        return value is not None and value in self.values


@dataclass(frozen=True)
class Missing:
    """The field is absent, null or an empty list."""

    field: str

    def es(self) -> Json:
        return {"bool": {"must_not": [{"exists": {"field": self.field}}]}}

    def test(self, doc: Doc) -> bool:
        return not list(_values(doc.get(self.field)))


@dataclass(frozen=True)
class Exists:
    field: str

    def es(self) -> Json:
        return {"exists": {"field": self.field}}

    def test(self, doc: Doc) -> bool:
        return bool(list(_values(doc.get(self.field))))


@dataclass(frozen=True)
class Range:
    """gte/gt/lte/lt bounds on a number or an ISO date; `null_as` is the mapping's null_value."""

    field: str
    gte: Any = None
    gt: Any = None
    lte: Any = None
    lt: Any = None
    null_as: Any = None

    def es(self) -> Json:
        bounds = {
            k: v
            for k, v in (("gte", self.gte), ("gt", self.gt), ("lte", self.lte), ("lt", self.lt))
        }
        return {"range": {self.field: {k: v for k, v in bounds.items() if v is not None}}}

    def test(self, doc: Doc) -> bool:
        value = doc.get(self.field)
        if value is None:
            value = self.null_as
            if value is None:
                return False
        return not (
            (self.gte is not None and value < self.gte)
            or (self.gt is not None and value <= self.gt)
            or (self.lte is not None and value > self.lte)
            or (self.lt is not None and value >= self.lt)
        )


@dataclass(frozen=True)
class WithinKm:
    """The document's location is at most `km` from `origin` (great-circle distance)."""

    origin: Origin
    km: float

    def es(self) -> Json:
        return {"geo_distance": {"distance": f"{self.km}km", "location": self.origin.es_point()}}

    def test(self, doc: Doc) -> bool:
        return self.origin.km_to(doc) <= self.km


@dataclass(frozen=True)
class Reaches:
    """The secretary's on-site radius reaches `origin`: 0 < distance <= onsite_radius_km.

    Elasticsearch has no scripts here, so each secretary is indexed with the postal codes
    her radius reaches (`onsite_postal_codes`, computed with the same distance function);
    `origin` is always a postal code's place, so the term lookup is the exact same test.
    """

    origin: Origin

    def es(self) -> Json:
        return {"term": {"onsite_postal_codes": self.origin.postal_code}}

    def test(self, doc: Doc) -> bool:
        radius = doc.get("onsite_radius_km") or 0
        return radius > 0 and self.origin.km_to(doc) <= radius


@dataclass(frozen=True)
class AllOf:
    filters: tuple[Filter, ...]

    def es(self) -> Json:
        return {"bool": {"filter": [f.es() for f in self.filters]}}

    def test(self, doc: Doc) -> bool:
        return all(f.test(doc) for f in self.filters)


@dataclass(frozen=True)
class AnyOf:
    filters: tuple[Filter, ...]

    def es(self) -> Json:
        return {"bool": {"should": [f.es() for f in self.filters], "minimum_should_match": 1}}

    def test(self, doc: Doc) -> bool:
        return any(f.test(doc) for f in self.filters)


NOTHING = AnyOf(())  # matches no document (an empty should with minimum 1)


# ----------------------------------------------------------------------------- signals


class Signal(Protocol):
    @property
    def key(self) -> str:
        """Which component of the ranking this is part of ("rating", "proximity", ...)."""
        ...

    def es(self) -> Json | list[Json]:
        """One `function_score` function, or several whose sum is this signal."""
        ...

    def value(self, doc: Doc) -> float: ...


@dataclass(frozen=True)
class Weight:
    """`weight` when the document passes `when` (always when `when` is None)."""

    key: str
    weight: float
    when: Filter | None = None

    def es(self) -> Json:
        out: Json = {"weight": self.weight}
        if self.when is not None:
            out["filter"] = self.when.es()
        return out

    def value(self, doc: Doc) -> float:
        return self.weight if self.when is None or self.when.test(doc) else 0.0


def _gauss_function(
    field: str,
    origin: Any,
    scale: Any,
    offset: Any,
    decay: float,
    weight: float,
    when: Filter | None = None,
) -> Json:
    """The `function_score` entry of a gauss decay, filtered by `when` if given."""
    out: Json = {
        "gauss": {field: {"origin": origin, "scale": scale, "offset": offset, "decay": decay}},
        "weight": weight,
    }
    if when is not None:
        out["filter"] = when.es()
    return out


@dataclass(frozen=True)
class GeoDecay:
    """weight x gauss(distance from origin), for documents passing `when`."""

    key: str
    weight: float
    origin: Origin
    scale_km: float
    offset_km: float
    decay: float = 0.5
    when: Filter | None = None

    def es(self) -> Json:
        return _gauss_function(
            "location",
            self.origin.es_point(),
            f"{self.scale_km}km",
            f"{self.offset_km}km",
            self.decay,
            self.weight,
            self.when,
        )

    def value(self, doc: Doc) -> float:
        if self.when is not None and not self.when.test(doc):
            return 0.0
        d = self.origin.km_to(doc)
        return self.weight * gauss(d, self.scale_km, self.offset_km, self.decay)


@dataclass(frozen=True)
class NumberDecay:
    """weight x gauss(|field - origin|) on a numeric field; `when` must ensure it exists."""

    key: str
    weight: float
    field: str
    origin: float
    scale: float
    offset: float
    decay: float = 0.5
    when: Filter | None = None

    def es(self) -> Json:
        return _gauss_function(
            self.field, self.origin, self.scale, self.offset, self.decay, self.weight, self.when
        )

    def value(self, doc: Doc) -> float:
        if self.when is not None and not self.when.test(doc):
            return 0.0
        raw = doc.get(self.field)
        if raw is None:
            return self.weight  # Elasticsearch: a decay on a missing field gives 1
        return self.weight * gauss(float(raw) - self.origin, self.scale, self.offset, self.decay)


_MS_PER_DAY = 86_400_000


@dataclass(frozen=True)
class DateDecay:
    """weight x gauss(days between the date field and `origin`)."""

    key: str
    weight: float
    field: str
    origin: datetime
    scale_days: float
    offset_days: float
    decay: float = 0.5

    def es(self) -> Json:
        return _gauss_function(
            self.field,
            int(self.origin.timestamp() * 1000),
            f"{int(self.scale_days * 24)}h",
            f"{int(self.offset_days * 24)}h",
            self.decay,
            self.weight,
        )

    def value(self, doc: Doc) -> float:
        raw = doc.get(self.field)
        if raw is None:
            return self.weight
        when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        days = (int(when.timestamp() * 1000) - int(self.origin.timestamp() * 1000)) / _MS_PER_DAY
        return self.weight * gauss(days, self.scale_days, self.offset_days, self.decay)


@dataclass(frozen=True)
class FieldValue:
    """weight x the numeric field (already normalised to 0..1 at index time)."""

    key: str
    weight: float
    field: str
    missing: float = 0.0

    def es(self) -> Json:
        return {
            "field_value_factor": {
                "field": self.field,
                "factor": 1.0,
                "modifier": "none",
                "missing": self.missing,
            },
            "weight": self.weight,
        }

    def value(self, doc: Doc) -> float:
        raw = doc.get(self.field)
        return self.weight * (self.missing if raw is None else float(raw))


@dataclass(frozen=True)
class TermShare:
    """weight x the share of `values` found in the document's keyword `field`.

    The share is (values found) / len(values), or with `count_field` (values found) / that
    field's value in the document, for counts 1..max_count (in Elasticsearch one filtered
    weight per value and count; their sum is the share).
    """

    key: str
    weight: float
    field: str
    values: tuple[str, ...]
    count_field: str | None = None
    max_count: int = 0

    def es(self) -> list[Json]:
        if self.count_field is None:
            each = self.weight / len(self.values) if self.values else 0.0
            return [{"filter": {"term": {self.field: v}}, "weight": each} for v in self.values]
        return [
            {
                "filter": {
                    "bool": {
                        "filter": [
                            {"term": {self.field: v}},
                            {"term": {self.count_field: count}},
                        ]
                    }
                },
                "weight": self.weight / count,
            }
            for count in range(1, self.max_count + 1)
            for v in self.values
        ]

    def value(self, doc: Doc) -> float:
        held = doc.get(self.field) or ()
        found = sum(1 for v in self.values if v in held)
        if not found:
            return 0.0
        if self.count_field is None:
            return self.weight * found / len(self.values)
        count = doc.get(self.count_field) or 0
        return self.weight * found / count if 1 <= count <= self.max_count else 0.0


# ----------------------------------------------------------------------------- text


def termset(value: Any) -> Collection[str]:
    """The terms of a text field: space-separated in `_source`, a dict or set when cached."""
    if value is None:
        return ()
    if isinstance(value, _TERM_SETS):
        return value
    return frozenset(str(value).split())


@dataclass(frozen=True)
class TextMatch:
    """Share of the query terms found in the document, the title counting more than the body.

    Each term adds `weight / n` if found in the title field, else `body_share * weight / n`
    if found in the body field: in Elasticsearch a `dis_max` of two `constant_score` term
    queries per term, summed by a `bool` `should`. With `required`, a document must match at
    least one term.
    """

    key: str
    weight: float
    terms: tuple[str, ...]
    title_field: str = "title_terms"
    body_field: str = "text_terms"
    body_share: float = 0.6
    required: bool = False

    @property
    def per_term(self) -> float:
        return self.weight / len(self.terms) if self.terms else 0.0

    def should(self) -> list[Json]:
        each = self.per_term
        return [
            {
                "dis_max": {
                    "queries": [
                        {
                            "constant_score": {
                                "filter": {"term": {self.title_field: t}},
                                "boost": each,
                            }
                        },
                        {
                            "constant_score": {
                                "filter": {"term": {self.body_field: t}},
                                "boost": each * self.body_share,
                            }
                        },
                    ]
                }
            }
            for t in self.terms
        ]

    def matched(self, doc: Doc) -> list[str]:
        title, body = termset(doc.get(self.title_field)), termset(doc.get(self.body_field))
        return [t for t in self.terms if t in title or t in body]

    def value(self, doc: Doc) -> float:
        if not self.terms:
            return 0.0
        title, body = termset(doc.get(self.title_field)), termset(doc.get(self.body_field))
        each = self.per_term
        total = 0.0
        for t in self.terms:
            if t in title:
                total += each
            elif t in body:
                total += each * self.body_share
        return total


# ----------------------------------------------------------------------------- meaning


@dataclass(frozen=True)
class Meaning:
    """What the query means (its byte vector, `embeddings.py`), and how much that weighs.

    In the first pass (which documents make the window that `hybrid.py` re-ranks) the `k`
    documents nearest to the vector among those the filters admit, if their cosine is at
    least `min_cosine`, each add
    `weight x (1 + cosine) / 2`: in Elasticsearch a `knn` query on the `meaning` field
    with the plan's filters as its pre-filter, in a `should` of the bool query (with a
    required text, a document must then match a term or be one of the `k` nearest).
    """

    vector: bytes
    weight: float
    k: int
    min_cosine: float = 0.2  # nearer than this only: unrelated texts are not neighbours
    field: str = "meaning"
    bytes_field: str = "meaning_bytes"
    num_candidates: int = 200

    def es(self, filters: Sequence[Filter]) -> Json:
        return {
            "knn": {
                "field": self.field,
                "query_vector": list(self.vector_ints()),
                "k": self.k,
                "num_candidates": max(self.num_candidates, self.k),
                "filter": [f.es() for f in filters],
                "similarity": self.min_cosine,
                "boost": self.weight,
            }
        }

    def vector_ints(self) -> tuple[int, ...]:
        return struct.unpack(f"{len(self.vector)}b", self.vector)


# ----------------------------------------------------------------------------- plan

BASE_SCORE = 1.0


@dataclass
class Plan:
    filters: list[Filter] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    text: TextMatch | None = None
    meaning: Meaning | None = None

    def signals_score(self, doc: Doc) -> float:
        """1 + every signal but the text (what `hybrid.py` adds the fused text to)."""
        total = BASE_SCORE
        for signal in self.signals:
            total += signal.value(doc)
        return total

    # -- Python evaluation (embedded backend, reasons)
    def admits(self, doc: Doc) -> bool:
        if not all(f.test(doc) for f in self.filters):
            return False
        if self.text is not None and self.text.required and self.text.terms:
            return bool(self.text.matched(doc))
        return True

    def contributions(self, doc: Doc) -> dict[str, float]:
        parts: dict[str, float] = {}
        for signal in self.signals:
            v = signal.value(doc)
            if v:
                parts[signal.key] = parts.get(signal.key, 0.0) + v
        if self.text is not None:
            v = self.text.value(doc)
            if v:
                parts[self.text.key] = parts.get(self.text.key, 0.0) + v
        return parts

    def score(self, doc: Doc) -> float:
        total = BASE_SCORE
        for signal in self.signals:
            total += signal.value(doc)
        if self.text is not None:
            total += self.text.value(doc)
        return total

    # -- Elasticsearch rendering
    def _functions(self) -> list[Json]:
        out: list[Json] = []
        for signal in self.signals:
            rendered = signal.es()
            out.extend(rendered if isinstance(rendered, list) else [rendered])
        return out

    def es_query(self) -> Json:
        # Filters only (never an empty bool, which Elasticsearch scores 1 like match_all).
        bool_query: Json = {"filter": [f.es() for f in self.filters] or [{"match_all": {}}]}
        should: list[Json] = []
        if self.text is not None and self.text.terms:
            should.extend(self.text.should())
        if self.meaning is not None:
            should.append(self.meaning.es(self.filters))
        if should:
            bool_query["should"] = should
            if self.text is not None and self.text.terms and self.text.required:
                bool_query["minimum_should_match"] = 1
        return {
            "function_score": {
                "query": {"bool": bool_query},
                "functions": [{"weight": BASE_SCORE}, *self._functions()],
                "score_mode": "sum",
                "boost_mode": "sum",
            }
        }


def rank(plan: Plan, docs: Sequence[Doc], id_field: str = "id") -> list[tuple[float, Doc]]:
    """Python ranking: admitted documents, best first, ties by id (as the ES sort does)."""
    scored = [(plan.score(d), d) for d in docs if plan.admits(d)]
    scored.sort(key=lambda sd: (-_float32(sd[0]), str(sd[1][id_field])))
    return scored


_F32 = struct.Struct("f")


def _float32(value: float) -> float:
    """Elasticsearch scores are 32-bit floats; compare at that precision so ties agree."""
    result: float = _F32.unpack(_F32.pack(value))[0]
    return result
