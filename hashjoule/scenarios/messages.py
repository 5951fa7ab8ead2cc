"""A scenario file's schema errors as problems a user can act on: one per key path, naming
the key as written in the file, what was expected (in words, with a spelling suggestion for
an unknown key) and what was found."""

from __future__ import annotations

import difflib
import re

from pydantic import ValidationError

from hashjoule.errors import Problem
from hashjoule.scenarios import schema

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
    keys = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, schema.StrictModel):
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
        known = _all_keys()
        close = [c for c in difflib.get_close_matches(key, sorted(known), n=2) if c != key][:1]
        hint = (f" ({key!r} is a key of another table or distribution, not of this one)" if key in known
                else f" (did you mean {close[0]!r}?)" if close else "")
        return f"a known key{hint}; see docs/scenarios.md for the file format"
    if kind == "string_pattern_mismatch":
        return "letters, digits, '-', '_' or '.', starting with a letter or digit"
    if kind == "union_tag_invalid":
        return f"`{ctx.get('discriminator', 'type').strip(chr(39))}` to be one of {ctx.get('expected_tags')}"
    if kind == "date_from_datetime_inexact":
        return "a date without a time of day (YYYY-MM-DD)"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
    # "List should have at most 100 items after validation, not 101" -> "at most 100 items"
    return re.sub(r"^(?:String|List|Dictionary|Tuple) should have (at (?:most|least) [\d,]+ (?:characters?|items?))"
                  r"(?: after validation)?(?:, not .*)?$", r"\1", message)


def schema_problems(label: str, exc: ValidationError) -> list[Problem]:
    """One problem per key. Where a value may be a number or a distribution, pydantic
    reports both branches: keep the one that matches what was written."""
    by_key: dict[str, list[dict]] = {}
    for error in exc.errors(include_url=False):
        by_key.setdefault(_key_path(error["loc"]), []).append(error)
    found = []
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
                found.append(Problem(label, key or "(top level)", message, _found(error)))
    return found
