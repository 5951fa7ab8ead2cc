"""Sobol sensitivity of a scenario against its baseline (SALib's Saltelli design)."""

import xarray as xr

SHORT = 'name = "short"\nextends = "china-2021"\n[run]\nstart = 2021-03-01\nend = 2021-09-30\ndraws = 60\n'


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
