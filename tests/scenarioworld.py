"""A bundled scenario cut short, for tests that need its distributions but not its years."""

from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import resolve
from hashjoule.scenarios.uncertain import ParameterSpace


def short(folder, body="", start="2021-01-01", end="2021-12-31", name="short", extends="china-2021"):
    """``extends`` from ``start`` to ``end`` (with ``body`` added to the file) written in
    ``folder``: its scenario, central inputs and parameter space."""
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "{extends}"\n[run]\nstart = {start}\nend = {end}\n{body}',
                    encoding="utf-8")
    scenario, _ = load_scenario(str(path))
    inputs = resolve(scenario, str(path))
    return scenario, inputs, ParameterSpace(scenario, inputs)
