"""The templates' gettext, with the request's translations looked up once per locale.

Flask-Babel's own Jinja callables (`_`, `gettext`, `ngettext`, ...) find the translations on
every call: `get_translations()` then `get_locale()`, each going through `flask.g` several
times. A dashboard translates about 260 strings, and those look-ups were close to a tenth of
its time (bench/site, cProfile). Here the translations are found once and kept on `g` with
the locale they are for: a `force_locale(...)` block (the e-mails, written in the
recipient's language) changes the locale, so the next call finds that locale's
translations, and the request's own once the block ends. The strings and their catalogues
are Flask-Babel's, unchanged; only the look-up is cached.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import Flask, g, has_app_context


def current_translations() -> Any:
    """The translations of the current locale (Flask-Babel's), found once per locale."""
    if not has_app_context():
        return flask_babel.get_translations()  # outside a request: Flask-Babel's null ones
    ctx = g._get_current_object()
    state = ctx.__dict__
    babel_state = state.get("_flask_babel")
    locale = getattr(babel_state, "babel_locale", None)
    cached = state.get("_i18n_translations")
    if cached is not None and locale is not None and cached[0] == locale:
        return cached[1]
    translations = flask_babel.get_translations()  # sets the request's locale if not yet
    locale = getattr(state.get("_flask_babel"), "babel_locale", None)
    state["_i18n_translations"] = (locale, translations)
    return translations


def init_app(app: Flask) -> None:
    """Replace the Jinja callables Flask-Babel installed (call after `babel.init_app`)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
