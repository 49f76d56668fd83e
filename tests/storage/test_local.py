"""LocalStorage: what only a folder on the server can show (modes, temporary files)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from marketplace.storage import LocalStorage, StorageError
from tests.storage.test_contract import ChunkedSource


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_0600_and_folders_0700_whatever_the_umask(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "deep" / "files")
    old = os.umask(0o000)  # the most permissive umask: the modes must not follow it
    try:
        storage.put("attachments/ab/abcdef", io.BytesIO(b"secret"))
    finally:
        os.umask(old)
    stored = tmp_path / "deep" / "files" / "attachments" / "ab" / "abcdef"
    assert stored.read_bytes() == b"secret"
    assert _mode(stored) == 0o600
    for folder in (stored.parent, stored.parent.parent, tmp_path / "deep" / "files"):
        assert _mode(folder) == 0o700, folder


def test_nothing_is_created_before_the_first_put(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    assert not storage.exists("a/b")
    storage.delete("a/b")
    assert not (tmp_path / "files").exists()


def test_a_failed_put_leaves_no_temporary_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(OSError, match="went away"):
        storage.put("x/y", io.BufferedReader(ChunkedSource(3_000_000, fail_after=1_000_000)))
    assert list((tmp_path / "x").iterdir()) == []


def test_a_stored_file_is_never_seen_half_written(tmp_path: Path) -> None:
    """While the copy runs, the final name does not exist yet (a temporary file does)."""
    storage = LocalStorage(tmp_path)
    seen: list[list[str]] = []

    class Watching(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            seen.append(sorted(p.name for p in (tmp_path / "x").iterdir()))
            return super().read(size)

    storage.put("x/final", Watching(b"a" * 3_000_000))
    assert all("final" not in names for names in seen)
    assert any(name.startswith(".tmp-") for names in seen for name in names)
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["final"]


def test_a_disk_error_is_a_storage_error(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.put("taken", io.BytesIO(b"a file where a folder is needed"))
    with pytest.raises(StorageError, match="could not store"):
        storage.put("taken/below", io.BytesIO(b"x"))


def test_default_root_is_under_the_instance_folder(tmp_path: Path) -> None:
    from marketplace.config import load_settings
    from marketplace.storage import storage_for

    storage = storage_for(load_settings({}, tmp_path), tmp_path)
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "files"
