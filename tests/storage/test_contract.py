"""What every Storage promises, checked on the filesystem and on a real S3 server."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest

from marketplace.storage import InvalidKey, ObjectNotFound, Storage


class ChunkedSource(io.RawIOBase):
    """A stream that hands out `size` bytes a chunk at a time and cannot seek: what an
    upload looks like to the storage, and proof that it does not need the whole file."""

    def __init__(self, size: int, fail_after: int | None = None) -> None:
        self.remaining = size
        self.sent = 0
        self.fail_after = fail_after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise OSError("the client went away")
        count = min(len(buffer), self.remaining, 64 * 1024)
        buffer[:count] = _pattern(self.sent, count)
        self.remaining -= count
        self.sent += count
        return count


def _pattern(start: int, count: int) -> bytes:
    return bytes((start + i) % 251 for i in range(count))


def _read_all(stream) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    with stream:
        while chunk := stream.read(256 * 1024):
            yield chunk


def test_what_is_put_is_read_back(storage: Storage) -> None:
    storage.put("attachments/ab/abcdef", io.BytesIO(b"%PDF-1.7 contenu confidentiel"))
    assert storage.exists("attachments/ab/abcdef")
    with storage.open("attachments/ab/abcdef") as stream:
        assert stream.read() == b"%PDF-1.7 contenu confidentiel"


def test_a_large_stream_is_stored_whole(storage: Storage) -> None:
    # 9 MiB: above boto3's 8 MiB multipart threshold, so S3 goes through a multipart upload.
    size = 9 * 1024 * 1024
    storage.put("big/one", io.BufferedReader(ChunkedSource(size)))
    digest = hashlib.sha256()
    for chunk in _read_all(storage.open("big/one")):
        digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(_pattern(0, size)).hexdigest()


def test_put_replaces_an_existing_object(storage: Storage) -> None:
    storage.put("k", io.BytesIO(b"first"))
    storage.put("k", io.BytesIO(b"second"))
    with storage.open("k") as stream:
        assert stream.read() == b"second"


@pytest.mark.parametrize("size", [100_000, 9 * 1024 * 1024])
def test_a_failed_put_leaves_no_object(storage: Storage, size: int) -> None:
    source = io.BufferedReader(ChunkedSource(size, fail_after=size // 2))
    with pytest.raises(Exception, match="went away"):
        storage.put("broken", source)
    assert not storage.exists("broken")
    with pytest.raises(ObjectNotFound):
        storage.open("broken")


def test_a_failed_put_keeps_the_previous_object(storage: Storage) -> None:
    storage.put("kept", io.BytesIO(b"version 1"))
    with pytest.raises(OSError, match="went away"):
        storage.put("kept", io.BufferedReader(ChunkedSource(100_000, fail_after=50_000)))
    with storage.open("kept") as stream:
        assert stream.read() == b"version 1"


def test_delete_removes_and_is_idempotent(storage: Storage) -> None:
    storage.put("gone/soon", io.BytesIO(b"x"))
    storage.delete("gone/soon")
    assert not storage.exists("gone/soon")
    storage.delete("gone/soon")  # again: no error
    storage.delete("never/written")


def test_open_of_a_missing_key_raises_object_not_found(storage: Storage) -> None:
    with pytest.raises(ObjectNotFound):
        storage.open("attachments/zz/missing")
    assert not storage.exists("attachments/zz/missing")


def test_an_empty_object_is_an_object(storage: Storage) -> None:
    storage.put("empty", io.BytesIO(b""))
    assert storage.exists("empty")
    with storage.open("empty") as stream:
        assert stream.read() == b""


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../etc/passwd",
        "attachments/../../etc/passwd",
        "/etc/passwd",
        "attachments//double",
        "attachments/",
        "./here",
        "attachments/.hidden",
        ".tmp-x",
        "back\\slash",
        "nul\x00byte",
        "new\nline",
        "espace dedans",
        "accentué",
        "a" * 513,
    ],
)
def test_keys_that_could_escape_or_confuse_are_refused(storage: Storage, key: str) -> None:
    for call in (
        lambda: storage.put(key, io.BytesIO(b"x")),
        lambda: storage.open(key),
        lambda: storage.delete(key),
        lambda: storage.exists(key),
    ):
        with pytest.raises(InvalidKey):
            call()
