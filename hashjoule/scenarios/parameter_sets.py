"""Reading calibrated parameter sets: versioned TOML files in ``hashjoule/calibration/sets/``.

A set holds the fitted fleet parameters (``[parameters]``), how and on what they were
fitted (``[fit]``: window, method, scores, date), the posterior of the likelihood-free
fit (``[posterior]``, and ``[distributions]`` in the scenario files' distribution
format) and the out-of-sample check (``[holdout]``). Scenarios name a set with the
top-level key ``calibration``. The sets are written by ``hashjoule calibrate``
(:mod:`hashjoule.calibration.set_writer`) and bundled by copying them into that folder.
"""

from __future__ import annotations

import math
from dataclasses import fields
import tomllib
from importlib import resources

from pydantic import ValidationError

from hashjoule.errors import InputError, Problem
from hashjoule.scenarios.schema import Fleet
from hashjoule.simulation.inputs import FleetParameters

#: Name of the bundled default set.
SET_NAME = "replay-2016-2021"


def _sets_folder():
    return resources.files("hashjoule").joinpath("calibration", "sets")


def set_names() -> list[str]:
    """Names of the bundled sets."""
    return sorted(p.name.removesuffix(".toml") for p in _sets_folder().iterdir() if p.name.endswith(".toml"))


def _bundled_table(name: str) -> tuple[str, dict]:
    """(label, table) of a bundled set, or an InputError naming the known ones."""
    if name not in set_names():
        raise InputError.single("calibration set", "", f"a set in hashjoule/calibration/sets ({', '.join(set_names())})",
                                repr(name))
    return f"{name}.toml", tomllib.loads(_sets_folder().joinpath(f"{name}.toml").read_text(encoding="utf-8"))


def parameters_from_table(table: dict, label: str) -> FleetParameters:
    """Fleet parameters from a set's ``[parameters]`` table.

    Raises
    ------
    hashjoule.errors.InputError
        For a missing key or a value out of range, naming the file and key.
    """
    values = table.get("parameters", {}) if isinstance(table, dict) else None
    if not isinstance(values, dict):
        raise InputError.single(label, "parameters", "a table of fleet parameters", type(values).__name__)
    keys = ("growth_per_day", "deployment_lag_days", "unprofitable_retirement_days")
    known = {f.name for f in fields(FleetParameters)}
    problems = [Problem(label, f"parameters.{k}", "a number") for k in keys if k not in values]
    problems += [Problem(label, f"parameters.{k}", f"one of {', '.join(sorted(known))}", "an unknown key")
                 for k in values if k not in known]
    for key, value in values.items():
        if key in known and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(Problem(label, f"parameters.{key}", "a number", _short(repr(value))))
    if problems:
        raise InputError(problems)
    try:  # the scenario files' bounds (schema.BOUNDS; an infinite capacity means no limit), then the model's
        Fleet.model_validate({k: v for k, v in values.items() if k in Fleet.model_fields and math.isfinite(v)})
    except ValidationError as exc:
        raise InputError([Problem(label, f"parameters.{e['loc'][0]}", e["msg"].removeprefix("Value error, "),
                                  _short(repr(e.get("input")))) for e in exc.errors(include_url=False)]) from None
    try:
        return FleetParameters(**{k: int(v) if k == "deployment_lag_days" else float(v)
                                  for k, v in values.items()}).checked()
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError.single(label, "parameters", "fleet parameters in range", str(exc)) from None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def read_set(path) -> FleetParameters:
    """Fleet parameters of a set file. [see :class:`FleetParameters` for units]

    The file is read with the scenario files' limits (size, UTF-8, nesting, lengths).

    Raises
    ------
    hashjoule.errors.InputError
        For an unreadable file, invalid TOML or parameters out of range.
    """
    from hashjoule.scenarios.load import parse_toml, read_file_text

    label = str(path)
    table = parse_toml(label, read_file_text(path, label, "a parameter set (TOML)"), "a parameter set with [parameters]")
    return parameters_from_table(table, label)


def load_set(name: str = SET_NAME) -> FleetParameters:
    """Fleet parameters of a bundled set.

    Raises
    ------
    hashjoule.errors.InputError
        For an unknown name (the message lists the bundled sets).
    """
    label, table = _bundled_table(name)
    return parameters_from_table(table, label)


def distributions_from_table(table: dict, label: str) -> dict:
    """The ``[distributions]`` table as validated distribution models, by parameter name.

    Each entry is checked as the scenario files' ``[fleet]`` section would check it
    (known uncertain parameter, distribution format, central 99.8 % within bounds).
    """
    given = table.get("distributions", {}) if isinstance(table, dict) else None
    if not isinstance(given, dict):
        raise InputError.single(label, "distributions", "a table of distributions by parameter name",
                                type(given).__name__)
    try:
        fleet = Fleet.model_validate(given)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        error = next((e for e in errors if len(e["loc"]) > 2), errors[0])  # the distribution's, not the number's
        loc = error["loc"] or ("(table)",)
        key = f"{loc[0]}.{loc[-1]}" if len(loc) > 2 else str(loc[0])
        raise InputError.single(label, f"distributions.{key}", "a distribution of an uncertain fleet parameter "
                                "(uniform, normal, lognormal, triangular or beta) within its bounds",
                                error["msg"].removeprefix("Value error, ")) from None
    return {key: getattr(fleet, key) for key in given}


def set_distributions(name: str = SET_NAME) -> dict:
    """Posterior marginals of a bundled set as scenario distribution models.

    Returns
    -------
    dict of str to distribution model
        E.g. ``{"growth_per_day": LogNormal(median=0.006, sigma=0.2)}``; empty if the set
        has no posterior.
    """
    label, table = _bundled_table(name)
    return distributions_from_table(table, label)
