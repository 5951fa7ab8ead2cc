"""The HTML report in a real browser: Debian's Chromium, headless, started by the test and
driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages
ended by a NUL byte on file descriptors 3 and 4), so that nothing beyond the standard
library is needed. The page renders, every figure loads, nothing is logged as an error,
and the headline numbers shown are those of the run's Dataset.

Skipped only where Chromium is not installed (``apt-get install chromium``; .ci/run
installs it when apt can).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time

import numpy as np
import pytest

from hashjoule.constants import BAND
from hashjoule.reports.html import build_report
from hashjoule.scenarios.compare import china_regions
from hashjoule.scenarios.runs import run_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
#: Draws of the report's runs: the check is of the page, not of the statistics.
DRAWS = 3
#: The report's scenario, the one it is compared with, and the baseline, each as a file that
#: runs the bundled scenario over three years (2021-2022 the headline years) instead of
#: fifteen: the page is under test, not the projection.
BUNDLED = ("china-2021", "inner-mongolia-only", "baseline")
SCENARIO = "china-2021-short"
#: Seconds to wait for the browser's answer or the page's load event.
TIMEOUT = 60

#: What the page shows, read in the page: its title and heading, its height, every image
#: (alt text, loaded, natural size) and the rows of the table after "Headline numbers".
INSPECT = """JSON.stringify({
  title: document.title,
  heading: document.querySelector("h1") ? document.querySelector("h1").innerText : "",
  height: document.body ? document.body.getBoundingClientRect().height : 0,
  images: [...document.images].map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth,
                                          height: i.naturalHeight})),
  headline: (() => {
    const h2 = [...document.querySelectorAll("h2")].find(h => h.innerText.trim() === "Headline numbers");
    let table = h2 ? h2.nextElementSibling : null;
    while (table && table.tagName !== "TABLE") table = table.nextElementSibling;
    return table ? [...table.querySelectorAll("tr")].map(r => [...r.cells].map(c => c.innerText.trim())) : [];
  })()
})"""


class Chromium:
    """A headless Chromium and one page of it, spoken to over the DevTools pipe."""

    def __init__(self, binary: str):
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def onto_3_and_4():  # in the child: the browser reads fd 3 and writes fd 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self._profile = tempfile.TemporaryDirectory()
        # --no-sandbox: the sandbox refuses to run as root, as in CI containers, whose small
        # /dev/shm is why --disable-dev-shm-usage
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe",
             f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=onto_3_and_4, pass_fds=(3, 4))
        os.close(to_browser)
        os.close(from_browser)
        self._buffer, self._id, self.events = b"", 0, []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._next(deadline)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def _next(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise EOFError(f"Chromium closed the pipe (exit status {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url: str) -> tuple[dict, list[str]]:
        """Load a page; return what :data:`INSPECT` reads in it and the errors logged while
        loading it (console errors, uncaught exceptions, failed loads)."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._next(deadline))
        found = self.call("Runtime.evaluate", {"expression": INSPECT, "returnByValue": True}, session=self.session)
        return json.loads(found["result"]["value"]), errors(self.events)

    def close(self):
        try:
            self.call("Browser.close")
            self.process.wait(TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self._write)
            os.close(self._read)
            self._profile.cleanup()


def errors(events: list[dict]) -> list[str]:
    """The errors among DevTools events, one line each."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            found.append("exception: " + details.get("exception", {}).get("description", details["text"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            found.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}".strip())
    return found


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium(CHROMIUM)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("scenarios")
    for name in BUNDLED:
        (folder / f"{name}-short.toml").write_text(f'name = "{name}-short"\nextends = "{name}"\n'
                                                   "[run]\nstart = 2020-01-01\nend = 2022-12-31\n", encoding="utf-8")
    return [str(folder / f"{name}-short.toml") for name in BUNDLED]


@pytest.fixture(scope="module")
def report(scenarios, tmp_path_factory):
    source, other, baseline = scenarios
    return build_report(source, tmp_path_factory.mktemp("report") / "r", compare=[other], baseline=baseline,
                        draws=DRAWS)


@pytest.fixture(scope="module")
def shown(browser, report):
    return browser.open(report.resolve().as_uri())


def test_the_page_renders(shown):
    page, _ = shown
    assert page["title"] == f"hashjoule: {SCENARIO}" and page["heading"] == f"Scenario {SCENARIO}"
    assert page["height"] > 1000  # laid out: headline table, four figures, assumptions, claims


def test_every_figure_loads(shown):
    images = shown[0]["images"]
    assert len(images) == 4  # fan, composition, timeline, savings
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image["alt"]


def test_no_error_is_logged(shown):
    assert shown[1] == []


def _numbers(cell: str) -> tuple[list[float], int]:
    """``m [lo, hi]`` as [m, lo, hi] and the digits after the point."""
    match = re.fullmatch(r"(-?[\d,]+(?:\.(\d+))?) \[(-?[\d,.]+), (-?[\d,.]+)\]", cell)
    assert match, cell
    values = [float(match.group(i).replace(",", "")) for i in (1, 3, 4)]
    return values, len(match.group(2) or "")


def test_headline_numbers_are_the_runs(shown, scenarios):
    """Every headline number, read in the browser, is the median or the 5 or 95 % quantile
    over draws of the run's own per-draw totals, within the page's rounding."""
    ds, scenario = run_scenario(scenarios[0], DRAWS)  # the report's run: same scenario, draws and seed
    first, last = 2021, scenario.run.end.year
    china = [r for r in china_regions() if r in ds.region]
    energy, co2, hashrate = ds.annual_energy, ds.annual_co2, ds.annual_hashrate_end
    totals = {f"hashrate at the end of {last} [{hashrate.units}]": hashrate.sel(year=last)}
    for where, regions in (("world", list(ds.region.values)), ("China", china)):
        for label, var in (("electricity consumed", energy), ("CO2 emitted", co2)):
            totals[f"{label}, {where}, {first}-{last} [{var.units}]"] = \
                var.sel(year=slice(first, last), region=regions).sum(["year", "region"])
    rows = dict(shown[0]["headline"][1:])  # the first row is the header
    assert set(rows) == set(totals)
    for key, values in totals.items():
        shown_values, digits = _numbers(rows[key])
        expected = np.quantile(values, [0.5, BAND[0], BAND[1]])
        np.testing.assert_allclose(shown_values, expected, rtol=0, atol=0.5 * 10.0 ** -digits + 1e-9, err_msg=key)


def test_the_checks_see_a_broken_page(browser, tmp_path):
    """The same inspection reports a missing figure, a console error and an exception."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head><title>t</title></head><body><h1>h</h1>"
                    "<img alt=missing src='missing.png'><script>console.error('drawn badly');"
                    "throw new Error('not drawn')</script></body></html>", encoding="utf-8")
    found, logged = browser.open(page.as_uri())
    assert found["images"] == [{"alt": "missing", "complete": True, "width": 0, "height": 0}]
    assert any("drawn badly" in line for line in logged)
    assert any("not drawn" in line for line in logged)
    assert any("missing.png" in line for line in logged)
