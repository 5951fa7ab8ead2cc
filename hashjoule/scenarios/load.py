"""Read scenario files: TOML, ``extends``, the schema, and errors a person can act on.

Every problem is reported at once, one line each: the file, the key path
(``policy[2].effective``), what was expected and what was found; TOML syntax errors
carry the line the parser names. Nothing runs on an invalid file.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from hashjoule.errors import InputError, Problem
from hashjoule.scenarios.schema import Scenario

#: Largest scenario file read. [bytes]
MAX_BYTES = 1_000_000
#: How deep ``extends`` may chain.
MAX_EXTENDS = 8


def library_names() -> list[str]:
    """Names of the bundled scenarios."""
    folder = resources.files("hashjoule.scenarios").joinpath("library")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def library_text(name: str) -> str:
    """The text of a bundled scenario."""
    if name not in library_names():
        raise InputError.single("scenario", "", f"the name of a bundled scenario ({', '.join(library_names())})",
                                repr(name))
    return resources.files("hashjoule.scenarios").joinpath("library", f"{name}.toml").read_text(encoding="utf-8")


def _read_text(source: str) -> tuple[str, str]:
    """(label, text) of a bundled name or a file path."""
    path = Path(source)
    if source in library_names() and not path.is_file():  # a bundled name, unless a file of that name exists
        return f"{source} (bundled)", library_text(source)
    if path.is_dir():
        raise InputError.single(source, "", "a scenario file (TOML)", "a folder")
    if not path.is_file():
        raise InputError.single(source, "", f"an existing scenario file or a bundled name ({', '.join(library_names())})",
                                "no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.single(source, "", "a readable file", exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise InputError.single(source, "", f"a scenario file under {MAX_BYTES // 1000} kB", f"{len(data):,} bytes")
    try:
        return source, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(source, f"byte {exc.start}", "UTF-8 text (a TOML file)", "binary data") from None


def _parse(label: str, text: str) -> dict:
    if "\x00" in text:
        raise InputError.single(label, "", "TOML text", "a NUL byte (binary data)")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        key = f"line {where.group(1)}, column {where.group(2)}" if where else ""
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError.single(label, key, "valid TOML", message) from None
    if not table:
        raise InputError.single(label, "", "a scenario with at least `name`", "an empty file")
    return table


def _without_set_name(base: dict, override: dict) -> dict:
    """The base without its parameter-set name when the override names one (by either key),
    so that a file's ``calibration`` or ``fleet.parameter_set`` replaces what it extends."""
    fleet = override.get("fleet")
    if "calibration" not in override and not (isinstance(fleet, dict) and "parameter_set" in fleet):
        return base
    out = {k: v for k, v in base.items() if k != "calibration"}
    if isinstance(out.get("fleet"), dict):
        out["fleet"] = {k: v for k, v in out["fleet"].items() if k != "parameter_set"}
    return out


def _merge(base: dict, override: dict) -> dict:
    """Tables merge key by key; any other value (lists included) replaces the base's."""
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


_UNION_MEMBERS = {"shutdown", "tariff_surcharge", "deployment_ban", "relocation",
                  "uniform", "normal", "lognormal", "triangular", "beta", "float", "int", "str", "date"}


def _is_member(part) -> bool:
    """Parts of pydantic's error location that name a union member, not a key of the file."""
    return isinstance(part, str) and (part in _UNION_MEMBERS or "[" in part or "(" in part)


def _key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _is_member(part):
            path += f".{part}" if path else str(part)
    return path


def _all_keys() -> set[str]:
    """Every key the schema knows, for spelling suggestions."""
    from hashjoule.scenarios import schema

    keys = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, schema.BaseModel):
            keys |= set(model.model_fields)
    return keys


def _found(error: dict) -> str:
    if error["type"] == "missing":
        return "nothing"
    if error["type"] == "value_error" and isinstance(error.get("input"), dict):
        return ""  # a check across keys: the message names the values
    value = error.get("input")
    text = value.isoformat() if hasattr(value, "isoformat") else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "a value (this key is required)"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        close = difflib.get_close_matches(key, sorted(_all_keys()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"a known key{hint}; see docs/scenarios.md for the file format"
    if kind == "string_pattern_mismatch":
        return "letters, digits, '-', '_' or '.', starting with a letter or digit"
    if kind == "union_tag_invalid":
        return f"`{ctx.get('discriminator', 'type').strip(chr(39))}` to be one of {ctx.get('expected_tags')}"
    return error["msg"].removeprefix("Value error, ").removeprefix("Input should be ")


def _problems(label: str, exc: ValidationError) -> list[Problem]:
    """One problem per key. Where a value may be a number or a distribution, pydantic
    reports both branches: keep the one that matches what was written."""
    by_key: dict[str, list[dict]] = {}
    for error in exc.errors(include_url=False):
        by_key.setdefault(_key_path(error["loc"]), []).append(error)
    problems = []
    for key, errors in by_key.items():
        if len(errors) > 1:
            as_table = [e for e in errors if any(_is_member(p) and p != "float" for p in e["loc"])]
            as_number = [e for e in errors if "float" in e["loc"]]
            written_table = isinstance(errors[0].get("input"), dict)
            errors = (as_table if written_table else as_number) or errors
        seen = set()
        for error in errors:
            message = _message(error)
            if message not in seen:
                seen.add(message)
                problems.append(Problem(label, key or "(top level)", message, _found(error)))
    return problems


def load_scenario(source: str) -> tuple[Scenario, str]:
    """Read, merge (``extends``) and validate a scenario.

    Parameters
    ----------
    source : str
        A bundled scenario's name or a path to a TOML file.

    Returns
    -------
    scenario, text : Scenario, str
        The validated scenario and the file's text (kept in outputs as provenance).

    Raises
    ------
    hashjoule.errors.InputError
        With every problem found.
    """
    label, text = _read_text(source)
    table = _parse(label, text)
    chain, parent = [label], table.get("extends")
    merged = table
    while parent is not None:
        if not isinstance(parent, str) or parent not in library_names():
            raise InputError.single(label, "extends", f"the name of a bundled scenario ({', '.join(library_names())})",
                                    repr(parent))
        if parent in chain or len(chain) > MAX_EXTENDS:
            raise InputError.single(label, "extends", "a chain of bundled scenarios without a loop",
                                    " -> ".join(chain + [parent]))
        chain.append(parent)
        base = _parse(f"{parent} (bundled)", library_text(parent))
        merged = _merge(_without_set_name(base, merged), merged)
        parent = base.get("extends")
    merged["extends"] = table.get("extends")
    if "name" in table:  # each file names itself: a missing name is not inherited
        merged["name"] = table["name"]
    else:
        merged.pop("name", None)
    try:
        return Scenario.model_validate(merged), text
    except ValidationError as exc:
        raise InputError(_problems(label, exc)) from None
