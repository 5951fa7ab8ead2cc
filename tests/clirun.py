"""Run the ``hashjoule`` command in-process and return what it printed."""

from hashjoule.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err
