"""What a command prints (cli/show.py): results as text, CSV or JSON with provenance, and
the line naming each file written, on standard error when standard output holds the data."""

import pytest

from clirun import run


def test_results_as_json_with_provenance_and_the_written_file_on_stderr(capsys, tmp_path):
    import json

    path = tmp_path / "day.nc"
    status, out, err = run(capsys, "estimate", "--date", "2021-05-19", "--format", "json", "-o", str(path))
    assert status == 0
    body = json.loads(out)  # the data alone on standard output
    assert body["provenance"]["command"].startswith("hashjoule estimate") and "numpy" in \
        body["provenance"]["software_versions"]
    assert body["data_vars"]["mean_power"]["attrs"]["units"] == "GW"
    assert body["data_vars"]["energy_per_btc"]["dims"] == ["estimator", "bound"]
    assert err.startswith(f"wrote {path} (NetCDF4, ") and err.rstrip().endswith("kB)")


def test_results_as_csv_match_the_text_table(capsys):
    import io

    import pandas as pd

    status, text, _ = run(capsys, "estimate", "--year", "2020", "--method", "cbeci")
    status, out, err = run(capsys, "estimate", "--year", "2020", "--method", "cbeci", "--format", "csv")
    assert status == 0 and err == ""
    assert out.startswith("# history: ") and "# command: hashjoule estimate --year 2020" in out
    table = pd.read_csv(io.StringIO(out), comment="#", index_col=["estimator", "bound"])
    energy = table.loc[("cbeci", "best"), "energy (TWh)"]
    assert f"{energy:,.2f}" in next(line for line in text.splitlines() if "energy consumed [TWh]" in line)


def test_claims_as_json(capsys):
    import json

    status, out, _ = run(capsys, "claims", "--format", "json")
    rows = json.loads(out)["rows"]
    assert status == 0 and len(rows) == 2 and all(r["verdict"] and r["sources"] for r in rows)


@pytest.mark.parametrize("size, text", [(0, "0 B"), (999, "999 B"), (4_200, "4.2 kB"), (12_345_678, "12 MB"),
                                        (1_300_000_000, "1.3 GB")])
def test_sizes_of_written_files(size, text):
    from hashjoule.cli.show import size_text

    assert size_text(size) == text


SHORT_RUN = '[run]\nstart = 2021-01-01\nend = 2021-12-31\ndraws = 2\n'


def test_run_summary_as_csv_and_the_files_written_on_stderr(capsys, tmp_path):
    import io

    import pandas as pd

    path = tmp_path / "short.toml"
    path.write_text('name = "short"\nextends = "china-2021"\n' + SHORT_RUN, encoding="utf-8")
    status, out, err = run(capsys, "run", str(path), "-o", str(tmp_path / "out"), "--format", "csv", "--no-progress")
    assert status == 0, err
    assert "# scenario: short" in out and "# command: hashjoule run" in out
    table = pd.read_csv(io.StringIO(out), comment="#", index_col="year")
    assert list(table.index) == [2021] and table.loc[2021, "energy[0.05] (TWh)"] <= table.loc[2021, "energy[0.95] (TWh)"]
    assert err.startswith(f"wrote {tmp_path / 'out' / 'results.nc'} (NetCDF4, ") and "report.txt (text, " in err


def test_compare_as_json_over_scenario_and_quantile(capsys, tmp_path):
    import json

    base, ban = tmp_path / "base.toml", tmp_path / "ban.toml"
    base.write_text('name = "base"\nextends = "baseline"\n' + SHORT_RUN, encoding="utf-8")
    ban.write_text('name = "ban"\nextends = "inner-mongolia-only"\n' + SHORT_RUN, encoding="utf-8")
    status, out, err = run(capsys, "compare", str(ban), "--baseline", str(base), "--format", "json", "--no-progress")
    assert status == 0, err
    body = json.loads(out)
    assert body["provenance"]["command"].startswith("hashjoule compare")
    saved = body["data_vars"]["saved_china"]
    assert saved["dims"] == ["scenario", "quantile"] and saved["attrs"]["units"] == "TWh"
    assert body["coords"]["scenario"]["data"] == ["ban"] and body["coords"]["quantile"]["data"] == [0.05, 0.5, 0.95]
    assert body["attrs"]["baseline"] == "base" and body["attrs"]["first_year"] == 2021 and body["attrs"]["draws"] == 2


def test_calibrate_as_json_rows_with_units(capsys, monkeypatch):
    import json
    from types import SimpleNamespace

    from hashjoule.calibration import workflow

    tables = {"parameters": {"growth_per_day": 0.012}, "posterior": {"particle": {"growth_per_day": [0.011, 0.013]}}}
    monkeypatch.setattr(workflow, "calibrate", lambda *args, **kwargs: SimpleNamespace(tables=tables))
    status, out, _ = run(capsys, "calibrate", "--format", "json")
    assert status == 0
    body = json.loads(out)
    assert {"key": "parameters.growth_per_day", "value": 0.012, "unit": "1/d"} in body["rows"]
    assert {"key": "posterior.particle.growth_per_day", "value": "0.011 0.013", "unit": ""} in body["rows"]
    assert body["provenance"]["command"] == "hashjoule calibrate --format json"
