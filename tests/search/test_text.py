"""French text normalization, and that Elasticsearch sees exactly the terms Python computed."""

from __future__ import annotations

from flask import Flask

from marketplace.search import text

SAMPLES = [
    "Secrétariat MÉDICAL à distance, 12 ans d'expérience",
    "Frappe de comptes rendus médicaux à partir de dictées",
    "L'agenda du cabinet d'avocats ; accueil téléphonique & publipostage",
    "Œuvres sociales, cœur de métier : l'assurance-vie (SAS, SARL)",
    "Télésecrétaire bilingue anglais — relances clients, facturation",
    "Ils sont été eus aux ai es été êtes étaient",
]


def test_accents_case_and_elisions_are_folded():
    assert text.terms("Secrétariat MÉDICAL") == ["secretariat", "medical"]
    assert text.terms("l'agenda d'un cabinet") == ["agenda", "cabinet"]
    assert text.fold("Œuvre cœur") == "oeuvre coeur"


def test_plural_and_feminine_forms_meet():
    assert text.terms("comptes rendus médicaux") == text.terms("compte rendu médical")
    assert text.terms("secrétaires médicales") == text.terms("secrétaire médical")
    assert text.terms("assurances") == text.terms("assurance")


def test_stop_words_are_dropped_before_and_after_stemming():
    assert text.terms("le la les des du au aux et ou") == []
    assert text.terms("ayants") == []  # stems to "ayant", a stop word: dropped on both sides


def test_query_words_keep_what_the_user_typed():
    words = text.query_words("Comptes rendus médicaux")
    assert words == {"compt": "comptes", "rendu": "rendus", "medical": "médicaux"}


def test_elasticsearch_indexes_exactly_the_python_terms(es_app: Flask):
    from marketplace.search import backend

    with es_app.app_context():
        search = backend()
        search.ensure_indices()  # type: ignore[attr-defined]
        client = search.client  # type: ignore[attr-defined]
        index = search.alias("secretary")  # type: ignore[attr-defined]
        for sample in SAMPLES:
            prepared = text.indexed(sample)
            tokens = client.indices.analyze(index=index, analyzer="folded", text=prepared)
            assert [t["token"] for t in tokens["tokens"]] == text.terms(sample), sample


def test_the_python_stop_list_covers_elasticsearch_french_stop_list(es_app: Flask):
    from marketplace.search import backend

    with es_app.app_context():
        search = backend()
        client = search.client  # type: ignore[attr-defined]
        words = sorted(text.LUCENE_FRENCH_STOP | {text.fold(w) for w in text.LUCENE_FRENCH_STOP})
        answer = client.indices.analyze(
            tokenizer="standard",
            filter=["lowercase", {"type": "stop", "stopwords": "_french_"}],
            text=" ".join(words),
        )
        kept = {t["token"] for t in answer["tokens"]}
        # Whatever Elasticsearch keeps, Python drops too: never a term only one side has.
        assert kept <= text.STOP_WORDS
        assert {w for w in text.LUCENE_FRENCH_STOP if w not in kept} == text.LUCENE_FRENCH_STOP
