"""The operator's money view over the API: monthly totals from the ledger."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.http import Blueprint
from marketplace.operations import money
from marketplace.operations.schemas import MoneyByMonthOut, MoneyQuery

blp = Blueprint(
    "operations", __name__, url_prefix="/api/v1", description="The operator's money view"
)


@blp.route("/admin/money")
class AdminMoney(MethodView):
    @blp.arguments(MoneyQuery, location="query")
    @blp.response(200, MoneyByMonthOut)
    def get(self, args: dict[str, Any]) -> money.MoneyReport:
        """Money by month (operator): funded, released (paid out + commission), refunded,
        and held in escrow at each month's end, from the ledger. `from`/`to` are months
        `YYYY-MM` (Europe/Paris), both included, 120 at most; by default the twelve months
        up to the current one."""
        api_user(Role.OPERATOR)
        return money.report(args["first"], args["last"])
