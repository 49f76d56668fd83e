"""`flask --app wsgi jobs ...`: what waits, what failed, and running or retrying by hand."""

from __future__ import annotations

import uuid

import click
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs (the job outbox).")


@jobs_cli.command("status")
def status() -> None:
    """Pending and failed jobs; exits 1 when a job has failed for good."""
    from marketplace.jobs import pending_count
    from marketplace.jobs.runner import failed_jobs

    failed = failed_jobs()
    click.echo(f"pending: {pending_count()}")
    click.echo(f"failed: {len(failed)}")
    for job in failed:
        click.echo(
            f"  {job.id}  {job.kind}  failed {job.failed_at:%Y-%m-%d %H:%M} UTC "
            f"after {job.attempts} attempt(s): {job.last_error}"
        )
    if failed:
        raise SystemExit(1)


@jobs_cli.command("run-pending")
def run_pending_command() -> None:
    """Run every due job in this process (no broker needed)."""
    from marketplace.jobs.runner import run_pending

    outcomes = run_pending()
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due")


@jobs_cli.command("relay")
def relay_command() -> None:
    """Send every due job again (to Celery when JOBS_BROKER_URL is set, else run here)."""
    from marketplace.jobs.relay import relay_pending

    click.echo(f"relayed {relay_pending(grace_seconds=0)} job(s)")


@jobs_cli.command("retry")
@click.argument("job_id", type=click.UUID)
def retry(job_id: uuid.UUID) -> None:
    """Give a failed job a fresh set of attempts."""
    from marketplace.extensions import db
    from marketplace.jobs.runner import retry_failed

    if not retry_failed(job_id):
        raise click.ClickException(f"no failed job {job_id}")
    db.session.commit()
    click.echo(f"job {job_id} will run again")
