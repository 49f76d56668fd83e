"""The landing page, the language switch, and what every page's layout needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, has_request_context, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import default_exceptions

from marketplace import taxonomy
from marketplace.accounts.models import Role, User
from marketplace.conversations import services as conversations
from marketplace.extensions import db
from marketplace.files import ACCEPT_ATTRIBUTE
from marketplace.notifications import services as notifications
from marketplace.privacy.health import hds_hosted, health_data_notice
from marketplace.web import filters, labels
from marketplace.web.blueprint import bp
from marketplace.web.helpers import local_next, referrer_path

LANGUAGES = {"fr": "Français", "en": "English"}


def _setup(state: Any) -> None:
    filters.register(state.app)


bp.record_once(_setup)


@bp.app_context_processor
def _layout_globals() -> dict[str, Any]:
    return {
        "labels": labels,
        "taxonomy": taxonomy,
        "site_languages": LANGUAGES,
        "default_http_description": _default_http_description,
        "term_options": _term_options,
        "unread_notifications": _unread(notifications.unread_count),
        "unread_conversations": _unread(conversations.unread_conversations),
        "accept_files": ACCEPT_ATTRIBUTE,  # the file pickers' hint (checked from content)
        "health_data_notice": health_data_notice,
    }


def _unread(count: Callable[[User], int]) -> int:
    """The header's counts of unread notifications and conversations (the signed-in
    person's only)."""
    if not has_request_context():  # an e-mail rendered by a background job
        return 0
    if not current_user.is_authenticated or current_user.role is Role.OPERATOR:
        return 0
    try:
        return count(current_user)
    except SQLAlchemyError:  # an error page while the database is down still renders
        return 0


def _term_options(terms: tuple[taxonomy.Term, ...]) -> list[tuple[str, str]]:
    locale = filters.locale_name()
    return [(t.code, t.label(locale)) for t in terms]


def _default_http_description(status: int) -> str:
    exc = default_exceptions.get(status)
    return str(exc.description) if exc is not None and exc.description else ""


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    message = _(
        "Le formulaire a expiré ou n'a pas pu être vérifié. Revenez en arrière, "
        "rechargez la page et envoyez-le à nouveau."
    )
    return render_template("errors/error.html", status=400, message=message), 400


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.get("/confidentialite")
def privacy() -> str:
    """What is kept about people, why and how long (RGPD art. 13); see privacy/erasure.py."""
    return render_template("privacy.html", hds_hosted=hds_hosted())


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    # Browsers and crawlers ask for /favicon.ico whatever the pages link to.
    # A permanent redirect is kept by browsers: to the path that outlives a version.
    return redirect(url_for("static", filename="favicon.svg", versioned=False), code=301)


@bp.route("/langue/<code>", methods=["GET", "POST"])
def set_language(code: str) -> ResponseReturnValue:
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated and current_user.language != code:
        current_user.language = code  # her e-mails follow the language she reads the site in
        db.session.commit()
    target = local_next(request.values.get("next"), referrer_path())
    return redirect(target or url_for("web.index"))
