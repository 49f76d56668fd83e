"""The operator's dashboard shows the background jobs that gave up."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace import jobs
from marketplace.accounts.services import create_operator
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox
from tests.web.steps import sign_in


@jobs.handler("test_dashboard_fail")
def _fail(payload: dict[str, Any]) -> None:
    raise RuntimeError(f"mail server refused {payload['n']}")


def test_operator_dashboard_lists_failed_jobs(app: Flask, new_browser) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        create_operator("jobs-ops@exemple.fr", "motdepasse-operateur")
        job_id = jobs.enqueue("test_dashboard_fail", {"n": 9})
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
    ops = new_browser()
    sign_in(ops, "jobs-ops@exemple.fr", "motdepasse-operateur")
    table = ops.get("/tableau-de-bord").text_of("failed-jobs")
    assert "test_dashboard_fail" in table
    assert str(job_id) in table
    assert "mail server refused 9" in table
