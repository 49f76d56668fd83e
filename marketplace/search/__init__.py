"""Search and matching: the backend is chosen by configuration when the app starts.

Settings (environment, or the app config key of the same name):

* `ELASTICSEARCH_URL` (marketplace.config): set -> Elasticsearch, unset -> embedded.
* `SEARCH_INDEX_PREFIX`: prefix of the index aliases, default "marketplace"
  (`marketplace-secretaries`, `marketplace-missions`); lowercase letters, digits, - and _.
* `SEARCH_DRAIN`: how the outbox is drained after a commit: `thread` (default), `sync`
  or `off` (see outbox.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.config import ConfigError, Settings
from marketplace.search.interfaces import SearchBackend, SearchUnavailable

DEFAULT_PREFIX = "marketplace"
DRAIN_MODES = ("thread", "sync", "off")
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


@dataclass
class SearchState:
    """What `init_app` stores in `app.extensions["search"]`; the backend is built on first use."""

    elasticsearch_url: str | None
    backend: SearchBackend | None = None

    @property
    def tracks_changes(self) -> bool:
        return self.elasticsearch_url is not None


def _setting(app: Flask, name: str, default: str) -> str:
    value = app.config.get(name) or os.environ.get(name) or default
    return str(value).strip()


def _prefix(app: Flask) -> str:
    prefix = _setting(app, "SEARCH_INDEX_PREFIX", DEFAULT_PREFIX)
    if not _PREFIX_RE.match(prefix):
        raise ConfigError(
            "SEARCH_INDEX_PREFIX must be lowercase letters, digits, '-' or '_' "
            f"(at most 41 characters), got {prefix!r}"
        )
    return prefix


def drain_mode(app: Flask) -> str:
    mode = _setting(app, "SEARCH_DRAIN", "thread").lower()
    if mode not in DRAIN_MODES:
        raise ConfigError(f"SEARCH_DRAIN must be one of {', '.join(DRAIN_MODES)}, got {mode!r}")
    return mode


def init_app(app: Flask) -> None:
    from marketplace.search import models  # noqa: F401  (the outbox table joins the metadata)
    from marketplace.search.outbox import Drainer, install

    settings: Settings = app.config["MARKETPLACE_SETTINGS"]
    _prefix(app)  # validate at start-up
    drain_mode(app)
    app.extensions["search"] = SearchState(elasticsearch_url=settings.elasticsearch_url)
    drainer = Drainer(app, drain_mode, backend_for)
    app.extensions["search_drainer"] = drainer
    app.register_error_handler(SearchUnavailable, _unavailable)
    if settings.elasticsearch_url:
        # Each serving process keeps a drainer thread, which also retries what is pending.
        app.before_request(drainer.ensure_started)
    install()


def _unavailable(error: SearchUnavailable) -> ResponseReturnValue:
    """Elasticsearch does not answer: 503 (the index is a service, not a bug of ours)."""
    from flask import jsonify, render_template

    from marketplace.http import error_payload, is_api_request

    current_app.logger.warning("search unavailable: %s", error)
    message = _("La recherche est momentanément indisponible. Réessayez dans un instant.")
    if is_api_request():
        response = jsonify(error_payload(503, "Service Unavailable", message, "search_unavailable"))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
    return render_template("errors/error.html", status=503, message=message), 503


def build_backend(app: Flask) -> SearchBackend:
    state: SearchState = app.extensions["search"]
    if state.elasticsearch_url:
        from marketplace.search.elastic import ElasticBackend

        return ElasticBackend(state.elasticsearch_url, _prefix(app))
    from marketplace.search.embedded import EmbeddedBackend

    return EmbeddedBackend()


def backend_for(app: Flask) -> SearchBackend:
    state: SearchState = app.extensions["search"]
    if state.backend is None:
        state.backend = build_backend(app)
    return state.backend


def backend() -> SearchBackend:
    """The search backend of the current app."""
    return backend_for(current_app._get_current_object())  # type: ignore[attr-defined]
