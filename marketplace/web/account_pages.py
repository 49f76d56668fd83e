"""Sign up, sign in, sign out, the account page (change the address or the password), and
the links of the account e-mails (session cookie through Flask-Login).

The cookie carries the id of a server-side `web_sessions` row (accounts.services): signing
out revokes it, so a copy of the cookie taken before is worthless afterwards.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from marketplace.accounts import recovery
from marketplace.accounts import services as accounts
from marketplace.accounts.auth import web_user
from marketplace.accounts.models import Role, User
from marketplace.accounts.schemas import (
    EmailChangeIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    TokenIn,
)
from marketplace.accounts.throttle import TooManyAttempts
from marketplace.errors import Conflict, FieldErrors, Unauthorized
from marketplace.extensions import db
from marketplace.privacy import erasure, export
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormSpec, FormState
from marketplace.web.helpers import local_next

SIGNUP = FormSpec(RegisterIn, text=("role", "display_name", "email"), raw=("password",))
SIGNIN = FormSpec(TokenIn, text=("email",), raw=("password",))
PASSWORD = FormSpec(PasswordChangeIn, raw=("current_password", "new_password"))
FORGOT = FormSpec(PasswordResetIn, text=("email",))
RESET = FormSpec(PasswordResetConfirmIn, text=("token",), raw=("password",))
EMAIL = FormSpec(EmailChangeIn, text=("new_email",), raw=("password",))


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
    accounts.start_web_session(user)
    db.session.commit()
    login_user(user, remember=False)


def _too_many(
    template: str, form: FormState, exc: TooManyAttempts, **context: object
) -> ResponseReturnValue:
    db.session.rollback()
    form.errors["_schema"] = [exc.message]
    body = render_template(template, form=form, **context)
    return body, 429, {"Retry-After": str(exc.retry_after)}


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
        user.language = "en" if session.get("lang") == "en" else "fr"
        db.session.flush()
        recovery.queue_verification(user)
        db.session.commit()
    except TooManyAttempts as exc:
        return _too_many("auth/signup.html", FormState(request.form, hidden=SIGNUP.raw), exc)
    except FieldErrors as exc:
        return render_template("auth/signup.html", form=SIGNUP.state(request.form, exc)), 422
    except Conflict as exc:
        db.session.rollback()
        form = FormState(request.form, {"email": [exc.message]}, hidden=SIGNUP.raw)
        return render_template("auth/signup.html", form=form), 422
    _start_session(user)
    flash(
        _(
            "Bienvenue %(name)s ! Votre compte est créé. Un e-mail vous attend pour confirmer "
            "votre adresse.",
            name=user.display_name,
        ),
        "success",
    )
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
    except TooManyAttempts as exc:
        form = FormState(request.form, hidden=SIGNIN.raw)
        return _too_many("auth/login.html", form, exc, next=next_path)
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
    if current_user.is_authenticated:
        accounts.end_web_session(current_user.web_session_id)
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Vous êtes déconnecté·e. À bientôt !"), "success")
    return redirect(url_for("web.index"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    """The account's password; every other browser and every API token is signed out."""
    user = web_user()
    if request.method == "GET":
        return render_template("auth/password.html", form=FormState())
    try:
        data = PASSWORD.parse(request.form)
        accounts.change_password(
            user,
            data["current_password"],
            data["new_password"],
            keep_web_session=user.web_session_id,
        )
    except TooManyAttempts as exc:
        return _too_many("auth/password.html", FormState(), exc)
    except FieldErrors as exc:
        db.session.rollback()
        return render_template("auth/password.html", form=PASSWORD.state(request.form, exc)), 422
    flash(
        _("Mot de passe changé. Vos autres sessions et vos jetons d'API sont fermés."),
        "success",
    )
    return redirect(url_for("web.dashboard"))


@bp.get("/compte")
def account() -> ResponseReturnValue:
    """Her account: the sign-in address (and the one waiting for its link), the password,
    her data (export, deletion)."""
    user = web_user()
    return render_template("auth/account.html", form=FormState(), user=user)


@bp.get("/compte/export.zip")
def export_data() -> ResponseReturnValue:
    """Everything held about her, as a ZIP (the same as GET /api/v1/me/export)."""
    return export.archive_response(web_user())


@bp.post("/compte/supprimer")
def delete_account() -> ResponseReturnValue:
    """Delete her account after her password and an explicit checkbox; she is signed out."""
    user = web_user()

    def again(errors: dict[str, list[str]], status: int) -> ResponseReturnValue:
        db.session.rollback()
        delete_form = FormState(request.form, errors, hidden=("delete_password",))
        body = render_template(
            "auth/account.html", form=FormState(), delete_form=delete_form, user=user
        )
        return body, status

    if request.form.get("confirm") != "y":
        return again({"confirm": [_("Cochez la case pour confirmer la suppression.")]}, 422)
    try:
        erasure.delete_account(user, request.form.get("delete_password", ""))
    except TooManyAttempts as exc:
        return again({"_schema": [exc.message]}, 429)
    except FieldErrors as exc:
        return again({"delete_password": exc.errors.get("password", [exc.message])}, 422)
    except erasure.ContractUnderWay as exc:
        return again({"_schema": [exc.message]}, 409)
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(
        _(
            "Votre compte est supprimé. Vos factures et les écritures de paiement sont "
            "conservées, sans vos coordonnées, pendant leur durée légale."
        ),
        "success",
    )
    return redirect(url_for("web.index"))


@bp.post("/compte/adresse-email")
def change_email() -> ResponseReturnValue:
    """Ask to sign in with another address: a link goes to it, a notice to the current one."""
    user = web_user()
    try:
        data = EMAIL.parse(request.form)
        recovery.request_email_change(user, data["password"], data["new_email"])
    except TooManyAttempts as exc:
        form = FormState(request.form, hidden=EMAIL.raw)
        return _too_many("auth/account.html", form, exc, user=user)
    except FieldErrors as exc:
        db.session.rollback()
        form = EMAIL.state(request.form, exc)
        return render_template("auth/account.html", form=form, user=user), 422
    flash(
        _(
            "Un lien de confirmation vient de partir à %(email)s (valable 24 heures). Votre "
            "adresse de connexion ne change qu'une fois ce lien ouvert.",
            email=user.pending_email,
        ),
        "info",
    )
    return redirect(url_for("web.account"))


@bp.route("/compte/adresse-email/confirmer/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str) -> ResponseReturnValue:
    """The link sent to the new address (signed in or not). GET asks, POST changes: a mail
    scanner that opens the link changes nothing."""
    try:
        user, new_email = recovery.email_change_for(token)
    except recovery.InvalidLink as exc:
        return render_template("errors/error.html", status=400, message=exc.message), 400
    if request.method == "GET":
        return render_template(
            "auth/confirm_email.html", token=token, new_email=new_email, user=user
        )
    signed_in_here = current_user.is_authenticated and current_user.id == user.id
    try:
        recovery.confirm_email_change(
            token, keep_web_session=current_user.web_session_id if signed_in_here else None
        )
    except (recovery.InvalidLink, recovery.EmailTaken) as exc:
        db.session.rollback()
        status = exc.status_code
        return render_template("errors/error.html", status=status, message=exc.message), status
    flash(
        _(
            "C'est fait : votre adresse e-mail est maintenant %(email)s. Vos autres sessions et "
            "vos jetons d'API sont fermés.",
            email=new_email,
        ),
        "success",
    )
    return redirect(url_for("web.account" if signed_in_here else "web.login"))


@bp.get("/compte/verifier/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    """The link of the verification e-mail (signed in or not)."""
    try:
        recovery.verify_email(token)
    except recovery.InvalidLink as exc:
        return render_template("errors/error.html", status=400, message=exc.message), 400
    flash(_("Merci : votre adresse e-mail est confirmée."), "success")
    return redirect(url_for("web.dashboard" if current_user.is_authenticated else "web.login"))


@bp.post("/compte/verifier/renvoyer")
def resend_verification() -> ResponseReturnValue:
    user = web_user()
    try:
        sent = recovery.resend_verification(user)
    except TooManyAttempts:
        flash(_("Trop de demandes : réessayez dans un moment."), "error")
        return redirect(url_for("web.dashboard"))
    if sent:
        flash(_("C'est envoyé : ouvrez le lien de l'e-mail pour confirmer votre adresse."), "info")
    return redirect(url_for("web.dashboard"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link; the same answer whether the address has an account."""
    if request.method == "GET":
        return render_template("auth/forgot.html", form=FormState())
    try:
        data = FORGOT.parse(request.form)
        recovery.request_reset(data["email"])
    except TooManyAttempts as exc:
        return _too_many("auth/forgot.html", FormState(request.form), exc)
    except FieldErrors as exc:
        return render_template("auth/forgot.html", form=FORGOT.state(request.form, exc)), 422
    flash(
        _(
            "Si un compte existe à cette adresse, un e-mail vient de partir avec un lien pour "
            "choisir un nouveau mot de passe (valable une heure)."
        ),
        "info",
    )
    return redirect(url_for("web.login"))


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """The link of the reset e-mail: choose a new password (the link then stops working)."""
    try:
        recovery.user_for_reset(token)
    except recovery.InvalidLink as exc:
        return render_template("errors/error.html", status=400, message=exc.message), 400
    if request.method == "GET":
        return render_template("auth/reset.html", form=FormState(), token=token)
    try:
        posted = request.form.copy()
        posted["token"] = token
        data = RESET.parse(posted)
        recovery.reset_password(token, data["password"])
    except FieldErrors as exc:
        db.session.rollback()
        form = RESET.state(request.form, exc)
        return render_template("auth/reset.html", form=form, token=token), 422
    flash(_("Mot de passe changé : connectez-vous avec le nouveau."), "success")
    return redirect(url_for("web.login"))
