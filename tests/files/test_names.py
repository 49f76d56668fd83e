"""clean_filename: the sender's name, without what could hurt where it is shown or saved."""

from __future__ import annotations

import io
import unicodedata

import pytest

from marketplace.files import clean_filename, inspect
from marketplace.files.names import MAX_BYTES, MAX_CHARS
from tests.files import samples


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Compte rendu réunion été.pdf", "Compte rendu réunion été.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/var/www/index.pdf", "index.pdf"),
        ("C:\\Users\\Zoé\\Documents\\facture.pdf", "facture.pdf"),
        ("fac\x00ture\n\r\t.pdf", "facture.pdf"),
        # The right-to-left override that shows "facture\u202efdp.exe" as "factureexe.pdf".
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("zéro\u200blargeur.pdf", "zérolargeur.pdf"),
        ('rapport: "final" <v2> | ok? *.pdf', "rapport_ _final_ _v2_ _ ok_ _.pdf"),
        ("   espaces   multiples   .pdf", "espaces multiples.pdf"),
        ("...cache.pdf", "cache.pdf"),
        ("fin avec point.", "fin avec point"),
        ("CON.pdf", "_CON.pdf"),
        ("nul.txt", "_nul.txt"),
        ("com1.tar.txt", "_com1.tar.txt"),
        ("", "fichier"),
        ("..", "fichier"),
        ("/", "fichier"),
        (".pdf", "pdf"),
        ("\u00a0insécable\u2003em.pdf", "insécable em.pdf"),
    ],
)
def test_clean_filename(given: str, kept: str) -> None:
    assert clean_filename(given) == kept


def test_accents_sent_decomposed_by_macos_are_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hélène Noël.pdf")
    assert decomposed != "Hélène Noël.pdf"
    assert clean_filename(decomposed) == "Hélène Noël.pdf"


def test_a_long_name_is_capped_and_keeps_its_extension() -> None:
    cleaned = clean_filename("é" * 400 + ".docx")
    assert cleaned.endswith("é.docx")
    assert len(cleaned) <= MAX_CHARS and len(cleaned.encode()) <= MAX_BYTES
    ascii_name = clean_filename("a" * 400 + ".pdf")
    assert len(ascii_name) == MAX_CHARS and ascii_name.endswith(".pdf")


def test_inspect_returns_the_cleaned_name() -> None:
    with inspect("C:\\scans\\Fac\x07ture\u202e.pdf", io.BytesIO(samples.pdf()), 10**6) as found:
        assert found.filename == "Facture.pdf"
