"""The operator's moderation page: find an account or a mission, suspend, restore, close.

Every decision needs a reason (kept in the journal shown at the bottom of the page); the
rules and their effects are in `marketplace.moderation.services`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from marketplace.accounts.models import Role, User
from marketplace.errors import FieldErrors
from marketplace.moderation import services as moderation
from marketplace.pagination import MAX_PAGE, paginate
from marketplace.web.blueprint import bp
from marketplace.web.forms import FormState
from marketplace.web.helpers import refused_as_flash, signed_in

QUERY_MAX = 100
PER_PAGE = 20
# Each list pages on its own: `?q=...&page_comptes=2&page_missions=1&page_journal=3`.
LISTS = ("comptes", "missions", "journal")


def _page_numbers(values: Mapping[str, Any]) -> dict[str, int]:
    numbers = {}
    for name in LISTS:
        try:
            numbers[name] = max(int(values.get(f"page_{name}") or 1), 1)
        except ValueError:
            numbers[name] = 1
    return numbers


def _page(query: str = "", forms: dict[str, FormState] | None = None, status: int = 200) -> Any:
    """`forms` keyed "account-<id>" / "mission-<id>": the one that was refused, re-shown."""
    pages = _page_numbers(request.values)
    lists = {}
    for name, select in (
        ("comptes", moderation.accounts_select(query)),
        ("missions", moderation.missions_select(query)),
        ("journal", moderation.journal_select()),
    ):
        total, items = paginate(select, min(pages[name], MAX_PAGE), PER_PAGE)
        lists[name] = Listing(items, total, pages[name], max((total + PER_PAGE - 1) // PER_PAGE, 1))
    return (
        render_template(
            "operator/moderation.html",
            query=query,
            accounts=lists["comptes"],
            missions=lists["missions"],
            journal=lists["journal"],
            page_args=_page_args(query, pages),
            forms=forms or {},
            empty_form=FormState(),
        ),
        status,
    )


@dataclass(frozen=True)
class Listing:
    """One page of one of the lists, and where it stands in the whole list."""

    items: list[Any]
    total: int
    page: int
    pages: int


def _page_args(query: str, pages: dict[str, int]) -> dict[str, Any]:
    """What a link or a form keeps of the page: the query and each list's page."""
    args: dict[str, Any] = {f"page_{name}": n for name, n in pages.items() if n > 1}
    if query:
        args["q"] = query
    return args


def _back(query: str) -> ResponseReturnValue:
    return redirect(
        url_for("web.operator_moderation", **_page_args(query, _page_numbers(request.form)))
    )


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
