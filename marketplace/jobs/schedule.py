"""Every periodic job, in one place: Celery beat's schedule (`celery ... beat`).

Each task is safe to run twice at once or again (conditional claims in the services), so a
beat restarted twice or a slow run overlapping the next one does no harm.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery.schedules import crontab

from marketplace.jobs.celery_app import (
    DAC7_REMIND,
    NOTIFICATION_DIGESTS,
    PURGE_RETENTION,
    PURGE_UNSENT_FILES,
    RELAY_PENDING,
    RELEASE_DUE,
    REMIND_VIGILANCE,
    SEARCH_DRAIN,
)

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Jobs the worker or the broker missed (down, killed): nothing waits more than a minute.
    "relay-pending-jobs": {"task": RELAY_PENDING, "schedule": timedelta(minutes=1)},
    # Escrow whose approval window passed, reviews whose window closed (`payments release-due`).
    "release-due": {"task": RELEASE_DUE, "schedule": timedelta(minutes=10)},
    # Index changes that wait in the search outbox (Elasticsearch was down): `search drain`.
    "search-drain": {"task": SEARCH_DRAIN, "schedule": timedelta(minutes=1)},
    # The daily digest of `daily` notifications, at 7:00 UTC (8:00 or 9:00 in Paris).
    "notification-digests": {"task": NOTIFICATION_DIGESTS, "schedule": crontab(hour=7, minute=0)},
    # Uploads never sent in a message, after a day (`files purge-unsent`).
    "purge-unsent-files": {"task": PURGE_UNSENT_FILES, "schedule": crontab(hour=3, minute=30)},
    # What has passed its retention, as the privacy page says (`privacy purge`), at 3:45 UTC.
    "purge-retention": {"task": PURGE_RETENTION, "schedule": crontab(hour=3, minute=45)},
    # URSSAF attestations expiring within a month: remind each secretary once
    # (`compliance remind-vigilance`), at 6:00 UTC.
    "remind-vigilance": {"task": REMIND_VIGILANCE, "schedule": crontab(hour=6, minute=0)},
    # DAC7: paid secretaries without their tax information (once a month each), and in
    # January the yearly statement of the year before (`dac7 remind`), at 6:10 UTC.
    "dac7-remind": {"task": DAC7_REMIND, "schedule": crontab(hour=6, minute=10)},
}
