"""What each command does (cli/commands.py): tables with units, files with provenance."""

import sys

import xarray as xr

from clirun import run


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


def test_claims(capsys):
    status, out, _ = run(capsys, "claims")
    assert status == 0
    assert out.count("Verdict:") == 2 and "134" in out and "MWh/BTC" in out and "Source:" in out


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


def test_no_progress_bar_when_standard_error_is_not_a_terminal(capsys):
    from argparse import Namespace

    from hashjoule.cli.commands import _progress

    assert not _progress(Namespace(no_progress=False))  # pytest's captured stderr is not a terminal


def test_progress_bar_on_a_terminal_unless_asked_not_to(monkeypatch):
    from argparse import Namespace

    from hashjoule.cli.commands import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert _progress(Namespace(no_progress=False)) and not _progress(Namespace(no_progress=True))
