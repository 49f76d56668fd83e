"""The app factory builds the storage STORAGE_URL names; code reaches it by current_storage()."""

from __future__ import annotations

import io
from pathlib import Path

from marketplace import create_app
from marketplace.storage import LocalStorage, current_storage
from marketplace.storage.s3 import S3Storage
from tests.storage.conftest import S3_ENDPOINT, s3_env

BASE_ENV = {"SECRET_KEY": "test-secret-key-not-for-production", "DATABASE_URL": "sqlite://"}


def test_the_app_stores_in_the_folder_of_storage_url(tmp_path: Path) -> None:
    app = create_app(env={**BASE_ENV, "STORAGE_URL": f"file://{tmp_path}/files"})
    with app.app_context():
        storage = current_storage()
        assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "files"
        storage.put("attachments/ab/abc", io.BytesIO(b"x"))
    assert (tmp_path / "files" / "attachments" / "ab" / "abc").read_bytes() == b"x"
    assert app.extensions["storage"] is storage


def test_the_app_stores_in_the_bucket_of_storage_url(s3_bucket: str) -> None:
    url = f"s3://{s3_bucket}/app-test?endpoint={S3_ENDPOINT}&region=us-east-1"
    app = create_app(env={**BASE_ENV, **s3_env(url)})
    with app.app_context():
        storage = current_storage()
        assert isinstance(storage, S3Storage) and storage.prefix == "app-test/"
        storage.put("attachments/ab/abc", io.BytesIO(b"dans le seau"))
        with storage.open("attachments/ab/abc") as stream:
            assert stream.read() == b"dans le seau"
        storage.delete("attachments/ab/abc")
