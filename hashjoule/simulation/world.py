"""The default world without mining policy, built from the bundled data.

:func:`baseline_inputs` resolves regions, hardware cohorts, market and chain state for
any period that starts inside the bundled chain data (2010-07-26 to 2023-02-25) and may
end later; after the data, prices follow a geometric Brownian motion without drift, with
the volatility of the last four years (a scenario's ``[market]`` section may state another
drift, volatility or price path: :mod:`hashjoule.scenarios.market`), and hardware follows the
efficiency roadmap below. The assumptions
are the module's constants, each with its source or marked as an assumption.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from hashjoule.data import epoch_headers, read_table
from hashjoule.errors import InputError
from hashjoule.network import chain
from hashjoule.simulation import economics
from hashjoule.network.hardware import cbeci_catalogue
from hashjoule.network.history import daily_inputs
from hashjoule.simulation.inputs import (
    ChainStart,
    FleetParameters,
    Hardware,
    Market,
    ModelInputs,
    Regions,
)
from hashjoule.simulation.policy_schedule import PolicySchedule
from hashjoule.network.periods import parse_day

#: Months of the wet season, when Sichuan and Yunnan hydro power is cheap (MODEL.md).
WET_MONTHS = (5, 6, 7, 8, 9, 10)
#: Mining Map months whose mean shares set where machines are at the start of a run and
#: before the map begins: Sep 2019 - Aug 2020, one whole seasonal cycle from the map's first
#: month (CCAF) (assumption for the years before).
SHARE_MONTHS = ("2019-09-01", "2020-08-01")
#: The fleet may follow the Mining Map's monthly shares (:func:`observed_shares`) from its
#: first month up to this one: February 2021, the last month before the first of the 2021
#: shutdowns (Inner Mongolia's: a draft notice on 2021-02-25, announced 2021-03-09), so that
#: a world without them and a scenario with them start from the same observed split.
SHARE_TARGET_LAST = "2021-02-01"
#: Log-logistic shape of tariffs inside a region; k = 4 puts the quartiles at the median
#: / 1.32 and x 1.32 (assumption, to be calibrated).
TARIFF_SHAPE = 4.0
#: Service life of a machine (CBECI's 5 years). [yr]
LIFETIME_YEARS = 5
#: Efficiency roadmap after the last catalogued cohort (2020): the best machine went from
#: 29.55 J/TH (Antminer S19 Pro, May 2020, CBECI list) to 17.5 J/TH (Antminer S21,
#: 3,500 W / 200 TH/s, bundled supplement; released late 2023): 16 %/yr over 3.3 years.
ROADMAP_IMPROVEMENT_PER_YEAR = 1 - (17.5 / 29.55) ** (1 / 3.3)
#: Efficiency the roadmap approaches but never passes (assumption). [J/TH]
ROADMAP_FLOOR_J_PER_TH = 5.0
#: Years of price history behind the volatility of future prices. [yr]
PRICE_FIT_YEARS = 4
#: Drift of the log price after the data: zero, so the median price stays at the last
#: observed one. The mean daily log return of 2019-2023 (+0.12 %/d, +57 %/yr) would compound
#: into prices, and so hashrates, beyond any physical sense within a decade (assumption).
PRICE_DRIFT_PER_DAY = 0.0
#: Days of fee history whose mean fee per block is carried into the future. [d]
FEE_MEAN_DAYS = 365
#: Latest end of a run: the subsidy reaches zero at height 6,930,000, around 2140.
LAST_END = pd.Timestamp("2140-12-31")


def _emission_factors(keys) -> np.ndarray:
    """Grid factors for keys ``mee2021:<province>`` and ``owid2020:<country>``. [t CO2/MWh]"""
    mee = read_table("china_provincial_grid_emission_factors_2021_2022")
    owid = read_table("owid_electricity_2022vintage")
    known = {**{f"mee2021:{r.province_en}": r.kgco2_per_kwh for r in mee[mee.year == 2021].itertuples()},
             **{f"owid2020:{r.country}": r.carbon_intensity_gco2_per_kwh * 1e-3  # g/kWh -> kg/kWh = t/MWh
                for r in owid[owid.year == 2020].itertuples()}}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InputError.single("model_regions.csv", f"emission_factor_key {unknown[0]!r}",
                                "mee2021:<province> or owid2020:<country> present in the bundled data")
    return np.array([float(known[k]) for k in keys])


def marginal_emission_factors(names, average: np.ndarray) -> np.ndarray:
    """Marginal grid factors of regions: the CO2 of the generation an added load sets running
    (the operating margin of China's regional grids, natural gas in the United States), from
    ``marginal_emission_factors.csv``; regions without one keep their ``average`` factor.
    [t CO2/MWh]

    References: NDRC (2016), baseline emission factors of China's regional grids, OM of
    2012-2014; EIA FAQ 74 (2022): US natural gas generation, 0.97 lb CO2/kWh.
    """
    table = read_table("marginal_emission_factors").set_index("region").kgco2_per_kwh  # kg/kWh = t/MWh
    return np.array([float(table[n]) if n in table.index else float(a) for n, a in zip(names, average)])


def _map_shares(table: pd.DataFrame, first, last) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The Mining Map's months from ``first`` to ``last`` and each model region's share of the
    global hashrate in them, (M, R), as published (NaN where the map lacks the region). [%]"""
    months = pd.date_range(first, last, freq="MS")
    provinces = read_table("ccaf_mining_map_china_provinces_monthly")
    countries = read_table("cbeci_mining_map_countries_monthly")
    shares = np.full((months.size, len(table)), np.nan)
    for j, row in enumerate(table.itertuples()):
        if row.kind == "china_province":
            values = provinces[provinces.province == row.map_name].set_index("date").share_of_global_hashrate_pct_derived
        else:
            values = countries[countries.country == row.map_name].set_index("month").hashrate_share_pct
        shares[:, j] = values.reindex(months).to_numpy(dtype=float)
    return months, shares


def _last_published(month: pd.Timestamp, known_until: pd.Timestamp | None) -> pd.Timestamp:
    """``month``, or the last month whose map was published by ``known_until`` if earlier: the
    month before ``known_until``'s."""
    if known_until is None:
        return month
    return min(month, known_until.to_period("M").to_timestamp() - pd.offsets.MonthBegin(1))


def _shares(table: pd.DataFrame, known_until: pd.Timestamp | None = None) -> np.ndarray:
    """Regions' shares of hashrate: the Mining Map's mean over :data:`SHARE_MONTHS`, only the
    months published by ``known_until`` if given (the map's first month if none was: it
    begins in September 2019, and before that no regional data exist)."""
    first, last = (pd.Timestamp(m) for m in SHARE_MONTHS)
    _, shares = _map_shares(table, first, max(_last_published(last, known_until), first))
    present = ~np.isnan(shares)
    mean = np.array([shares[present[:, j], j].mean() if present[:, j].any() else 0.0 for j in range(shares.shape[1])])
    return mean / mean.sum()


def _map_months(time: np.ndarray, last, known_until: pd.Timestamp | None) -> tuple[np.ndarray, np.ndarray]:
    """The Mining Map's months from its first to ``last`` (and the last published by
    ``known_until``): their first days as indices into ``time`` (negative before it) and the
    model regions' shares, (M, R), each row summing to 1; on the last, China's share is split
    among its provinces as over the twelve months ending with it (one seasonal cycle, as
    :data:`SHARE_MONTHS` does), since that split holds from then on and miners moved between
    Sichuan and Yunnan's hydro and Xinjiang and Inner Mongolia's coal with the rains."""
    table = read_table("model_regions")
    first = pd.Timestamp(SHARE_MONTHS[0])
    stop = _last_published(pd.Timestamp(last), known_until)
    if stop < first:
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(table)))
    months, shares = _map_shares(table, first, stop)
    shares = np.nan_to_num(shares)
    shares /= shares.sum(axis=1, keepdims=True)
    china = (table.kind == "china_province").to_numpy()
    within = shares[-12:, china].mean(axis=0)
    shares[-1, china] = shares[-1, china].sum() * within / within.sum()
    days = (months.to_numpy(dtype="datetime64[D]") - np.asarray(time[0], dtype="datetime64[D]")).astype(np.int64)
    return days, shares


def _deployment(initial_share: np.ndarray, days: np.ndarray, targets: np.ndarray, length: int) -> np.ndarray:
    """Where new machines go, per day, (T, R): the initial share, then each target's from its day."""
    deployment = np.tile(initial_share, (length, 1))
    for day, share in zip(days, targets):
        deployment[day:] = share
    return deployment


def observed_shares(time: np.ndarray, default_share: np.ndarray, last=SHARE_TARGET_LAST,
                    known_until: pd.Timestamp | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where the fleet's machines are, as the Mining Map observed it month by month.

    The run starts from the split of the latest map month begun by its first day (else
    ``default_share``); on the first day of each later map month, to ``last`` (and the last
    published by ``known_until``), the installed capacity is to be split among regions as
    the map's hashrate was that month (the last month's provinces over a seasonal cycle,
    :func:`_map_months`); new machines go where the latest of these puts the hashrate. Miners
    moved between regions as the map shows (Sichuan's seasonal migration, the move from China
    to North America and Kazakhstan in 2020-2021): following it keeps the regional split
    observed while the total follows the fleet's own dynamics.

    Returns
    -------
    initial_share : numpy.ndarray
        The first day's split. (R,) [1]
    days : numpy.ndarray of int
        The target days, indices into ``time`` after its first. (K,)
    targets : numpy.ndarray
        Each target day's shares. (K, R) [1]
    deployment_share : numpy.ndarray
        Share of new machines in each region, per day. (T, R) [1]
    """
    days, shares = _map_months(time, last, known_until)
    before = days <= 0
    initial = shares[before][-1] if before.any() else np.asarray(default_share, dtype=float)
    inside = (days >= 1) & (days < len(time))
    return initial, days[inside], shares[inside], _deployment(initial, days[inside], shares[inside], len(time))


def follow_observed_split_until(regions: Regions, time: np.ndarray, day: int | None,
                                known_until: pd.Timestamp | None = None) -> Regions:
    """``regions`` following the observed split (:func:`observed_shares`) only before ``day``,
    a scenario's first policy on where machines may run (None: no such policy): later target
    days are dropped, the last kept one is the map's month taken over a seasonal cycle, and
    new machines from then on go where it (or the first day's split) puts them."""
    if day is None or regions.share_target_days is None or not np.any(regions.share_target_days >= day):
        return regions
    known_until = None if known_until is None else pd.Timestamp(known_until)
    days, targets = np.zeros(0, dtype=np.int64), np.zeros((0, regions.initial_share.size))
    if day > 0:
        month = pd.Timestamp(time[day - 1]).to_period("M").to_timestamp()
        _, days, targets, _ = observed_shares(time, regions.initial_share, min(month, pd.Timestamp(SHARE_TARGET_LAST)),
                                              known_until)
    return replace(regions, share_target_days=days, share_targets=targets,
                   deployment_share=_deployment(regions.initial_share, days, targets, len(time)))


def is_wet(time) -> np.ndarray:
    """Whether each day lies in the wet season (:data:`WET_MONTHS`). (T,) bool"""
    return np.isin(pd.DatetimeIndex(np.asarray(time)).month.to_numpy(), WET_MONTHS)


def start_hashprice(market: Market, chain_start: ChainStart) -> float:
    """Hashprice of the first day: its subsidy and fees at the first observed price and the
    starting difficulty. [USD/(TH/s)/d]"""
    reward = chain.block_subsidy_btc(chain_start.height) + market.fees_btc_per_block[0]
    return economics.hashprice_usd_per_ths_day(reward, market.price_history_usd[0],
                                           chain.difficulty_from_bits(chain_start.bits))


def baseline_regions(time: np.ndarray, known_until: pd.Timestamp | None = None, follow_map: bool = False) -> Regions:
    """Regions from ``model_regions.csv``, Mining Map shares (as known by ``known_until``:
    the mean of :data:`SHARE_MONTHS`, all along; with ``follow_map``, then month by month,
    :func:`observed_shares`) and grid emission factors."""
    table = read_table("model_regions")
    wet = is_wet(time)[:, None]
    tariff = np.where(wet, table.tariff_wet_usd_per_kwh.to_numpy()[None, :], table.tariff_dry_usd_per_kwh.to_numpy()[None, :])
    share = _shares(table, known_until)
    if follow_map:
        share, target_days, targets, deployment = observed_shares(time, share, known_until=known_until)
    else:
        target_days, targets, deployment = None, None, np.tile(share, (len(time), 1))
    return Regions(
        names=tuple(table.region),
        tariff_usd_per_kwh=tariff,
        tariff_shape=np.full(len(table), TARIFF_SHAPE),
        pue=table.pue.to_numpy(),
        emission_factor_t_per_mwh=_emission_factors(list(table.emission_factor_key)),
        initial_share=share,
        deployment_share=deployment,
        share_target_days=target_days,
        share_targets=targets,
    )


def baseline_hardware(start: pd.Timestamp, end: pd.Timestamp, known_until: pd.Timestamp | None = None) -> Hardware:
    """Yearly cohorts: median efficiency of the models each year released (CBECI list),
    then the roadmap, one cohort a year to the end of the run.

    With ``known_until``, only models released by then count, and the roadmap (a
    projection, whose rate comes from a 2023 machine) has no cohort before it."""
    catalogue = cbeci_catalogue()
    known = np.ones(len(catalogue.name), dtype=bool) if known_until is None else \
        np.asarray(pd.DatetimeIndex(catalogue.release) <= known_until)
    release = pd.DatetimeIndex(catalogue.release[known])
    years = sorted(set(release.year))
    names, efficiency, first_day = [], [], []
    for year in years:
        chosen = release.year == year
        names.append(f"cohort {year}")
        efficiency.append(float(np.median(catalogue.efficiency_j_per_th[known][chosen])))
        first_day.append(release[chosen].min().normalize())
    last = efficiency[-1]
    for year in range(years[-1] + 1, end.year + 1):
        last = ROADMAP_FLOOR_J_PER_TH + (last - ROADMAP_FLOOR_J_PER_TH) * (1 - ROADMAP_IMPROVEMENT_PER_YEAR)
        released = pd.Timestamp(f"{year}-01-01")
        if known_until is not None and released <= known_until:
            continue
        names.append(f"cohort {year} (roadmap)")
        efficiency.append(last)
        first_day.append(released)
    release_day = np.array([(day - start).days for day in first_day])
    return Hardware(tuple(names), np.array(efficiency), release_day, np.full(len(names), round(365.25 * LIFETIME_YEARS)))


def baseline_market(start: pd.Timestamp, days: int, observed) -> Market:
    """Observed prices and fees, then a driftless geometric Brownian motion (volatility of
    the last four years) and the recent mean fee per block."""
    history = observed.sel(time=slice(start, None))
    prices = history.price.to_numpy()[:days]
    log_returns = np.diff(np.log(observed.price.to_numpy()[-round(365.25 * PRICE_FIT_YEARS):]))
    blocks = np.maximum(history.blocks.to_numpy(), 1.0)
    per_block = np.where(history.fees_observed.to_numpy(), history.fees.to_numpy() / blocks, np.nan)
    recent = observed.fees.to_numpy()[observed.fees_observed.to_numpy()][-FEE_MEAN_DAYS:]
    recent_blocks = observed.blocks.to_numpy()[observed.fees_observed.to_numpy()][-FEE_MEAN_DAYS:]
    future_fee = recent.sum() / recent_blocks.sum()
    fees = np.full(days, future_fee)
    fees[: min(days, per_block.size)] = per_block[:days]
    # before 2016 fees are not observed: taken as zero, as the historical estimators do
    early = np.isnan(fees) & (np.arange(days) < per_block.size)
    fees[early] = 0.0
    fees = np.where(np.isnan(fees), future_fee, fees)
    return Market(prices, PRICE_DRIFT_PER_DAY, float(log_returns.std(ddof=1)), fees)


def baseline_chain_start(start: pd.Timestamp, observed) -> ChainStart:
    """Height at the start of the first day, its epoch's bits and first-block time."""
    before = observed.sel(time=start - pd.Timedelta(days=1))
    height = int(before.height_end)
    headers = epoch_headers()
    epoch = height // chain.RETARGET_INTERVAL
    header = headers.loc[epoch]
    return ChainStart(height=height, bits=int(header.bits),
                      epoch_first_time_s=int(header.time_unix - start.timestamp()))


def initial_capacity(regions: Regions, hardware: Hardware, market: Market, start_chain: ChainStart,
                     start: pd.Timestamp, observed=None) -> np.ndarray:
    """Installed capacity at the start, matched to the observed hashrate (trailing 7-day mean).

    Alive cohorts are weighted by the hashrate the network added in their year
    (observed, never negative); regions by their initial share. The total is scaled so
    that the capacity switched on at the first day's hashprice equals the observed hashrate.
    """
    observed = daily_inputs() if observed is None else observed
    window = observed.hashrate.sel(time=slice(start - pd.Timedelta(days=7), start - pd.Timedelta(days=1)))
    target_ths = float(window.mean())
    yearly = observed.hashrate.resample(time="YS").mean().to_series()
    growth = yearly.diff().clip(lower=0).fillna(yearly.iloc[0])
    alive = (hardware.release_day <= 0) & (hardware.release_day + hardware.lifetime_days > 0)
    weights = np.zeros(len(hardware.names))
    for h in np.flatnonzero(alive):
        year = (start + pd.Timedelta(days=int(hardware.release_day[h]))).year
        weights[h] = growth.get(pd.Timestamp(f"{year}-01-01"), 0.0)
    if weights.sum() <= 0:
        weights[hardware.newest(0)] = 1.0
    capacity = regions.initial_share[:, None] * (weights / weights.sum())[None, :]
    breakeven = economics.breakeven_tariff_usd_per_kwh(start_hashprice(market, start_chain), hardware.efficiency_j_per_th[None, :],
                                                   regions.pue[:, None])
    online = economics.online_fraction(breakeven, regions.tariff_usd_per_kwh[0][:, None], regions.tariff_shape[:, None])
    switched_on = float((capacity * online).sum())
    if switched_on <= 0:
        raise InputError.single("start", "", "a day on which some hardware is profitable", f"{start:%Y-%m-%d}")
    return capacity * target_ths / switched_on


def baseline_inputs(start="2016-01-01", end="2021-12-31", fleet_parameters: FleetParameters | None = None,
                    known_until=None, follow_map: bool = False) -> ModelInputs:
    """A world without mining policy, from the bundled data.

    Parameters
    ----------
    start : str or datetime-like
        First day; between 2010-07-26 and 2023-02-25 (the chain data).
    end : str or datetime-like
        Last day, included; any later day (prices and hardware are projected).
    fleet_parameters : FleetParameters, optional
        Deployment and retirement behaviour; default the package defaults.
    known_until : str or datetime-like, optional
        Build the world from what was known by this day only (a calibration's cut-off): the
        hardware models released by then, no roadmap cohort before it, the Mining Map months
        published by then. Prices, fees and the chain are read only for the run's days.
    follow_map : bool
        Split the installed capacity among regions as the Mining Map observed it, month by
        month from September 2019 to February 2021 (:func:`observed_shares`); by default the
        shares of :data:`SHARE_MONTHS` hold all along, as the bundled parameter sets were
        fitted.
    """
    observed = daily_inputs()
    first, last = pd.Timestamp(observed.time.values[0]), pd.Timestamp(observed.time.values[-1])
    start_day, end_day = parse_day(start, "start"), parse_day(end, "end")
    if not first + pd.Timedelta(days=8) <= start_day <= last:
        raise InputError.single("start", "", f"a day from {first + pd.Timedelta(days=8):%Y-%m-%d} to {last:%Y-%m-%d}",
                                f"{start_day:%Y-%m-%d}")
    if end_day > LAST_END:
        raise InputError.single("end", "", f"a day up to {LAST_END:%Y-%m-%d} (the last subsidy is paid around 2140)",
                                f"{end_day:%Y-%m-%d}")
    if end_day < start_day:
        raise InputError.single("end", "", f"a day on or after start ({start_day:%Y-%m-%d})", f"{end_day:%Y-%m-%d}")
    time = np.arange(start_day.to_datetime64(), (end_day + pd.Timedelta(days=1)).to_datetime64(),
                     np.timedelta64(1, "D")).astype("datetime64[D]")
    known = None if known_until is None else parse_day(known_until, "known_until")
    regions = baseline_regions(time, known, follow_map)
    hardware = baseline_hardware(start_day, end_day, known)
    market = baseline_market(start_day, time.size, observed)
    chain_start = baseline_chain_start(start_day, observed)
    capacity = initial_capacity(regions, hardware, market, chain_start, start_day, observed)
    return ModelInputs(
        time=time, regions=regions, hardware=hardware, market=market,
        policy=PolicySchedule.none(len(regions.names)),
        fleet=fleet_parameters or FleetParameters(), chain_start=chain_start, initial_capacity_ths=capacity,
    )
