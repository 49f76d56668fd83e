"""A plain A4 PDF writer for the documents the parties accept, and their fingerprint.

A document is accepted by its SHA-256 (`fingerprint`): the bytes are stored once and never
changed. What is recorded later (who accepted, when) is rendered at download on pages
added after the document's own (`with_pages`), so the stored, hashed bytes stay the ones
accepted. The fonts are the invoices' embedded DejaVu; the creation date is the
document's, so the same facts always give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

# The fonts the invoices embed (marketplace/payments/fonts), read from disk, not imported.
FONTS = Path(__file__).resolve().parent.parent / "payments" / "fonts"


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _drawable() -> frozenset[int]:
    maps = [
        TTFont(FONTS / name).getBestCmap() for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    ]
    return frozenset(maps[0]).intersection(maps[1])


def clean(value: object) -> str:
    """Text the embedded fonts can draw (anything else becomes '?')."""
    drawable = _drawable()
    text = str(value).replace("\u202f", "\u00a0")
    return "".join(c if ord(c) in drawable or c == "\n" else "?" for c in text)


class Writer:
    """Headings, paragraphs, lists and label/value lines, one after the other."""

    def __init__(self, title: str, author: str, created_at: datetime) -> None:
        pdf = FPDF(format="A4")
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_lang("fr-FR")
        pdf.set_creation_date(created_at)
        pdf.set_title(clean(title))
        pdf.set_author(clean(author))
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        self.pdf = pdf

    def _cell(self, text: str, size: float, style: str = "", height: float = 5.2) -> None:
        self.pdf.set_font("DejaVu", style=style, size=size)
        self.pdf.multi_cell(self.pdf.epw, height, clean(text), new_x="LMARGIN", new_y="NEXT")

    def title(self, text: str) -> None:
        self._cell(text, 15, "B", 7)
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self.pdf.ln(2)
        self._cell(text, 11, "B", 6)

    def paragraph(self, text: str, size: float = 9.5) -> None:
        self._cell(text, size)
        self.pdf.ln(1)

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self._cell(f"•  {item}", 9.5)
        self.pdf.ln(1)

    def facts(self, rows: Iterable[tuple[str, str]]) -> None:
        for label, value in rows:
            self.pdf.set_font("DejaVu", style="B", size=9.5)
            self.pdf.cell(45, 5.2, clean(label))
            self.pdf.set_font("DejaVu", size=9.5)
            self.pdf.multi_cell(self.pdf.epw - 45, 5.2, clean(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def new_page(self) -> None:
        self.pdf.add_page()

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def with_pages(document: bytes, extra: bytes) -> bytes:
    """The document's own pages, unchanged, followed by the pages of `extra`."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    for page in PdfReader(io.BytesIO(extra)).pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
