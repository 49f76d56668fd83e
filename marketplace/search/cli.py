"""`.venv/bin/flask --app wsgi search ...`: rebuild the index, drain the outbox, see its state."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.search import backend, outbox, services

search = AppGroup("search", help="Search index maintenance.")


@search.command("reindex")
def reindex_command() -> None:
    """Rebuild the search indices from the database, with no moment where search is empty."""

    reports = services.reindex()
    if backend().name == "embedded":
        click.echo(
            f"{backend().name} backend: ranks straight from the database, nothing to rebuild"
        )
    for report in reports:
        if report.index == "search_embeddings":  # the embedded backend's vectors
            click.echo(
                f"sentence embeddings of {report.documents} profile(s) checked in "
                f"{report.seconds:.1f} s ({report.per_second:.0f}/s)"
            )
            continue
        click.echo(
            f"{report.index}: {report.documents} document(s) in {report.seconds:.1f} s "
            f"({report.per_second:.0f}/s), alias switched"
        )


@search.command("drain")
def drain_command() -> None:
    """Apply the pending index updates of the outbox now (also retried automatically)."""

    result = services.drain()
    click.echo(f"applied {result.applied} pending change(s)")
    if result.failed:
        raise click.ClickException(f"{result.failed} change(s) still pending: {result.error}")


@search.command("status")
def status_command() -> None:
    """The backend in use, whether it answers, and the outbox backlog."""

    search_backend = backend()
    count, attempts, error = outbox.pending(db.engine)
    click.echo(f"backend: {search_backend.name} ({'up' if search_backend.healthy() else 'DOWN'})")
    click.echo(f"outbox: {count} pending change(s), most attempts {attempts}")
    if error:
        click.echo(f"last error: {error}")
