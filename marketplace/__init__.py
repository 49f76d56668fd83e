"""The marketplace application: businesses meet independent secretaries.

The app factory imports the domains inside its functions on purpose: this file is the
package's __init__, run before any of its modules (`import marketplace.db` runs it
first), so importing every blueprint here at the top would load the whole application,
and every module in it, for any import of any part of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session

from marketplace.config import Settings, load_settings


def create_app(
    overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Flask:
    app = Flask(__name__, instance_path=str(Path(os.getcwd()) / "instance"))
    settings = load_settings(os.environ if env is None else env, Path(app.instance_path))
    app.config.update(settings.flask_config())
    app.config.update(
        API_TITLE="Marketplace des secrétaires indépendantes",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        # Swagger UI would otherwise fetch a badge from validator.swagger.io: nothing leaves.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Over https, cookies never travel in clear text (HSTS: marketplace/http.py).
        SESSION_COOKIE_SECURE=settings.public_https,
        REMEMBER_COOKIE_SECURE=settings.public_https,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    if overrides:
        app.config.update(overrides)
    _init_extensions(app, settings)
    _register_blueprints(app)
    return app


def _select_locale() -> str:
    if not has_request_context():  # commands and background work speak French
        return "fr"
    chosen = session.get("lang")
    if chosen in ("fr", "en"):
        return str(chosen)
    return request.accept_languages.best_match(["fr", "en"]) or "fr"


def _init_extensions(app: Flask, settings: Settings) -> None:
    from marketplace import i18n, idempotency, input_guard, jobs, mail, models, storage  # noqa: F401  (every model registered before Alembic looks)
    from marketplace.accounts import throttle
    from marketplace.accounts.models import User
    from marketplace.contracts.outcomes import ContractOutcomes
    from marketplace.conversations import uploads
    from marketplace.extensions import api, babel, cache, csrf, db, login_manager, migrate
    from marketplace.http import (
        register_error_handlers,
        register_security_headers,
        security_headers,
    )
    from marketplace.notifications import emails as notification_emails
    from marketplace.payments.errors import handle_payment_error
    from marketplace.payments.interfaces import PaymentError
    from marketplace.payments.providers import build_provider
    from marketplace.saved_searches import alerts as saved_search_alerts
    from marketplace.statement_count import init_app as init_statement_count
    from marketplace.static_assets import init_app as init_static_assets

    db.init_app(app)
    cache.init_app(app)  # CACHE_URL (config.py): in-process, or Redis shared by processes
    input_guard.init_app(app)  # first of the before_request hooks: nothing reads input before
    uploads.init_app(app)  # ...but the upload routes' own size limit, set before that
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.init_app(app)  # the same catalogues, the request's translations looked up once
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The cookie holds a web_sessions id; a revoked (signed out, password changed,
        # suspended) or unknown one signs nobody in.
        from marketplace.accounts.services import user_for_web_session

        return user_for_web_session(session_id)

    throttle.init_app(app)
    api.init_app(app)
    register_error_handlers(app)
    register_security_headers(app, https=settings.public_https)
    init_static_assets(app, security_headers(https=settings.public_https))
    app.register_error_handler(PaymentError, handle_payment_error)
    idempotency.init_app(app)
    jobs.init_app(app)
    mail.init_app(app)  # registers the send_email job; the mailer is chosen here
    storage.init_app(app)  # attachments and documents: STORAGE_URL
    notification_emails.register()  # the notification e-mail job
    saved_search_alerts.register()  # the saved_search_match job and its flush hook
    init_statement_count(app)  # off unless SQL_STATEMENT_HEADER (load tests only)
    app.extensions["payment_provider"] = build_provider(settings)
    # Payments report webhook outcomes to the contracts domain through this hook.
    app.extensions["escrow_outcomes"] = ContractOutcomes()

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        return {"current_locale": lambda: str(get_locale() or "fr")}


def _register_blueprints(app: Flask) -> None:
    from marketplace.accounts.api import blp as accounts_api
    from marketplace.bids.api import blp as bids_api
    from marketplace.cli import register_commands
    from marketplace.compliance.api import blp as compliance_api
    from marketplace.contracts.agreement_api import blp as agreements_api
    from marketplace.contracts.api import blp as contracts_api
    from marketplace.contracts.milestone_api import blp as milestones_api
    from marketplace.contracts.regular_api import blp as regular_work_api
    from marketplace.conversations.api import blp as conversations_api
    from marketplace.dac7.api import blp as dac7_api
    from marketplace.extensions import api, csrf
    from marketplace.missions.api import blp as missions_api
    from marketplace.notifications.api import blp as notifications_api
    from marketplace.operations.api import blp as operations_api
    from marketplace.payments.api import blp as payments_api
    from marketplace.profiles.api import blp as profiles_api
    from marketplace.reviews.api import blp as reviews_api
    from marketplace.saved_searches.api import blp as saved_searches_api
    from marketplace.search.api import blp as search_api
    from marketplace.web import bp as web_bp

    for blp in (
        accounts_api,
        profiles_api,
        missions_api,
        bids_api,
        contracts_api,
        regular_work_api,
        milestones_api,
        agreements_api,
        reviews_api,
        payments_api,
        search_api,
        notifications_api,
        conversations_api,
        compliance_api,
        dac7_api,
        saved_searches_api,
        operations_api,
    ):
        csrf.exempt(blp)  # bearer tokens, never cookies: no CSRF surface
        api.register_blueprint(blp)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.register_blueprint(web_bp)
    register_commands(app)
