"""Operator commands: `.venv/bin/flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.errors import DomainError, FieldErrors


def register_commands(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", required=True, help="The operator's e-mail address.")
    @click.option("--password", required=True, help="At least 10 characters.")
    @click.option("--name", default=None, help="Display name  [default: Opérateur]")
    def create_admin(email: str, password: str, name: str | None) -> None:
        """Create an operator (admin) account."""
        from marketplace.accounts.services import create_operator

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
        """Release escrow whose approval window has passed; publish reviews whose window closed.

        Safe from cron, twice at once, or again after a crash.
        """
        from marketplace.contracts.services import auto_release_due
        from marketplace.reviews.services import publish_due

        released = auto_release_due()
        published = publish_due()
        click.echo(f"released {released} contract(s), published {published} review(s)")

    app.cli.add_command(payments)

    from marketplace.search.cli import search

    app.cli.add_command(search)

    @app.cli.command("seed-demo")
    @click.option("--secretaries", default=300, show_default=True)
    @click.option("--businesses", default=50, show_default=True)
    @click.option("--missions", default=100, show_default=True)
    @click.option(
        "--seed", default=2026, show_default=True, help="Random seed (same data each time)."
    )
    def seed_demo(secretaries: int, businesses: int, missions: int, seed: int) -> None:
        """Fill an empty database with realistic French demo data."""
        from marketplace.demo.seed import DemoSeedError
        from marketplace.demo.seed import seed as run_seed

        try:
            summary = run_seed(
                secretaries=secretaries, businesses=businesses, missions=missions, seed=seed
            )
        except DemoSeedError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(summary)
