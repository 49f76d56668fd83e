"""The hybrid ranking: the words and the meaning of the text, fused by reciprocal rank.

When a plan has a `Meaning` (the query's or the mission's sentence embedding), ranking
takes two passes, the same in both backends:

1. **The window.** The plan's score (`plan.py`: 1 + the signals + the share of the query's
   terms found) plus, for the `k` documents nearest in meaning, `weight x (1 + cos) / 2`
   (Elasticsearch's `knn` query; only those at a cosine of 0.2 or more). The best
   `WINDOW` documents by that score make the window (best first, ties by id); with a
   required text a document must match a term or be one of those nearest.
2. **The fusion**, in Python on the window. Two rankings of the window's documents: by the
   share of the query's terms they hold (those holding none are not ranked), and by the
   cosine of their vector with the query's. Reciprocal rank fusion gives each document
   `1 / (RRF_K + rank by words) + 1 / (RRF_K + rank by meaning)` (a missing rank adds
   nothing; equal values share the better rank), divided by its largest possible value
   `2 / (RRF_K + 1)`: 1 for the first in both. The score is then

       score = 1 + the signals + text weight x fused

   so the text counts as much as before (1 for a mission's title, 3 for a typed query),
   now for its words and its meaning together; the other signals are unchanged.

Results after the window (pages beyond `WINDOW`) keep the first pass's order, scored
without the text. The ranking is then the same whatever the page size.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from marketplace.search.plan import Doc, Plan, _float32

WINDOW = 40
RRF_K = 60


def doc_vector(doc: Doc, field: str) -> bytes | None:
    """A document's vector as its bytes: kept as bytes by the embedded backend, base64 in
    Elasticsearch's `_source`."""
    value = doc.get(field)
    if value is None or isinstance(value, bytes):
        return value
    return base64.b64decode(value)


def cosines(plan: Plan, docs: Sequence[Doc]) -> np.ndarray:
    """The cosine of each document's vector with the plan's (0 for a document without)."""
    from marketplace.search.embeddings import cosine

    assert plan.meaning is not None
    query = np.frombuffer(plan.meaning.vector, dtype=np.int8)
    size = len(plan.meaning.vector)
    out = np.zeros(len(docs), dtype=np.float32)
    rows: list[bytes] = []
    where: list[int] = []
    field = plan.meaning.bytes_field
    for i, doc in enumerate(docs):
        vector = doc_vector(doc, field)
        if vector is not None and len(vector) == size:
            rows.append(vector)
            where.append(i)
    if rows:
        matrix = np.frombuffer(b"".join(rows), dtype=np.int8).reshape(len(rows), size)
        out[where] = cosine(query, matrix)
    return out


def _ranks(values: Sequence[float], eligible: Sequence[bool]) -> list[int]:
    """Competition ranks (1 = best; equal values share the better rank); 0 = not ranked."""
    order = sorted((v for v, ok in zip(values, eligible, strict=True) if ok), reverse=True)
    first: dict[float, int] = {}
    for i, v in enumerate(order):
        first.setdefault(v, i + 1)
    return [first[v] if ok else 0 for v, ok in zip(values, eligible, strict=True)]


def fuse(plan: Plan, window: Sequence[Doc], id_field: str = "id") -> list[tuple[float, Any]]:
    """The window re-ranked by the fused score, best first, ties by id."""
    if not window:
        return []
    assert plan.meaning is not None
    weight = plan.text.weight if plan.text is not None else plan.meaning.weight
    words = [plan.text.value(d) if plan.text is not None else 0.0 for d in window]
    # Rounded to Elasticsearch's float precision so that equal shares compare equal.
    words = [_float32(w) for w in words]
    meaning = [float(c) for c in cosines(plan, window)]
    by_words = _ranks(words, [w > 0 for w in words])
    by_meaning = _ranks(meaning, [True] * len(window))
    best = 2.0 / (RRF_K + 1)
    scored: list[tuple[float, Any]] = []
    for doc, rw, rm in zip(window, by_words, by_meaning, strict=True):
        fused = (1.0 / (RRF_K + rw) if rw else 0.0) + (1.0 / (RRF_K + rm) if rm else 0.0)
        scored.append((plan.signals_score(doc) + weight * fused / best, doc))
    scored.sort(key=lambda sd: (-_float32(sd[0]), str(sd[1][id_field])))
    return scored


def first_pass(plan: Plan, docs: Sequence[Doc], id_field: str = "id") -> list[tuple[float, Any]]:
    """Python's first pass (the embedded backend): admitted documents by the plan's score
    plus the knn part, best first, ties by id, as Elasticsearch ranks the same query."""
    assert plan.meaning is not None
    meaning = plan.meaning
    required = plan.text is not None and plan.text.required and bool(plan.text.terms)
    candidates = [d for d in docs if all(f.test(d) for f in plan.filters)]
    near: dict[int, float] = {}
    if candidates:
        cos = cosines(plan, candidates)
        k = min(meaning.k, len(candidates))
        # The k nearest at min_cosine or more, ties by id (Lucene breaks them by document
        # order: rare, and only a document at the k-th place could differ).
        kth = float(np.partition(cos, len(cos) - k)[len(cos) - k])
        close = np.nonzero(cos >= max(kth, meaning.min_cosine))[0].tolist()
        close.sort(key=lambda i: (-float(cos[i]), candidates[i][id_field]))
        for i in close[:k]:
            near[i] = float(np.float32(meaning.weight * (1.0 + float(cos[i])) / 2.0))
    scored: list[tuple[float, Any]] = []
    for i, doc in enumerate(candidates):
        if required and i not in near and not plan.text.matched(doc):  # type: ignore[union-attr]
            continue
        scored.append((plan.score(doc) + near.get(i, 0.0), doc))
    scored.sort(key=lambda sd: (-_float32(sd[0]), str(sd[1][id_field])))
    return scored


def page(
    plan: Plan, ranked: Sequence[tuple[float, Any]], offset: int, limit: int
) -> list[tuple[float, Any]]:
    """The page `offset:offset+limit` of the hybrid order, from the first pass's order."""
    window = fuse(plan, [d for _s, d in ranked[:WINDOW]])
    rest = [(plan.signals_score(d), d) for _s, d in ranked[WINDOW : offset + limit]]
    return (window + rest)[offset : offset + limit]


def fetch_size(offset: int, limit: int) -> int:
    """How many first-pass results a page needs: the window, or as far as the page goes."""
    return max(WINDOW, offset + limit)
