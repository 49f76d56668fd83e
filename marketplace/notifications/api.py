"""Notifications API: the caller's notifications and her e-mail settings (API.md)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.http import Blueprint
from marketplace.notifications import services
from marketplace.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    NotificationSettings,
    ReadAllOut,
)
from marketplace.pagination import SelectPage

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1", description="Notifications and settings"
)

PEOPLE = (Role.BUSINESS, Role.SECRETARY)


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationPage)
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """The caller's notifications, newest first (`unread=true`: only the unread ones)."""
        user = api_user(*PEOPLE)
        items = SelectPage(
            services.notifications_of(user, unread_only=args["unread"]), pagination_parameters
        ).items
        return {
            "results": [services.shown(n) for n in items],
            "unread": services.unread_count(user),
        }


@blp.route("/notifications/<uuid:notification_id>/read")
class NotificationRead(MethodView):
    @blp.response(200, NotificationOut)
    def post(self, notification_id: uuid.UUID) -> services.Shown:
        """Mark one notification read (the caller's own; others' are 404)."""
        user = api_user(*PEOPLE)
        return services.shown(services.mark_read(user, notification_id))


@blp.route("/notifications/read-all")
class NotificationsReadAll(MethodView):
    @blp.response(200, ReadAllOut)
    def post(self) -> dict[str, int]:
        """Mark every notification of the caller read."""
        return {"marked": services.mark_all_read(api_user(*PEOPLE))}


@blp.route("/me/notification-settings")
class MyNotificationSettings(MethodView):
    @blp.response(200, NotificationSettings)
    def get(self) -> dict[str, Any]:
        """For each kind, how the caller is told by e-mail: at once, in a daily digest, or not."""
        return {"email": services.email_modes(api_user(*PEOPLE).id)}

    @blp.arguments(NotificationSettings)
    @blp.response(200, NotificationSettings)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Change the e-mail mode of some kinds (the others keep theirs)."""
        return {"email": services.set_email_modes(api_user(*PEOPLE), data["email"])}
