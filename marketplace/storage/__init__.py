"""Blob storage for attachments and documents, chosen at start-up by STORAGE_URL.

- unset: files under `instance/files/` (LocalStorage);
- `file:///absolute/path`: files under that folder (LocalStorage);
- `s3://bucket[/prefix][?endpoint=URL&region=NAME&sse=AES256|aws:kms&addressing=path|virtual]`:
  an S3-compatible bucket (S3Storage). `endpoint` is the service's base URL (default: AWS
  itself); `region` defaults to AWS_REGION / AWS_DEFAULT_REGION; `sse` asks the service to
  encrypt each object at rest; `addressing` defaults to `path` with an endpoint (bucket in
  the path, what S3-compatible services expect) and to boto3's choice on AWS. Credentials
  are AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN for temporary
  ones), never in the URL. The bucket must exist: the app does not create it.

The app keeps its storage in `app.extensions["storage"]`; code asks `current_storage()`.
Keys are the caller's (`interfaces.check_key` says which are allowed).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from marketplace.config import S3StorageSettings, Settings
from marketplace.storage.interfaces import (
    InvalidKey,
    ObjectNotFound,
    Storage,
    StorageError,
    check_key,
)
from marketplace.storage.local import LocalStorage

__all__ = [
    "InvalidKey",
    "LocalStorage",
    "ObjectNotFound",
    "Storage",
    "StorageError",
    "check_key",
    "current_storage",
    "init_app",
    "storage_for",
]

DEFAULT_FOLDER = "files"  # under the instance folder


def storage_for(settings: Settings, instance_path: Path) -> Storage:
    """The storage STORAGE_URL names (already validated by load_settings)."""
    chosen = settings.storage
    if isinstance(chosen, S3StorageSettings):
        from marketplace.storage.s3 import S3Storage  # boto3 is loaded only when used

        return S3Storage(chosen)
    if chosen is None:
        return LocalStorage(instance_path / DEFAULT_FOLDER)
    return LocalStorage(chosen.root)


def init_app(app: Flask) -> None:
    app.extensions["storage"] = storage_for(
        app.config["MARKETPLACE_SETTINGS"], Path(app.instance_path)
    )


def current_storage() -> Storage:
    found: Storage = current_app.extensions["storage"]
    return found
