"""Blob storage in an S3-compatible bucket (STORAGE_URL=s3://bucket/prefix?...), via boto3.

boto3 is AWS's own SDK and the standard client for every S3-compatible service (Scaleway,
OVHcloud, Outscale, MinIO, Garage, ...). A put streams through `upload_fileobj`: one
PutObject, or a multipart upload above 8 MiB that is aborted if a part fails; S3 shows an
object only once its upload completes, so a reader never sees half of one.

Credentials come from the settings (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the
environment) or from boto3's usual chain; they are never logged, and errors are logged
with the bucket and the key only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, cast

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from marketplace.config import S3StorageSettings
from marketplace.storage.interfaces import ObjectNotFound, StorageError, check_key

# Missing-object answers: GetObject says NoSuchKey, HeadObject has no body and says 404
# (also for a missing bucket, which HeadObject cannot tell apart).
_NOT_FOUND = ("NoSuchKey", "404", "NotFound")


class S3Storage:
    def __init__(self, settings: S3StorageSettings) -> None:
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self._extra_args = (
            {"ServerSideEncryption": settings.server_side_encryption}
            if settings.server_side_encryption
            else {}
        )
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            aws_session_token=settings.session_token,
            region_name=settings.region,
        )
        # A client makes no request when built: a bucket that is down shows at the first
        # call, not at start-up. Clients are thread-safe; one per storage is enough.
        self._client: Any = session.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": settings.addressing_style},
                connect_timeout=5,
                read_timeout=60,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        )
        # The upload runs in the request's own thread: no pool of threads per upload in
        # each web worker; the file is at most ATTACHMENT_MAX_MB anyway.
        self._transfer = TransferConfig(use_threads=False)

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: BinaryIO) -> None:
        name = self._key(key)
        with self._errors("store", key, name):
            self._client.upload_fileobj(
                data, self.bucket, name, ExtraArgs=self._extra_args, Config=self._transfer
            )

    def open(self, key: str) -> BinaryIO:
        name = self._key(key)
        with self._errors("read", key, name):
            answer = self._client.get_object(Bucket=self.bucket, Key=name)
        # botocore's StreamingBody is an io.IOBase with read(): what send_file streams.
        return cast(BinaryIO, answer["Body"])

    def delete(self, key: str) -> None:
        name = self._key(key)
        with self._errors("delete", key, name):
            # S3 answers 204 for a key that does not exist: idempotent as the protocol asks.
            self._client.delete_object(Bucket=self.bucket, Key=name)

    def exists(self, key: str) -> bool:
        name = self._key(key)
        try:
            with self._errors("check", key, name):
                self._client.head_object(Bucket=self.bucket, Key=name)
        except ObjectNotFound:
            return False
        return True

    @contextmanager
    def _errors(self, action: str, key: str, name: str) -> Iterator[None]:
        """boto3's errors as the protocol's: ObjectNotFound, or StorageError naming the
        object and the service's error code (never a credential)."""
        try:
            yield
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise ObjectNotFound(key) from None
            raise StorageError(
                f"could not {action} s3://{self.bucket}/{name}: {_reason(exc)}"
            ) from exc
        except BotoCoreError as exc:
            raise StorageError(
                f"could not {action} s3://{self.bucket}/{name}: {_reason(exc)}"
            ) from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _reason(exc: Exception) -> str:
    """The service's error code and message: botocore puts no credential in them."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', '?')} {error.get('Message', '')}".strip()
    return type(exc).__name__
