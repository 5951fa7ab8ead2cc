"""What a command prints: its results as text, CSV or JSON (``--format``), and the one
line that says what was written where.

Results go to standard output; with ``--format csv`` or ``json`` that output is the data
alone, so the lines about files written go to standard error then.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: What a file is, by its suffix.
KINDS = {".nc": "NetCDF4", ".csv": "CSV", ".txt": "text", ".html": "HTML", ".toml": "TOML", ".json": "JSON",
         ".png": "PNG", ".svg": "SVG", ".pdf": "PDF", ".md": "Markdown"}


def size_text(n_bytes: int) -> str:
    """A size for people: ``812 B``, ``4.2 kB``, ``12 MB``, ``1.3 GB`` (powers of 1000)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            value = n_bytes / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n_bytes} B"


def file_text(path) -> str:
    """A written file or folder, what it is and its size: ``results/x.nc (NetCDF4, 12 MB)``."""
    path = Path(path)
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        return f"{path}/ ({len(files)} file{'s' * (len(files) != 1)}, {size_text(size)})"
    kind = KINDS.get(path.suffix, path.suffix.lstrip(".") or "file")
    return f"{path} ({kind}, {size_text(path.stat().st_size)})"


def _status_stream(args):
    return sys.stdout if getattr(args, "print_format", "text") == "text" else sys.stderr


def note(args, text: str) -> None:
    """A line beside the result (not part of it): on stdout under the text table, on stderr
    when the result is printed as CSV or JSON, so that stdout holds only the data."""
    print(text, file=_status_stream(args))


def wrote(args, *paths, what: str = "") -> None:
    """The one line saying what was written where, e.g.
    ``wrote results/china-2021.nc (NetCDF4, 12 MB)``."""
    label = f"{what} " if what else ""
    print(f"wrote {label}" + ", ".join(file_text(p) for p in paths), file=_status_stream(args))


def wrote_in(args, folder, names, what: str = "") -> None:
    """The line for files written into one folder: ``wrote 19 files in figures/ (3.1 MB
    in all; manifest.json lists them)``."""
    folder = Path(folder)
    size = sum((folder / name).stat().st_size for name in names)
    print(f"wrote {len(names)} file{'s' * (len(names) != 1)} in {folder}/ ({size_text(size)} in all{what})",
          file=_status_stream(args))


def emit(args, text, result, rows: tuple[str, ...] | None = None) -> None:
    """Print a result as ``--format`` asks: the text table, or the result as CSV or JSON with
    the command's provenance (:mod:`hashjoule.reports.export`).

    Parameters
    ----------
    text : str or callable
        The text table, or a function making it (only called for text).
    result : xarray.Dataset or pandas.DataFrame
        What the table shows, with units.
    rows : tuple of str, optional
        Row dimensions of a Dataset's CSV.
    """
    fmt = getattr(args, "print_format", "text")
    if fmt == "text":
        print(text() if callable(text) else text)
        return
    from hashjoule.output import provenance
    from hashjoule.reports.export import export

    sys.stdout.write(export(result, fmt, provenance(args.command_line), rows))
