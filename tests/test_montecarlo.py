"""Monte Carlo at scale: streaming summaries, reproducibility across batches, workers and
interruptions, and Sobol sensitivity."""

import numpy as np
import pytest
import xarray as xr

from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.uncertain import ParameterSpace
from hashjoule.simulation import checkpoint as ckpt
from hashjoule.simulation import reduce as rd
from hashjoule.simulation import runner
from hashjoule.errors import InputError


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """China's 2021 in a one-year run, every draw sampling the file's distributions."""
    path = tmp_path_factory.mktemp("mc") / "short.toml"
    path.write_text('name = "short"\nextends = "china-2021"\n[run]\nstart = 2021-03-01\nend = 2021-09-30\n',
                    encoding="utf-8")
    scenario, _ = load_scenario(str(path))
    inputs = resolve(scenario, str(path))
    return inputs, ParameterSpace(scenario, inputs)


@pytest.fixture(scope="module")
def reference(world):
    inputs, space = world
    return runner.simulate(inputs, "ensemble", 130, seed=11, batch_size=50, keep_draws=True, space=space)


@pytest.mark.parametrize("draws", [1, 3, 20, 60, 130, 2000])
def test_histogram_quantiles_are_within_a_bin_of_the_exact_ones(draws):
    rng = np.random.default_rng(draws)
    values = np.exp(rng.normal(np.log(150.0), 0.6, size=(40, draws)))  # (time, draw), EH/s-like
    values[:, : draws // 50] = 0.0  # a few stalled draws count as zero
    counts = rd.histogram(rd.bin_index(values, "hashrate"), "hashrate")
    approx = rd.histogram_quantiles(counts, "hashrate")
    exact = np.quantile(values, rd.QUANTILES, axis=1)  # numpy's linear definition
    np.testing.assert_allclose(approx, exact, rtol=rd.BIN_WIDTH)
    assert not np.allclose(approx, exact, rtol=1e-6)  # they are approximations, and the check can tell


def test_summaries_agree_with_the_draws(reference):
    ds = reference
    np.testing.assert_allclose(ds.power_mean, ds.power.mean("draw"), rtol=1e-12)
    np.testing.assert_allclose(ds.co2_std, ds.co2.std("draw", ddof=1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ds.energy_mean, ds.energy.mean("draw"), rtol=1e-12)
    total = ds.hashrate.sum("region")
    exact = total.quantile(list(rd.QUANTILES), dim="draw").transpose("quantile", "time")
    np.testing.assert_allclose(ds.hashrate_network_quantiles, exact, rtol=rd.BIN_WIDTH)
    energy = ds.annual_energy.sum("region")
    assert np.isnan(ds.annual_energy_exceedance).all()  # March-September is not a year
    np.testing.assert_allclose(ds.annual_energy_network_quantiles.sel(quantile=0.5), energy.median("draw"))
    # the draws really differ in their parameters
    assert ds.parameter_value.sel(parameter="policy[8].share").std() > 0.1


def test_exceedance_is_the_share_of_draws_above_the_threshold():
    rng = np.random.default_rng(5)
    energy = rng.lognormal(np.log(120.0), 0.3, size=(400, 2, 3)) / 3  # (draw, year, region) [TWh]
    ds = xr.Dataset({"annual_energy": (("draw", "year", "region"), energy, {"units": "TWh", "long_name": "e in the year"}),
                     "annual_co2": (("draw", "year", "region"), energy / 2, {"units": "Mt", "long_name": "c in the year"}),
                     "days": ("year", [365, 200])}, coords={"year": [2021, 2022]})
    out = rd.annual_summaries(ds, thresholds_twh=(100.0, 134.0))
    total = energy.sum(axis=2)
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) == (total[:, 0] > 134.0).mean()
    assert float(out.annual_energy_exceedance.sel(year=2021, threshold=100.0)) == (total[:, 0] > 100.0).mean()
    assert 0.2 < float(out.annual_energy_exceedance.sel(year=2021, threshold=134.0)) < 0.5
    assert np.isnan(out.annual_energy_exceedance.sel(year=2022)).all()
    np.testing.assert_allclose(out.period_energy.sum("region"), total.sum(axis=1))


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


def test_sobol_ranks_the_parameter_that_drives_the_savings(tmp_path):
    from hashjoule.api import sensitivity

    common = ('extends = "baseline"\n[run]\nstart = 2021-01-01\nend = 2021-12-31\n'
              '[uncertainty]\ntariff_scale = { dist = "lognormal", median = 1.0, sigma = 0.001 }\n'
              'pue = 1.1\nemission_factor_scale = 1.0\nefficiency_scale = 1.0\nprice_volatility_scale = 1.0\n')
    base, ban = tmp_path / "base.toml", tmp_path / "ban.toml"
    base.write_text('name = "base"\n' + common, encoding="utf-8")
    ban.write_text('name = "ban"\n' + common + '[[policy]]\ntype = "shutdown"\nregions = ["Xinjiang", "Sichuan"]\n'
                   'announced = 2021-03-01\neffective = 2021-03-01\nramp_days = 10\n'
                   'compliance = { dist = "uniform", low = 0.05, high = 0.95 }\n', encoding="utf-8")
    ds = sensitivity(str(ban), str(base), samples=16, seed=3, first_year=2021, last_year=2021)
    table = ds.sel(output="co2_avoided_china")
    assert table.ST.sel(parameter="policy[0].compliance") > 0.5
    assert table.ST.sel(parameter="policy[0].compliance") > table.ST.sel(parameter="uncertainty.tariff_scale") + 0.3
    again = sensitivity(str(ban), str(base), samples=16, seed=3, first_year=2021, last_year=2021)
    xr.testing.assert_identical(ds, again)


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


def test_sensitivity_command_prints_ranked_tables(tmp_path, capsys):
    from hashjoule.cli import main

    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    base = tmp_path / "base.toml"
    base.write_text('name = "base"\nextends = "baseline"\n[run]\nstart = 2021-03-01\nend = 2021-09-30\n',
                    encoding="utf-8")
    assert main(["sensitivity", str(path), "--baseline", str(base), "--samples", "6", "--no-progress"]) == 2
    assert "a power of 2" in capsys.readouterr().err
    out = tmp_path / "sobol.nc"
    assert main(["sensitivity", str(path), "--baseline", str(base), "--samples", "4", "--no-progress",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    for heading in ("energy_2021 [TWh]", "co2_avoided_china [Mt]", "net_global_change [TWh]",
                    "policy[2].compliance (shutdown: Xinjiang)", "random streams"):
        assert heading in printed
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.ST.dims == ("output", "parameter") and ds.attrs["samples"] == 4


def test_sobol_intervals_are_reproducible_with_seed_zero(tmp_path):
    from hashjoule.api import sensitivity

    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    base = tmp_path / "base.toml"
    base.write_text('name = "base"\nextends = "baseline"\n[run]\nstart = 2021-03-01\nend = 2021-09-30\n',
                    encoding="utf-8")
    runs = [sensitivity(str(path), str(base), samples=4, seed=0) for _ in range(2)]
    xr.testing.assert_identical(runs[0], runs[1])
