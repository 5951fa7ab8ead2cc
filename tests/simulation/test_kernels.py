"""The compiled passes over the fleet's capacity equal their numpy references bit for bit."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hashjoule.simulation import kernels
from hashjoule.simulation.fleet import Fleet
from hashjoule.simulation.world import baseline_inputs


def arrays(seed: int, classes: int, draws: int, regions: int):
    rng = np.random.default_rng(seed)
    capacity = rng.lognormal(10.0, 2.0, (classes, draws, regions))
    capacity[rng.random(capacity.shape) < 0.2] = 0.0
    a = rng.lognormal(-5.0, 4.0, (classes, regions))
    c = rng.lognormal(0.0, 1.0, (draws, regions))
    group = rng.integers(0, 3, regions)  # up to three distinct tariff shapes
    p = rng.lognormal(5.0, 4.0, (draws, 3))
    p[rng.random(p.shape) < 0.05] = np.inf  # a zero hashprice: nothing runs
    a[rng.random(a.shape) < 0.05] = 0.0  # free power: everything runs
    watts = rng.uniform(10.0, 200.0, (classes, regions))
    return capacity, a, (c, p, group), watts, rng


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 40), st.integers(1, 18))
def test_online_totals_equal_the_numpy_reference(seed, classes, draws, regions):
    capacity, a, terms, watts, rng = arrays(seed, classes, draws, regions)
    keep = rng.choice([1.0, 0.7], (draws, regions))
    cost_scale = rng.uniform(0.8, 1.2, (draws, regions))
    by_region, power = np.empty((draws, regions)), np.empty((draws, regions))
    with np.errstate(invalid="ignore"):
        kernels.online_totals(capacity, a, *terms, watts, keep, cost_scale, by_region, power)
        expected_by_region, expected_power, _ = kernels.online_totals_reference(capacity, a, kernels.draw_factor(*terms),
                                                                                watts)
    np.testing.assert_array_equal(by_region, expected_by_region * keep)
    np.testing.assert_array_equal(power, expected_power * keep * cost_scale / 1e9)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 40), st.integers(1, 18))
def test_retire_equals_the_numpy_reference(seed, classes, draws, regions):
    capacity, a, terms, _, rng = arrays(seed, classes, draws, regions)
    rate = rng.uniform(0.0, 0.1, draws)
    skip = rng.random(regions) < 0.3
    compiled, reference = capacity.copy(), capacity.copy()
    with np.errstate(invalid="ignore"):
        kernels.retire(compiled, a, *terms, rate, skip)
        kernels.retire_reference(reference, a, kernels.draw_factor(*terms), rate, skip)
    np.testing.assert_array_equal(compiled, reference)
    np.testing.assert_array_equal(compiled[..., skip], capacity[..., skip])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 40), st.integers(1, 18))
def test_resume_hidden_equals_the_numpy_reference(seed, classes, draws, regions):
    hidden, _, _, _, rng = arrays(seed, classes, draws, regions)
    capacity = rng.lognormal(10.0, 2.0, hidden.shape)
    days = rng.uniform(1.0, 400.0, draws)
    compiled, reference = (hidden.copy(), capacity.copy()), (hidden.copy(), capacity.copy())
    cls, part = (classes // 2, classes), (regions // 3, regions)  # ranges, as the fleet passes them
    kernels.resume_hidden(*compiled, days, cls, part)
    kernels.resume_hidden_reference(*reference, days, cls, part)
    for got, expected in zip(compiled, reference):
        np.testing.assert_array_equal(got, expected)
    outside = np.ones(hidden.shape, dtype=bool)
    outside[slice(*cls), :, slice(*part)] = False
    np.testing.assert_array_equal(compiled[0][outside], hidden[outside])  # nothing else moves
    np.testing.assert_array_equal(compiled[1][outside], capacity[outside])
    assert not np.array_equal(compiled[1], capacity) or not hidden[slice(*cls), :, slice(*part)].any()


def test_online_day_equals_the_reference_sums_over_classes():
    """The engines' compiled day equals the numpy reference (Fleet.online_ths) summed over classes."""
    x = baseline_inputs("2016-01-01", "2016-03-01")
    fleet = Fleet(x, 7)
    hashprice = np.geomspace(0.02, 2.0, 7)
    by_region, power = fleet.online_day(3, hashprice)
    online = fleet.online_ths(3, hashprice)
    expected, watts = np.zeros_like(by_region), np.zeros_like(by_region)
    for h in range(online.shape[0]):
        expected += online[h]
        watts += online[h] * fleet.watts_per_ths[fleet.cls][h]
    np.testing.assert_array_equal(by_region, expected)
    np.testing.assert_array_equal(power, watts * fleet.cost_scale / 1e9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(-1, 2), st.booleans())
def test_order_and_ship_equals_the_numpy_reference(seed, n, slot, shipping):
    """Draws with nothing running, nothing deploying, a zero hashprice or a loss among them."""
    rng = np.random.default_rng(seed)
    per_draw = {
        "hashprice": rng.choice([0.0, 0.05, 0.1, 0.3], n) * rng.uniform(0.5, 1.5, n),
        "network_ths": rng.choice([0.0, 1e8], n) * rng.uniform(0.5, 1.5, n),
        "deploying": rng.uniform(size=n) < 0.8,
    }
    factors = [rng.uniform(0.8, 1.2, n), rng.uniform(1.0, 1.3, n), rng.uniform(0.02, 0.1, n), rng.uniform(0, 1e-3, n)]
    weights = rng.dirichlet(np.ones(5), n)
    states = [(rng.uniform(0, 1e5, (3, n)), rng.uniform(0, 1e5, n), rng.uniform(0, 1e6, (n, 5))) for _ in range(2)]
    states[1] = tuple(a.copy() for a in states[0])
    supply = rng.uniform(0, 1e5, n)
    for ship, (orders, backlog, capacity) in zip((kernels.order_and_ship, kernels.order_and_ship_reference), states):
        ship(*per_draw.values(), 30.0, *factors, slot, orders, backlog, shipping, supply, weights, capacity)
    for compiled, reference in zip(*states):
        np.testing.assert_array_equal(compiled, reference)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_surcharged_share_is_the_online_fraction(seed, n):
    """To a few roundings (exp and log are LLVM's here, numpy's there); zero hashprices,
    surcharges above the break-even tariff and a free region among the draws."""
    from hashjoule.simulation.economics import online_fraction

    rng = np.random.default_rng(seed)
    classes, regions = 3, 6
    hashprice = rng.choice([0.0, 0.05, 0.2], n) * rng.uniform(0.5, 1.5, n)
    kwh = rng.uniform(0.5, 3.0, (classes, regions))
    cost_scale, tariff_scale = rng.uniform(0.8, 1.2, (2, n, regions))
    adder = rng.choice([0.0, 0.02, 0.12], (n, regions))
    median = rng.uniform(0.02, 0.08, regions)
    median[0] = 0.0
    shape = rng.uniform(1.0, 6.0, regions)
    surcharged = np.sort(rng.choice(regions, 3, replace=False))
    capacity = rng.choice([0.0, 1.0], (classes, n, regions)) * rng.uniform(1.0, 2.0, (classes, n, regions))
    out = np.empty((classes, n, surcharged.size))
    kernels.surcharged_share(hashprice, kwh, cost_scale, median, tariff_scale, shape, adder, surcharged, capacity,
                             out)
    r = surcharged
    expected = online_fraction(hashprice[None, :, None] / (kwh[:, None, r] * cost_scale[None, :, r]),
                               (median[r] * tariff_scale[:, r])[None], shape[r], adder[None, :, r])
    empty = capacity[..., r] == 0  # no capacity: nothing runs, whatever the share
    expected[empty] = 0.0
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-300)
    assert ((out == 0) == (expected == 0)).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(1, 30))
@example(seed=1, classes=9, draws=1)  # one draw, 8 classes or more: where numpy's sum would add pairwise
def test_the_surcharged_regions_passes_equal_the_numpy_references(seed, classes, draws):
    """Totals of the online capacity and its power, and retirements, in three regions of six."""
    rng = np.random.default_rng(seed)
    regions = 6
    capacity = rng.uniform(0, 1e6, (classes, draws, regions))
    surcharged = np.sort(rng.choice(regions, 3, replace=False))
    share = rng.uniform(size=(classes, draws, surcharged.size)) * rng.choice([0.0, 1.0], (classes, draws, 3))
    watts, keep, cost_scale = rng.uniform(10, 200, (classes, regions)), *rng.uniform(0.5, 1.2, (2, draws, regions))
    sums = [tuple(rng.uniform(size=(draws, regions)) for _ in range(2))]
    sums.append(tuple(a.copy() for a in sums[0]))
    for totals, (by_region, power) in zip((kernels.surcharged_totals, kernels.surcharged_totals_reference), sums):
        totals(capacity, share, watts, keep, cost_scale, surcharged, by_region, power)
    for compiled, reference in zip(*sums):
        np.testing.assert_array_equal(compiled, reference)
    rate = rng.uniform(0, 0.1, draws)
    retired = [capacity.copy(), capacity.copy()]
    kernels.retire_surcharged(retired[0], share, rate, surcharged)
    kernels.retire_surcharged_reference(retired[1], share, rate, surcharged)
    np.testing.assert_array_equal(*retired)
    assert (retired[0] < capacity).any()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(0, 3), st.integers(4, 12))
@example(seed=1, n=1, first=0, classes=9)  # one draw, 8 classes or more: where numpy's sum would add pairwise
def test_relocate_equals_the_numpy_reference(seed, n, first, classes):
    """Draws with nothing queued, hosting short of the queue and unlimited; scrapped classes
    (below ``first``) in transit."""
    rng = np.random.default_rng(seed)
    regions = 6
    states = [(rng.uniform(0, 1e5, (classes, n)) * rng.choice([0.0, 1.0], (classes, n)),
               rng.uniform(0, 1e5, (classes, n)) * rng.choice([0.0, 1.0], (classes, n)),
               rng.uniform(0, 1e6, (classes - first, n, regions)))]
    states.append(tuple(a.copy() for a in states[0]))
    weights = rng.uniform(size=regions) * rng.choice([0.0, 1.0], regions)
    weights /= max(weights.sum(), 1e-300)
    fixed = (rng.uniform(1, 90, n), rng.uniform(20, 100, classes), rng.uniform(0.8, 1.2, n), rng.uniform(1, 1.3, n),
             rng.choice([0.0, 1.0, np.inf], n) * rng.uniform(0, 50, n))
    for arrive, (transit, queue, capacity) in zip((kernels.relocate, kernels.relocate_reference), states):
        arrive(transit, queue, *fixed, weights, (first, classes), capacity)
    for compiled, reference in zip(*states):
        np.testing.assert_array_equal(compiled, reference)


def test_a_shutdown_with_the_numpy_relocation_is_identical(monkeypatch, tmp_path):
    """china-2021 over 2021: removals, relocation and hosting with the compiled pass and its numpy reference."""
    from scenarioworld import short

    from hashjoule.simulation import engine_ensemble
    from hashjoule.simulation.fleet import Fleet

    _, x, space = short(tmp_path)
    values = space.values(space.unit_sample(5, range(6)))
    queued = []

    def counted(transit, queue, *rest):
        kernels.relocate(transit, queue, *rest)
        queued.append(queue.sum())

    monkeypatch.setattr(Fleet, "arrive", staticmethod(counted))
    compiled = engine_ensemble.run_batch(x, range(6), seed=3, values=values)
    assert len(queued) > 100 and max(queued) > 0  # machines did wait for hosting
    monkeypatch.setattr(Fleet, "arrive", staticmethod(kernels.relocate_reference))
    reference = engine_ensemble.run_batch(x, range(6), seed=3, values=values)
    for name in ("hashrate", "power", "blocks", "btc_minted", "difficulty"):
        np.testing.assert_array_equal(compiled[name].values, reference[name].values, err_msg=name)


@pytest.mark.parametrize("attribute, reference", [("ship", kernels.order_and_ship_reference),
                                                  ("expect", kernels.anticipated_hashprice_reference)])
def test_ensemble_run_with_the_numpy_fleet_pass_is_identical(monkeypatch, attribute, reference):
    """A whole ensemble run gives the same numbers with a compiled pass of the fleet (orders and
    shipments; the anticipated hashprice) and with its numpy reference."""
    from hashjoule.simulation import engine_ensemble
    from hashjoule.simulation.fleet import Fleet

    x = baseline_inputs("2016-01-01", "2016-06-30")
    compiled = engine_ensemble.run_batch(x, range(6), seed=3)
    monkeypatch.setattr(Fleet, attribute, staticmethod(reference))
    reference = engine_ensemble.run_batch(x, range(6), seed=3)
    for name in ("hashrate", "power", "blocks", "btc_minted", "difficulty"):
        np.testing.assert_array_equal(compiled[name].values, reference[name].values, err_msg=name)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_anticipated_hashprice_equals_the_numpy_reference(seed, n):
    """Ratios inside and beyond [1/4, 4], nothing running, an infinite network."""
    rng = np.random.default_rng(seed)
    difficulty = rng.uniform(1e12, 1e14, n)
    implied = difficulty * 2.0**32 / 600.0 / 1e12
    network = implied * rng.choice([0.0, 0.1, 0.5, 1.0, 3.0, 10.0, np.inf], n)
    hashprice = rng.choice([0.0, 0.05, 0.2], n) * rng.uniform(0.5, 1.5, n)
    compiled, reference = np.empty(n), np.empty(n)
    kernels.anticipated_hashprice(hashprice, network, difficulty, compiled)
    kernels.anticipated_hashprice_reference(hashprice, network, difficulty, reference)
    np.testing.assert_array_equal(compiled, reference)
    np.testing.assert_array_equal(compiled[network == 0], 4.0 * hashprice[network == 0])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 20))
def test_network_total_adds_the_regions_in_order(seed, draws, regions):
    rng = np.random.default_rng(seed)
    by_region = rng.lognormal(10.0, 3.0, (draws, regions)) * rng.choice([0.0, 1.0], (draws, regions))
    np.testing.assert_array_equal(kernels.network_total(by_region), kernels.network_total_reference(by_region))
