"""Sign up, sign in, sign out (session cookie through Flask-Login)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Role, User
from marketplace.accounts.schemas import RegisterIn, TokenIn
from marketplace.errors import Conflict, FieldErrors, Unauthorized
from marketplace.extensions import db
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormSpec, FormState
from marketplace.web.helpers import local_next

SIGNUP = FormSpec(RegisterIn, text=("role", "display_name", "email"), raw=("password",))
SIGNIN = FormSpec(TokenIn, text=("email",), raw=("password",))


def _next_page(target: str | None) -> str | None:
    """A local page to return to after sign-in, if it can be opened with GET.

    A form posted after the session expired sends its (POST-only) address here; going
    back to it would answer 405, so the dashboard is better.
    """
    path = local_next(target)
    if path is None:
        return None
    try:
        current_app.url_map.bind("localhost").match(urlsplit(path).path, method="GET")
    except RequestRedirect:
        return path
    except HTTPException:
        return None
    return path


def _start_session(user: User) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    if lang:
        session["lang"] = lang
    login_user(user, remember=False)


@bp.route("/inscription", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    if request.method == "GET":
        role = request.args.get("role")
        values = {"role": role} if role in ("business", "secretary") else {}
        return render_template("auth/signup.html", form=FormState(values))
    try:
        data = SIGNUP.parse(request.form)
        user = accounts.create_user(
            data["email"], data["password"], Role(data["role"]), data["display_name"]
        )
        db.session.commit()
    except FieldErrors as exc:
        return render_template("auth/signup.html", form=SIGNUP.state(request.form, exc)), 422
    except Conflict as exc:
        db.session.rollback()
        form = FormState(request.form, {"email": [exc.message]}, hidden=SIGNUP.raw)
        return render_template("auth/signup.html", form=form), 422
    _start_session(user)
    flash(_("Bienvenue %(name)s ! Votre compte est créé.", name=user.display_name), "success")
    return redirect(url_for("web.profile"))


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_path = _next_page(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("web.dashboard"))
    if request.method == "GET":
        return render_template("auth/login.html", form=FormState(), next=next_path)
    try:
        data = SIGNIN.parse(request.form)
        user = accounts.authenticate(data["email"], data["password"])
        db.session.commit()  # authenticate may have upgraded the password hash
    except FieldErrors as exc:
        form = SIGNIN.state(request.form, exc)
        return render_template("auth/login.html", form=form, next=next_path), 422
    except Unauthorized as exc:
        # One message whether the e-mail exists or not.
        form = FormState(request.form, {"_schema": [exc.message]}, hidden=SIGNIN.raw)
        return render_template("auth/login.html", form=form, next=next_path), 422
    _start_session(user)
    flash(_("Bonjour %(name)s, vous êtes connecté·e.", name=user.display_name), "success")
    return redirect(next_path or url_for("web.dashboard"))


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Vous êtes déconnecté·e. À bientôt !"), "success")
    return redirect(url_for("web.index"))
