"""Edit one's own profile; a secretary's public profile, where a business can invite her."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.auth import optional_web_user
from marketplace.accounts.models import Role, User
from marketplace.badges import services as badges
from marketplace.contracts import services as contracts
from marketplace.errors import FieldErrors
from marketplace.extensions import db
from marketplace.missions import services as missions
from marketplace.missions.models import Mission, MissionStatus
from marketplace.missions.schemas import InvitationIn
from marketplace.money import euros
from marketplace.profiles import services as profiles
from marketplace.profiles.models import BusinessProfile, SecretaryProfile
from marketplace.profiles.schemas import BusinessProfileIn, SecretaryProfileIn
from marketplace.reviews import services as reviews
from marketplace.taxonomy import WEEKDAY_CODES
from marketplace.validation import load
from marketplace.web.blueprint import bp
from marketplace.web.filters import locale_name
from marketplace.web.forms import FormSpec, FormState, weekly_slots
from marketplace.web.helpers import refused_as_flash, signed_in

SECRETARY_PROFILE = FormSpec(
    SecretaryProfileIn,
    text=(
        "headline",
        "bio",
        "postal_code",
        "siret",
        "street_address",
        "street_address_line2",
        "vat_regime",
        "vat_number",
        "surcharge_percent",
        "evening_surcharge_percent",
        "weekend_surcharge_percent",
        "onsite_radius_km",
        "hours_per_week",
        "available_from",
    ),
    flags=("remote",),
    lists=("specialties", "skills", "languages", "weekdays"),
    money=("hourly_rate",),
    paths={
        "hourly_rate": "hourly_rate_cents",
        "weekdays": "availability.weekdays",
        "hours_per_week": "availability.hours_per_week",
        "available_from": "availability.available_from",
    },
)
BUSINESS_PROFILE = FormSpec(
    BusinessProfileIn,
    text=(
        "company_name",
        "siret",
        "sector",
        "street_address",
        "street_address_line2",
        "postal_code",
        "vat_regime",
        "vat_number",
    ),
)


def _invoicing_values(profile: SecretaryProfile | BusinessProfile) -> dict[str, Any]:
    return {
        "street_address": profile.street_line1,
        "street_address_line2": profile.street_line2,
        "vat_regime": "franchise" if profile.vat_exempt else "vat",
        "vat_number": profile.vat_number,
    }


INVITATION = FormSpec(InvitationIn, text=("secretary_id", "message"))
PUBLIC_REVIEWS = 20


def _secretary_values(profile: SecretaryProfile | None) -> dict[str, Any]:
    if profile is None:
        return {
            "remote": "y",
            "vat_regime": "franchise",
            "languages": ["fr"],
            "hours_per_week": "35",
            "surcharge_percent": "0",
            "evening_surcharge_percent": "0",
            "weekend_surcharge_percent": "0",
            "onsite_radius_km": "0",
        }
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "specialties": profile.specialties,
        "skills": profile.skills,
        "hourly_rate": euros(profile.hourly_rate_cents, locale_name(), "input"),
        "surcharge_percent": str(profile.surcharge_percent),
        "evening_surcharge_percent": str(profile.evening_surcharge_percent),
        "weekend_surcharge_percent": str(profile.weekend_surcharge_percent),
        "postal_code": profile.postal_code,
        "remote": "y" if profile.remote else None,
        "onsite_radius_km": str(profile.onsite_radius_km),
        "languages": profile.languages,
        "weekdays": profile.weekdays,
        "hours_per_week": str(profile.hours_per_week),
        "available_from": profile.available_from.isoformat() if profile.available_from else None,
        **_slot_values(profile),
        "siret": profile.siret,
        **_invoicing_values(profile),
    }


SLOT_RANGES = (("slot_start", "slot_end"), ("slot2_start", "slot2_end"))


def _slots(form: Any) -> list[dict[str, str]]:
    """Her working days times the (up to two) hour ranges she typed, e.g. Mon-Fri 08:00-12:00
    and 14:00-18:00; no range typed: no slots."""
    days = [d for d in form.getlist("weekdays") if d in WEEKDAY_CODES]
    hours = [(form.get(start, ""), form.get(end, "")) for start, end in SLOT_RANGES]
    return weekly_slots(days, hours, "slot_start")


def _slot_values(profile: SecretaryProfile) -> dict[str, str]:
    """Her slots back into the two ranges of the form (those of her first slotted day)."""
    values: dict[str, str] = {}
    day = profile.slots[0]["day"] if profile.slots else None
    first = [slot for slot in profile.slots if slot["day"] == day]
    for (start, end), slot in zip(SLOT_RANGES, first, strict=False):
        values[start], values[end] = slot["start"], slot["end"]
    return values


def _business_values(profile: BusinessProfile | None) -> dict[str, Any]:
    if profile is None:
        return {"vat_regime": "franchise"}
    return {
        "company_name": profile.company_name,
        "siret": profile.siret,
        "sector": profile.sector,
        "postal_code": profile.postal_code,
        **_invoicing_values(profile),
    }


def _profile_page(user: User, form: FormState, status: int = 200) -> ResponseReturnValue:
    profile = profiles.own_profile(user)
    template = (
        "profiles/edit_secretary.html"
        if user.role is Role.SECRETARY
        else "profiles/edit_business.html"
    )
    return render_template(template, user=user, profile=profile, form=form), status


@bp.route("/profil", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    secretary = user.role is Role.SECRETARY
    if request.method == "GET":
        current = profiles.own_profile(user)
        if secretary:
            values = _secretary_values(current if isinstance(current, SecretaryProfile) else None)
        else:
            values = _business_values(current if isinstance(current, BusinessProfile) else None)
        return _profile_page(user, FormState(values))
    spec = SECRETARY_PROFILE if secretary else BUSINESS_PROFILE
    try:
        data = spec.parse(request.form)
        if secretary:
            data["availability"]["slots"] = _slots(request.form)
            saved: SecretaryProfile | BusinessProfile = profiles.save_secretary_profile(user, data)
        else:
            saved = profiles.save_business_profile(user, data)
    except FieldErrors as exc:
        db.session.rollback()
        return _profile_page(user, spec.state(request.form, exc), 422)
    flash(
        _(
            "Profil enregistré. Localisation : %(city)s (%(department)s).",
            city=saved.city,
            department=saved.department,
        ),
        "success",
    )
    return redirect(url_for("web.profile"))


def _public_page(
    secretary_id: uuid.UUID, invite_form: FormState | None = None, status: int = 200
) -> ResponseReturnValue:
    shown = badges.on_profile(contracts.public_secretary(secretary_id))
    viewer = optional_web_user()
    open_missions: list[Mission] = []
    if viewer is not None and viewer.role is Role.BUSINESS:
        open_missions = list(
            db.session.scalars(
                missions.missions_of(viewer).where(Mission.status == MissionStatus.OPEN)
            )
        )
    return render_template(
        "profiles/public_secretary.html",
        profile=shown,
        reviews=list(
            db.session.scalars(reviews.published_about(secretary_id).limit(PUBLIC_REVIEWS))
        ),
        viewer=viewer,
        open_missions=open_missions,
        invite_form=invite_form or FormState(),
    ), status


@bp.get("/secretaires/<uuid:secretary_id>")
def secretary_public(secretary_id: uuid.UUID) -> ResponseReturnValue:
    return _public_page(secretary_id)


@bp.post("/secretaires/<uuid:secretary_id>/inviter")
def secretary_invite(secretary_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS)
    profiles.public_secretary(secretary_id)  # 404 for an unknown or suspended secretary
    try:
        mission_id = uuid.UUID(request.form.get("mission_id", ""))
    except ValueError:
        errors = {"mission_id": [_("Choisissez une de vos missions ouvertes.")]}
        return _public_page(secretary_id, FormState(request.form, errors), 422)
    mission = missions.owned_mission(user, mission_id)
    try:
        data = load(
            InvitationIn(),
            {"secretary_id": str(secretary_id), "message": request.form.get("message", "").strip()},
        )
        with refused_as_flash():
            missions.invite(mission, user, data["secretary_id"], data["message"])
            flash(_("Invitation envoyée pour « %(title)s ».", title=mission.title), "success")
    except FieldErrors as exc:
        return _public_page(secretary_id, INVITATION.state(request.form, exc), 422)
    return redirect(url_for("web.secretary_public", secretary_id=secretary_id))
