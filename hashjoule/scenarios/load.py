"""Read scenario files: TOML, ``extends`` and the schema, with errors a person can act on (:mod:`~hashjoule.scenarios.messages`).

Every problem is reported at once, one line each: the file, the key path
(``policy[2].effective``), what was expected and what was found; TOML syntax errors
carry the line the parser names. Nothing runs on an invalid file.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from hashjoule.errors import InputError, Problem
from hashjoule.output import atomic_path
from hashjoule.scenarios.messages import schema_problems
from hashjoule.scenarios.schema import Scenario

#: Largest scenario or parameter-set file read. [bytes]
MAX_BYTES = 1_000_000
#: How deep ``extends`` may chain (files extended, the first one included).
MAX_EXTENDS = 8
#: Deepest nesting of tables and arrays in a file (``a = [[1]]`` is 2 deep).
MAX_DEPTH = 10
#: Most items in one array, or keys in one table.
MAX_ITEMS = 1_000
#: Longest string or key. [characters]
MAX_STRING = 10_000


def library_names() -> list[str]:
    """Names of the bundled scenarios."""
    folder = resources.files("hashjoule.scenarios").joinpath("library")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def library_text(name: str) -> str:
    """The text of a bundled scenario."""
    if name not in library_names():
        raise InputError.single("scenario", "", f"the name of a bundled scenario ({', '.join(library_names())})",
                                _short(repr(name)))
    return resources.files("hashjoule.scenarios").joinpath("library", f"{name}.toml").read_text(encoding="utf-8")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_bundled(source: str) -> bool:
    return source in library_names() and not _is_file(Path(source))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, a NUL in the path
        return False


def read_file_text(path, label: str, what: str = "a scenario file (TOML)") -> str:
    """The UTF-8 text of a file a user gave, with every problem as an InputError.

    A UTF-8 byte order mark is skipped; UTF-16 and UTF-32 text, NUL bytes, files over
    :data:`MAX_BYTES`, folders and special files (devices, pipes) are refused.
    """
    path = Path(path)
    try:
        kind = "folder" if path.is_dir() else "file" if path.is_file() else "other" if path.exists() else None
        size = path.stat().st_size if kind == "file" else 0
    except (OSError, ValueError) as exc:  # a name too long, a NUL in the path, no permission
        raise InputError.single(label, "", f"a readable file: {what}",
                                _short(getattr(exc, "strerror", None) or str(exc))) from None
    if kind is None:
        raise InputError.single(label, "", f"an existing file: {what}", "no such file")
    if kind != "file":
        found = "a folder" if kind == "folder" else "a special file (a device or a pipe), not a regular file"
        raise InputError.single(label, "", what, found)
    if size > MAX_BYTES:
        raise InputError.single(label, "", f"a file of at most {MAX_BYTES:,} bytes", f"{size:,} bytes")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError.single(label, "", f"a readable file: {what}", _short(exc.strerror or str(exc))) from None
    if len(data) > MAX_BYTES:
        raise InputError.single(label, "", f"a file of at most {MAX_BYTES:,} bytes", "more")
    return decode(data, label)


def decode(data: bytes, label: str) -> str:
    """UTF-8 text of a file's bytes (a leading byte order mark is skipped)."""
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            raise InputError.single(label, "", "UTF-8 text (save the file as UTF-8)", f"{name} text")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError.single(label, f"byte {nul}", "UTF-8 text without NUL bytes",
                                "a NUL byte (binary data, or UTF-16 text without a byte order mark)")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(label, f"byte {exc.start}", "UTF-8 text (a TOML file)", "bytes that are not UTF-8") from None


def _read_text(source: str) -> tuple[str, str]:
    """(label, text) of a bundled name or a file path."""
    if _is_bundled(source):  # a bundled name, unless a file of that name exists
        return f"{source} (bundled)", library_text(source)
    path = Path(source)
    try:
        exists = path.exists() or path.is_symlink()
    except (OSError, ValueError):
        exists = False
    if not exists:
        raise InputError.single(source, "", f"an existing scenario file or a bundled name ({', '.join(library_names())})",
                                "no such file")
    return source, read_file_text(path, source)


def _shape_problems(label: str, table) -> list[Problem]:
    """Nesting, sizes and string lengths beyond the limits, found without recursion."""
    problems, stack = [], [("", table, 0)]
    while stack and len(problems) < 10:
        key, value, depth = stack.pop()
        where = key or "(top level)"
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                problems.append(Problem(label, where, f"tables and arrays nested at most {MAX_DEPTH} deep",
                                        "deeper nesting"))
                continue
            if len(value) > MAX_ITEMS:
                problems.append(Problem(label, where, f"at most {MAX_ITEMS:,} items", f"{len(value):,}"))
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in items:
                if isinstance(k, str) and len(k) > MAX_STRING:
                    problems.append(Problem(label, where, f"keys of at most {MAX_STRING:,} characters",
                                            f"one of {len(k):,}"))
                    continue
                sub = (f"{key}.{k}" if key else str(k)) if isinstance(k, str) else f"{key}[{k}]"
                stack.append((_short(sub, 120), v, depth + 1))
        elif isinstance(value, str) and len(value) > MAX_STRING:
            problems.append(Problem(label, where, f"a string of at most {MAX_STRING:,} characters",
                                    f"{len(value):,} characters"))
    return problems


def parse_toml(label: str, text: str, what: str = "a scenario with at least `name`") -> dict:
    """The table of a TOML text within the limits on nesting, sizes and strings.

    Raises
    ------
    hashjoule.errors.InputError
        For a syntax error (with the line and column the parser names), an empty file or
        a limit exceeded (with the key path).
    """
    if "\x00" in text:
        raise InputError.single(label, "", "TOML text", "a NUL byte (binary data)")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        key = f"line {where.group(1)}, column {where.group(2)}" if where else ""
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError.single(label, key, "valid TOML", _short(message)) from None
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise InputError.single(label, "", "numbers of at most 4,300 digits", _short(" ".join(str(exc).split()))) from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise InputError.single(label, "", f"tables and arrays nested at most {MAX_DEPTH} deep",
                                "nesting too deep to read") from None
    problems = _shape_problems(label, table)
    if problems:
        raise InputError(problems)
    if not table:
        raise InputError.single(label, "", what, "an empty file")
    return table


_parse = parse_toml


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
    """Tables merge key by key; any other value (lists included) replaces the base's, and so
    does a distribution (a table with ``dist``): it is one value, whatever kind the base's was."""
    out = dict(base)
    for key, value in override.items():
        merge = isinstance(value, dict) and "dist" not in value and isinstance(out.get(key), dict)
        out[key] = _merge(out[key], value) if merge else value
    return out


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return path.absolute()


def _identity(label: str, source: str) -> str:
    return label if label.endswith("(bundled)") else str(_real(Path(source)))


def _extended(current: tuple[str, str], parent, folder: Path | None, head: str) -> tuple[str, str, str]:
    """(name, text, identity) of the scenario that ``current`` extends, ``head`` being the
    label of the file first read.

    ``extends`` names a bundled scenario, or (in a user's file) a ``.toml`` file by its
    path relative to that file's folder, which must lie within the folder of the scenario
    first read.
    """
    label, identity = current
    bundled = f"the name of a bundled scenario ({', '.join(library_names())})"
    if not isinstance(parent, str):
        raise InputError.single(label, "extends", bundled + " or a .toml file beside this one",
                                _short(repr(parent)))
    if len(parent) > 200:
        raise InputError.single(label, "extends", "a bundled name or a file name of at most 200 characters",
                                f"{len(parent):,} characters")
    if not parent.endswith(".toml"):
        if parent not in library_names():
            raise InputError.single(label, "extends", bundled + " or a .toml file beside this one",
                                    _short(repr(parent)))
        return f"{parent} (bundled)", library_text(parent), f"{parent} (bundled)"
    if folder is None or label.endswith("(bundled)"):
        raise InputError.single(label, "extends", bundled, _short(repr(parent)))
    here = Path(identity).parent
    try:
        path = _real(here / parent)
        inside = path.is_relative_to(folder)
    except (OSError, ValueError):
        raise InputError.single(label, "extends", "a .toml file beside this one", _short(repr(parent))) from None
    if not inside:
        raise InputError.single(label, "extends", f"a file in the scenario's folder ({folder}) or a bundled name",
                                f"{_short(repr(parent))}, outside it")
    shown = os.path.relpath(path, folder)
    if not _is_file(path):
        found = "a folder" if path.is_dir() else "no such file"
        raise InputError.single(label, "extends", "a scenario file (TOML) to extend", f"{_short(repr(parent))}: {found}")
    # named after the file first read, so that every line starts with the file the user gave
    return shown, read_file_text(path, f"{head} -> {shown}", "a scenario file (TOML) to extend"), str(path)


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
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str):
        raise InputError.single("scenario", "", "a bundled scenario's name or a path to a TOML file",
                                f"a {type(source).__name__}")
    label, text = _read_text(source)
    table = _parse(label, text)
    merged = table
    folder = None if label.endswith("(bundled)") else _real(Path(source)).parent
    chain, seen = [label], {_identity(label, source)}
    files = [(label, table)]  # every file read, the first one first
    current, parent = (label, _identity(label, source)), table.get("extends")
    while parent is not None:
        name, parent_text, identity = _extended(current, parent, folder, label)
        parent_label = name if name.endswith("(bundled)") else f"{label} -> {name}"
        if identity in seen:
            raise InputError.single(current[0], "extends", "a chain of scenarios without a loop (a file may not "
                                    "extend itself)", " -> ".join(chain + [name]))
        if len(chain) >= MAX_EXTENDS:
            raise InputError.single(current[0], "extends", f"a chain of at most {MAX_EXTENDS} files",
                                    " -> ".join(chain[:2] + ["..."] + chain[-1:] + [name]))
        chain.append(name)
        seen.add(identity)
        base = _parse(parent_label, parent_text)
        merged = _merge(_without_set_name(base, merged), merged)
        current, parent = (parent_label, identity), base.get("extends")
        files.append((parent_label, base))
    merged["extends"] = table.get("extends")
    if "name" in table:  # each file names itself: a missing name is not inherited
        merged["name"] = table["name"]
    else:
        merged.pop("name", None)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        raise InputError([_blame(p, files) for p in schema_problems(label, exc)]) from None
    return _paths_from(scenario, folder), text


def _paths_from(scenario: Scenario, folder: Path | None) -> Scenario:
    """The scenario with a relative ``market.price_path`` read from the scenario file's folder."""
    path = scenario.market.price_path
    if path is None or folder is None or Path(path).is_absolute():
        return scenario
    market = scenario.market.model_copy(update={"price_path": str(folder / path)})
    return scenario.model_copy(update={"market": market})


def _blame(problem: Problem, files: list[tuple[str, dict]]) -> Problem:
    """The problem under the name of the file that wrote the value, when that is a file the
    first one extends (a bundled scenario is never blamed: the user's file brought it in)."""
    parts = [int(p) if p.isascii() and p.isdigit() else p for p in re.findall(r"[^.\[\]]+", problem.key)]
    if not parts or problem.key == "(top level)" or parts[0] == "name":
        return problem
    for label, table in files:
        value, listed = table, False
        for part in parts:
            listed = listed or isinstance(value, list)
            if isinstance(value, dict) and part in value or isinstance(value, list) and \
                    isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                break
        else:
            return Problem(label, problem.key, problem.expected, problem.found) if " -> " in label else problem
        if listed:  # a list in this file replaced those of the files it extends
            return problem
    return problem


def copy_scenario(name: str, destination=None, force: bool = False) -> tuple[Path, str]:
    """Copy a bundled scenario's file, comments and all, to edit it as a new scenario.

    The copy is renamed after its file (``name = "..."`` on its first such line), so that its
    results and comparisons are told apart from the bundled one's. ``destination`` is a file
    or a folder (default: ``NAME.toml`` here). Returns the path written and the new name.
    """
    text = library_text(name)
    target = Path(destination or f"{name}.toml")
    if target.is_dir():
        target = target / f"{name}.toml"
    if target.exists() and not force:
        raise InputError.single(str(target), "", "a new file name (or force to overwrite)", "an existing file")
    if not target.parent.is_dir():
        raise InputError.single(str(target), "", "a path in an existing folder", "no such folder")
    new_name = re.sub(r"[^A-Za-z0-9_.-]", "-", target.stem).lstrip("-_.") or "my-scenario"
    text = re.sub(r'(?m)^name = "[^"]*"', f'name = "{new_name}"', text, count=1)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target, new_name
