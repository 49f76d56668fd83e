"""Missions: the list of open ones, posting and editing, the mission page, bids on it."""

from __future__ import annotations

import math
import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.auth import optional_web_user
from marketplace.accounts.models import Role
from marketplace.bids import compare
from marketplace.bids import services as bids
from marketplace.bids.models import LIVE_BID_STATUSES, BidStatus
from marketplace.bids.schemas import BidIn
from marketplace.contracts import services as contracts
from marketplace.errors import FieldErrors
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.api import nda_pdf_response
from marketplace.missions.models import Mission, MissionStatus
from marketplace.missions.schemas import MissionIn, MissionPatch
from marketplace.moderation import services as moderation
from marketplace.money import euros, parse_euros
from marketplace.pagination import paginate
from marketplace.profiles import services as profiles
from marketplace.profiles.models import SecretaryProfile
from marketplace.taxonomy import WEEKDAY_CODES
from marketplace.validation import PaginationQuery, load
from marketplace.web import search_pages
from marketplace.web.blueprint import bp
from marketplace.web.filters import locale_name
from marketplace.web.forms import FormSpec, FormState, number_to_input, weekly_slots
from marketplace.web.helpers import refused_as_flash, signed_in

_MISSION_FIELDS: dict[str, Any] = {
    "text": (
        "title",
        "description",
        "specialty",
        "pricing",
        "postal_code",
        "start_date",
        "end_date",
        "schedule",
        "period",
        "notice_days",
    ),
    "decimals": ("estimated_hours", "hours_per_period"),
    "flags": ("remote_ok", "urgent", "confidential"),
    "lists": ("skills",),
    "money": ("budget",),
    "paths": {"budget": "budget_cents"},
}
NEW_MISSION = FormSpec(MissionIn, **_MISSION_FIELDS)
EDIT_MISSION = FormSpec(MissionPatch, **_MISSION_FIELDS)
BID = FormSpec(
    BidIn,
    text=("start_date", "message"),
    decimals=("estimated_hours", "hours_per_period"),
    money=("amount", "hourly_rate"),
    paths={"amount": "amount_cents", "hourly_rate": "hourly_rate_cents"},
)


def _parse_mission(spec: FormSpec, form: Any) -> dict[str, Any]:
    data = spec.parse(form)
    if data.get("schedule") == "recurring" or "slot_days" in form:
        days = [d for d in form.getlist("slot_days") if d in WEEKDAY_CODES]
        hours = [(form.get("slot_start", ""), form.get("slot_end", ""))]
        slots = weekly_slots(days, hours, "weekly_slots", skip_empty=False)
        if slots:
            data["weekly_slots"] = slots
        elif spec is NEW_MISSION or "slot_days" in form:
            data["weekly_slots"] = []
    return data


def _budget_check(form: Any, data: dict[str, Any]) -> list[missions.BudgetWarning]:
    """An implausible hourly figure is shown before the mission is posted, until the
    business confirms it (`confirm_budget`)."""
    if form.get("confirm_budget"):
        return []
    return missions.budget_warnings(SimpleNamespace(**({"estimated_hours": None} | data)))


PER_PAGE = 20
# The bid form offers this many milestone rows (the API takes up to ten).
MILESTONE_ROWS = 5


def _milestone_rows(form: Any) -> list[dict[str, Any]] | None:
    """The milestone rows the secretary filled in (title, euros, due date), for the
    service's rules; a row half filled or unreadable is a 422 naming `milestones`."""
    rows: list[dict[str, Any]] = []
    for i in range(1, MILESTONE_ROWS + 1):
        title = form.get(f"milestone_title_{i}", "").strip()
        amount = form.get(f"milestone_amount_{i}", "").strip()
        due = form.get(f"milestone_due_{i}", "").strip()
        if not (title or amount or due):
            continue
        try:
            if not (title and amount and due):
                raise ValueError(_("indiquez son titre, son montant et son échéance."))
            cents = parse_euros(amount)
            if len(title) < 2:
                raise ValueError(_("son titre est trop court."))
            rows.append(
                {"title": title[:140], "amount_cents": cents, "due_date": date.fromisoformat(due)}
            )
        except ValueError as exc:
            detail = str(exc) if str(exc).endswith(".") else _("montant ou date illisible.")
            raise FieldErrors(
                {"milestones": _("Jalon %(n)s : %(detail)s", n=i, detail=detail)}
            ) from None
    return rows or None


def _mission_values(mission: Mission) -> dict[str, Any]:
    locale = locale_name()
    return {
        "title": mission.title,
        "description": mission.description,
        "specialty": mission.specialty,
        "skills": mission.skills,
        "pricing": mission.pricing.value,
        "budget": euros(mission.budget_cents, locale, "input"),
        "estimated_hours": number_to_input(mission.estimated_hours, locale),
        "postal_code": mission.postal_code,
        "remote_ok": "y" if mission.remote_ok else None,
        "start_date": mission.start_date.isoformat(),
        "end_date": mission.end_date.isoformat() if mission.end_date else None,
        "urgent": "y" if mission.urgent else None,
        "confidential": "y" if mission.confidential else None,
        "schedule": mission.schedule.value,
        "period": mission.period.value if mission.period else None,
        "hours_per_period": number_to_input(mission.hours_per_period, locale),
        "notice_days": str(mission.notice_days),
        "slot_days": [slot["day"] for slot in mission.weekly_slots],
        "slot_start": mission.weekly_slots[0]["start"] if mission.weekly_slots else "",
        "slot_end": mission.weekly_slots[0]["end"] if mission.weekly_slots else "",
    }


@bp.get("/missions")
def mission_list() -> ResponseReturnValue:
    viewer = optional_web_user()
    if viewer is not None and viewer.is_secretary:
        context = search_pages.missions_for_secretary(viewer)
        return render_template("missions/for_me.html", **context), context["status"]
    total, items, page = _page_of(missions.open_missions())
    return render_template(
        "missions/list.html",
        missions=[(m, missions.details_visible(m, viewer)) for m in items],
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
    )


@bp.get("/mes-missions")
def my_missions() -> ResponseReturnValue:
    """A business's missions, latest first, a page at a time (her dashboard shows the
    latest ten). Nobody else has missions of their own: not found."""
    user = signed_in()
    if user.role is not Role.BUSINESS:
        abort(404)
    total, items, page = _page_of(missions.missions_of(user))
    return render_template(
        "missions/mine.html",
        missions=items,
        bid_counts=bids.bid_counts([m.id for m in items]),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
    )


def _page_of(query: Any) -> tuple[int, list[Any], int]:
    """(total, items, page number) of the `?page=` asked, PER_PAGE a page; a page number
    that is not one gives the first page."""
    try:
        args = load(
            PaginationQuery(), {"page": request.args.get("page", "1"), "per_page": PER_PAGE}
        )
    except FieldErrors:
        args = {"page": 1, "per_page": PER_PAGE}
    total, items = paginate(query, args["page"], args["per_page"])
    return total, items, args["page"]


def _proposed_to(raw: str | None) -> SecretaryProfile | None:
    """The secretary a mission is proposed to directly ("Proposer une mission" on her public
    profile: `?pour=<her id>`); None when absent, malformed, unknown or suspended."""
    try:
        secretary_id = uuid.UUID(raw or "")
    except ValueError:
        return None
    profile = db.session.get(SecretaryProfile, secretary_id)
    if profile is None or profile.user.is_suspended:
        return None
    return profile


@bp.route("/missions/nouvelle", methods=["GET", "POST"])
def mission_new() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS)
    target = _proposed_to(request.values.get("pour"))
    if request.method == "GET":
        values: dict[str, Any] = {
            "pricing": "fixed",
            "remote_ok": "y",
            "schedule": "one_off",
            "period": "week",
            "notice_days": "7",
        }
        business = profiles.own_profile(user)
        if business is not None:
            values["postal_code"] = business.postal_code
        if target is not None:
            values["specialty"] = target.specialties[0] if target.specialties else None
        return render_template(
            "missions/form.html", form=FormState(values), mission=None, proposed_to=target
        )
    try:
        data = _parse_mission(NEW_MISSION, request.form)
        warnings = _budget_check(request.form, data)
        if warnings:
            form = FormState(request.form)
            return render_template(
                "missions/form.html",
                form=form,
                mission=None,
                budget_warnings=warnings,
                proposed_to=target,
            )
        message = request.form.get("invite_message", "").strip()[:2000]
        mission = missions.create_mission(
            user, data, target.user_id if target is not None else None, message
        )
    except FieldErrors as exc:
        form = NEW_MISSION.state(request.form, exc)
        return render_template(
            "missions/form.html", form=form, mission=None, proposed_to=target
        ), 422
    if target is not None:
        flash(
            _(
                "Mission publiée et proposée à %(name)s : elle est prévenue et peut vous "
                "envoyer son devis.",
                name=target.user.display_name,
            ),
            "success",
        )
    else:
        flash(
            _("Mission publiée. Les secrétaires peuvent maintenant vous envoyer leurs devis."),
            "success",
        )
    return redirect(url_for("web.mission_detail", mission_id=mission.id))


@bp.route("/missions/<uuid:mission_id>/modifier", methods=["GET", "POST"])
def mission_edit(mission_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS)
    mission = missions.owned_mission(user, mission_id)
    if mission.status is not MissionStatus.OPEN:
        flash(_("Une mission attribuée ou fermée ne peut plus être modifiée."), "error")
        return redirect(url_for("web.mission_detail", mission_id=mission.id))
    if request.method == "GET":
        return render_template(
            "missions/form.html", form=FormState(_mission_values(mission)), mission=mission
        )
    try:
        with refused_as_flash():
            missions.update_mission(mission, user, _parse_mission(EDIT_MISSION, request.form))
            flash(_("Mission mise à jour."), "success")
    except FieldErrors as exc:
        db.session.rollback()
        form = EDIT_MISSION.state(request.form, exc)
        return render_template("missions/form.html", form=form, mission=mission), 422
    return redirect(url_for("web.mission_detail", mission_id=mission.id))


def _mission_page(
    mission_id: uuid.UUID, bid_form: FormState | None = None, status: int = 200
) -> ResponseReturnValue:
    viewer = optional_web_user()
    mission = missions.visible_mission(viewer, mission_id)
    context: dict[str, Any] = {
        "mission": mission,
        "viewer": viewer,
        "is_owner": viewer is not None and mission.business_id == viewer.id,
        "sees_details": missions.details_visible(mission, viewer),
        "bid_form": bid_form or FormState(),
        "milestone_rows": MILESTONE_ROWS,
        "bids": [],
        "invitations": [],
        "my_bids": [],
        "live_bid": None,
        "has_profile": False,
        "contract": None,
        "moderation": None,
        # A confidential mission's agreement (the document, and her acceptance of it).
        "nda": None,
        "nda_acceptance": None,
    }
    if mission.confidential and viewer is not None and viewer.role is Role.SECRETARY:
        context["nda"] = missions.nda_document(mission)
        context["nda_acceptance"] = missions.nda_acceptance(mission, viewer)
    if (
        viewer is not None
        and mission.status is MissionStatus.CLOSED
        and (viewer.role is Role.OPERATOR or mission.business_id == viewer.id)
    ):
        context["moderation"] = moderation.last_mission_decision(mission.id)
    if viewer is not None and mission.status is MissionStatus.HIRED:
        contract = contracts.contract_of_mission(mission.id)
        if contract is not None and (
            viewer.role is Role.OPERATOR or contract.party_role(viewer.id) is not None
        ):
            context["contract"] = contract
    if viewer is not None and (context["is_owner"] or viewer.role is Role.OPERATOR):
        context["bids"] = bids.bids_on(mission, viewer)
        sort = request.args.get("tri", "received")
        context["quote_sort"] = sort if sort in compare.SORTS else "received"
        context["quotes"] = compare.compare(mission, context["bids"], context["quote_sort"])
        context["invitations"] = missions.invitations_on(mission)
        if context["is_owner"] and mission.status is MissionStatus.OPEN:
            context["mission_matches"] = search_pages.mission_matches(mission)
    elif viewer is not None and viewer.role is Role.SECRETARY:
        mine = bids.bids_on(mission, viewer)
        context["my_bids"] = mine
        context["live_bid"] = next((b for b in mine if b.status in LIVE_BID_STATUSES), None)
        context["has_profile"] = profiles.own_profile(viewer) is not None
    return render_template("missions/detail.html", **context), status


@bp.get("/missions/<uuid:mission_id>")
def mission_detail(mission_id: uuid.UUID) -> ResponseReturnValue:
    return _mission_page(mission_id)


@bp.post("/missions/<uuid:mission_id>/fermer")
def mission_close(mission_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS)
    mission = missions.owned_mission(user, mission_id)
    with refused_as_flash():
        missions.close_mission(mission, user)
        flash(_("Mission retirée. Les devis en attente ont été déclinés."), "success")
    return redirect(url_for("web.mission_detail", mission_id=mission_id))


@bp.get("/missions/<uuid:mission_id>/accord-de-confidentialite.pdf")
def mission_nda_pdf(mission_id: uuid.UUID) -> Response:
    mission = missions.visible_mission(signed_in(), mission_id)
    return nda_pdf_response(missions.nda_document(mission))


@bp.post("/missions/<uuid:mission_id>/confidentialite")
def mission_accept_nda(mission_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    mission = missions.visible_mission(user, mission_id)
    with refused_as_flash():
        missions.accept_nda(mission, user, request.form.get("sha256") or None)
        flash(
            _("Accord de confidentialité accepté : le détail de la mission est visible."), "success"
        )
    return redirect(url_for("web.mission_detail", mission_id=mission_id))


@bp.post("/missions/<uuid:mission_id>/devis")
def bid_create(mission_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    mission = missions.visible_mission(user, mission_id)
    try:
        with refused_as_flash():
            data = BID.parse(request.form)
            data["milestones"] = _milestone_rows(request.form)
            bids.place_bid(mission, user, data)
            flash(_("Devis envoyé. Le client vous répondra ici même."), "success")
    except FieldErrors as exc:
        return _mission_page(mission_id, BID.state(request.form, exc), 422)
    return redirect(url_for("web.mission_detail", mission_id=mission_id))


@bp.post("/devis/<uuid:bid_id>/retirer")
def bid_withdraw(bid_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.SECRETARY)
    bid = bids.visible_bid(user, bid_id)
    with refused_as_flash():
        bids.withdraw(bid, user)
        flash(_("Devis retiré."), "success")
    return redirect(url_for("web.mission_detail", mission_id=bid.mission_id))


@bp.route("/devis/<uuid:bid_id>/accepter", methods=["GET", "POST"])
def bid_accept(bid_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS)
    bid = bids.visible_bid(user, bid_id)
    if request.method == "GET":
        if bid.status is not BidStatus.PENDING or bid.mission.status is not MissionStatus.OPEN:
            flash(_("Ce devis ne peut plus être accepté."), "error")
            return redirect(url_for("web.mission_detail", mission_id=bid.mission_id))
        terms = contracts.terms_of(bid)
        return render_template(
            "missions/accept_confirm.html",
            bid=bid,
            commission_cents=terms.commission_cents,
            commission_percent=terms.commission_percent,
            payout_cents=terms.payout_cents,
        )
    with refused_as_flash():
        contract = contracts.hire(bid, user)
        flash(
            _(
                "Devis accepté : le contrat avec %(name)s est créé. Prochaine étape : le paiement "
                "en séquestre.",
                name=bid.secretary.display_name,
            ),
            "success",
        )
        return redirect(url_for("web.contract_detail", contract_id=contract.id))
    return redirect(url_for("web.mission_detail", mission_id=bid.mission_id))
