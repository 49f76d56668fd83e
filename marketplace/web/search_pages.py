"""Search pages: /recherche for businesses, and the two blocks other pages include.

* `search/_mission_matches.html` (the owner's mission page) calls `mission_matches(mission)`;
* `search/_missions_for_you.html` (a secretary's dashboard) calls `missions_for_you(user)`.

Both are template globals registered here, so the including page needs nothing else.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from marketplace.accounts.auth import web_user
from marketplace.accounts.models import Role, User
from marketplace.errors import Conflict, FieldErrors
from marketplace.missions import services as missions
from marketplace.missions.models import Mission
from marketplace.money import parse_euros
from marketplace.search import services
from marketplace.search.interfaces import SearchUnavailable
from marketplace.search.schemas import MissionSearchQuery, SecretarySearchQuery
from marketplace.taxonomy import SKILLS, SPECIALTIES
from marketplace.validation import PaginationQuery, flatten_messages
from marketplace.web.blueprint import bp

PER_PAGE = 20


class MissionSearchPageQuery(MissionSearchQuery, PaginationQuery):
    """The missions page's filters and page."""


MATCHES_SHOWN = 10
RADII = (5, 10, 20, 30, 50, 100, 200)


def form_criteria(values: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The search form's fields as the API query wants them (unchecked), and their errors."""
    errors: dict[str, list[str]] = {}
    raw: dict[str, Any] = {
        k: v.strip()
        for k in ("q", "specialty", "postal_code", "radius_km", "available_on")
        if (v := values.get(k, ""))
    }
    skills = values.getlist("skills")
    if skills:
        raw["skills"] = skills
    remote = values.get("remote", "")
    if remote in ("true", "false"):
        raw["remote"] = remote
    if max_rate := values.get("max_rate", "").strip():
        try:
            raw["max_rate_cents"] = parse_euros(max_rate)
        except ValueError as exc:
            errors["max_rate"] = [str(exc)]
    return raw, errors


def mission_form_criteria(
    values: MultiDict[str, str],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The missions page's filters as the API query wants them (unchecked), and their errors."""
    errors: dict[str, list[str]] = {}
    raw: dict[str, Any] = {
        k: v.strip()
        for k in ("q", "specialty", "postal_code", "radius_km")
        if (v := values.get(k, ""))
    }
    if (remote := values.get("remote", "")) in ("true", "false"):
        raw["remote"] = remote
    if schedule := values.get("schedule", "").strip():
        raw["schedule"] = schedule
    if min_budget := values.get("min_budget", "").strip():
        try:
            raw["min_budget_cents"] = parse_euros(min_budget)
        except ValueError as exc:
            errors["min_budget"] = [str(exc)]
    return raw, errors


def missions_for_secretary(user: User) -> dict[str, Any]:
    """The missions page of a secretary: open missions ranked for her, within the filters."""
    raw, errors = mission_form_criteria(request.args)
    if page := request.args.get("page", "").strip():
        raw["page"] = page
    args: dict[str, Any] = {}
    try:
        args = MissionSearchPageQuery().load(raw)
    except ValidationError as err:
        flat = flatten_messages(err.normalized_messages())
        errors.update(
            {("min_budget" if k == "min_budget_cents" else k): v for k, v in flat.items()}
        )
    result: services.ResultPage | None = None
    unavailable = False
    if not errors:
        args["per_page"] = PER_PAGE
        try:
            result = services.search_missions(args, user)
        except SearchUnavailable:
            unavailable = True
    return {
        "values": request.args,
        "errors": errors,
        "page": result,
        "pages": math.ceil(result.total / PER_PAGE) if result else 0,
        "current": args.get("page", 1),
        "link_query": {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"},
        "unavailable": unavailable,
        "active_filters": sum(1 for k, v in request.args.items(multi=True) if v and k != "page"),
        "specialties": SPECIALTIES,
        "radii": RADII,
        "status": 422 if errors else 503 if unavailable else 200,
    }


def _form_args() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The search form's fields as the API query schema wants them, and errors by field."""
    raw, errors = form_criteria(request.args)
    if page := request.args.get("page", "").strip():
        raw["page"] = page
    try:
        args: dict[str, Any] = SecretarySearchQuery().load(raw)
    except ValidationError as err:
        flat = flatten_messages(err.normalized_messages())
        errors.update({("max_rate" if k == "max_rate_cents" else k): v for k, v in flat.items()})
        args = {}
    args["per_page"] = PER_PAGE
    return args, errors


@bp.get("/recherche")
def search_page() -> ResponseReturnValue:
    args, errors = _form_args()
    page: services.ResultPage | None = None
    unavailable = False
    if not errors:
        try:
            page = services.search_secretaries(args)
        except SearchUnavailable:
            unavailable = True
    pages = math.ceil(page.total / PER_PAGE) if page else 0
    current = args.get("page", 1)
    query = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"}
    return render_template(
        "search/search.html",
        values=request.args,
        errors=errors,
        page=page,
        pages=pages,
        current=current,
        link_query=query,
        unavailable=unavailable,
        active_filters=sum(1 for k, v in request.args.items(multi=True) if v and k != "page"),
        specialties=SPECIALTIES,
        skills=SKILLS,
        radii=RADII,
    ), (422 if errors else 503 if unavailable else 200)


@bp.post("/recherche/missions/<uuid:mission_id>/inviter")
def invite(mission_id: uuid.UUID) -> ResponseReturnValue:
    """The "Inviter" button of the matches on a mission page."""
    user = web_user(Role.BUSINESS)
    mission = missions.owned_mission(user, mission_id)
    try:
        secretary_id = uuid.UUID(request.form.get("secretary_id", ""))
    except ValueError:
        flash(_("Secrétaire introuvable."), "warning")
    else:
        try:
            missions.invite(mission, user, secretary_id)
        except (Conflict, FieldErrors) as exc:
            flash(exc.message, "warning")
        else:
            flash(_("Invitation envoyée."), "success")
    return redirect(_mission_url(mission.id) + "#correspondances")


def _mission_url(mission_id: uuid.UUID) -> str:
    return url_for("web.mission_detail", mission_id=mission_id)


# ----------------------------------------------------------------------------- for other pages
def mission_matches(mission: Mission) -> dict[str, Any] | None:
    """Top matches for the owner's mission page, and who is already invited; None if down."""
    try:
        page = services.matches(mission, MATCHES_SHOWN)
    except SearchUnavailable:
        return None
    invited = {str(i.secretary_id) for i in missions.invitations_on(mission)}
    return {"total": page.total, "results": page.results, "invited": invited}


def missions_for_you(user: User | None) -> list[services.MissionResult] | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_secretary:
        return []
    try:
        return services.missions_for(user, MATCHES_SHOWN)
    except SearchUnavailable:
        return None
