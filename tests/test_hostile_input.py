"""Hostile input: every way in refuses cleanly (one line per problem, exit 2, no traceback,
nothing written), and anything unexpected is one line too (exit 1).

The malformed-scenario corpus is tests/scenarios/bad (one ``NAME.toml`` with the text its
error must contain in ``NAME.expect``; files they extend are in ``bad/parts``); here every
file of it is also refused by ``run``, ``compare`` and ``report``.
"""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hashjoule.cli import main
from hashjoule.errors import InputError

BAD = Path(__file__).parent / "scenarios" / "bad"
CORPUS = sorted(BAD.glob("*.toml"))


def test_the_corpus_covers_at_least_120_files():
    assert len(CORPUS) >= 120
    assert all((BAD / f"{p.stem}.expect").is_file() for p in CORPUS)


def _commands(path: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(path)],
        "run": ["run", str(path), "--draws", "1", "--no-progress", "-o", str(out / "run")],
        "compare": ["compare", str(path), "--draws", "1", "--no-progress"],
        "report": ["report", str(path), "--draws", "1", "--no-progress", "-o", str(out / "report")],
    }


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_command_refuses_each_malformed_file(path, capsys, tmp_path, monkeypatch):
    expected = (BAD / f"{path.stem}.expect").read_text(encoding="utf-8").strip()
    monkeypatch.chdir(tmp_path)
    for command, argv in _commands(path, tmp_path).items():
        status = main(argv)
        captured = capsys.readouterr()
        lines = captured.err.splitlines()
        assert status == 2, (command, captured.err)
        assert lines and all(line.startswith("hashjoule: error: ") for line in lines), (command, captured.err)
        assert any(line.startswith(f"hashjoule: error: {path}") and expected in line for line in lines), (
            command, captured.err)
        assert "Traceback" not in captured.err and captured.out == "", command
        assert list(tmp_path.iterdir()) == [], command  # nothing written, not even a folder


@pytest.mark.parametrize("name, command", [("nesting-array-5000-deep", "validate"), ("nesting-array-5000-deep", "run"),
                                           ("encoding-utf16-bom", "run"), ("extends-parent-deep", "validate")])
def test_no_traceback_from_the_console_command(name, command, tmp_path):
    path = BAD / f"{name}.toml"
    argv = _commands(path, tmp_path)[command]
    done = subprocess.run([sys.executable, "-m", "hashjoule", *argv], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert list(tmp_path.iterdir()) == []


# --- the last guard ------------------------------------------------------------------------


def _fail_with(monkeypatch, error: BaseException):
    def boom(*args, **kwargs):
        raise error

    monkeypatch.setattr("hashjoule.scenarios.load.load_scenario", boom)


@pytest.mark.parametrize("error", [RuntimeError("oops"), RecursionError("maximum recursion depth exceeded"),
                                   KeyError("x"), ZeroDivisionError()])
def test_an_unexpected_error_is_one_line_naming_the_command(error, monkeypatch, capsys):
    _fail_with(monkeypatch, error)
    assert main(["validate", "baseline"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("hashjoule: internal error in 'hashjoule validate'") and "report it" in err
    assert type(error).__name__ in err


def test_debug_shows_the_traceback(monkeypatch, capsys):
    _fail_with(monkeypatch, RuntimeError("oops"))
    assert main(["validate", "baseline", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: oops" in err


def test_interrupt_and_memory_are_clean(monkeypatch, capsys):
    _fail_with(monkeypatch, KeyboardInterrupt())
    assert main(["validate", "baseline"]) == 130
    _fail_with(monkeypatch, MemoryError())
    assert main(["validate", "baseline"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "interrupted" in err and "not enough memory" in err


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_full_or_read_only_disk_during_a_run_is_a_clean_error(code, tmp_path, monkeypatch, capsys):
    from hashjoule.simulation import checkpoint

    def full(self, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self.folder / "reduction.nc"))

    monkeypatch.setattr(checkpoint.Checkpoint, "save", full)
    out = tmp_path / "out"
    assert main(["run", "inner-mongolia-only", "--draws", "2", "--no-progress", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and os.strerror(code) in err and "Traceback" not in err
    assert not (out / "results.nc").exists()


# --- the output folder, checked before any work --------------------------------------------


def test_no_room_on_the_disk_is_refused_before_work(tmp_path, monkeypatch, capsys):
    import shutil as sh

    monkeypatch.setattr("hashjoule.output.shutil.disk_usage", lambda path: sh._ntuple_diskusage(10**9, 10**9, 10**6))
    started = []
    monkeypatch.setattr("hashjoule.scenarios.runs.run_engine", lambda *a, **k: started.append(1))
    for argv in (["run", "inner-mongolia-only", "-o", str(tmp_path / "r")],
                 ["report", "inner-mongolia-only", "-o", str(tmp_path / "h")]):
        assert main(argv + ["--draws", "2", "--no-progress"]) == 2
        assert "MB free" in capsys.readouterr().err
    assert started == [] and list(tmp_path.iterdir()) == []


def test_a_folder_without_write_permission_is_refused_before_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("hashjoule.output.os.access", lambda path, mode: False)
    assert main(["run", "inner-mongolia-only", "--draws", "2", "--no-progress", "-o", str(tmp_path / "r")]) == 2
    assert "a folder you may write to" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_space_asked_grows_with_the_kept_draws():
    from hashjoule.output import MIN_FREE_BYTES, results_bytes

    assert results_bytes(5479, 100, keep_draws=True) == 2 * 600 * 5479 * 100  # ~0.66 GB, results.nc is 329 MB
    assert results_bytes(5479, 10_000, keep_draws=False) == MIN_FREE_BYTES


# --- command-line values -----------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["run", "baseline", "--draws", "0"],
    ["run", "baseline", "--draws", "1000001"],
    ["simulate", "--draws", "1000000001"],
    ["run", "baseline", "--draws", "\u00b2"],  # a superscript two: a digit to str.isdigit, not to int()
    ["run", "baseline", "--draws", "\u0661\u0662"],  # Arabic-Indic digits
    ["run", "baseline", "--seed", "-1"],
    ["run", "baseline", "--seed", "9223372036854775808"],
    ["run", "baseline", "--batch-size", "1e3"],
    ["run", "baseline", "--engine", "quantum"],
    ["compare", "baseline", "--from-year", "\u0662\u0660\u0662\u0661"],
    ["compare", "baseline", "--to-year", "99999"],
    ["estimate", "--date", "2021-02-30"],
    ["estimate", "--date", "0000-00-00"],
    ["estimate", "--date", "2021-06-01", "--price", "nan"],
    ["estimate", "--date", "2021-06-01", "--price", "inf"],
    ["estimate", "--date", "2021-06-01", "--price", "-0.05"],
    ["estimate", "--date", "2021-06-01", "--household-kwh", "1e400"],
    ["estimate", "--start", "2021-06-01", "--end", "2020-01-01"],
    ["estimate", "--date", "2021-06-01", "-o", "out.exe"],
    ["estimate", "--date", "2021-06-01", "-o", "no/such/folder/out.csv"],
    ["simulate", "--start", "1999-01-01", "--draws", "1"],
    ["simulate", "--end", "3000-01-01", "--draws", "1"],
    ["simulate", "--start", "yesterday", "--draws", "1"],
    ["figures", "nosuchfigure", "-o", "figs"],
    ["figures", "--all", "--format", "exe", "-o", "figs"],
    ["calibrate", "--until", "2099-01-01", "--draws", "1"],
    ["calibrate", "--until", "soon", "--draws", "1"],
    ["claims", "--year", "1999"],
    ["sensitivity", "baseline", "--samples", "3"],
    ["run", "a\x00b"],
    ["validate", "x" * 5000],
    ["run", "baseline", "-o", "x" * 5000],
])
def test_hostile_command_line_values_are_one_line_errors(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own refusal
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("hashjoule: error:") and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []


# --- API arguments ----------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda api: api.load("no-such-scenario"),
    lambda api: api.load("x" * 5000),
    lambda api: api.load("a\x00b.toml"),
    lambda api: api.compare(["no-such"], draws=1),
    lambda api: api.compare(["baseline"], baseline="no-such", draws=1),
    lambda api: api.report("no-such", "out"),
    lambda api: api.simulate("1999-01-01", "2000-01-01", draws=1),
    lambda api: api.simulate("2016-01-01", "3000-01-01", draws=1),
    lambda api: api.sensitivity("baseline", samples=3),
    lambda api: api.load(5),
    lambda api: api.load(None),
    lambda api: api.simulate("yesterday", "2021-02-01", draws=1),
], ids=["load-unknown", "load-long-name", "load-nul", "compare-unknown", "compare-unknown-baseline",
        "report-unknown", "simulate-too-early", "simulate-too-late", "sensitivity-samples", "load-number",
        "load-none", "simulate-not-a-date"])
def test_api_arguments_raise_the_projects_error(call, tmp_path, monkeypatch):
    from hashjoule import api

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("hashjoule.scenarios.runs.run_engine", _no_engine)
    with pytest.raises(InputError):
        call(api)
    assert list(tmp_path.iterdir()) == []


def _no_engine(*args, **kwargs):
    raise AssertionError("the engine ran on a bad request")


# --- files other than scenarios ---------------------------------------------------------


def test_a_scenario_file_over_the_size_limit_is_refused_unread(tmp_path, capsys):
    from hashjoule.scenarios.load import MAX_BYTES

    path = tmp_path / "huge.toml"
    with open(path, "wb") as stream:  # sparse: no disk used
        stream.truncate(MAX_BYTES + 1)
    assert main(["validate", str(path)]) == 2
    assert "a file of at most 1,000,000 bytes" in capsys.readouterr().err


def test_a_file_scenario_may_extend_one_beside_it(tmp_path):
    from hashjoule.scenarios.load import load_scenario

    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "base.toml").write_text('name = "base"\nextends = "china-2021"\n[run]\nend = 2024-12-31\n')
    (tmp_path / "mine.toml").write_text('name = "mine"\nextends = "parts/base.toml"\n[run]\ndraws = 7\n')
    scenario, _ = load_scenario(str(tmp_path / "mine.toml"))
    assert (scenario.name, scenario.run.draws, scenario.run.end.year, len(scenario.policy)) == ("mine", 7, 2024, 10)
    with_bom = tmp_path / "bom.toml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + b'name = "bom"\n')
    assert load_scenario(str(with_bom))[0].name == "bom"  # a UTF-8 byte order mark is accepted


PARAMETER_SETS = {
    "nan": "[parameters]\ngrowth_per_day = nan\ndeployment_lag_days = 30\nunprofitable_retirement_days = 90\n",
    "inf-lag": "[parameters]\ngrowth_per_day = 0.01\ndeployment_lag_days = inf\nunprofitable_retirement_days = 90\n",
    "boolean": "[parameters]\ngrowth_per_day = true\ndeployment_lag_days = 30\nunprofitable_retirement_days = 90\n",
    "over-bound": "[parameters]\ngrowth_per_day = 2\ndeployment_lag_days = 30\nunprofitable_retirement_days = 0.5\n",
    "missing": "[parameters]\ngrowth_per_day = 0.01\n",
    "not-a-table": "parameters = [1, 2]\n",
    "deep": "x = " + "[" * 3000 + "]" * 3000 + "\n",
    "syntax": "[parameters\n",
    "empty": "",
}


@pytest.mark.parametrize("name", PARAMETER_SETS)
def test_parameter_set_files_are_checked(name, tmp_path):
    from hashjoule.scenarios.parameter_sets import read_set

    path = tmp_path / f"{name}.toml"
    path.write_text(PARAMETER_SETS[name], encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_set(path)
    assert all(str(p).startswith(str(path)) for p in caught.value.problems)


def test_parameter_set_encodings_are_checked(tmp_path):
    from hashjoule.scenarios.parameter_sets import read_set

    path = tmp_path / "set.toml"
    path.write_bytes("[parameters]\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        read_set(path)
    with pytest.raises(InputError, match="a folder"):
        read_set(tmp_path)


def test_calibration_set_distributions_are_checked():
    from hashjoule.scenarios.parameter_sets import distributions_from_table

    for table in ({"distributions": [1]}, {"distributions": {"growth_per_day": float("nan")}},
                  {"distributions": {"growth_per_day": {"dist": "lognormal", "median": 0.01, "sigma": 1e300}}}):
        with pytest.raises(InputError):
            distributions_from_table(table, "set.toml")


CSV_DAMAGE = {
    "utf16": lambda text: text.encode("utf-16"),
    "nul": lambda text: text.encode() + b"\x00",
    "latin1": lambda text: text.encode() + "caf\xe9\n".encode("latin-1"),
    "nan": lambda text: text.replace("\n2", "\nnan", 1).encode(),
    "empty": lambda text: b"",
    "header-only": lambda text: text.split("\n")[0].encode() + b"\n",
    "binary": lambda text: bytes(range(1, 256)) * 10,
}


@pytest.mark.parametrize("damage", CSV_DAMAGE)
def test_user_data_files_are_checked(damage, data_copy):
    from hashjoule.data import read_table

    folder = data_copy("cny_usd_exchange_rate_annual")
    path = folder / "cny_usd_exchange_rate_annual.csv"
    path.write_bytes(CSV_DAMAGE[damage](path.read_text(encoding="utf-8")))
    with pytest.raises(InputError) as caught:
        read_table("cny_usd_exchange_rate_annual", folder)
    assert str(caught.value).startswith(str(path))


def test_user_data_file_limits(data_copy):
    from hashjoule.data import read_table
    from hashjoule.data.loaders import MAX_CSV_BYTES

    folder = data_copy("cny_usd_exchange_rate_annual")
    path = folder / "cny_usd_exchange_rate_annual.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # a byte order mark is accepted
    assert len(read_table("cny_usd_exchange_rate_annual", folder)) > 0
    with open(path, "wb") as stream:
        stream.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(InputError, match="at most 50,000,000 bytes"):
        read_table("cny_usd_exchange_rate_annual", folder)
    path.unlink()
    path.mkdir()
    with pytest.raises(InputError, match="a folder"):
        read_table("cny_usd_exchange_rate_annual", folder)
