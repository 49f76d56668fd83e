"""The app's message catalogue for a given language, usable outside a request.

Ranking explanations are written for the language of the caller (a request), of a
notification's recipient (a job) or of a test; they take the locale as an argument and look
the French msgid up in `marketplace/translations` here, as Flask-Babel would: French is the
reference language (the msgid itself), English comes from `en/LC_MESSAGES/messages.mo`.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path
from typing import Any

from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def language(locale: object) -> str:
    """ "en" for any English locale, else "fr" (the reference language)."""
    return "en" if str(locale).startswith("en") else "fr"


@functools.cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    if lang == "fr":
        return _gettext.NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang])


class Words:
    """gettext and ngettext bound to one language, formatting as Flask-Babel does."""

    def __init__(self, locale: object) -> None:
        self.lang = language(locale)
        self._catalogue = _catalogue(self.lang)

    def gettext(self, msgid: str, **variables: Any) -> str:
        text = self._catalogue.gettext(msgid)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return self._catalogue.ngettext(singular, plural, num) % variables
