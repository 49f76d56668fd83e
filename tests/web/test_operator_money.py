"""The operator's money pages: by month, the reconciliation, the failed jobs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from marketplace import jobs
from marketplace.accounts.services import create_operator
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox
from marketplace.operations.money import Month
from marketplace.payments.models import Account, LedgerEntry, LedgerKind
from marketplace.web.money_pages import JOBS_PER_PAGE, RECONCILIATION_PER_PAGE
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


def _operator_browser(app, new_browser, email: str):  # type: ignore[no-untyped-def]
    with app.app_context():
        create_operator(email, "motdepasse-operateur")
    ops = new_browser()
    sign_in(ops, email, "motdepasse-operateur")
    return ops


def test_the_reconciliation_page_lists_contracts_whose_ledger_disagrees_a_page_at_a_time(
    api, app, new_browser
) -> None:
    healthy = f.Deal(api, 50_000).to("funded")
    broken = f.Deal(api, 60_000).to("funded")
    with app.app_context():
        for n in range(RECONCILIATION_PER_PAGE + 1):  # legs that balance nothing, written by hand
            db.session.add(
                LedgerEntry(
                    contract_id=uuid.UUID(broken.contract_id),
                    part_id=uuid.uuid4(),  # one kind of movement per part: each its own
                    transaction_id=uuid.uuid4(),
                    kind=LedgerKind.RESOLUTION,
                    account=Account.SECRETARY,
                    amount_cents=100 + n,
                )
            )
        db.session.commit()
    ops = _operator_browser(app, new_browser, "rappro-ops@exemple.fr")
    assert "Aucun rapprochement" in ops.get("/operateur/rapprochement").text
    done = ops.submit("/operateur/rapprochement", action="/operateur/rapprochement/lancer")
    assert done.path == "/operateur/rapprochement"
    assert any("51 désaccords" in message for message in done.flashes())
    table = done.text_of("findings")
    assert broken.contract_id in table and healthy.contract_id not in table
    assert table.count("unbalanced") == RECONCILIATION_PER_PAGE
    second = ops.get("/operateur/rapprochement?page=2")
    assert second.text_of("findings").count("unbalanced") == 1
    assert "Page 2 sur 2" in second.text

    outsider = new_browser()
    sign_in(outsider, f.register(api, "business")["email"], f.PASSWORD)
    outsider.get("/operateur/rapprochement", expect=403)
    assert outsider.post_raw("/operateur/rapprochement/lancer", {}).status_code in (400, 403)


_flaky = {"fail": True}


@jobs.handler("test_operator_retry")
def _sometimes_fails(payload: dict[str, Any]) -> None:
    if _flaky["fail"]:
        raise RuntimeError(f"SMTP refusé pour la tâche {payload['n']}")


def _fail_for_good(app, n: int) -> uuid.UUID:  # type: ignore[no-untyped-def]
    with app.app_context():
        job_id = jobs.enqueue("test_operator_retry", {"n": n})
        db.session.commit()
        assert job_id is not None
        for _attempt in range(runner.MAX_ATTEMPTS):
            db.session.execute(
                sa.update(JobOutbox)
                .where(JobOutbox.id == job_id)
                .values(next_attempt_at=sa.func.now() - sa.text("interval '1 second'"))
            )
            db.session.commit()
            runner.run_job(job_id)
    return job_id


def test_failed_jobs_page_shows_the_error_and_retries_once(app, api, new_browser) -> None:
    _flaky["fail"] = True
    failed = [_fail_for_good(app, n) for n in range(JOBS_PER_PAGE + 1)]
    ops = _operator_browser(app, new_browser, "taches-ops@exemple.fr")
    page = ops.get("/operateur/taches")
    assert f"{JOBS_PER_PAGE + 1} tâches en échec" in page.text
    table = page.text_of("failed-jobs")
    assert table.count("test_operator_retry") == JOBS_PER_PAGE
    assert "SMTP refusé pour la tâche" in table
    assert (
        ops.get("/operateur/taches?page=2").text_of("failed-jobs").count("test_operator_retry") == 1
    )

    newest = failed[-1]
    retried = ops.submit(page, action=f"/operateur/taches/{newest}/relancer")
    assert any("relancée" in message for message in retried.flashes())
    with app.app_context():
        job = db.session.get(JobOutbox, newest)
        assert job is not None and job.failed_at is None and job.attempts == 0
    # The same button again (a double click, a second operator): nothing changes.
    again = ops.submit(page, action=f"/operateur/taches/{newest}/relancer")
    assert any("pas (ou plus) en échec" in message for message in again.flashes())
    _flaky["fail"] = False
    with app.app_context():
        assert runner.run_job(newest) == "done"
        assert runner.run_job(newest) == "skipped"
        assert db.session.get(JobOutbox, newest).done_at is not None  # type: ignore[union-attr]
    assert str(newest) not in ops.get("/operateur/taches").text

    outsider = new_browser()
    sign_in(outsider, f.register(api, "secretary")["email"], f.PASSWORD)
    outsider.get("/operateur/taches", expect=403)
    with app.app_context():
        assert db.session.get(JobOutbox, failed[0]).failed_at is not None  # type: ignore[union-attr]
