"""Errors that are the user's to fix: a bad file, an unknown option, a date outside the data.

They are reported as one line per problem (file, key path, what was expected, what was
found) and make the command-line tool exit with status 2, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    source : str
        Where the input came from: a file name, or ``--option`` for a command-line value.
    key : str
        Key path inside the source (``row 17, column 'price_usd'``, ``policy[2].effective``).
    expected : str
        What was expected there.
    found : str
        What was found instead.
    """

    source: str
    key: str
    expected: str
    found: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: {self.key}" if self.key else self.source
        found = f", found {self.found}" if self.found else ""
        return _one_line(f"{where}: expected {self.expected}{found}")


def _one_line(text: str) -> str:
    """Control characters (a newline in a key a file gave, say) escaped, so that a problem
    is always one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class InputError(ValueError):
    """One or more problems with user input; nothing has been written."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, source: str, key: str, expected: str, found: str = "") -> "InputError":
        """Shortcut for an error with one problem."""
        return cls(Problem(source, key, expected, found))
