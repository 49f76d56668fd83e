"""Storages to test: files in a temporary folder, and a bucket on the real S3-compatible
server that scripts/test starts (scripts/services/versitygw.sh, TEST_S3_ENDPOINT).

The bucket is made once per run and emptied and removed at the end; each test gets its
own prefix in it, so tests never see each other's objects.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from marketplace.config import S3StorageSettings
from marketplace.storage import LocalStorage, Storage
from marketplace.storage.s3 import S3Storage

S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT", "http://127.0.0.1:59000").rstrip("/")
S3_ACCESS_KEY_ID = os.environ.get("TEST_S3_ACCESS_KEY_ID", "marketplace-test")
S3_SECRET_ACCESS_KEY = os.environ.get("TEST_S3_SECRET_ACCESS_KEY", "marketplace-test-secret")
S3_REGION = "us-east-1"


def s3_client() -> Any:
    return boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY_ID,
        aws_secret_access_key=S3_SECRET_ACCESS_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def s3_env(url: str) -> dict[str, str]:
    """The environment of an app whose STORAGE_URL is `url` on the test server."""
    return {
        "STORAGE_URL": url,
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
    }


@pytest.fixture(scope="session")
def s3_bucket() -> Iterator[str]:
    client = s3_client()
    name = f"mk-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        client.create_bucket(Bucket=name)
    except Exception as exc:  # the server is down: say how to start it
        raise AssertionError(
            f"no S3 server answers at {S3_ENDPOINT} ({exc}): start scripts/services/versitygw.sh"
        ) from None
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def s3_settings(bucket: str, **changes: Any) -> S3StorageSettings:
    values: dict[str, Any] = {
        "bucket": bucket,
        "prefix": f"t-{uuid.uuid4().hex[:12]}/",
        "endpoint_url": S3_ENDPOINT,
        "region": S3_REGION,
        "addressing_style": "path",
        "access_key_id": S3_ACCESS_KEY_ID,
        "secret_access_key": S3_SECRET_ACCESS_KEY,
        **changes,
    }
    return S3StorageSettings(**values)


@pytest.fixture
def s3_storage(s3_bucket: str) -> S3Storage:
    return S3Storage(s3_settings(s3_bucket))


@pytest.fixture
def local_storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "files")


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Each implementation, for the tests of what the protocol promises."""
    found: Storage = request.getfixturevalue(f"{request.param}_storage")
    return found
