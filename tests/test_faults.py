"""Faults: runs killed with SIGKILL, checkpoint folders from another run or damaged, and a
30-year projection.

A killed run leaves no results or complete ones, never a partial file; ``--resume`` then
gives the same results as an uninterrupted run (the same bytes for summary.csv and
report.txt; for results.nc the same data and attributes apart from the time it was written,
the command line and the count of resumed draws).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from hashjoule.cli import main

#: Three months, two batches of 50 draws: about 4 s of work after the imports.
SCENARIO = ('name = "killed"\nextends = "china-2021"\n[run]\nstart = 2021-01-01\nend = 2021-03-31\n'
            "draws = 100\nseed = 3\n")
#: Attributes that say when, where and how a file was written, not what it holds.
WHEN = ("history", "command", "resumed_draws", "checkpoint")
KILLS = 5


def _argv(scenario: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(scenario), "--batch-size", "50", "--reduce", "--no-progress", "-o", str(out), *extra]


#: The state saved after every batch.
ENV = {"HASHJOULE_CHECKPOINT_SECONDS": "0"}


def _same_results(folder: Path, reference: Path) -> None:
    mine = xr.load_dataset(folder / "results.nc", engine="h5netcdf")
    theirs = xr.load_dataset(reference / "results.nc", engine="h5netcdf")
    for ds in (mine, theirs):
        for key in WHEN:
            ds.attrs.pop(key, None)
    xr.testing.assert_identical(mine, theirs)
    for name in ("summary.csv", "report.txt"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name


def _started(scenario: Path, out: Path) -> subprocess.Popen:
    """A run in a process of its own, once its checkpoint has appeared (or it ended, or 120 s)."""
    process = subprocess.Popen([sys.executable, "-m", "hashjoule", *_argv(scenario, out)],
                               env={**os.environ, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "checkpoint" / "manifest.json"
    deadline = time.monotonic() + 120
    while not manifest.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def _kill(scenario: Path, out: Path, delay_s: float) -> None:
    """Kill a run ``delay_s`` after its checkpoint appears."""
    process = _started(scenario, out)
    time.sleep(delay_s)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _after_checkpoint_s(scenario: Path, out: Path) -> float:
    """Seconds from a run's checkpoint appearing to the run's end, in a process of its own."""
    process = _started(scenario, out)
    started = time.monotonic()
    assert process.wait(timeout=300) == 0
    return time.monotonic() - started


def _finish(scenario: Path, out: Path, reference: Path, capsys) -> str:
    """Check what a kill left (no results, or complete ones), then finish the run as a user
    would: --resume if a checkpoint is there. Returns 'finished', 'resumed N' (N draws from
    the checkpoint) or 'restarted'."""
    if (out / "report.txt").exists():  # the last file written: the run had finished
        _same_results(out, reference)
        return "finished"
    for name in ("summary.csv", "report.txt"):
        assert not (out / name).exists(), name
    if (out / "results.nc").exists():
        assert _complete(out, reference)
    resumable = (out / "checkpoint").is_dir()
    status = main(_argv(scenario, out, *(["--resume"] if resumable else [])))
    err = capsys.readouterr().err
    assert status == 0 and "Traceback" not in err, err
    assert not (out / "checkpoint").exists() and not list(out.glob(".*.part"))
    _same_results(out, reference)
    kept = re.search(r"resumed: (\d+) of", err)
    return f"resumed {kept.group(1)}" if resumable else "restarted"


def _complete(out: Path, reference: Path) -> bool:
    mine = xr.load_dataset(out / "results.nc", engine="h5netcdf")
    theirs = xr.load_dataset(reference / "results.nc", engine="h5netcdf")
    return list(mine.data_vars) == list(theirs.data_vars) and all(
        mine[v].equals(theirs[v]) for v in theirs.data_vars)


def test_a_killed_run_leaves_nothing_partial_and_resumes_to_the_same_results(tmp_path, monkeypatch, capsys):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    scenario = tmp_path / "killed.toml"
    scenario.write_text(SCENARIO)
    reference = tmp_path / "reference"
    assert main(_argv(scenario, reference)) == 0, capsys.readouterr().err
    # how long a run lasts after its checkpoint appears, timed as the killed runs will run
    # (a fresh process: it loads the compiled kernels after that point, which this one has)
    # (twice: the first fresh process may compile the kernels, the later ones read numba's cache)
    run_s = min(_after_checkpoint_s(scenario, tmp_path / f"timed-{k}") for k in range(2))
    rng = np.random.default_rng(2021)
    # one kill point in each fifth of the run, at a random place within it (two runs at a time)
    delays = [(k + rng.uniform()) / KILLS * run_s for k in range(KILLS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda k: _kill(scenario, tmp_path / f"kill-{k}", delays[k]), range(KILLS)))
    ends = [_finish(scenario, tmp_path / f"kill-{k}", reference, capsys) for k in range(KILLS)]
    # most kills land mid-run; the run continues from the batches kept, at least once from some
    assert sum(end.startswith("resumed") for end in ends) >= 2, ends
    assert any(end.startswith("resumed") and end != "resumed 0" for end in ends), ends


# --- checkpoint folders that do not belong to the run ----------------------------------------


@pytest.fixture
def interrupted(tmp_path, monkeypatch, capsys):
    """An output folder with the checkpoint of a run stopped after its first batch."""
    from hashjoule.simulation import checkpoint

    save = checkpoint.Checkpoint.save

    def save_then_stop(self, *args, **kwargs):
        save(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint, "EVERY_SECONDS", 0.0)
    monkeypatch.setattr(checkpoint.Checkpoint, "save", save_then_stop)
    scenario = tmp_path / "short.toml"
    scenario.write_text('name = "short"\nextends = "inner-mongolia-only"\n[run]\nstart = 2021-01-01\n'
                        'end = 2021-03-31\ndraws = 100\n')
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--reduce", "--batch-size", "50", "--no-progress", "-o", str(out)]) == 130
    monkeypatch.setattr(checkpoint.Checkpoint, "save", save)
    assert (out / "checkpoint" / "manifest.json").is_file() and (out / "checkpoint" / "reduction.nc").is_file()
    capsys.readouterr()
    return scenario, out


def _resume(scenario, out, capsys) -> tuple[int, str]:
    status = main(["run", str(scenario), "--reduce", "--batch-size", "50", "--no-progress", "-o", str(out),
                   "--resume"])
    return status, capsys.readouterr().err


def test_a_checkpoint_of_another_version_is_refused(interrupted, capsys):
    scenario, out = interrupted
    manifest = out / "checkpoint" / "manifest.json"
    identity = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**identity, "hashjoule_version": "0.0.1"}))
    status, err = _resume(scenario, out, capsys)
    assert status == 2 and "differs in hashjoule_version" in err and err.count("\n") == 1
    assert not (out / "results.nc").exists()


def test_a_checkpoint_of_another_scenario_is_refused(interrupted, capsys):
    scenario, out = interrupted
    other = scenario.with_name("other.toml")
    other.write_text(scenario.read_text().replace('name = "short"', 'name = "other"').replace("03-31", "03-30"))
    status, err = _resume(other, out, capsys)
    assert status == 2 and "a checkpoint of the same run" in err and "scenario" in err
    assert not (out / "results.nc").exists()


@pytest.mark.parametrize("damage", ["manifest-garbage", "manifest-list", "manifest-missing", "state-garbage"])
def test_a_damaged_checkpoint_is_refused(damage, interrupted, capsys):
    scenario, out = interrupted
    folder = out / "checkpoint"
    if damage == "manifest-garbage":
        (folder / "manifest.json").write_bytes(b"\xff\x00{not json")
    elif damage == "manifest-list":
        (folder / "manifest.json").write_text("[1, 2, 3]")
    elif damage == "manifest-missing":
        (folder / "manifest.json").unlink()
    else:
        (folder / "reduction.nc").write_bytes(b"CDF\x01" + bytes(100))
    status, err = _resume(scenario, out, capsys)
    assert status == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert "a checkpoint written by hashjoule" in err
    assert not (out / "results.nc").exists()


def test_a_bad_checkpoint_interval_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HASHJOULE_CHECKPOINT_SECONDS", "nan")
    assert main(["run", "inner-mongolia-only", "--draws", "1", "--no-progress", "-o", str(tmp_path / "o")]) == 2
    assert "HASHJOULE_CHECKPOINT_SECONDS" in capsys.readouterr().err
    assert not (tmp_path / "o" / "results.nc").exists()


# --- a long projection --------------------------------------------------------------------


def test_a_projection_to_2050_has_no_nan_negative_energy_or_warnings(tmp_path):
    from hashjoule.api import run_scenario

    path = tmp_path / "to-2050.toml"
    path.write_text('name = "to-2050"\nextends = "china-2021"\n[run]\nend = 2050-12-31\ndraws = 4\nseed = 1\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            ds, _ = run_scenario(str(path), keep_draws=False)
    assert str(ds.time.values[-1])[:10] == "2050-12-31"
    energy = [name for name, var in ds.data_vars.items()
              if any(unit in var.attrs.get("units", "") for unit in ("Wh", "W"))]
    assert energy, list(ds.data_vars)
    for name in energy:
        values = ds[name].values
        assert np.isfinite(values).all(), name
        assert (values >= 0).all(), name
