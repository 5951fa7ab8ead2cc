"""The command line: tables with units, files with provenance, clean errors with exit 2."""

import subprocess
import sys

import pytest
import xarray as xr

from hashjoule.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_estimate_one_day(capsys):
    status, out, err = run(capsys, "estimate", "--date", "2021-05-19")
    assert status == 0 and err == ""
    for text in ("lower", "best", "upper", "power [GW]", "annualised energy [TWh/yr]",
                 "[MWh/BTC]", "[household-yr/BTC]", "Chinese household of 3"):
        assert text in out


def test_estimate_period_to_netcdf(capsys, tmp_path):
    path = tmp_path / "may.nc"
    status, out, _ = run(capsys, "estimate", "--start", "2021-05-01", "--end", "2021-05-31",
                         "--method", "cbeci", "--household", "us", "-o", str(path))
    assert status == 0
    assert "energy consumed [TWh]" in out and "US household" in out
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds.time.size == 31
        assert list(ds.estimator.values) == ["cbeci"]
        assert ds.period_energy.attrs["units"] == "TWh"
        assert ds.attrs["command"].startswith("hashjoule")


def test_estimate_year_with_co2_to_csv(capsys, tmp_path):
    path = tmp_path / "y.csv"
    status, out, _ = run(capsys, "estimate", "--year", "2020", "--emission-factor", "0.55",
                         "--household-kwh", "3000", "-o", str(path))
    assert status == 0 and "CO2 at 0.55 t/MWh [Mt]" in out and "3,000 kWh/yr" in out
    assert path.read_text().startswith("# title:")


@pytest.mark.parametrize("argv, message", [
    (["estimate", "--date", "2030-01-01"], "--date: expected a day from 2010-07-18 to 2023-02-25"),
    (["estimate", "--date", "2021-02-30"], "--date: expected a day written YYYY-MM-DD"),
    (["estimate", "--start", "2021-05-01", "--end", "2021-01-01"], "--end: expected a day on or after start"),
    (["estimate", "--year", "2023"], "--year: expected a day from"),
    (["estimate"], "expected --date, --year or --start and --end"),
    (["estimate", "--date", "2021-05-19", "--start", "2021-05-01"], "either --date or --start/--end"),
    (["estimate", "--date", "2021-05-19", "-o", "out.txt"], "expected a file name ending in .nc or .csv"),
    (["estimate", "--date", "2021-05-19", "-o", "no/such/folder/x.nc"], "expected a path in an existing folder"),
    (["claims", "--year", "2030"], "--year: expected a day from"),
    (["estimate", "--date", "2021"], "--date: expected a day written YYYY-MM-DD, found '2021'"),
    (["estimate", "--date", "-1"], "--date: expected a day written YYYY-MM-DD"),
    (["estimate", "--date", "2021-05-19", "-o", "."], "expected a file name"),
])
def test_user_mistakes_exit_2_with_one_clear_line(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert err.startswith("hashjoule: error:")


@pytest.mark.parametrize("argv", [
    ["estimate", "--date", "2021-05-19", "--price", "-1"],
    ["estimate", "--date", "2021-05-19", "--price", "nan"],
    ["estimate", "--date", "2021-05-19", "--price", "cheap"],
    ["estimate", "--date", "2021-05-19", "--method", "magic"],
    ["estimate", "--year", "21"],
    ["nonsense"],
])
def test_bad_options_exit_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("hashjoule: error:") and err.count("\n") == 1


def test_output_folder_that_is_a_file_name_clash(capsys, tmp_path):
    folder = tmp_path / "out.nc"
    folder.mkdir()
    status, out, err = run(capsys, "estimate", "--date", "2021-05-19", "-o", str(folder))
    assert status == 2 and "an existing folder" in err and out == ""


def test_nothing_is_written_when_the_request_is_bad(capsys, tmp_path):
    path = tmp_path / "x.nc"
    status, _, _ = run(capsys, "estimate", "--date", "2030-01-01", "-o", str(path))
    assert status == 2 and not path.exists()


def test_claims(capsys):
    status, out, _ = run(capsys, "claims")
    assert status == 0
    assert out.count("Verdict:") == 2 and "134" in out and "MWh/BTC" in out and "Source:" in out


def test_console_entry_points():
    result = subprocess.run([sys.executable, "-m", "hashjoule", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "estimate" in result.stdout and "claims" in result.stdout


def test_simulate_writes_netcdf_and_prints_a_summary(capsys, tmp_path):
    path = tmp_path / "sim.nc"
    status, out, err = run(capsys, "simulate", "--draws", "3", "--start", "2020-01-01", "--end", "2020-03-31",
                           "--seed", "4", "-o", str(path))
    assert status == 0, err
    assert "energy [TWh]" in out and "2020" in out and "ensemble engine, 3 draws, seed 4" in out
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds.draw.size == 3 and ds.energy.attrs["units"] == "GWh"
        assert ds.attrs["seed"] == 4 and "simulate" in ds.attrs["command"]


def test_simulate_deterministic_des(capsys):
    status, out, _ = run(capsys, "simulate", "--engine", "des", "--deterministic", "--start", "2020-01-01",
                         "--end", "2020-01-31")
    assert status == 0 and "des engine, 1 draw, deterministic" in out


@pytest.mark.parametrize("argv, message", [
    (["simulate", "--start", "2005-01-01"], "--start: expected a day from"),
    (["simulate", "--deterministic", "--draws", "5"], "--draws: expected 1 or nothing"),
    (["simulate", "-o", "x.csv"], "expected a NetCDF file name ending in .nc"),
    (["simulate", "--deterministic", "--seed", "3"], "--seed: expected no seed with --deterministic"),
    (["simulate", "--end", "2262-04-20"], "--end: expected a day up to 2140-12-31"),
])
def test_simulate_mistakes(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2 and message in err


@pytest.mark.parametrize("argv", [["simulate", "--draws", "0"], ["simulate", "--batch-size", "0"],
                                  ["simulate", "--draws", "many"], ["simulate", "--seed", "-1"]])
def test_simulate_bad_counts(capsys, argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2 and "expected a whole number" in capsys.readouterr().err


def test_running_out_of_memory_is_a_clean_error(capsys, monkeypatch):
    import hashjoule.api

    def greedy(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(hashjoule.api, "simulate", greedy)
    status, _, err = run(capsys, "simulate", "--draws", "100000000")
    assert status == 2 and "smaller --batch-size" in err and "Traceback" not in err


def test_no_arguments_prints_three_journeys(capsys):
    from hashjoule.cli.parser import JOURNEYS, build_parser

    status, out, err = run(capsys)
    assert status == 0 and err == ""
    assert all(who in out and command in out for who, _, command in JOURNEYS) and len(JOURNEYS) == 3
    assert out.count("$ hashjoule ") == 3 and "--help" in out
    parser = build_parser()
    for _, _, command in JOURNEYS:  # every command shown is one the parser accepts
        assert parser.parse_args(command.split()[1:]).command == command.split()[1]


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


def test_no_progress_bar_when_standard_error_is_not_a_terminal(capsys):
    from argparse import Namespace

    from hashjoule.cli.commands import _progress

    assert not _progress(Namespace(no_progress=False))  # pytest's captured stderr is not a terminal


def test_progress_bar_on_a_terminal_unless_asked_not_to(monkeypatch):
    from argparse import Namespace

    from hashjoule.cli.commands import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert _progress(Namespace(no_progress=False)) and not _progress(Namespace(no_progress=True))


@pytest.mark.parametrize("size, text", [(0, "0 B"), (999, "999 B"), (4_200, "4.2 kB"), (12_345_678, "12 MB"),
                                        (1_300_000_000, "1.3 GB")])
def test_sizes_of_written_files(size, text):
    from hashjoule.cli.show import size_text

    assert size_text(size) == text


def test_unknown_format_is_refused(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["claims", "--format", "xlsx"])
    assert caught.value.code == 2 and "text, csv, json" in capsys.readouterr().err.replace("'", "")


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
