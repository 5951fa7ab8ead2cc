"""The ``hashjoule`` command: a thin layer over the Python API (:mod:`hashjoule.api`).

:mod:`~hashjoule.cli.parser` declares the commands and their options,
:mod:`~hashjoule.cli.commands` runs them, :mod:`~hashjoule.cli.entry` turns failures into
exit statuses and one-line messages.
"""

from hashjoule.cli.entry import main

__all__ = ["main"]
