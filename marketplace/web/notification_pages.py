"""The notifications page (what happened, newest first; read one to open it), the e-mail
settings per kind, and the unsubscribe link of an e-mail, which works signed out.

The unread count in the page header is the one value every page shows about the signed-in
user; `unread_notifications` is computed by the blueprint's context processor in
`web/views.py`, once per page, like the language switch.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.models import Role
from marketplace.notifications import emails, services
from marketplace.notifications.kinds import KINDS, LABELS, MODES
from marketplace.pagination import paginate
from marketplace.web.blueprint import bp
from marketplace.web.helpers import is_local_path, signed_in

PER_PAGE = 30


@bp.get("/notifications")
def notifications_page() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total, items = paginate(services.notifications_of(user), page, PER_PAGE)
    return render_template(
        "notifications/list.html",
        notifications=[services.shown(n) for n in items],
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        modes=services.email_modes(user.id),
        labels=LABELS,
    )


@bp.post("/notifications/<uuid:notification_id>/ouvrir")
def notification_open(notification_id: uuid.UUID) -> ResponseReturnValue:
    """Mark it read and go to what it is about."""
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    notification = services.mark_read(user, notification_id)
    target = notification.url if is_local_path(notification.url) else url_for("web.dashboard")
    return redirect(target, code=303)


@bp.post("/notifications/tout-lire")
def notifications_read_all() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    services.mark_all_read(user)
    flash(_("Toutes les notifications sont marquées comme lues."), "success")
    return redirect(url_for("web.notifications_page"), code=303)


@bp.post("/notifications/reglages")
def notification_settings() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    chosen = {
        code: request.form[f"mode-{code}"]
        for code in KINDS
        if request.form.get(f"mode-{code}") in MODES
    }
    services.set_email_modes(user, chosen)
    flash(_("Vos préférences d'e-mail sont enregistrées."), "success")
    return redirect(url_for("web.notifications_page"), code=303)


@bp.route("/notifications/desabonnement/<token>", methods=["GET", "POST"])
def notification_unsubscribe(token: str) -> ResponseReturnValue:
    """From an e-mail, signed in or not: GET asks to confirm (a mail scanner that follows
    links must not unsubscribe anyone), POST turns that kind's e-mails off."""
    try:
        user_uuid, kind = emails.read_unsubscribe_token(token)
    except ValueError:
        abort(404)
    if kind not in KINDS:
        abort(404)
    done = request.method == "POST"
    if done:
        services.turn_off(user_uuid, kind)
    return render_template(
        "notifications/unsubscribe.html",
        kind_title=LABELS[kind],
        done=done,
        token=token,
    )
