"""Scenario files: the bundled library, the malformed-file corpus, fuzzing, runs and comparisons."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashjoule.cli import main
from hashjoule.errors import InputError
from hashjoule.scenarios.load import library_names, load_scenario
from hashjoule.scenarios.resolve import resolve

BAD = Path(__file__).parent / "scenarios" / "bad"
CORPUS = sorted(BAD.glob("*.toml"))


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_each_malformed_file_gets_a_clean_error(path, capsys, tmp_path, monkeypatch):
    expected = (BAD / f"{path.stem}.expect").read_text().strip()
    status = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith(f"hashjoule: error: {path}") and expected in err, err
    assert "Traceback" not in err
    # a run never starts on it, and writes nothing
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(path), "--draws", "1", "--no-progress"]) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", library_names())
def test_every_bundled_scenario_is_valid(name, capsys):
    assert main(["validate", name]) == 0
    scenario, text = load_scenario(name)
    assert text.lstrip().startswith("#")  # a header citing its facts
    inputs = resolve(scenario, name)
    assert inputs.days > 3000


def test_china_2021_compiles_the_reported_dates():
    inputs = resolve(load_scenario("china-2021")[0])
    days = inputs.time
    names = list(inputs.regions.names)
    removal = inputs.policy.removal_rate
    first = {name: str(days[np.flatnonzero(removal[:, names.index(name)])[0]]) for name in
             ("Inner Mongolia", "Xinjiang", "Qinghai", "Sichuan", "Yunnan", "Other China")}
    # removals start so that each ramp ends by the reported deadline
    assert first == {"Inner Mongolia": "2021-03-31", "Xinjiang": "2021-06-09", "Qinghai": "2021-06-09",
                     "Sichuan": "2021-06-18", "Yunnan": "2021-06-12", "Other China": "2021-09-24"}
    last = {name: str(days[np.flatnonzero(removal[:, names.index(name)])[-1]]) for name in ("Inner Mongolia", "Sichuan")}
    assert last == {"Inner Mongolia": "2021-04-29", "Sichuan": "2021-06-20"}
    hainan = inputs.policy.tariff_adder_usd_per_kwh[:, names.index("Other China")]
    assert str(days[np.flatnonzero(hainan)[0]]) == "2021-12-03"  # converted by policy.cny_to_usd
    assert hainan.max() == pytest.approx(0.80 / 6.4515)  # CNY at the 2021 average rate
    assert inputs.policy.deployment_ban[:, names.index("Sichuan")].any()
    assert not inputs.policy.deployment_ban[:, names.index("United States")].any()


def test_extends_merges_tables_and_replaces_lists(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nextends = "china-2021"\n[run]\nend = 2024-12-31\n'
                    '[regions.Kazakhstan]\ntariff_dry_usd_per_kwh = 0.06\n')
    scenario, _ = load_scenario(str(path))
    assert scenario.run.end.year == 2024 and scenario.run.start.year == 2016  # start from the parent chain
    assert len(scenario.policy) == 9  # inherited
    inputs = resolve(scenario)
    kz = inputs.regions.names.index("Kazakhstan")
    assert inputs.regions.tariff_usd_per_kwh[0, kz] == 0.06
    # a list given by the child replaces the parent's
    path.write_text('name = "mine"\nextends = "china-2021"\n[[policy]]\ntype = "deployment_ban"\n'
                    'regions = ["Iran"]\nstart = 2021-01-01\n')
    assert [p.type for p in load_scenario(str(path))[0].policy] == ["deployment_ban"]


def test_region_share_override_rescales_the_rest(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\n[regions."United States"]\nshare = 0.5\n')
    inputs = resolve(load_scenario(str(path))[0])
    base = resolve(load_scenario("baseline")[0])
    shares, before = inputs.regions.initial_share, base.regions.initial_share
    us = inputs.regions.names.index("United States")
    assert shares[us] == 0.5
    others = np.arange(len(shares)) != us
    np.testing.assert_allclose(shares[others], before[others] * 0.5 / before[others].sum())
    # and the first day's online hashrate is still the observed one
    assert _online_on_day_0(inputs) == pytest.approx(_online_on_day_0(base), rel=1e-5)


def _online_on_day_0(x):
    from hashjoule.network import chain
    from hashjoule.simulation import fleet

    reward = chain.block_subsidy_btc(x.chain_start.height) + x.market.fees_btc_per_block[0]
    hashprice = fleet.hashprice_usd_per_ths_day(reward, np.array([x.market.price_history_usd[0]]),
                                                chain.difficulty_from_bits(x.chain_start.bits))
    return float(fleet.Fleet(x, 1).online_ths(0, hashprice).sum())


TOML_VALUES = st.recursive(
    st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
              st.booleans(), st.dates()),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["name", "run", "start", "end", "draws", "policy",
                                                                "type", "regions", "share", "pue", "extends", "x"]),
                                               children, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["description", "extends", "run", "fleet", "regions", "policy", "junk"]),
                       TOML_VALUES, max_size=5),
       st.sampled_from(["fuzz", "x-1", "has space", ""]))
def test_fuzzed_scenarios_never_crash(table, name):
    table = {**table, "name": name} if name else table
    """Any table a TOML file could hold gives a valid scenario or InputError, nothing else."""
    from hashjoule.scenarios import load

    try:
        scenario = load.Scenario.model_validate(table)
    except Exception as exc:  # the loader turns pydantic's errors into problems
        from pydantic import ValidationError

        assert isinstance(exc, ValidationError)
        problems = load._problems("fuzz.toml", exc)
        assert problems and all(str(p).startswith("fuzz.toml: ") for p in problems)
        return
    try:
        resolve(scenario, "fuzz.toml")
    except InputError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_fuzzed_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.toml"
    path.write_bytes(data)
    with pytest.raises(InputError):
        load_scenario(str(path))


def test_run_writes_three_files(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["run", "inner-mongolia-only", "--draws", "3", "-o", str(out), "--no-progress"])
    assert status == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["report.txt", "results.nc", "summary.csv"]
    import xarray as xr

    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.attrs["scenario"] == "inner-mongolia-only" and "IM DRC" in ds.attrs["scenario_text"]


def test_scenarios_copy_then_validate(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios", "copy", "china-2021"]) == 0
    assert main(["validate", "china-2021.toml"]) == 0
    assert main(["scenarios", "copy", "china-2021"]) == 2  # no silent overwrite
    assert main(["scenarios", "show", "nope"]) == 2


def test_paired_intervals_are_narrower_than_unpaired():
    from hashjoule.api import compare

    paired, _ = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024)
    unpaired, _ = compare(["inner-mongolia-only"], draws=12, first_year=2021, last_year=2024, paired=False)
    width = lambda t: float(t.net_global_p95.iloc[0] - t.net_global_p5.iloc[0])  # noqa: E731
    assert width(paired) < width(unpaired) / 3
    assert paired.saved_china_mean.iloc[0] > 0


def test_a_copy_gets_its_own_name_and_compare_refuses_twins(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios", "copy", "china-2021", "my plan.toml"]) == 0
    scenario, _ = load_scenario("my plan.toml")
    assert scenario.name == "my-plan"
    (tmp_path / "twin.toml").write_text((tmp_path / "my plan.toml").read_text())
    capsys.readouterr()
    assert main(["compare", "my plan.toml", "twin.toml", "--draws", "2", "--to-year", "2021", "--no-progress"]) == 2
    assert "a scenario name not used by another compared scenario" in capsys.readouterr().err


def test_compare_refuses_mismatched_runs_and_years(tmp_path, capsys):
    path = tmp_path / "late.toml"
    path.write_text('name = "late"\nextends = "inner-mongolia-only"\n[run]\nstart = 2021-01-01\n')
    assert main(["compare", str(path), "--draws", "2", "--no-progress"]) == 2
    assert "run.start: expected the baseline's value (2016-01-01)" in capsys.readouterr().err
    assert main(["compare", "inner-mongolia-only", "--from-year", "2025", "--to-year", "2021"]) == 2
    assert main(["compare", "inner-mongolia-only", "--to-year", "2099"]) == 2
    assert "whole years within the run" in capsys.readouterr().err


def test_a_folder_or_unreadable_file_is_a_clean_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "found a folder" in capsys.readouterr().err
