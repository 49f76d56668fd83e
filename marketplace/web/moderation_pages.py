"""The operator's moderation page: find an account or a mission, suspend, restore, close.

Every decision needs a reason (kept in the journal shown at the bottom of the page); the
rules and their effects are in `marketplace.moderation.services`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from marketplace.accounts.models import Role, User
from marketplace.errors import FieldErrors
from marketplace.moderation import services as moderation
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormState
from marketplace.web.helpers import refused_as_flash, signed_in

QUERY_MAX = 100


def _page(query: str = "", forms: dict[str, FormState] | None = None, status: int = 200) -> Any:
    """`forms` keyed "account-<id>" / "mission-<id>": the one that was refused, re-shown."""
    return (
        render_template(
            "operator/moderation.html",
            query=query,
            accounts=moderation.find_accounts(query),
            missions=moderation.find_missions(query),
            journal=moderation.journal(),
            forms=forms or {},
            empty_form=FormState(),
        ),
        status,
    )


def _back(query: str) -> ResponseReturnValue:
    return redirect(url_for("web.operator_moderation", q=query or None))


def _decide(key: str, act: Callable[[str | None], None]) -> ResponseReturnValue:
    """Run one decision from a posted form: 422 with the error next to its reason field."""
    query = request.form.get("q", "")[:QUERY_MAX].strip()
    try:
        with refused_as_flash():
            act(request.form.get("reason"))
    except FieldErrors as exc:
        return _page(query, {key: FormState(request.form, exc.errors)}, 422)
    return _back(query)


@bp.get("/operateur/moderation")
def operator_moderation() -> ResponseReturnValue:
    signed_in(Role.OPERATOR)
    return _page(request.args.get("q", "")[:QUERY_MAX].strip())


@bp.post("/operateur/comptes/<uuid:user_id>/suspendre")
def operator_suspend(user_id: uuid.UUID) -> ResponseReturnValue:
    operator = signed_in(Role.OPERATOR)

    def act(reason: str | None) -> None:
        closed = moderation.suspend_account(operator, user_id, reason)
        account = moderation.get_account(user_id)
        message = _("Compte de %(name)s suspendu.", name=account.display_name)
        if closed:
            message += " " + ngettext(
                "%(num)d mission ouverte fermée.", "%(num)d missions ouvertes fermées.", len(closed)
            )
        flash(message, "success")

    return _decide(f"account-{user_id}", act)


@bp.post("/operateur/comptes/<uuid:user_id>/retablir")
def operator_restore(user_id: uuid.UUID) -> ResponseReturnValue:
    operator = signed_in(Role.OPERATOR)

    def act(reason: str | None) -> None:
        account: User = moderation.restore_account(operator, user_id, reason)
        flash(_("Compte de %(name)s rétabli.", name=account.display_name), "success")

    return _decide(f"account-{user_id}", act)


@bp.post("/operateur/missions/<uuid:mission_id>/fermer")
def operator_close_mission(mission_id: uuid.UUID) -> ResponseReturnValue:
    operator = signed_in(Role.OPERATOR)

    def act(reason: str | None) -> None:
        mission = moderation.close_mission(operator, mission_id, reason)
        flash(_("Mission « %(title)s » fermée.", title=mission.title), "success")

    return _decide(f"mission-{mission_id}", act)
