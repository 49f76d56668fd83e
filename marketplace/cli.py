"""Operator commands: `.venv/bin/flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.accounts.services import create_operator
from marketplace.contracts.periods import run_due
from marketplace.contracts.services import auto_release_due, remind_auto_release
from marketplace.demo.seed import DemoSeedError
from marketplace.demo.seed import seed as run_seed
from marketplace.errors import DomainError, FieldErrors
from marketplace.notifications.emails import send_digests
from marketplace.reviews.services import publish_due
from marketplace.search.cli import search


def register_commands(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", required=True, help="The operator's e-mail address.")
    @click.option("--password", required=True, help="At least 10 characters.")
    @click.option("--name", default=None, help="Display name  [default: Opérateur]")
    def create_admin(email: str, password: str, name: str | None) -> None:
        """Create an operator (admin) account."""

        try:
            user = create_operator(email, password, name)
        except FieldErrors as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise click.ClickException(f"{exc.message} {details}") from None
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"Operator {user.email} created ({user.id}).")

    payments = AppGroup("payments", help="Escrow maintenance.")

    @payments.command("release-due")
    def release_due() -> None:
        """Release escrow whose approval window has passed; warn businesses two days before;
        open and charge the next periods of regular work, send and approve the timesheets
        whose days passed; publish reviews whose window closed.

        Safe from cron, twice at once, or again after a crash.
        """

        released = auto_release_due()
        reminded = remind_auto_release()
        regular = run_due()
        published = publish_due()
        click.echo(
            f"released {released} contract(s), published {published} review(s), "
            f"reminded {reminded} business(es); regular work: {regular.opened} period(s) "
            f"opened, {regular.charged} charged, {regular.submitted} timesheet(s) sent, "
            f"{regular.approved} approved by themselves, {regular.ended} contract(s) ended"
        )

    @payments.command("reconcile")
    def reconcile_command() -> None:
        """List every contract whose ledger disagrees with itself or with the payment
        provider's records (amounts, statuses, refunds, transfers); the findings are kept
        for the operator's page. Exits 1 when something disagrees (cron can alert)."""
        from marketplace.operations import reconcile

        try:
            run = reconcile.run()
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(
            f"checked {run.contracts_checked} contract(s), "
            f"{run.provider_objects_checked} provider object(s): "
            f"{run.findings_count} disagreement(s)"
        )
        if run.provider_error:
            click.echo(f"provider not reached, ledger checked only: {run.provider_error}")
        for found in sorted(run.findings, key=lambda f: (str(f.contract_id), f.code)):
            part = f" part {found.part_id}" if found.part_id else ""
            amounts = ""
            if found.ledger_cents is not None or found.provider_cents is not None:
                amounts = f" ledger={found.ledger_cents} provider={found.provider_cents}"
            click.echo(
                f"  contract {found.contract_id}{part}  {found.code}  "
                f"{found.reference or '-'}{amounts}  {found.detail}".rstrip()
            )
        if run.findings_count or run.provider_error:
            raise SystemExit(1)

    app.cli.add_command(payments)

    notifications = AppGroup("notifications", help="Notification e-mails.")

    @notifications.command("digest")
    def digest() -> None:
        """Send each user her daily digest of what waits for her (cron, once a day)."""
        click.echo(f"sent {send_digests()} digest(s)")

    app.cli.add_command(notifications)

    files = AppGroup("files", help="Attachments.")

    @files.command("purge-unsent")
    def purge_unsent_files() -> None:
        """Delete uploads never sent in a message within a day (cron, once a day)."""
        from marketplace.conversations.services import purge_unsent

        click.echo(f"deleted {purge_unsent()} unsent file(s)")

    app.cli.add_command(files)

    privacy = AppGroup("privacy", help="Personal data: retention.")

    @privacy.command("purge")
    @click.option("--dry-run", is_flag=True, help="Count what would go, delete nothing.")
    def purge_command(dry_run: bool) -> None:
        """Delete what has passed its retention, as the privacy page says (cron, daily):
        ended web sessions, revoked tokens, old jobs and reconciliations, the saved searches
        of deleted accounts, the conversations of contracts ended five years ago."""
        from marketplace.privacy.retention import purge

        done = purge(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        click.echo(f"{verb}: " + ", ".join(f"{n} {what}" for what, n in done.as_dict().items()))

    app.cli.add_command(privacy)

    compliance = AppGroup("compliance", help="Legal duties.")

    @compliance.command("remind-vigilance")
    def remind_vigilance() -> None:
        """Remind secretaries whose URSSAF attestation expires within a month (cron, daily)."""
        from marketplace.compliance.vigilance import remind_expiring

        click.echo(f"reminded {remind_expiring()} secretary(ies)")

    app.cli.add_command(compliance)

    dac7 = AppGroup("dac7", help="DAC7 platform reporting.")

    @dac7.command("remind")
    def dac7_remind() -> None:
        """Remind paid secretaries of their missing tax information; in January, tell each
        one her yearly statement is ready (cron, daily)."""
        from marketplace.dac7.services import remind

        run = remind()
        click.echo(f"reminded {run.reminded} secretary(ies), {run.statements} statement(s) sent")

    app.cli.add_command(dac7)

    app.cli.add_command(search)

    from marketplace.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)

    @app.cli.command("seed-demo")
    @click.option("--secretaries", default=300, show_default=True)
    @click.option("--businesses", default=50, show_default=True)
    @click.option("--missions", default=100, show_default=True)
    @click.option(
        "--seed", default=2026, show_default=True, help="Random seed (same data each time)."
    )
    def seed_demo(secretaries: int, businesses: int, missions: int, seed: int) -> None:
        """Fill an empty database with realistic French demo data."""

        try:
            summary = run_seed(
                secretaries=secretaries, businesses=businesses, missions=missions, seed=seed
            )
        except DemoSeedError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(summary)
