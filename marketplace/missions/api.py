from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user, optional_api_user
from marketplace.accounts.models import Role, User
from marketplace.extensions import db
from marketplace.http import Blueprint
from marketplace.missions import nda, services
from marketplace.missions.models import (
    Invitation,
    Mission,
    MissionStatus,
    NdaAcceptance,
    NdaDocument,
)
from marketplace.missions.schemas import (
    InvitationIn,
    InvitationOut,
    InvitationPage,
    MissionCreateIn,
    MissionListQuery,
    MissionOut,
    MissionPage,
    MissionPatch,
    NdaAcceptIn,
    NdaOut,
)
from marketplace.pagination import SelectPage

blp = Blueprint("missions", __name__, url_prefix="/api/v1", description="Missions")


def shown(mission: Mission, user: User | None) -> Mission:
    mission.viewer_sees_details = services.details_visible(mission, user)
    return mission


@blp.route("/missions")
class Missions(MethodView):
    @blp.arguments(MissionListQuery, location="query")
    @blp.response(200, MissionPage)
    @blp.paginate()
    def get(
        self, args: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[Mission]:
        """Open missions, newest first; `mine=true` lists the calling business's own."""
        user = optional_api_user()
        if args["mine"]:
            user = api_user(Role.BUSINESS)
            query = services.missions_of(user)
            if args["status"]:
                query = query.where(Mission.status == MissionStatus(args["status"]))
        else:
            query = services.open_missions()
        return [shown(m, user) for m in SelectPage(query, pagination_parameters).items]

    @blp.arguments(MissionCreateIn)
    @blp.response(201, MissionOut)
    def post(self, data: dict[str, Any]) -> Mission:
        """Post a mission (business); with `invite_secretary_id`, a direct proposal: the
        mission and that secretary's invitation in one step."""
        user = api_user(Role.BUSINESS)
        invitee = data.pop("invite_secretary_id", None)
        message = data.pop("invite_message", "")
        return shown(services.create_mission(user, data, invitee, message), user)


@blp.route("/missions/<uuid:mission_id>")
class MissionItem(MethodView):
    @blp.response(200, MissionOut)
    def get(self, mission_id: uuid.UUID) -> Mission:
        """A mission; a confidential one hides its description until the agreement is accepted."""
        user = optional_api_user()
        return shown(services.visible_mission(user, mission_id), user)

    @blp.arguments(MissionPatch(partial=True))
    @blp.response(200, MissionOut)
    def patch(self, data: dict[str, Any], mission_id: uuid.UUID) -> Mission:
        """Edit a mission (owner, while open)."""
        user = api_user(Role.BUSINESS)
        mission = services.owned_mission(user, mission_id)
        return shown(services.update_mission(mission, user, data), user)


@blp.route("/missions/<uuid:mission_id>/close")
class MissionClose(MethodView):
    @blp.response(200, MissionOut)
    def post(self, mission_id: uuid.UUID) -> Mission:
        """Withdraw an open mission (owner); its pending bids are declined."""
        user = api_user(Role.BUSINESS)
        return shown(services.close_mission(services.owned_mission(user, mission_id), user), user)


def _nda_shown(document: NdaDocument, accepted: NdaAcceptance | None) -> dict[str, Any]:
    return {
        "sha256": document.sha256,
        "version": document.version,
        "created_at": document.created_at,
        "pdf_url": f"/api/v1/missions/{document.mission_id}/nda.pdf",
        "acceptance": accepted,
    }


@blp.route("/missions/<uuid:mission_id>/nda")
class MissionNda(MethodView):
    @blp.response(200, NdaOut)
    def get(self, mission_id: uuid.UUID) -> dict[str, Any]:
        """The mission's confidentiality agreement (SHA-256, version) and, for a secretary,
        her acceptance."""
        user = api_user()
        mission = services.visible_mission(user, mission_id)
        document = services.nda_document(mission)
        mine = services.nda_acceptance(mission, user) if user.role is Role.SECRETARY else None
        return _nda_shown(document, mine)

    @blp.arguments(NdaAcceptIn, required=False)
    @blp.response(200, MissionOut)
    def post(self, data: dict[str, Any] | None, mission_id: uuid.UUID) -> Mission:
        """Accept the confidentiality agreement of a confidential mission (secretary): her
        name, the time and the document's SHA-256 are recorded. Optional `sha256`: the
        version she read (409 `nda_changed` if it is no longer the current one)."""
        user = api_user(Role.SECRETARY)
        mission = services.visible_mission(user, mission_id)
        services.accept_nda(mission, user, (data or {}).get("sha256"))
        return shown(mission, user)


@blp.route("/missions/<uuid:mission_id>/nda.pdf")
class MissionNdaPdf(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    def get(self, mission_id: uuid.UUID) -> Response:
        """The confidentiality agreement as a PDF (whoever may see the mission)."""
        mission = services.visible_mission(api_user(), mission_id)
        return nda_pdf_response(services.nda_document(mission))


def nda_pdf_response(document: NdaDocument) -> Response:
    return Response(
        document.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{nda.filename(document)}"',
            "Cache-Control": "private, no-store",
            "X-Document-SHA256": document.sha256,
        },
    )


@blp.route("/missions/<uuid:mission_id>/invitations")
class MissionInvitations(MethodView):
    @blp.response(200, InvitationOut(many=True))
    def get(self, mission_id: uuid.UUID) -> list[Invitation]:
        """Secretaries invited to this mission (owner)."""
        user = api_user(Role.BUSINESS)
        mission = services.owned_mission(user, mission_id)
        return list(
            db.session.scalars(sa.select(Invitation).where(Invitation.mission_id == mission.id))
        )

    @blp.arguments(InvitationIn)
    @blp.response(201, InvitationOut)
    def post(self, data: dict[str, Any], mission_id: uuid.UUID) -> Invitation:
        """Invite a secretary to bid (owner, while open)."""
        user = api_user(Role.BUSINESS)
        mission = services.owned_mission(user, mission_id)
        return services.invite(mission, user, data["secretary_id"], data["message"])


@blp.route("/me/invitations")
class MyInvitations(MethodView):
    @blp.response(200, InvitationPage)
    @blp.paginate(SelectPage)
    def get(self) -> sa.Select[tuple[Invitation]]:
        """Invitations the calling secretary received."""
        return services.invitations_for(api_user(Role.SECRETARY))
