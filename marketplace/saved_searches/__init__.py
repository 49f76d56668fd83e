"""Saved searches: a search kept with its criteria, and alerts when something new fits it.

* `services.py`: save, list and delete the caller's searches (API.md, Saved searches);
* `alerts.py`: a change to a secretary's profile or a mission enqueues a job (the jobs
  outbox, in the same transaction); the job tells each owner of a fitting saved search with
  one `saved_search_match` notification per new or changed match, never twice for the same.
"""
