"""Monte Carlo runs at scale: the streamed summaries agree with the draws, and the numbers do
not depend on batches, dask workers (parallel.py) or interruptions (checkpoint.py)."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.simulation import checkpoint as ckpt
from hashjoule.simulation import histograms as hist
from hashjoule.simulation import runner
from hashjoule.errors import InputError


from scenarioworld import short

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """China's 2021 in a one-year run, every draw sampling the file's distributions."""
    _, inputs, space = short(tmp_path_factory.mktemp("mc"), start="2021-03-01", end="2021-09-30")
    return inputs, space


@pytest.fixture(scope="module")
def reference(world):
    inputs, space = world
    return runner.simulate(inputs, "ensemble", 130, seed=11, batch_size=50, keep_draws=True, space=space)


def test_summaries_agree_with_the_draws(reference):
    ds = reference
    np.testing.assert_allclose(ds.power_mean, ds.power.mean("draw"), rtol=1e-12)
    np.testing.assert_allclose(ds.co2_std, ds.co2.std("draw", ddof=1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ds.energy_mean, ds.energy.mean("draw"), rtol=1e-12)
    total = ds.hashrate.sum("region")
    exact = total.quantile(list(hist.QUANTILES), dim="draw").transpose("quantile", "time")
    np.testing.assert_allclose(ds.hashrate_network_quantiles, exact, rtol=hist.BIN_WIDTH)
    energy = ds.annual_energy.sum("region")
    assert np.isnan(ds.annual_energy_exceedance).all()  # March-September is not a year
    np.testing.assert_allclose(ds.annual_energy_network_quantiles.sel(quantile=0.5), energy.median("draw"))
    # the draws really differ in their parameters
    assert ds.parameter_value.sel(parameter="policy[8].share").std() > 0.1


def test_same_numbers_whatever_the_batch_size(world, reference):
    inputs, space = world
    other = runner.simulate(inputs, "ensemble", 130, seed=11, batch_size=100, keep_draws=True, space=space)
    xr.testing.assert_identical(reference.drop_attrs(), other.drop_attrs())
    reduced = runner.simulate(inputs, "ensemble", 130, seed=11, batch_size=150, keep_draws=False, space=space)
    summaries = [v for v in reduced.data_vars]
    xr.testing.assert_identical(reduced[summaries].drop_attrs(), reference[summaries].drop_attrs())
    different = runner.simulate(inputs, "ensemble", 130, seed=12, keep_draws=False, space=space)
    assert not np.array_equal(different.power_mean, reduced.power_mean)


def test_same_numbers_with_two_local_workers(world, reference):
    inputs, space = world
    parallel = runner.simulate(inputs, "ensemble", 130, seed=11, batch_size=50, keep_draws=True, space=space,
                               workers=2)
    xr.testing.assert_identical(reference.drop_attrs(), parallel.drop_attrs())


def test_same_seed_same_numbers_whatever_the_batches(world_2019):
    a = runner.simulate(world_2019, "ensemble", 12, seed=7, batch_size=5)
    b = runner.simulate(world_2019, "ensemble", 12, seed=7, batch_size=12)
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())
    c = runner.simulate(world_2019, "ensemble", 12, seed=8, batch_size=12)
    assert not np.array_equal(a.energy.to_numpy(), c.energy.to_numpy())


def test_reduced_results_equal_the_kept_draws(world_2019):
    kept = runner.simulate(world_2019, "ensemble", 9, seed=3, batch_size=4, keep_draws=True)
    reduced = runner.simulate(world_2019, "ensemble", 9, seed=3, batch_size=4, keep_draws=False)
    np.testing.assert_allclose(reduced.energy_mean, kept.energy.mean("draw"), rtol=1e-12)
    np.testing.assert_allclose(reduced.energy_std, kept.energy.std("draw", ddof=1), rtol=1e-6, atol=1e-9)
    xr.testing.assert_allclose(reduced.annual_energy, kept.annual_energy)


@pytest.mark.parametrize("keep", [True, False])
def test_a_resumed_run_equals_an_uninterrupted_one(world, reference, tmp_path, monkeypatch, keep):
    inputs, space = world
    monkeypatch.setattr(ckpt, "EVERY_SECONDS", 0.0)
    done = []
    original = runner.run_batch

    def interrupted(*args):
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(1)
        return original(*args)

    monkeypatch.setattr(runner, "run_batch", interrupted)
    folder = tmp_path / "checkpoint"
    options = dict(seed=11, batch_size=50, keep_draws=keep, space=space, checkpoint=folder, identity={"scenario": "short"})
    with pytest.raises(KeyboardInterrupt):
        runner.simulate(inputs, "ensemble", 130, **options)
    monkeypatch.setattr(runner, "run_batch", original)
    assert list(xr.load_dataset(folder / ckpt.STATE).batch.values) == [0, 50]
    with pytest.raises(InputError, match="--resume"):
        runner.simulate(inputs, "ensemble", 130, **options)
    with pytest.raises(InputError, match="differs in draws"):
        runner.simulate(inputs, "ensemble", 140, **options, resume=True)
    ran = []
    monkeypatch.setattr(runner, "run_batch", lambda *args: ran.append(args[-1].first) or original(*args))
    resumed = runner.simulate(inputs, "ensemble", 130, **options, resume=True)
    assert ran == [100] and resumed.attrs["resumed_draws"] == 100  # only the missing batch ran
    names = list(resumed.data_vars)
    xr.testing.assert_identical(resumed[names].drop_attrs(), reference[names].drop_attrs())


# --- the command line ---------------------------------------------------------------

SHORT = 'name = "short"\nextends = "china-2021"\n[run]\nstart = 2021-03-01\nend = 2021-09-30\ndraws = 60\n'


def test_run_with_workers_writes_quantiles_and_provenance(tmp_path, capsys):
    from hashjoule.cli import main

    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "-o", str(out), "--workers", "2", "--reduce", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "P[>134 TWh]" in printed and "policy[8].share" in printed
    assert sorted(p.name for p in out.iterdir()) == ["report.txt", "results.nc", "summary.csv"]  # no checkpoint left
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.hashrate_network_quantiles.dims == ("quantile", "time")
        assert list(ds["quantile"].values) == [0.05, 0.17, 0.5, 0.83, 0.95]
        assert ds.annual_energy_exceedance.attrs["units"] == "1" and "hashrate" not in ds  # draws not kept
        assert ds.attrs["seed"] == 0 and "extends" in ds.attrs["scenario_text"]
        assert "--workers 2" in ds.attrs["command"] and "dask" in ds.attrs["software_versions"]


def test_resume_needs_an_interrupted_run(tmp_path, capsys):
    from hashjoule.cli import main

    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "new"), "--resume", "--no-progress"]) == 2
    assert "no checkpoint folder" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_the_progress_bar_names_the_scenario_when_the_run_does():
    from hashjoule.simulation.runner import _label

    assert _label("ensemble", {"scenario": "china-2021"}) == "china-2021: ensemble engine"
    assert _label("des", None) == "des engine"


@pytest.mark.parametrize("draws, workers, daily, sizes", [
    (4000, 2, False, [2000, 2000]),                 # one round: a batch per worker
    (10000, 2, False, [1700] * 5 + [1500]),         # three rounds, none above the default
    (1000, 2, False, [500, 500]),
    (60, 4, False, [50, 10]),                       # no batch below a reduction block
    (1000, 2, True, [250] * 4),                     # kept daily series: their smaller default
    (2001, 2, True, [250] * 8 + [1]),               # rounded to blocks: the last round short
])
def test_local_workers_get_whole_rounds_of_batches(draws, workers, daily, sizes):
    batch = runner._checked_request("ensemble", draws, 0, None, workers, daily)
    assert [b.stop - b.first for b in runner.plan(draws, batch)] == sizes
