"""Exit statuses and one-line errors (cli/entry.py): a user's mistake exits 2 with one line
and no traceback, nothing is written, and ``python -m hashjoule`` reaches the same entry."""

import subprocess
import sys

import pytest

from clirun import run


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


def test_output_folder_that_is_a_file_name_clash(capsys, tmp_path):
    folder = tmp_path / "out.nc"
    folder.mkdir()
    status, out, err = run(capsys, "estimate", "--date", "2021-05-19", "-o", str(folder))
    assert status == 2 and "an existing folder" in err and out == ""


def test_nothing_is_written_when_the_request_is_bad(capsys, tmp_path):
    path = tmp_path / "x.nc"
    status, _, _ = run(capsys, "estimate", "--date", "2030-01-01", "-o", str(path))
    assert status == 2 and not path.exists()


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


def test_running_out_of_memory_is_a_clean_error(capsys, monkeypatch):
    import hashjoule.api

    def greedy(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(hashjoule.api, "simulate", greedy)
    status, _, err = run(capsys, "simulate", "--draws", "100000000")
    assert status == 2 and "smaller --batch-size" in err and "Traceback" not in err


def test_console_entry_points():
    result = subprocess.run([sys.executable, "-m", "hashjoule", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "estimate" in result.stdout and "claims" in result.stdout


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["simulate", "--help"]])
def test_help_loads_no_numerical_library(argv):
    """Help comes before any model code: numpy, xarray, numba, dask and the rest are imported
    only by the commands that compute (benchmarks/bench_startup.py times it)."""
    code = ("import sys\nfrom hashjoule.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'xarray', 'numba', 'dask', 'scipy', 'pandas', 'matplotlib', "
            "'simpy', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
