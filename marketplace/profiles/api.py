from __future__ import annotations

import uuid
from typing import Any

from flask import Response, jsonify, request
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.badges import services as badges
from marketplace.contracts import services as contracts
from marketplace.errors import NotFound
from marketplace.http import Blueprint
from marketplace.profiles import services
from marketplace.profiles.models import SecretaryProfile
from marketplace.profiles.schemas import (
    PROFILE_IN,
    PROFILE_OUT,
    BusinessProfileIn,
    BusinessProfileOut,
    SecretaryOwnOut,
    SecretaryProfileIn,
    SecretaryPublicOut,
    TaxonomyOut,
)
from marketplace.taxonomy import LANGUAGES, SKILLS, SPECIALTIES, WEEKDAYS
from marketplace.validation import load

blp = Blueprint("profiles", __name__, url_prefix="/api/v1", description="Profiles and taxonomy")


def _own(profile: object) -> Response:
    """The caller's profile, dumped by the schema of its kind.

    A Response, because `@blp.response` cannot dump with a `oneOf` (PROFILE_OUT): it only
    documents it, and flask-smorest sends a Response as it is.
    """
    if isinstance(profile, SecretaryProfile):
        return jsonify(
            SecretaryOwnOut().dump(badges.on_profile(contracts.public_secretary(profile.user_id)))
        )
    return jsonify(BusinessProfileOut().dump(profile))


@blp.route("/me/profile")
class MyProfile(MethodView):
    @blp.response(200, PROFILE_OUT)
    def get(self) -> Response:
        """The caller's profile (secretary or business)."""
        user = api_user(Role.BUSINESS, Role.SECRETARY)
        profile = services.own_profile(user)
        if profile is None:
            raise NotFound("Profil pas encore rempli.")
        return _own(profile)

    @blp.doc(
        requestBody={"required": True, "content": {"application/json": {"schema": PROFILE_IN}}}
    )
    @blp.response(200, PROFILE_OUT)
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY")
    def put(self) -> Response:
        """Create or replace the caller's profile.

        A secretary sends SecretaryProfileIn, a business BusinessProfileIn. The place
        (city, department, region, coordinates) is resolved from `postal_code`.
        """
        user = api_user(Role.BUSINESS, Role.SECRETARY)
        schema = SecretaryProfileIn() if user.role is Role.SECRETARY else BusinessProfileIn()
        data = load(schema, request.get_json(silent=True))
        if user.role is Role.SECRETARY:
            return _own(services.save_secretary_profile(user, data))
        return _own(services.save_business_profile(user, data))


@blp.route("/secretaries/<uuid:secretary_id>")
class SecretaryPublic(MethodView):
    @blp.response(200, SecretaryPublicOut)
    def get(self, secretary_id: uuid.UUID) -> SecretaryProfile:
        """A secretary's public profile, with her rating and completed contracts."""
        return badges.on_profile(contracts.public_secretary(secretary_id))


@blp.route("/taxonomy")
class Taxonomy(MethodView):
    @blp.response(200, TaxonomyOut)
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
