"""Generated documents kept on disk until what they show changes.

A workbook of 5,000 enterprises takes seconds to write and holds a server process
meanwhile, yet most downloads ask for a document nothing has changed since the last one.
The caller names what the document shows in a fingerprint (revision tokens, the date, the
settings it prints); a document is written once per fingerprint, into a file shared by every
server process, and served from there until the fingerprint changes. A file under an older
fingerprint of the same document is removed when the new one is written.

Writing goes to a temporary file renamed into place, so a reader never sees half a file;
a lock file per document makes a second request for the same missing document wait for the
first instead of writing it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings


def folder() -> Path:
    """PORTAL_CACHE_DIR/documents: not in MEDIA_ROOT, so never in a backup."""
    return Path(settings.PORTAL_CACHE_DIR) / "documents"


def fingerprint(parts: Iterable[object]) -> str:
    """One short name for everything a document shows."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def open_cached(name: str, parts: Iterable[object], write: Callable[[BinaryIO], None], *, suffix: str) -> BinaryIO:
    """Document `name` (a file-name-safe identifier, such as "export-2025") as `write`
    produces it for these parts, open for reading; written now if no file holds it yet.
    The caller closes it (FileResponse does)."""
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{name}.{fingerprint(parts)}{suffix}"
    for _attempt in range(2):
        try:
            # Once open, the file stays readable even if a newer version replaces it.
            return open(path, "rb")
        except FileNotFoundError:
            pass
        with open(base / f"{name}.lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not path.exists():  # another process may have written it while we waited
                    _write_atomically(path, write)
                    _remove_older(base, name, suffix, keep=path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    # Written and at once replaced by a newer version (a change between the two requests'
    # reads of the fingerprint): this request gets its own copy, kept nowhere.
    return open_written(write, suffix=suffix)


def open_written(write: Callable[[BinaryIO], None], *, suffix: str) -> BinaryIO:
    """What `write` produces, in a temporary file kept nowhere (deleted when closed), open
    for reading from the start: for a document whose state cannot be named."""
    handle = tempfile.TemporaryFile(suffix=suffix)  # noqa: SIM115 (the caller closes it)
    try:
        write(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def _write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "w+b") as target:
            write(target)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_older(base: Path, name: str, suffix: str, *, keep: Path) -> None:
    for older in base.glob(f"{name}.*{suffix}"):
        # "{name}.{32 hex}{suffix}" only: never another document whose name starts alike.
        stem = older.name[len(name) + 1 : -len(suffix)]
        if older != keep and len(stem) == 32:
            older.unlink(missing_ok=True)
