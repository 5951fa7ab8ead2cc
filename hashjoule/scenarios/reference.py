"""The scenario-file reference (``docs/scenario-reference.md``), made from the schema.

Every section, key, type, default, bound and description comes from the pydantic models
in :mod:`hashjoule.scenarios.schema`, so the reference cannot drift from what files may
say. Regenerate with::

    python -m hashjoule.scenarios.reference -o docs/scenario-reference.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import types
import typing
from pathlib import Path

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from hashjoule.scenarios import schema

#: Sections in the order of the reference: (heading, model, how it is written in a file).
SECTIONS = (
    ("Top level", schema.Scenario, "Keys at the top of the file, before any table."),
    ("[run]", schema.Run, ""),
    ("[fleet]", schema.Fleet, ""),
    ('[regions."NAME"]', schema.RegionOverride, 'One table per region changed, such as `[regions."Sichuan"]`.'),
    ("[uncertainty]", schema.Uncertainty, ""),
    ("[emissions]", schema.Emissions, ""),
    ("[market]", schema.Market, ""),
    ('[[policy]] type = "shutdown"', schema.ShutdownPolicy, "One `[[policy]]` table per policy."),
    ('[[policy]] type = "tariff_surcharge"', schema.TariffSurchargePolicy, ""),
    ('[[policy]] type = "deployment_ban"', schema.DeploymentBanPolicy, ""),
    ('[[policy]] type = "relocation"', schema.RelocationPolicy, "At most one."),
    ('[[policy]] type = "hidden_mining"', schema.HiddenMiningPolicy, "At most one; applies to every shutdown."),
    ('[[policy]] type = "demand_response"', schema.DemandResponsePolicy, ""),
)
#: Distributions an uncertain number may be written as.
DISTRIBUTIONS = (schema.Uniform, schema.Normal, schema.LogNormal, schema.Triangular, schema.Beta)
_NAMES = {str: "text", int: "whole number", float: "number", bool: "true/false", dt.date: "date (YYYY-MM-DD)"}


def type_name(annotation) -> str:
    """A reader's name for a field's type."""
    if annotation == schema.Distribution:
        return "distribution"
    if annotation == schema.Policy:
        return "policy tables (below)"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(f'`"{a}"`' for a in args)
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" (optional)" if type(None) in args else "")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"table of {type_name(args[0])} = {type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"table ({annotation.__name__})"
    return _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def bounds(name: str, field) -> str:
    """The bounds a value must respect, from the field and the schema's bounds table."""
    parts = []
    symbols = {Ge: (">=", "ge"), Gt: (">", "gt"), Le: ("<=", "le"), Lt: ("<", "lt"),
               MinLen: ("length >=", "min_length"), MaxLen: ("length <=", "max_length")}
    for item in field.metadata:
        for kind, (symbol, attribute) in symbols.items():
            if isinstance(item, kind):
                parts.append(f"{symbol} {getattr(item, attribute)}")
        if getattr(item, "pattern", None):
            parts.append(f"pattern `{item.pattern}`")
    if name in schema.BOUNDS and not parts:
        low, high = schema.BOUNDS[name]
        parts.append(f"{low:g} to {high:g}")
    return ", ".join(parts)


def default(field) -> str:
    """The default written as in a file, or *required*."""
    if field.is_required():
        return "*required*"
    if field.default_factory is not None:
        return "(section defaults)"
    value = field.default
    if value is None or value is PydanticUndefined:
        return "none"
    return f'`"{value}"`' if isinstance(value, str) else f"`{value}`"


def table(model: type[BaseModel]) -> list[str]:
    """Markdown table of a model's keys."""
    lines = ["| key | type | default | bounds | description |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        text = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | {type_name(field.annotation)} | {default(field)} | {bounds(name, field)} | {text} |")
    return lines


def reference() -> str:
    """The whole reference, as Markdown."""
    out = ["# Scenario file reference", "",
           "<!-- Generated from hashjoule/scenarios/schema.py by "
           "`python -m hashjoule.scenarios.reference -o docs/scenario-reference.md`; do not edit. -->", "",
           "Scenario files are TOML. Unknown keys are errors; NaN and infinity are refused. Numbers marked "
           "*number or distribution* may be written as a distribution (below), whose central 99.8 % must lie "
           "within the key's bounds. See [scenarios.md](scenarios.md) for a guided introduction.", ""]
    for heading, model, note in SECTIONS:
        summary = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())  # the first paragraph
        out += [f"## {heading}", "", f"{summary} {note}".strip(),
                "", *table(model), ""]
    out += ["## Distributions", "", "Written inline, for example `compliance = {dist = \"uniform\", low = 0.7, "
            "high = 1.0}`.", ""]
    for model in DISTRIBUTIONS:
        out += [f"### `{model.model_fields['dist'].annotation.__args__[0]}`", "", model.__doc__.strip(), "",
                *table(model), ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the reference, or write it to ``-o FILE``."""
    parser = argparse.ArgumentParser(prog="python -m hashjoule.scenarios.reference", description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.output is None:
        print(reference(), end="")
        return
    from hashjoule.output import atomic_path

    path = Path(args.output)
    with atomic_path(path) as tmp:
        tmp.write_text(reference(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
