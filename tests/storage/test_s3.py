"""S3Storage against the real S3-compatible server of scripts/services/versitygw.sh."""

from __future__ import annotations

import io
from typing import Any

import pytest

from marketplace.storage import StorageError
from marketplace.storage.s3 import S3Storage
from tests.storage.conftest import S3_SECRET_ACCESS_KEY, s3_client, s3_settings
from tests.storage.test_contract import ChunkedSource


def test_objects_live_under_the_prefix(s3_bucket: str) -> None:
    settings = s3_settings(s3_bucket, prefix="marketplace/prod/")
    S3Storage(settings).put("attachments/ab/abcdef", io.BytesIO(b"x"))
    got = s3_client().get_object(Bucket=s3_bucket, Key="marketplace/prod/attachments/ab/abcdef")
    assert got["Body"].read() == b"x"
    S3Storage(settings).delete("attachments/ab/abcdef")


def test_server_side_encryption_is_asked_for_on_every_put(s3_bucket: str) -> None:
    # versitygw accepts the header without encrypting, so what is checked here is that
    # the request carries it (and that a server takes it), not that the disk is encrypted.
    storage = S3Storage(s3_settings(s3_bucket, server_side_encryption="AES256"))
    sent: list[dict[str, Any]] = []

    def record(request: Any, **_: Any) -> None:
        sent.append(dict(request.headers))

    storage._client.meta.events.register("before-send.s3.*", record)
    storage.put("small", io.BytesIO(b"x"))
    storage.put("large", io.BufferedReader(ChunkedSource(9 * 1024 * 1024)))
    uploads = [h for h in sent if "x-amz-server-side-encryption" in h]
    # One PutObject and one CreateMultipartUpload: where S3 takes the header.
    assert [h["x-amz-server-side-encryption"] for h in uploads] == [b"AES256", b"AES256"]
    assert storage.exists("small") and storage.exists("large")


def test_a_failed_multipart_upload_is_aborted(s3_storage: S3Storage, s3_bucket: str) -> None:
    size = 20 * 1024 * 1024
    with pytest.raises(OSError, match="went away"):
        s3_storage.put("torn", io.BufferedReader(ChunkedSource(size, fail_after=size // 2)))
    assert not s3_storage.exists("torn")
    pending = s3_client().list_multipart_uploads(Bucket=s3_bucket).get("Uploads", [])
    assert [u for u in pending if u["Key"].startswith(s3_storage.prefix)] == []


def test_a_missing_bucket_is_a_storage_error_naming_it(s3_bucket: str) -> None:
    storage = S3Storage(s3_settings("mk-test-no-such-bucket"))
    with pytest.raises(StorageError, match="mk-test-no-such-bucket"):
        storage.put("k", io.BytesIO(b"x"))
    with pytest.raises(StorageError, match="NoSuchBucket"):
        storage.open("k")


def test_wrong_credentials_fail_without_showing_the_secret(s3_bucket: str) -> None:
    wrong = "not-the-secret-" + S3_SECRET_ACCESS_KEY
    storage = S3Storage(s3_settings(s3_bucket, secret_access_key=wrong))
    with pytest.raises(StorageError) as caught:
        storage.put("k", io.BytesIO(b"x"))
    assert wrong not in str(caught.value) and S3_SECRET_ACCESS_KEY not in str(caught.value)
    assert wrong not in repr(storage) and wrong not in repr(s3_settings(s3_bucket))


def test_a_server_that_is_down_is_a_storage_error(s3_bucket: str) -> None:
    storage = S3Storage(s3_settings(s3_bucket, endpoint_url="http://127.0.0.1:9"))
    with pytest.raises(StorageError, match="could not check"):
        storage.exists("k")
