"""Option types and shared options (cli/options.py): a bad value exits 2 with one line."""

import pytest

from hashjoule.cli import main


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


@pytest.mark.parametrize("argv", [["simulate", "--draws", "0"], ["simulate", "--batch-size", "0"],
                                  ["simulate", "--draws", "many"], ["simulate", "--seed", "-1"]])
def test_simulate_bad_counts(capsys, argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2 and "expected a whole number" in capsys.readouterr().err


def test_unknown_format_is_refused(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["claims", "--format", "xlsx"])
    assert caught.value.code == 2 and "text, csv, json" in capsys.readouterr().err.replace("'", "")
