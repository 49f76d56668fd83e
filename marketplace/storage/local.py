"""Blob storage in a folder of the server (STORAGE_URL=file:///..., or instance/files/).

Confidential documents: folders are created 0700 and files 0600 whatever the umask, so
only the app's own system user reads them. A put writes a temporary file next to the
final one (its name starts with a dot, which no key can), syncs it and renames it over
the final name: a crash or an error mid-copy leaves the old object or none, never half
a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from marketplace.storage.interfaces import ObjectNotFound, StorageError, check_key

CHUNK_BYTES = 1024 * 1024
DIR_MODE = 0o700  # files: 0600, as tempfile.mkstemp makes them


class LocalStorage:
    def __init__(self, root: Path) -> None:
        # Created at the first put, not here: an install that never stores a file gets no
        # folder, and the start-up does not depend on the disk.
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: BinaryIO) -> None:
        path = self._path(key)
        with _errors("store", key):
            self._make_dirs(path.parent)
            fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as out:
                # data.read() outside _errors: a failing source is the caller's error.
                while chunk := data.read(CHUNK_BYTES):
                    with _errors("store", key):
                        out.write(chunk)
                with _errors("store", key):
                    out.flush()
                    os.fsync(out.fileno())
            with _errors("store", key):
                os.replace(tmp_name, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        with _errors("store", key):
            _fsync_dir(path.parent)  # the rename itself survives a power cut

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as exc:
            raise StorageError(f"could not read {key}: {exc.strerror}") from exc

    def delete(self, key: str) -> None:
        with _errors("delete", key), contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self._path(key).unlink()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _make_dirs(self, folder: Path) -> None:
        """Create `folder` and its missing parents, each 0700 (os.makedirs sets the mode
        of the last one only, and through the umask)."""
        missing: list[Path] = []
        current = folder
        while not current.is_dir():
            missing.append(current)
            if current.parent == current:
                break
            current = current.parent
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another worker made it meanwhile
                path.mkdir(mode=DIR_MODE)
                path.chmod(DIR_MODE)


@contextlib.contextmanager
def _errors(action: str, key: str) -> Iterator[None]:
    """The filesystem's errors (disk full, permission) as the protocol's StorageError."""
    try:
        yield
    except OSError as exc:
        raise StorageError(f"could not {action} {key}: {exc.strerror or exc}") from exc


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
