"""What the rest of the code may ask of blob storage: the `Storage` protocol and its errors.

Keys are made by the caller (e.g. "attachments/ab/abcdef…") and are opaque to the storage,
but every implementation checks them with `check_key` first: a key is one or more
segments of letters, digits, '.', '_' and '-' joined by '/', no segment starts with a dot
(so no '.', '..', hidden or temporary files) and the whole is at most 512 characters.
A key that maps onto a path outside the storage is then impossible to write down, and it
means the same thing on a filesystem and in an S3 bucket. One difference remains: on a
filesystem a key cannot also be the folder of another ("a/b" and "a/b/c"), so callers use
keys of one fixed depth.

A failure of the storage itself (disk full, bucket unreachable) raises StorageError; an
error raised by the stream being stored reaches the caller as it is.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Protocol

MAX_KEY_LENGTH = 512
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


class StorageError(Exception):
    """The storage could not do what was asked (disk full, bucket unreachable, ...)."""


class InvalidKey(StorageError, ValueError):
    """A key outside the allowed shape: a bug in the caller, never user input to echo."""


class ObjectNotFound(StorageError, LookupError):
    """No object under this key (open on a deleted or never written key)."""


def check_key(key: str) -> str:
    """`key` itself if it has the allowed shape, else InvalidKey."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise InvalidKey(f"invalid storage key {key!r}")
    return key


class Storage(Protocol):
    """Where attachments and documents live; chosen at start-up by STORAGE_URL."""

    def put(self, key: str, data: BinaryIO) -> None:
        """Store the stream under `key`, reading it in chunks; replaces an existing object.

        Either the whole object is stored or nothing is: a reader never sees a partial one.
        """
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object (the caller closes it); ObjectNotFound if none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; removing one that does not exist is not an error."""
        ...

    def exists(self, key: str) -> bool: ...
