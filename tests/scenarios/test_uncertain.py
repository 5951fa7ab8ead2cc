"""Uncertain parameters: what a scenario's distributions become in each draw."""

import zlib

import numpy as np
import pytest

from hashjoule.scenarios.load import load_scenario
from hashjoule.scenarios.resolve import policies, resolve
from hashjoule.scenarios.uncertain import PARAMETERS, SHARES, ParameterSpace
from hashjoule.simulation.draws import DrawValues
from hashjoule.simulation.policy import compile_policies

from scenarioworld import short


@pytest.fixture(scope="module")
def china(tmp_path_factory):
    return short(tmp_path_factory.mktemp("uncertain"))


def test_every_distribution_of_the_file_is_a_parameter(china):
    scenario, _, space = china
    assert "policy[2].compliance" in space.names and "policy[8].share" in space.names
    assert "uncertainty.tariff_scale" in space.names and space.names[-1] == SHARES
    # the Hainan surcharge is a reported number, not a distribution
    assert not any(name.startswith("policy[7]") for name in space.names)


def test_a_parameter_keeps_its_value_whatever_else_the_scenario_holds(china):
    _, _, space = china
    base, _ = load_scenario("baseline")
    base_space = ParameterSpace(base, resolve(base, "baseline"))
    u_china = space.unit_sample(4, range(20))
    u_base = base_space.unit_sample(4, range(20))
    for j, name in enumerate(base_space.names):
        np.testing.assert_array_equal(u_base[:, j], u_china[:, space.names.index(name)])
    assert not np.array_equal(u_china, space.unit_sample(5, range(20)))
    # a draw's values do not depend on the other draws asked for with it
    np.testing.assert_array_equal(space.unit_sample(4, [7]), u_china[7:8])


def test_the_median_point_is_the_central_world(china):
    _, inputs, space = china
    u = np.full((1, len(space)), 0.5)
    u[0, -1] = 0.25  # the Dirichlet coordinate is a seed, not a quantile
    values = space.values(u)
    central = DrawValues.central(inputs, 1)
    np.testing.assert_allclose(values.tariff_scale, central.tariff_scale, rtol=1e-12)
    np.testing.assert_allclose(values.pue, central.pue, rtol=1e-12)
    np.testing.assert_allclose(values.policy.removal_rate, central.policy.removal_rate, rtol=1e-12)
    np.testing.assert_allclose(values.policy.relocation_share, central.policy.relocation_share, rtol=1e-12)


def test_values_follow_the_distributions_and_respect_bounds(china):
    _, _, space = china
    u = space.unit_sample(1, range(4000))
    values = space.values(u)
    j = space.names.index("policy[8].share")  # uniform 0.4 - 0.8
    share = values.policy.relocation_share[:, list(space.inputs.regions.names).index("Xinjiang")]
    assert share.min() >= 0.4 and share.max() <= 0.8 and abs(share.mean() - 0.6) < 0.01
    np.testing.assert_allclose(share, 0.4 + 0.4 * u[:, j], rtol=1e-12)
    # the PUE triangle of the Cambridge index, 1.01 - 1.20
    assert values.pue.min() >= 1.01 and values.pue.max() <= 1.20
    # Dirichlet shares: each draw's sum to one, regions with no share keep none, centred on the Mining Map
    centre = space.inputs.regions.initial_share
    np.testing.assert_allclose(values.share.sum(axis=1), 1.0)
    assert (values.share[:, centre == 0] == 0).all()
    np.testing.assert_allclose(values.share.mean(axis=0), centre, atol=0.005)


def test_per_draw_policies_equal_the_scalar_compilation(china):
    scenario, inputs, _ = china
    compliance = np.array([0.2, 0.9, 1.0])
    listed = policies(scenario)
    listed[2] = type(listed[2])(**{**listed[2].__dict__, "compliance": compliance})
    per_draw = compile_policies(listed, inputs.time, inputs.regions.names, 3)
    for i, c in enumerate(compliance):
        one = policies(scenario)
        one[2] = type(one[2])(**{**one[2].__dict__, "compliance": float(c)})
        alone = compile_policies(one, inputs.time, inputs.regions.names).daily(inputs.days)
        drawn = per_draw.take([i]).daily(inputs.days)
        for name in alone:
            np.testing.assert_array_equal(drawn[name], alone[name], err_msg=name)


def test_a_coordinate_is_the_first_number_of_its_parameters_stream(china):
    """Built together, the streams are numpy's ``SeedSequence(seed, spawn_key=(draw, parameters, crc32(name)))``."""
    _, _, space = china
    u = space.unit_sample(9, [0, 3, 40])
    for row, draw in zip(u, (0, 3, 40)):
        for j, name in enumerate(space.names):
            sequence = np.random.SeedSequence(9, spawn_key=(draw, PARAMETERS, zlib.crc32(name.encode())))
            assert row[j] == np.random.default_rng(sequence).random(), (draw, name)
