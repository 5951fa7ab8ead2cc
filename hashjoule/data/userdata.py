"""The user's data folder: newer copies of bundled files that every command then reads.

A file imported with ``hashjoule data import`` is checked against the bundled file's
:class:`~hashjoule.data.catalogue.FileSpec`, written atomically into the folder under the
bundled file's name, and recorded in ``imports.json`` beside it (where it came from,
when, its SHA-256, rows and period). The loaders read a file from this folder instead
of the package's copy when one is there, and every output names it (see
:func:`provenance_note`).

The folder is ``$HASHJOULE_DATA_DIR`` if set, else ``$XDG_DATA_HOME/hashjoule``, else
``~/.local/share/hashjoule`` (XDG Base Directory Specification).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hashjoule.errors import InputError
from hashjoule.output import register_provenance, sha256

#: Environment variable naming the user data folder (it wins over the XDG default).
ENV_VAR = "HASHJOULE_DATA_DIR"
#: Record of the imports, in the user data folder.
MANIFEST = "imports.json"


def user_data_dir() -> Path:
    """The user data folder (which need not exist)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "hashjoule"


def user_file(filename: str) -> Path | None:
    """The user's copy of a bundled file, or None if there is none."""
    path = user_data_dir() / filename
    return path if path.is_file() else None


def stamp(filename: str) -> tuple | None:
    """What identifies the user's copy now (path, size, modification time), for caches."""
    path = user_file(filename)
    if path is None:
        return None
    info = path.stat()
    return str(path), info.st_size, info.st_mtime_ns


def read_manifest(folder: Path | None = None) -> dict[str, dict]:
    """The record of imports: bundled file name -> what was imported."""
    path = (folder or user_data_dir()) / MANIFEST
    if not path.is_file():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError.single(str(path), "", "the JSON record of imported data files", type(exc).__name__) from None
    if not isinstance(record, dict):
        raise InputError.single(str(path), "", "a JSON object of imported data files", type(record).__name__)
    return record


def in_use() -> dict[str, dict]:
    """Imported files present in the user data folder, with their record (files without one
    are listed with what is known: their path and SHA-256)."""
    folder = user_data_dir()
    if not folder.is_dir():
        return {}
    record = read_manifest(folder)
    found = {}
    for path in sorted(folder.glob("*.csv")):
        entry = dict(record.get(path.name, {}))
        entry.update(path=str(path), sha256=sha256(path))
        found[path.name] = entry
    return found


def provenance_note() -> str:
    """One line naming the user data files read instead of the bundled ones ('' if none)."""
    parts = []
    for name, entry in in_use().items():
        origin = entry.get("imported_from", "unknown origin")
        when = entry.get("imported_at", "unknown time")
        period = f", {entry['first']} to {entry['last']}" if "first" in entry else ""
        parts.append(f"{name} <- {origin} (imported {when}{period}, sha256 {entry['sha256'][:16]})")
    return "; ".join(parts)


def _provenance() -> dict[str, str]:
    return {"user_data": provenance_note()}


register_provenance(_provenance)
