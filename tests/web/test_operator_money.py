"""The operator's money pages: by month, the reconciliation, the failed jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.accounts.services import create_operator
from marketplace.operations.money import Month
from tests import factories as f
from tests.web.steps import sign_in


def test_the_money_page_shows_the_months_to_the_operator_only(api, app, new_browser) -> None:
    f.Deal(api, 110_000).to("funded")
    with app.app_context():
        create_operator("argent-ops@exemple.fr", "motdepasse-operateur")
    ops = new_browser()
    sign_in(ops, "argent-ops@exemple.fr", "motdepasse-operateur")
    page = ops.get("/operateur/argent")
    now = str(Month.of(datetime.now(UTC)))
    assert "1 100,00" in page.text_of(f"mois-{now}")
    assert "1 100,00" in page.text_of("money-totals")
    wrong = ops.get("/operateur/argent?from=2026-05&to=2026-01", expect=422)
    assert wrong.field_error("to")
    outsider = new_browser()
    sign_in(outsider, f.register(api, "business")["email"], f.PASSWORD)
    outsider.get("/operateur/argent", expect=403)
