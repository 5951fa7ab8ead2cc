"""Entry point of the ``hashjoule`` console script: exit statuses and one-line errors.

Exit status: 0 on success, 2 for a user mistake (bad option, date outside the data,
unreadable file), reported in one line per problem without a traceback.
"""

from __future__ import annotations

import errno
import os
import shlex
import sys
import traceback
from dataclasses import replace

from hashjoule.cli.options import MAX_SCENARIO_DRAWS
from hashjoule.cli.parser import build_parser, menu
from hashjoule.errors import InputError


def _name_options(error: InputError, args) -> InputError:
    """Name the options the user typed, not the API's arguments: a problem whose source is
    an argument of the command (``until``, ``from_year/to_year``) is reported as its option
    (``--until``, ``--from-year/--to-year``); ``start`` and ``end`` as ``--date`` or
    ``--year`` when the period was given that way."""
    given = ("--date" if getattr(args, "date", None) is not None
             else "--year" if getattr(args, "year", None) is not None else None)

    def option(source: str) -> str:
        parts = source.split("/")
        if given and set(parts) <= {"start", "end"}:
            return given
        if not all(part.isidentifier() and hasattr(args, part) for part in parts):
            return source
        return "/".join("--" + part.replace("_", "-") for part in parts)

    return InputError([replace(p, source=option(p.source)) for p in error.problems])


#: Where an unexpected failure is to be reported.
REPORT_TO = "the hashjoule developers (the project's issue tracker)"
#: Errors of the system, not of the program: a full disk, a folder that may not be written.
_SYSTEM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EMFILE, errno.ENFILE,
                  errno.ENAMETOOLONG}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hashjoule`` console script; returns the exit status.

    0 on success; 2 for a user mistake or a system limit (a bad file or option, a full
    disk, no permission), one line per problem; 1 for an unexpected failure, one line
    naming the command, with the traceback only under ``--debug``; 130 on Ctrl-C.
    """
    # dask's own log lines (tasks cancelled and workers stopped on Ctrl-C) are not the user's
    # business; read when dask is first imported, here and in the worker processes it starts
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line
    argv = [a for a in argv if a != "--debug"]
    command = next((a for a in argv if not a.startswith("-")), "")
    try:
        return _main(argv)
    except KeyboardInterrupt:
        resumable = (" (batches finished so far are kept: run the same command with --resume)"
                     if command == "run" else "")
        print(f"hashjoule: interrupted; no output was written{resumable}", file=sys.stderr)
        return 130
    except MemoryError:
        print("hashjoule: error: not enough memory for this run; try a smaller --batch-size, fewer draws "
              "or a shorter period (nothing was written)", file=sys.stderr)
        return 2
    except OSError as error:
        if debug:
            traceback.print_exc()
        if error.errno in _SYSTEM_ERRNOS:
            where = f"{error.filename}: " if error.filename else ""
            print(f"hashjoule: error: {where}expected a file system with space and permission to write, found "
                  f"{error.strerror or error} (no results were written)", file=sys.stderr)
            return 2
        return _unexpected(command, error, debug)
    except Exception as error:  # noqa: BLE001 - the last guard: one line, never a stack by default
        return _unexpected(command, error, debug)


def _unexpected(command: str, error: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    text = " ".join(str(error).split())
    text = f": {text[:200]}" if text else ""
    print(f"hashjoule: internal error in 'hashjoule {command}' ({type(error).__name__}{text}); nothing was written. "
          f"Please report it to {REPORT_TO} with the command line"
          + ("." if debug else " and what 'hashjoule --debug ...' prints."), file=sys.stderr)
    return 1


def _main(argv: list[str]) -> int:
    if not argv:  # a newcomer's first call: the ways in, not a usage error
        print(menu())
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["hashjoule", *argv])
    try:
        try:
            draws = getattr(args, "draws", None)
            if args.command in ("run", "compare", "report") and draws is not None and draws > MAX_SCENARIO_DRAWS:
                raise InputError.single("--draws", "", f"at most {MAX_SCENARIO_DRAWS:,} draws of a scenario "
                                        "(as run.draws in a file)", f"{draws:,}")
            args.run(args)
        except InputError as error:
            raise _name_options(error, args) from None
    except InputError as error:
        for problem in error.problems:
            print(f"hashjoule: error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
