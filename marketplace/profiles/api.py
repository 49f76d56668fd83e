from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.errors import NotFound
from marketplace.http import Blueprint
from marketplace.profiles import services
from marketplace.profiles.models import SecretaryProfile
from marketplace.profiles.schemas import (
    BusinessProfileIn,
    BusinessProfileOut,
    SecretaryOwnOut,
    SecretaryProfileIn,
    SecretaryPublicOut,
)
from marketplace.taxonomy import LANGUAGES, SKILLS, SPECIALTIES, WEEKDAYS
from marketplace.validation import load

blp = Blueprint("profiles", __name__, url_prefix="/api/v1", description="Profiles and taxonomy")


def _dump_own(profile: object) -> dict[str, Any]:
    if isinstance(profile, SecretaryProfile):
        return SecretaryOwnOut().dump(services.public_secretary(profile.user_id))
    return BusinessProfileOut().dump(profile)


@blp.route("/me/profile")
class MyProfile(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """The caller's profile (secretary or business)."""
        user = api_user(Role.BUSINESS, Role.SECRETARY)
        profile = services.own_profile(user)
        if profile is None:
            raise NotFound("Profil pas encore rempli.")
        return _dump_own(profile)

    @blp.response(200)
    def put(self) -> dict[str, Any]:
        """Create or replace the caller's profile.

        A secretary sends SecretaryProfileIn, a business BusinessProfileIn. The place
        (city, department, region, coordinates) is resolved from `postal_code`.
        """
        user = api_user(Role.BUSINESS, Role.SECRETARY)
        schema = SecretaryProfileIn() if user.role is Role.SECRETARY else BusinessProfileIn()
        data = load(schema, request.get_json(silent=True))
        if user.role is Role.SECRETARY:
            return _dump_own(services.save_secretary_profile(user, data))
        return _dump_own(services.save_business_profile(user, data))


@blp.route("/secretaries/<uuid:secretary_id>")
class SecretaryPublic(MethodView):
    @blp.response(200, SecretaryPublicOut)
    def get(self, secretary_id: uuid.UUID) -> SecretaryProfile:
        """A secretary's public profile, with her rating and completed contracts."""
        return services.public_secretary(secretary_id)


@blp.route("/taxonomy")
class Taxonomy(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        """Specialty, skill, language and weekday codes with French and English labels."""

        def terms(items: tuple[Any, ...]) -> list[dict[str, str]]:
            return [{"code": t.code, "label_fr": t.fr, "label_en": t.en} for t in items]

        return {
            "specialties": terms(SPECIALTIES),
            "skills": terms(SKILLS),
            "languages": terms(LANGUAGES),
            "weekdays": terms(WEEKDAYS),
        }
