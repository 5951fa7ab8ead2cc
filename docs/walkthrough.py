"""Run a scenario, save the run and load it back, read its numbers with their units, plot
it, and compare the scenario with the baseline, all from Python.

Run it from any folder; it writes its files into ``walkthrough-output/`` there and takes
about half a minute::

    python docs/walkthrough.py

Every ``# %%`` line starts a step (Jupyter, VS Code and jupytext read these as notebook
cells). ``docs/walkthrough.md`` shows the steps with their output; it is made by
``python docs/walkthrough_render.py``.
"""

# %% [markdown]
# ## 1. Run a scenario and save the run
#
# `api.run_scenario` is `hashjoule run` from Python: it takes a bundled scenario name (see
# `hashjoule scenarios list`) or a TOML file, and returns an `xarray.Dataset` and the
# validated scenario. Ten draws give a quick look; use 1,000 or more for numbers you
# publish. The same seed gives the same numbers. `hashjoule.output.write` saves a Dataset
# with its provenance, as `hashjoule run SCENARIO -o DIR` saves `DIR/results.nc`.

# %%
from pathlib import Path

import xarray as xr

from hashjoule import api, figures
from hashjoule.output import write

DRAWS = 10
folder = Path("walkthrough-output")
folder.mkdir(exist_ok=True)

ds, scenario = api.run_scenario("china-2021", draws=DRAWS, seed=0, keep_draws=False)
path = write(ds, folder / "china-2021.nc")
print(scenario.description)
print(path)

# %% [markdown]
# ## 2. Load the run and see what it holds
#
# A saved run is a NetCDF file: `xarray.open_dataset` loads it (with the file of
# `hashjoule run`, open `DIR/results.nc`). Every variable carries its `units` and a
# `long_name`; the attributes record the scenario, the seed and the software versions.

# %%
run = xr.open_dataset(path)
print(run)
print()
for name in ("annual_energy", "annual_co2", "annual_hashrate_end", "hashrate_network_quantiles"):
    var = run[name]
    print(f"{name:28} {str(var.dims):24} [{var.units}]  {var.long_name}")
print()
print("scenario:", run.attrs["scenario"], "| seed:", run.attrs["seed"], "| draws:", run.attrs["draws"])

# %% [markdown]
# ## 3. Read a number with its interval
#
# `annual_energy` holds one total per draw, year and region: sum the regions and take
# quantiles over the draws for the median and the 5-95 % interval. Whether a reduction
# keeps the attributes depends on the xarray version, so the unit is read from the
# variable itself.

# %%
print(run.annual_energy)
world_2021 = run.annual_energy.sel(year=2021).sum("region")
low, median, high = world_2021.quantile([0.05, 0.5, 0.95], "draw").values
print(f"world, 2021: {median:.0f} [{low:.0f}, {high:.0f}] {run.annual_energy.units}")

# %% [markdown]
# ## 4. Plot it
#
# Every function of `hashjoule.figures` takes Datasets and returns a matplotlib `Figure`;
# `annual_fan` draws the electricity per year over the draws.

# %%
fig = figures.annual_fan(run)
fig.savefig(folder / "fan.png")
print(folder / "fan.png")

# %% [markdown]
# ## 5. Compare with the baseline
#
# `api.compare` is `hashjoule compare`: it runs each scenario and the baseline with the
# same random numbers, draw by draw, and summarises the differences over whole years
# (2021 to the end of the run by default): electricity saved in China and the net global
# change [TWh], CO2 avoided in China and net [Mt], and household-years, as a Dataset over
# `scenario` and `quantile` (5, 50 and 95 % of the paired draws), each variable with its
# unit, and the means over draws beside them. A net change below 0 is a saving.

# %%
cmp = api.compare(["china-2021"], baseline="baseline", draws=DRAWS, seed=0)
print(cmp)
net = cmp.net_global_mean.sel(scenario="china-2021")
print(f"net global change, {cmp.attrs['first_year']}-{cmp.attrs['last_year']}: {float(net):.1f} "
      f"{cmp.net_global.attrs['units']}")
