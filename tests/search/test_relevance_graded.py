"""The graded relevance suite (bench/relevance): NDCG@10 on both backends, same leaders.

57 labelled missions, each ranked among its own pool of graded profiles; the floors are set
below the measured means (docs/embeddings.md has the figures before and after each change),
so a change that makes matching worse fails here. The twelve paraphrase missions have their
own floor, above what the words alone score on them (0.595): ranking without the meaning
fails it.
"""

from __future__ import annotations

from flask import Flask

from bench.relevance import evaluate, leaders_disagree, populate, report

NDCG_FLOOR = 0.94  # the 45 first missions: 0.964 lexical, 0.966 hybrid (docs/embeddings.md)
PARAPHRASE_FLOOR = 0.63  # the 12 paraphrase missions: 0.595 lexical, 0.661 hybrid


def test_graded_suite_on_both_backends(es_app: Flask):
    from marketplace.search import backend
    from marketplace.search.embedded import EmbeddedBackend

    cases = populate(es_app)
    assert len(cases) >= 40
    assert sum("paraphrase" in c.tags for c in cases) == 12
    with es_app.app_context():
        elastic = backend()
    results = evaluate(es_app, {"embedded": EmbeddedBackend(), "elasticsearch": elastic}, cases)
    summary = report(results, cases)
    for r in results:
        assert len(r.missions) == len(cases)
        assert all(m.ranked for m in r.missions), summary  # every mission finds someone
        assert r.mean_for("paraphrase", cases, without=True) >= NDCG_FLOOR, summary
        assert r.mean_for("paraphrase", cases) >= PARAPHRASE_FLOOR, summary
    assert leaders_disagree(results) == [], summary
