"""French text normalization shared by indexing and querying, in both backends.

The development Elasticsearch (the "integ-test" distribution) has no `french` analyzer,
no `asciifolding`, no `elision` and no stemmer, so the work is done here, once, in Python:
the indexed text fields and the query go through the same `terms()`; Elasticsearch only
splits the result on spaces (standard tokenizer, lowercase, `_french_` stop list, all of
which leave our output unchanged). The embedded backend compares the same terms, so both
backends agree on what "matches" means:

* accents and case are folded: "Secrétariat MÉDICAL" -> "secretariat medical";
* elisions are split off and dropped: "l'agenda" -> "agenda";
* French stop words are dropped (Lucene's `_french_` list, folded, plus a few more);
* a light stemmer in the spirit of Savoy's French light stemmer merges plural and
  feminine forms: "comptes rendus médicaux" and "compte rendu médical" give the same terms.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Lucene's snowball `french_stop.txt` (what Elasticsearch's `_french_` stop filter removes).
_LUCENE_FRENCH_STOP = """
au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi
mon ne nos notre nous on ou par pas pour qu que qui sa se ses sur ta te tes toi ton tu un une vos
votre vous c d j l à m n s t y étée étées étant suis es êtes sont serai seras sera serons serez
seront serais serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes
furent sois soit soyons soyez soient fusse fusses fussions fussiez fussent ayant eu eue eues eus ai
avons avez ont aurai aurons aurez auront aurais aurait aurions auriez auraient avais avait aviez
avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez
eussent ceci cela celà cet cette ici ils les leurs quel quels quelle quelles sans soi
"""
_EXTRA = "a ete est etre son sont tout tous toute toutes tres plus"

LUCENE_FRENCH_STOP = frozenset(_LUCENE_FRENCH_STOP.split())
_EXTRA_STOP = frozenset(_EXTRA.split())

_COMBINING = re.compile(r"[\u0300-\u036f]")
_TOKEN = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """Lowercase, without accents: "Secrétariat Médical" -> "secretariat medical"."""
    if text.isascii():
        return text.lower()
    lowered = text.lower().translate(_LIGATURES)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))


# Every folded form of a stop word, so that Elasticsearch's stop filter never removes a term
# that this module kept (and the two sides agree on which terms a document has).
STOP_WORDS = frozenset(fold(w) for w in LUCENE_FRENCH_STOP) | LUCENE_FRENCH_STOP | _EXTRA_STOP


@functools.lru_cache(maxsize=100_000)
def stem(token: str) -> str:
    """A light French stemmer: plural and feminine endings only, never below 3 letters."""
    word = token
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("aux") and len(word) > 5:
        word = word[:-3] + "al"  # journaux -> journal, medicaux -> medical
    elif word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]  # medicale -> medical, secretaire -> secretair
        if word.endswith("e") and len(word) > 4:
            word = word[:-1]  # employee -> employ
    return word


def tokens(text: str) -> list[str]:
    """Folded words of a text with stop words removed, before stemming (for display)."""
    return [t for t in _TOKEN.findall(fold(text)) if t not in STOP_WORDS]


def terms(text: str) -> list[str]:
    """The search terms of a text: folded, stop words removed, stemmed, in order."""
    out = []
    for token in tokens(text):
        term = stem(token)
        if term not in STOP_WORDS:
            out.append(term)
    return out


def query_terms(text: str, limit: int = 10) -> tuple[str, ...]:
    """Distinct terms of a query, first ones first, at most `limit`."""
    return tuple(dict.fromkeys(terms(text)))[:limit]


def query_words(text: str, limit: int = 10) -> dict[str, str]:
    """term -> the word the user typed, to say in a reason which words matched."""
    words: dict[str, str] = {}
    for raw in re.findall(r"\w+", text.lower()):
        for token in tokens(raw):
            term = stem(token)
            if term not in STOP_WORDS and term not in words:
                words[term] = raw
    return dict(list(words.items())[:limit])


def indexed(*parts: str) -> str:
    """What goes into an Elasticsearch text field: the terms joined by spaces."""
    return " ".join(terms(" ".join(p for p in parts if p)))


# Words that carry no meaning on their own in a reason ("3 ans d'expérience" -> "3", "ans").
_NOISE = "an ans annee annees mois jour jours semaine semaines heure heures h fois etc env"
NOISE_TERMS = frozenset(stem(w) for w in _NOISE.split())


def telling(term: str) -> bool:
    """Whether a matched term is worth naming in a reason: no digits, units or scraps."""
    return len(term) >= 3 and not any(ch.isdigit() for ch in term) and term not in NOISE_TERMS
