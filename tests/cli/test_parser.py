"""The commands and their options (cli/parser.py): ``hashjoule`` alone shows three ways in."""

from clirun import run


def test_no_arguments_prints_three_journeys(capsys):
    from hashjoule.cli.parser import JOURNEYS, build_parser

    status, out, err = run(capsys)
    assert status == 0 and err == ""
    assert all(who in out and command in out for who, _, command in JOURNEYS) and len(JOURNEYS) == 3
    assert out.count("$ hashjoule ") == 3 and "--help" in out
    parser = build_parser()
    for _, _, command in JOURNEYS:  # every command shown is one the parser accepts
        assert parser.parse_args(command.split()[1:]).command == command.split()[1]
