"""The Celery application object, without tasks: what the web process needs to send them.

Tasks are sent by name (`send_task`), so the web process never imports the worker module
(which builds its own Flask app). Delivery is at-least-once (`acks_late`, a message of a
worker that died goes back to the queue); `run_job` makes a repeat harmless.
"""

from __future__ import annotations

from celery import Celery

RUN_JOB = "marketplace.jobs.run_job"
RELAY_PENDING = "marketplace.jobs.relay_pending"
RELEASE_DUE = "marketplace.jobs.release_due"
SEARCH_DRAIN = "marketplace.jobs.search_drain"
NOTIFICATION_DIGESTS = "marketplace.jobs.notification_digests"
PURGE_UNSENT_FILES = "marketplace.jobs.purge_unsent_files"
PURGE_RETENTION = "marketplace.jobs.purge_retention"
REMIND_VIGILANCE = "marketplace.jobs.remind_vigilance"
DAC7_REMIND = "marketplace.jobs.dac7_remind"


def make_celery(broker_url: str) -> Celery:
    celery = Celery("marketplace", broker=broker_url, set_as_current=False)
    celery.conf.update(
        task_ignore_result=True,  # outcomes live in job_outbox, not in a result backend
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # A message not acknowledged within the hour is delivered again (Redis transport).
        broker_transport_options={"visibility_timeout": 3600},
        timezone="UTC",
    )
    return celery
