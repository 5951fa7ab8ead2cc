"""Printed results as CSV or JSON, with the provenance of every output file."""

import io
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from hashjoule.estimates.claims import Verdict
from hashjoule.reports.export import export, verdict_table, wide_frame

PROVENANCE = {"command": "hashjoule compare x", "software_versions": "hashjoule 0"}


def _summary() -> xr.Dataset:
    return xr.Dataset(
        {"saved": (("scenario", "quantile"), [[1.0, 2.0, 3.0], [4.0, np.nan, 6.0]], {"units": "TWh"}),
         "saved_mean": ("scenario", [2.0, 5.0], {"units": "TWh"})},
        coords={"scenario": ["a", "b"], "quantile": [0.05, 0.5, 0.95], "label": ("scenario", ["A", "B"])},
        attrs={"baseline": "base", "scenario_text": "name = 'x'\nline two"})


def test_csv_rows_columns_units_and_provenance_lines():
    text = export(_summary(), "csv", PROVENANCE, ("scenario",))
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[:2] == ["# command: hashjoule compare x", "# software_versions: hashjoule 0"]
    assert "# baseline: base" in comments and "# scenario_text: name = 'x' line two" in comments  # one line each
    table = pd.read_csv(io.StringIO(text), comment="#", index_col="scenario")
    assert list(table.columns) == ["saved[0.05] (TWh)", "saved[0.5] (TWh)", "saved[0.95] (TWh)", "saved_mean (TWh)",
                                   "label"]
    assert table.loc["b", "saved[0.95] (TWh)"] == 6.0 and np.isnan(table.loc["b", "saved[0.5] (TWh)"])


def test_json_is_strict_with_units_and_provenance():
    body = json.loads(export(_summary(), "json", PROVENANCE), parse_constant=pytest.fail)
    assert body["provenance"] == PROVENANCE
    assert body["data_vars"]["saved"]["attrs"]["units"] == "TWh"
    assert body["data_vars"]["saved"]["dims"] == ["scenario", "quantile"]
    assert body["data_vars"]["saved"]["data"][1] == [4.0, None, 6.0]  # NaN as null: strict JSON
    assert body["coords"]["quantile"]["data"] == [0.05, 0.5, 0.95]


def test_rows_over_two_dimensions_broadcast_the_others():
    ds = xr.Dataset({"S1": (("output", "parameter"), [[0.1, 0.2], [0.3, 0.4]], {"units": "1"}),
                     "output_mean": ("output", [10.0, 20.0], {"units": "TWh"})},
                    coords={"output": ["x", "y"], "parameter": ["p", "q"]})
    frame = wide_frame(ds, ("output", "parameter"))
    assert frame.loc[("y", "p"), "S1 (1)"] == 0.3 and frame.loc[("y", "q"), "output_mean (TWh)"] == 20.0


def test_verdicts_as_rows():
    verdicts = [Verdict("c1", ["f1", "f2"], "Supported", ["s1"]), Verdict("c2", ["g"], "Not supported", ["s2", "s3"])]
    table = verdict_table(verdicts)
    assert list(table.index) == [1, 2] and table.loc[1, "findings"] == "f1 | f2"
    body = json.loads(export(table, "json", PROVENANCE))
    assert body["rows"][1] == {"number": 2, "claim": "c2", "verdict": "Not supported", "findings": "g",
                               "sources": "s2 | s3"}
