"""Post, edit and close missions; invite secretaries; confidentiality agreements."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import require_verified_email, token_user_select
from marketplace.config import Settings
from marketplace.db import utcnow
from marketplace.errors import Conflict, FieldErrors, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.geo.places import Place
from marketplace.missions import nda
from marketplace.missions.models import (
    MISSION,
    Invitation,
    Mission,
    MissionStatus,
    NdaAcceptance,
    NdaDocument,
    PeriodUnit,
    Pricing,
    Schedule,
)
from marketplace.money import euros
from marketplace.notifications.services import notify
from marketplace.profiles.models import SecretaryProfile
from marketplace.profiles.services import apply_place, resolve_place
from marketplace.urls import path_for


def _settings() -> Settings:
    settings: Settings = current_app.config["MARKETPLACE_SETTINGS"]
    return settings


def _check(values: dict[str, Any], *, creating: bool) -> Place | None:
    """Rules across fields, all reported in one answer; returns the place when one is given."""
    errors: dict[str, list[str]] = {}
    recurring = values.get("schedule") == Schedule.RECURRING
    if recurring:
        if not values.get("period"):
            errors["period"] = [_("Indiquez la période du travail régulier (semaine ou mois).")]
        if not values.get("hours_per_period"):
            errors["hours_per_period"] = [_("Indiquez le nombre d'heures par période.")]
        elif values.get("period") == PeriodUnit.WEEK and values["hours_per_period"] > 60:
            errors["hours_per_period"] = [_("Au plus 60 heures par semaine.")]
    elif values.get("pricing") == Pricing.HOURLY and not values.get("estimated_hours"):
        errors["estimated_hours"] = [
            _("Indiquez le nombre d'heures estimé pour une mission à l'heure.")
        ]
    if values.get("weekly_slots") and not recurring:
        errors["weekly_slots"] = [_("Les créneaux hebdomadaires sont pour le travail régulier.")]
    start, end = values.get("start_date"), values.get("end_date")
    if creating and start is not None and start < date.today():
        errors["start_date"] = [_("La date de début ne peut pas être passée.")]
    if start and end and end < start:
        errors["end_date"] = [_("La date de fin doit suivre la date de début.")]
    place = None
    if "postal_code" in values:
        try:
            place = resolve_place(values["postal_code"], values.get("country", "FR"))
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    return place


def create_mission(
    user: User,
    data: dict[str, Any],
    invite_secretary_id: uuid.UUID | None = None,
    invite_message: str = "",
) -> Mission:
    """Post a mission; with `invite_secretary_id` (a direct proposal from her public
    profile) the mission and her invitation are written in one transaction: neither exists
    without the other."""
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    require_verified_email(user)
    place = _check(data, creating=True)
    if invite_secretary_id is not None:
        _invitable(invite_secretary_id, "invite_secretary_id")
    assert place is not None  # postal_code is required by MissionIn
    mission = Mission(business_id=user.id, status=MissionStatus.OPEN)
    _assign(mission, data)
    apply_place(mission, place)
    db.session.add(mission)
    if invite_secretary_id is not None:
        db.session.flush()
        _add_invitation(mission, user, invite_secretary_id, invite_message)
    db.session.commit()
    return mission


_EDITABLE = (
    "title",
    "description",
    "specialty",
    "skills",
    "pricing",
    "budget_cents",
    "estimated_hours",
    "remote_ok",
    "start_date",
    "end_date",
    "urgent",
    "confidential",
    "schedule",
    "period",
    "hours_per_period",
    "weekly_slots",
    "notice_days",
)


@dataclass(frozen=True)
class BudgetWarning:
    code: str
    field: str
    message: str
    hourly_cents: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "message": self.message,
            "hourly_cents": self.hourly_cents,
        }


def hourly_figure(mission: Any) -> int | None:
    """What the budget comes to per hour, when the hours are known (cents)."""
    recurring = getattr(mission, "schedule", None) == Schedule.RECURRING
    hours = mission.hours_per_period if recurring else mission.estimated_hours
    if not hours or not mission.budget_cents:
        return None
    return int(mission.budget_cents / hours)


def budget_warnings(mission: Any) -> list[BudgetWarning]:
    """An implausible hourly figure (under the SMIC's hourly rate: 30 EUR for 36 hours),
    said to the business with the figure before it posts, and on the mission after."""
    figure = hourly_figure(mission)
    floor = _settings().plausible_hourly_floor_cents
    if figure is None or figure >= floor:
        return []
    field = "budget_cents"
    return [
        BudgetWarning(
            "implausible_hourly_rate",
            field,
            _(
                "Ce budget revient à %(rate)s de l'heure, moins que le SMIC horaire "
                "(%(floor)s) : vérifiez le montant ou le nombre d'heures.",
                rate=euros(figure),
                floor=euros(floor),
            ),
            figure,
        )
    ]


def _assign(mission: Mission, data: dict[str, Any]) -> None:
    for name in _EDITABLE:
        if name in data:
            value = data[name]
            setattr(mission, name, value.strip() if isinstance(value, str) else value)


def update_mission(mission: Mission, user: User, data: dict[str, Any]) -> Mission:
    _require_owner(mission, user)
    MISSION.target("update", mission.status)
    merged = {name: getattr(mission, name) for name in _EDITABLE} | data
    place = _check(merged, creating=False)
    if place is not None:
        apply_place(mission, place)
    _assign(mission, data)
    # Claimed like any transition: a bid accepted while the edit was in flight wins.
    MISSION.claim(mission, "update", updated_at=utcnow())
    db.session.commit()
    return mission


def close_mission(mission: Mission, user: User) -> Mission:
    """The owner closes an open mission; its pending bids are declined
    (`bids.services.decline_pending_bids`, registered as a hook: bids sit above missions)."""
    _require_owner(mission, user)
    MISSION.target("close", mission.status)
    if not claim_close(mission):
        db.session.rollback()
        db.session.refresh(mission)
        raise MISSION.refusal("close", mission.status)
    db.session.commit()
    db.session.refresh(mission)
    return mission


def claim_close(mission: Mission) -> bool:
    """Open → closed in the current transaction, and the hooks told (pending bids declined:
    nobody waits for an answer); False, with nothing done, if it was not open any more.
    The caller commits (or rolls back)."""
    closed = MISSION.claim_by_id(
        mission.id, MissionStatus.OPEN, MissionStatus.CLOSED, closed_at=utcnow()
    )
    if closed:
        for hook in _CLOSE_HOOKS:
            hook(mission.id)
    return closed


_Hook = TypeVar("_Hook", bound=Callable[..., object])
_CLOSE_HOOKS: list[Callable[[uuid.UUID], object]] = []


def on_close(hook: _Hook) -> _Hook:
    """Register what else happens, in the same transaction, when a mission is closed."""
    _CLOSE_HOOKS.append(hook)
    return hook


def _require_owner(mission: Mission, user: User) -> None:
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    if mission.business_id != user.id:
        raise NotFound(_("Mission introuvable."))


# Other domains that make a secretary "involved" in a mission (bids: she quoted on it), so
# she may still see it once it is no longer open. Registered by those domains at import
# (bids sit above missions; missions never import them).
_INVOLVEMENT: list[Callable[[Mission, User], bool]] = []


def involvement(check: Callable[[Mission, User], bool]) -> Callable[[Mission, User], bool]:
    _INVOLVEMENT.append(check)
    return check


def _has_relation(mission: Mission, user: User) -> bool:
    """She was invited, or another domain says she is involved."""
    invited = db.session.scalar(
        sa.select(Invitation.id).where(
            Invitation.mission_id == mission.id, Invitation.secretary_id == user.id
        )
    )
    return invited is not None or any(check(mission, user) for check in _INVOLVEMENT)


def visible_mission(user: User | None, mission_id: uuid.UUID) -> Mission:
    """Open missions are public; others only for their owner, operators and secretaries involved."""
    mission = db.session.get(Mission, mission_id)
    if mission is None:
        raise NotFound(_("Mission introuvable."))
    if mission.status is MissionStatus.OPEN:
        return mission
    if user is not None and (
        user.role is Role.OPERATOR
        or mission.business_id == user.id
        or (user.role is Role.SECRETARY and _has_relation(mission, user))
    ):
        return mission
    raise NotFound(_("Mission introuvable."))


def owned_mission(user: User, mission_id: uuid.UUID) -> Mission:
    """For owner-only actions: 403 for a role that never owns missions, 404 for others' missions."""
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    return check_owned(user, db.session.get(Mission, mission_id))


@functools.cache
def caller_and_owned_mission() -> sa.Select[User, Mission]:
    """The token's user and, outer-joined, the mission bound as `mission_id` if that user owns
    it: the API caller and the mission in one query (`accounts.auth.api_user_with`)."""
    return (
        token_user_select()
        .add_columns(Mission)
        .outerjoin(
            Mission,
            sa.and_(Mission.id == sa.bindparam("mission_id"), Mission.business_id == User.id),
        )
    )


def check_owned(user: User, mission: Mission | None) -> Mission:
    """`owned_mission`'s answers for a mission already loaded (None: not found)."""
    if user.role is not Role.BUSINESS:
        raise Forbidden()
    if mission is None or mission.business_id != user.id:
        raise NotFound(_("Mission introuvable."))
    return mission


def nda_accepted(mission: Mission, user: User) -> bool:
    return (
        db.session.scalar(
            sa.select(NdaAcceptance.id).where(
                NdaAcceptance.mission_id == mission.id, NdaAcceptance.secretary_id == user.id
            )
        )
        is not None
    )


def details_visible(mission: Mission, user: User | None) -> bool:
    """A confidential mission shows its description only after the agreement is accepted."""
    if not mission.confidential:
        return True
    if user is None:
        return False
    if user.role is Role.OPERATOR or mission.business_id == user.id:
        return True
    return user.role is Role.SECRETARY and nda_accepted(mission, user)


class NdaChanged(Conflict):
    """She accepted by a SHA-256 that is not the agreement's: she read another version."""

    code = "nda_changed"


def nda_acceptance(mission: Mission, user: User) -> NdaAcceptance | None:
    return db.session.scalar(
        sa.select(NdaAcceptance).where(
            NdaAcceptance.mission_id == mission.id, NdaAcceptance.secretary_id == user.id
        )
    )


def nda_document(mission: Mission) -> NdaDocument:
    """The confidentiality agreement of a confidential mission as it reads today (404 for
    a mission without one); stored once per content (`missions.nda`), committed."""
    if not mission.confidential:
        raise NotFound(_("Cette mission n'a pas d'accord de confidentialité."))
    document = nda.current(mission)
    db.session.commit()
    return document


def accept_nda(mission: Mission, user: User, sha256: str | None = None) -> NdaAcceptance | None:
    """She accepts the confidentiality agreement: her name, the time and the SHA-256 of the
    document (`missions.nda`) are recorded. Accepting again changes nothing; with `sha256`,
    it must be the document's as it reads now (409 `nda_changed` otherwise)."""
    if user.role is not Role.SECRETARY:
        raise Forbidden()
    if not mission.confidential:
        raise Conflict(_("Cette mission n'est pas confidentielle."))
    existing = nda_acceptance(mission, user)
    if existing is not None:
        return existing  # accepting twice is harmless and idempotent
    document = nda.current(mission)
    if sha256 is not None and sha256.lower() != document.sha256:
        db.session.rollback()
        raise NdaChanged(
            _(
                "L'accord de confidentialité a changé : relisez la version %(version)s "
                "(SHA-256 %(sha)s).",
                version=document.version,
                sha=document.sha256,
            )
        )
    accepted = NdaAcceptance(
        mission_id=mission.id,
        secretary_id=user.id,
        name=user.display_name,
        sha256=document.sha256,
    )
    db.session.add(accepted)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return nda_acceptance(mission, user)
    return accepted


def _invitable(secretary_id: uuid.UUID, field_name: str) -> None:
    profile = db.session.get(SecretaryProfile, secretary_id)
    if profile is None or profile.user.is_suspended:
        raise FieldErrors({field_name: _("Aucune secrétaire avec cet identifiant.")})


def _add_invitation(
    mission: Mission, user: User, secretary_id: uuid.UUID, message: str
) -> Invitation:
    """The invitation and her notification, in the caller's transaction."""
    invitation = Invitation(mission_id=mission.id, secretary_id=secretary_id, message=message)
    db.session.add(invitation)
    notify(
        secretary_id,
        "invitation_received",
        subject=("mission", mission.id),
        url=path_for("web.mission_detail", mission_id=mission.id),
        params={"business": user.display_name, "mission": mission.title},
    )
    return invitation


def invite(mission: Mission, user: User, secretary_id: uuid.UUID, message: str = "") -> Invitation:
    _require_owner(mission, user)
    MISSION.target("invite", mission.status)
    _invitable(secretary_id, "secretary_id")
    exists = db.session.scalar(
        sa.select(Invitation.id).where(
            Invitation.mission_id == mission.id, Invitation.secretary_id == secretary_id
        )
    )
    if exists is not None:
        raise Conflict(_("Cette secrétaire est déjà invitée sur cette mission."))
    invitation = _add_invitation(mission, user, secretary_id, message)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Cette secrétaire est déjà invitée sur cette mission.")) from None
    return invitation


def missions_of(user: User) -> sa.Select[tuple[Mission]]:
    return (
        sa.select(Mission)
        .where(Mission.business_id == user.id)
        .order_by(Mission.created_at.desc(), Mission.id.desc())  # the pages' order is total
    )


def open_missions() -> sa.Select[tuple[Mission]]:
    """Newest first, each with its business (the lists name it: no load per mission)."""
    return (
        sa.select(Mission)
        .options(joinedload(Mission.business))
        .where(Mission.status == MissionStatus.OPEN)
        .order_by(Mission.created_at.desc())
    )


def invitations_on(mission: Mission) -> list[Invitation]:
    """The secretaries invited to quote on this mission, in the order they were invited."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.mission_id == mission.id)
            .order_by(Invitation.created_at)
        )
    )


def invitations_for(user: User) -> sa.Select[tuple[Invitation]]:
    return (
        sa.select(Invitation)
        .options(joinedload(Invitation.mission).joinedload(Mission.business))
        .where(Invitation.secretary_id == user.id)
        .order_by(Invitation.created_at.desc())
    )
