"""Writing a calibrated parameter set: the TOML file that ``hashjoule calibrate -o`` writes.

The file is read back with :mod:`hashjoule.scenarios.parameter_sets`, which checks it, before
it replaces anything. Copied into ``hashjoule/calibration/sets/`` it becomes a bundled set.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from hashjoule.output import atomic_path
from hashjoule.scenarios.parameter_sets import distributions_from_table, parameters_from_table

#: Order of the sections written to a set file.
SECTIONS = ("fit", "parameters", "posterior", "distributions", "holdout", "crackdown")


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "inf" if value == math.inf else repr(value)  # shortest text that reads back exactly
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a set file")


def _toml_key(key) -> str:
    key = str(key)
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_value(key)


def set_text(tables: dict, comments: dict | None = None) -> str:
    """TOML text of a set: sections in :data:`SECTIONS` order, one key per line,
    optional trailing comments (units) by ``(section, key)``."""
    comments = comments or {}
    lines = ["# Calibrated parameter set of hashjoule (regenerate: hashjoule calibrate -o FILE)"]
    for section in SECTIONS:
        if section not in tables:
            continue
        lines += ["", f"[{section}]"]
        for key, value in tables[section].items():
            note = comments.get((section, key))
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}" + (f"   # {note}" if note else ""))
    return "\n".join(lines) + "\n"


def write_set(tables: dict, path, comments: dict | None = None) -> Path:
    """Write a set file atomically; it is read back and checked before it replaces anything."""
    text = set_text(tables, comments)
    label = str(path)
    table = tomllib.loads(text)
    parameters_from_table(table, label)
    distributions_from_table(table, label)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
