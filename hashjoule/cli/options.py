"""Option types and the options several commands share."""

from __future__ import annotations

import argparse
import math


EPILOG = "Data: Coin Metrics and Cambridge (CCAF) series are CC BY-NC 4.0 (non-commercial use)."


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like hashjoule's own."""

    def error(self, message: str):
        self.exit(2, f"hashjoule: error: {message} (see '{self.prog} --help')\n")


def number(unit: str, upper: float):
    """Parse a number in (0, upper]: physical inputs such as prices must be positive and sane."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value <= upper):
            raise argparse.ArgumentTypeError(f"expected a number above 0 and at most {upper:g} [{unit}], found {text!r}")
        return value

    return parse


#: Largest seed (stored as a 64-bit integer) and largest count (draws, samples, batch size,
#: workers) accepted on the command line.
MAX_SEED = 2**63 - 1
MAX_COUNT = 1_000_000_000
#: Most draws of a scenario's run, as in a scenario file (``run.draws``).
MAX_SCENARIO_DRAWS = 1_000_000


def count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_SEED):
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2**63 - 1, found {text[:40]!r}")
    return int(text)


def positive_count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_COUNT):
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_COUNT:,}, found {text[:40]!r}")
    return int(text)


def year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and int(text) >= 2009):
        raise argparse.ArgumentTypeError(f"expected a year such as 2021, found {text!r}")
    return int(text)


def add_price(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--price", type=number("USD/kWh", 1.0), default=0.05, metavar="USD_PER_KWH",
                        help="electricity price of the profitability test and the economic limit "
                             "[USD/kWh] (default: %(default)s, the Cambridge index's headline)")


def add_progress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (there is none anyway when standard error is not a terminal)")


#: Formats of the results a command prints.
PRINT_FORMATS = ("text", "csv", "json")


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", dest="print_format", choices=PRINT_FORMATS, default="text",
                        help="print the results as a text table, as CSV (provenance in leading '# key: value' "
                             "lines) or as JSON (provenance under the key 'provenance') (default: %(default)s)")


def add_baseline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", default="baseline", help="scenario to compare against (default: %(default)s)")


def add_emissions(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--emissions", choices=["average", "marginal"],
                        help="grid emission factors: every generator of a region's grid, or the generation an added "
                             "load sets running (default: the file's [emissions] basis, average)")


def add_batch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=positive_count, metavar="N",
                        help="draws per batch, rounded up to a multiple of 50; results do not depend on it "
                             "(default: 2000, 250 with --keep-draws; with local workers, the fewest whole rounds of one batch per worker within that size)")


def add_parallel(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_count, metavar="N",
                       help="run batches of draws on N local worker processes (a dask LocalCluster); "
                            "the numbers do not depend on it")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run batches on an existing dask cluster, e.g. tcp://10.0.0.5:8786 (see the README)")


def add_keep(parser: argparse.ArgumentParser) -> None:
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument("--keep-draws", dest="keep_draws", action="store_true", default=None,
                      help="keep every draw's daily series beside the summaries (default up to 100 draws)")
    keep.add_argument("--reduce", dest="keep_draws", action="store_false",
                      help="keep only the summaries over draws and the annual totals per draw")
