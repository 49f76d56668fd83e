"""Background jobs: the intent is committed with the change that causes it, then run once.

* `enqueue(kind, payload, key=...)` adds a `job_outbox` row to the current session, in the
  same transaction as the change (a rollback takes it away: nothing runs for what did not
  happen). The unique `key` makes enqueueing the same intent twice keep one row.
* After the commit the new ids are relayed (`relay.py`): with `JOBS_BROKER_URL` to Celery
  (task `marketplace.jobs.run_job`), without it to a thread of the web process
  (`JOBS_EMBEDDED=thread`, the default) or to nobody (`off`: `flask jobs run-pending`).
* `run_job(id)` (`runner.py`) claims the row, runs the handler registered with
  `@handler(kind)`, and marks it done: running it twice acts once. A failure retries with
  an exponential backoff, then the job is marked failed and listed for operators
  (`flask jobs status`, the operator dashboard).
* `relay_pending()` re-sends what is due and was never done (worker or broker down, a relay
  lost): a job is never lost, at worst late. Celery beat calls it every minute
  (`schedule.py`); the embedded thread sweeps as often.
"""

from __future__ import annotations

from flask import Flask

from marketplace.jobs.outbox import PENDING_IDS, enqueue, pending_count
from marketplace.jobs.registry import handler, handler_for

__all__ = ["PENDING_IDS", "enqueue", "handler", "handler_for", "init_app", "pending_count"]


def init_app(app: Flask) -> None:
    from marketplace.jobs import relay

    relay.init_app(app)
