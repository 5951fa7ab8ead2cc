"""A scenario's uncertain parameters, and each draw's values of them.

Every number written as a distribution in a scenario file is one parameter, named by its
key path (``policy[2].compliance``, ``regions.Xinjiang.pue``, ``uncertainty.tariff_scale``).
A draw's values are a point ``u`` of the unit hypercube, one coordinate per parameter,
mapped through each distribution's quantile function (and clipped to the parameter's
bounds, which a distribution's central 99.8 % must already respect). Monte Carlo runs take
``u`` from each draw's own streams (one per parameter name), so a draw's values do not
depend on the batch or worker that runs it; a Sobol analysis builds ``u`` itself
(:mod:`hashjoule.scenarios.sensitivity`).

Two parameters have no single number: the regions' shares, drawn from a Dirichlet
distribution around their central values when ``uncertainty.share_concentration`` is set,
and, in a sensitivity analysis only, the random streams of prices and blocks. Each is one
coordinate of ``u`` that seeds its own generator.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

import numpy as np

from hashjoule.scenarios.parameter_sets import set_distributions
from hashjoule.scenarios.resolve import FLEET_UNCERTAIN, key_value, policies, region_keys
from hashjoule.scenarios.schema import BOUNDS, HiddenMiningPolicy, RelocationPolicy, Scenario, central
from hashjoule.simulation import policy as pol
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.inputs import ModelInputs
from hashjoule.simulation.results import STREAMS
from hashjoule.simulation.seeding import generators

#: Name of the Dirichlet draw of the regions' shares.
SHARES = "regions.*.share"
#: Index of the draw's stream that the parameters' streams descend from.
PARAMETERS = STREAMS.index("parameters")


@dataclass(frozen=True)
class Parameter:
    """One uncertain number of a scenario.

    Attributes
    ----------
    name : str
        Key path in the scenario file.
    distribution : object
        The schema's distribution model (``frozen()`` gives the scipy distribution).
    bounds : tuple of float
        Values are clipped to these. [the parameter's unit]
    """

    name: str
    distribution: object
    bounds: tuple[float, float]

    def values(self, u: np.ndarray) -> np.ndarray:
        """Quantiles ``u`` (n,) of the distribution, within the bounds."""
        return np.clip(self.distribution.frozen().ppf(u), *self.bounds)


def describe(scenario: Scenario, name: str) -> str:
    """A parameter's key path with what it belongs to, e.g. ``policy[2].compliance (shutdown: Xinjiang)``."""
    if name.startswith("policy["):
        p = scenario.policy[int(name[len("policy["):name.index("]")])]
        return f"{name} ({p.type})" if isinstance(p, (RelocationPolicy, HiddenMiningPolicy)) else f"{name} ({p.type}: {', '.join(p.regions)})"
    return name


def _uncertain(scenario: Scenario):
    """(key path, field name, distribution) of every distribution in the file."""
    sections = [("fleet", scenario.fleet), ("uncertainty", scenario.uncertainty),
                *((f"regions.{name}", o) for name, o in scenario.regions.items()),
                *((f"policy[{i}]", p) for i, p in enumerate(scenario.policy))]
    for prefix, model in sections:
        for field in type(model).model_fields:
            value = getattr(model, field)
            if hasattr(value, "frozen"):
                yield f"{prefix}.{field}", field, value
    if scenario.fleet.posterior:
        for field, value in set_distributions(scenario.fleet.parameter_set).items():
            if getattr(scenario.fleet, field, None) is None:
                yield f"fleet.{field}", field, value


class ParameterSpace:
    """The uncertain parameters of a resolved scenario and the map from ``u`` to draws' values.

    Parameters
    ----------
    scenario : Scenario
    inputs : ModelInputs
        The scenario's central world (:func:`hashjoule.scenarios.resolve.resolve`).
    """

    def __init__(self, scenario: Scenario, inputs: ModelInputs):
        self.scenario, self.inputs = scenario, inputs
        self.parameters = [Parameter(name, dist, BOUNDS[field]) for name, field, dist in _uncertain(scenario)]
        self.concentration = scenario.uncertainty.share_concentration

    @property
    def names(self) -> list[str]:
        """Coordinates of ``u``: the parameters, then the shares if they are uncertain."""
        return [p.name for p in self.parameters] + ([SHARES] if self.concentration else [])

    def __len__(self) -> int:
        return len(self.names)

    def unit_sample(self, seed: int, draws) -> np.ndarray:
        """Each draw's ``u``, (n, P): coordinate ``j`` from a stream of the draw's ``parameters``
        stream keyed by the parameter's name, so that a parameter takes the same value in a
        draw whatever other parameters a scenario has (a scenario and its baseline share
        their common parameters' values, draw by draw)."""
        keys = np.array([zlib.crc32(name.encode()) for name in self.names], dtype=np.int64)
        draws = np.atleast_1d(np.asarray(draws, dtype=np.int64))
        streams = np.stack([np.repeat(draws, keys.size), np.full(draws.size * keys.size, PARAMETERS),
                            np.tile(keys, draws.size)], axis=1)  # (d, PARAMETERS, k), a draw's together
        return np.array([rng.random() for rng in generators(seed, streams)]).reshape(draws.size, keys.size)

    def sampled(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """Each scalar parameter's values at the points ``u`` (n, P), by name. (n,)"""
        return {p.name: p.values(u[:, j]) for j, p in enumerate(self.parameters)}

    def values(self, u: np.ndarray) -> DrawValues:
        """The draws' values at the points ``u`` (n, P) of the unit hypercube."""
        u = np.asarray(u, dtype=float)
        x, n = self.inputs, u.shape[0]
        base = DrawValues.central(x, n)
        names = list(x.regions.names)
        sampled = self.sampled(u)
        keys = region_keys(self.scenario, names)
        u_section = self.scenario.uncertainty

        def ratio(key, model_value):
            """A sampled value over the central one the world was built with (1 if not uncertain)."""
            return sampled[key] / central(model_value) if key in sampled else np.ones(n)

        tariff = base.tariff_scale.copy()
        pue = base.pue.copy()
        ef = base.emission_factor_t_per_mwh.copy()
        for season, quantity in enumerate(("tariff_dry_usd_per_kwh", "tariff_wet_usd_per_kwh")):
            for i, key in enumerate(keys[quantity]):
                tariff[:, season, i] = ratio(key, key_value(self.scenario, key))
        for i, (pue_key, ef_key) in enumerate(zip(keys["pue"], keys["emission_factor_t_per_mwh"])):
            if pue_key in sampled:
                pue[:, i] = sampled[pue_key]
            if ef_key is None or ef_key.startswith("regions."):
                if ef_key in sampled:
                    ef[:, i] = sampled[ef_key]
            else:
                ef[:, i] *= ratio(ef_key, key_value(self.scenario, ef_key))
        share = base.share
        if self.concentration:
            share = self._shares(u[:, len(self.parameters)])
        values = replace(
            base,
            **{name: sampled.get(f"fleet.{name}", getattr(base, name)) for name in FLEET_UNCERTAIN},
            volatility_scale=ratio("uncertainty.price_volatility_scale", u_section.price_volatility_scale),
            efficiency_scale=ratio("uncertainty.efficiency_scale", u_section.efficiency_scale),
            tariff_scale=tariff, pue=pue, emission_factor_t_per_mwh=ef, share=share,
            policy=self._policy(sampled, n),
        )
        return values.checked(len(names))

    def _shares(self, u: np.ndarray) -> np.ndarray:
        """Dirichlet shares around the central ones, each draw's from a generator seeded by its
        coordinate (regions with no central share keep none). (n, R)"""
        centre = self.inputs.regions.initial_share
        alive = centre > 0
        out = np.zeros((u.size, centre.size))
        for row, value in enumerate(u):
            rng = np.random.default_rng(np.random.SeedSequence(int(value * 2**53)))
            out[row, alive] = rng.dirichlet(self.concentration * centre[alive])
        return out

    def _policy(self, sampled: dict, n: int):
        """Per-draw policies: sampled numbers where the file gives distributions."""
        if not any(name.startswith("policy[") for name in sampled):
            return DrawValues.central(self.inputs, n).policy
        return pol.compile_policies(policies(self.scenario, sampled), self.inputs.time, self.inputs.regions.names, n)
