"""Loading scenario files: the bundled library, ``extends``, the malformed-file corpus, fuzzing,
and the commands that read them (validate, scenarios copy, run)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashjoule.cli import main
from hashjoule.errors import InputError
from hashjoule.scenarios.load import library_names, load_scenario
from hashjoule.scenarios.resolve import resolve

BAD = Path(__file__).parent / "bad"
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


def test_extends_merges_tables_and_replaces_lists(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nextends = "china-2021"\n[run]\nend = 2024-12-31\n'
                    '[regions.Kazakhstan]\ntariff_dry_usd_per_kwh = 0.06\n')
    scenario, _ = load_scenario(str(path))
    assert scenario.run.end.year == 2024 and scenario.run.start.year == 2016  # start from the parent chain
    assert len(scenario.policy) == 10  # inherited
    inputs = resolve(scenario)
    kz = inputs.regions.names.index("Kazakhstan")
    assert inputs.regions.tariff_usd_per_kwh[0, kz] == 0.06
    # a list given by the child replaces the parent's
    path.write_text('name = "mine"\nextends = "china-2021"\n[[policy]]\ntype = "deployment_ban"\n'
                    'regions = ["Iran"]\nstart = 2021-01-01\n')
    assert [p.type for p in load_scenario(str(path))[0].policy] == ["deployment_ban"]


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

        from hashjoule.scenarios.messages import schema_problems

        assert isinstance(exc, ValidationError)
        problems = schema_problems("fuzz.toml", exc)
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


def test_a_folder_or_unreadable_file_is_a_clean_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "found a folder" in capsys.readouterr().err


def test_a_key_of_non_ascii_digits_is_reported_not_parsed(tmp_path):
    """Found by the property tests: '¹' counts as a digit for str.isdigit but is no index."""
    path = tmp_path / "sup.toml"
    path.write_text('name = "sup"\n[regions."¹"]\nshare = 2.0\n', encoding="utf-8")
    with pytest.raises(InputError, match="sup.toml"):
        load_scenario(str(path))


def test_a_distribution_replaces_the_extended_files_whatever_its_kind(tmp_path):
    """china-2021's PUE is triangular: a file extending it may make it uniform (the two do not merge)."""
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nextends = "china-2021"\n[uncertainty]\npue = { dist = "uniform", low = 1.05, high = 1.2 }\n')
    pue = load_scenario(str(path))[0].uncertainty.pue
    assert pue.dist == "uniform" and (pue.low, pue.high) == (1.05, 1.2)
