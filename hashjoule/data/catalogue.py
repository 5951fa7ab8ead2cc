"""What each bundled data file must contain: columns, units, order and admissible values.

One :class:`FileSpec` per file. The loader (:mod:`hashjoule.data.loaders`) checks every
file against its spec when it is read, so a damaged or edited file is refused with the
row and column at fault rather than silently producing wrong numbers. Sources and
licences of the files are in ``PROVENANCE.md`` beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    """Expected content of one bundled CSV file.

    Attributes
    ----------
    filename : str
        File name inside the data folder.
    description : str
        One line on what the file holds.
    units : dict
        Numeric column -> unit (UDUNITS-style strings, "1" for a count or ratio).
        Every listed column must exist, parse as a number and be finite.
    text : tuple of str
        Other columns that must exist (kept as text).
    time : str or None
        Column holding the time axis (ISO date ``YYYY-MM-DD``, month ``YYYY-MM`` or an integer such as a year or a height).
    time_format : {"date", "month", "integer"}
        How ``time`` is written.
    ordered_within : tuple of str
        ``time`` must strictly increase inside each group of these columns
        (empty tuple: over the whole file). Set ``strictly=False`` for tables with
        several rows per time step.
    strictly : bool
        Whether ``time`` must strictly increase (True) or only not decrease.
    optional : tuple of str
        Numeric columns that may be blank (all others may not).
    signed : tuple of str
        Numeric columns that may be negative (all others may not).
    """

    filename: str
    description: str
    units: dict[str, str]
    text: tuple[str, ...] = ()
    time: str | None = None
    time_format: str = "date"
    ordered_within: tuple[str, ...] = ()
    strictly: bool = True
    optional: tuple[str, ...] = ()
    signed: tuple[str, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the file must have."""
        extra = (self.time,) if self.time and self.time not in self.units else ()
        return extra + tuple(self.units) + self.text


_CBECI_PRICES = [f"{p / 100:.2f}" for p in range(1, 20)]

SPECS: dict[str, FileSpec] = {
    spec.filename.removesuffix(".csv"): spec
    for spec in [
        FileSpec(
            "btc_daily_coinmetrics.csv",
            "Daily chain and market data (Coin Metrics community extract).",
            {
                "block_count": "1",
                "difficulty_mean": "1",
                "hashrate_ths": "TH/s",
                "hashrate_ehs": "EH/s",
                "price_usd": "USD/BTC",
                "fee_mean_usd": "USD",
                "market_cap_usd": "USD",
            },
            time="date",
            optional=("price_usd", "fee_mean_usd", "market_cap_usd"),
        ),
        FileSpec(
            "btc_daily_fees_glassnode.csv",
            "Daily transaction fees and subsidy issued (Glassnode via a public thesis repository).",
            {
                "total_fees_btc": "BTC/day",
                "new_issuance_btc": "BTC/day",
                "hashrate_mean_ehs": "EH/s",
                "price_close_usd": "USD/BTC",
                "total_fees_usd_approx": "USD/day",
            },
            time="date",
            optional=("new_issuance_btc",),
        ),
        FileSpec(
            "btc_epoch_start_headers.csv",
            "Header of the first block of every difficulty epoch (bitcoinj checkpoints).",
            {"epoch": "1", "height": "1", "time_unix": "s", "bits_int": "1", "difficulty": "1"},
            text=("time_utc", "bits_hex", "block_hash", "prev_block_hash", "source"),
            time="height",
            time_format="integer",
        ),
        FileSpec(
            "cbeci_annualized_twh_daily_by_price.csv",
            "Cambridge index annualised consumption for electricity prices 0.01-0.19 USD/kWh (served Sep 2023).",
            {f"twh_per_year_at_{p}_usd_per_kwh": "TWh/yr" for p in _CBECI_PRICES},
            time="date",
        ),
        FileSpec(
            "cbeci_miners_2020.csv",
            "Hardware list of the original Cambridge index model.",
            {"release_unix": "s", "efficiency_j_per_th": "J/TH", "efficiency_j_per_gh": "J/GH",
             "qty_weight": "1", "nominal_hashrate_th_from_name": "TH/s"},
            text=("miner_name", "release_date"),
            optional=("nominal_hashrate_th_from_name",),
        ),
        FileSpec(
            "f2pool_mining_devices_2020-03.csv",
            "Mining devices listed by F2Pool in March 2020.",
            {"hashrate_th_s": "TH/s", "power_w": "W", "efficiency_j_per_th": "J/TH",
             "release_year": "1", "release_month": "1"},
            text=("manufacturer", "model"),
        ),
        FileSpec(
            "asic_specs_supplement_2021plus.csv",
            "Specifications of machines released from 2021 on (secondary sources).",
            {"hashrate_th_s": "TH/s", "power_w": "W", "efficiency_j_per_th": "J/TH"},
            text=("manufacturer", "model", "source_repo", "source_path"),
        ),
        FileSpec(
            "asic_release_dates_2020plus.csv",
            "Machines released from May 2020 on, with a cited release month, rated hashrate and power.",
            {"hashrate_th_s": "TH/s", "power_w": "W", "efficiency_j_per_th": "J/TH"},
            text=("manufacturer", "model", "date_basis", "date_source", "spec_source", "note"),
            time="release_month",
            time_format="month",
            strictly=False,
        ),
        FileSpec(
            "asic_masses_reported.csv",
            "Mass of mining machines without packaging, as reported, with their rated hashrate and power.",
            {"hashrate_th_s": "TH/s", "power_w": "W", "mass_kg": "kg"},
            text=("manufacturer", "model", "source"),
        ),
        FileSpec(
            "embodied_energy_electronics_reported.csv",
            "Energy used to manufacture comparable electronics, as reported, with what gives the product's mass.",
            {"production_energy_mj": "MJ", "fossil_fuels_kg": "kg", "fossil_fuels_to_product_mass_ratio": "1"},
            text=("product", "source"),
        ),
        FileSpec(
            "cbeci_mining_map_countries_monthly.csv",
            "Cambridge Mining Map: share of global hashrate by country and month.",
            {"hashrate_share_pct": "%", "hashrate_ehs": "EH/s"},
            text=("country",),
            time="month",
            time_format="month",
            ordered_within=("country",),
        ),
        FileSpec(
            "cbeci_mining_map_china_provinces_avg_2019-09_2020-04.csv",
            "Cambridge Mining Map at launch: provincial shares of global hashrate, Sep 2019 - Apr 2020.",
            {"share_of_global_hashrate_pct": "%"},
            text=("province", "period", "note"),
        ),
        FileSpec(
            "ccaf_mining_map_china_provinces_monthly.csv",
            "Cambridge Mining Map: provincial shares of China's hashrate by month.",
            {"share_of_chinese_hashrate_pct": "%", "china_share_of_global_pct": "%",
             "share_of_global_hashrate_pct_derived": "%"},
            text=("province",),
            time="date",
            ordered_within=("province",),
        ),
        FileSpec(
            "china_2021_crackdown_timeline.csv",
            "Provincial and national measures against mining in China, 2021 (news reports).",
            {},
            # Dates here are free text as reported ("~2021-08-20", "2021-06-08 (reported
            # 2021-06-09)"); the scenario library turns them into exact dates, with notes.
            text=("jurisdiction", "measure", "announced", "effective_or_deadline", "requirement",
                  "numbers", "status", "source"),
        ),
        FileSpec(
            "china_population_household.csv",
            "China's population and family-household size (NBS, census).",
            # Census household sizes are listed newest first, so no order is required.
            {"year": "calendar year", "value": "various (see unit column)"},
            text=("indicator", "unit", "value_type", "source"),
        ),
        FileSpec(
            "china_province_generation_mix_2019_2021.csv",
            "Electricity generation by source in eight Chinese provinces, 2019-2021.",
            {"generation_twh": "TWh/yr", "share_pct": "%"},
            text=("province", "source", "source_url"),
            time="year",
            time_format="integer",
            ordered_within=("province", "source"),
        ),
        FileSpec(
            "china_provincial_grid_emission_factors_2021_2022.csv",
            "Average CO2 emission factors of Chinese provincial grids (MEE), 2021 and 2022.",
            {"kgco2_per_kwh": "kg/kWh"},
            text=("province_en", "province_zh"),
            time="year",
            time_format="integer",
            ordered_within=("province_en",),
        ),
        FileSpec(
            "china_regional_grid_emission_factors_2021_2022.csv",
            "Average CO2 emission factors of China's regional grids (MEE), 2021 and 2022.",
            {"kgco2_per_kwh": "kg/kWh"},
            text=("region_en", "region_zh"),
            time="year",
            time_format="integer",
            ordered_within=("region_en",),
        ),
        FileSpec(
            "china_residential_electricity_annual.csv",
            "Electricity used by China's urban and rural residents (NEA).",
            {"residential_electricity_twh": "TWh/yr", "yoy_growth_pct": "%"},
            text=("value_type", "source"),
            time="year",
            time_format="integer",
        ),
        FileSpec(
            "cny_usd_exchange_rate_annual.csv",
            "Annual average exchange rate, CNY per USD.",
            {"cny_per_usd": "CNY/USD", "confirmed_in_cited_source": "1"},
            text=("source",),
            time="year",
            time_format="integer",
        ),
        FileSpec(
            "household_electricity_reference.csv",
            "Reference household and per-person residential electricity use.",
            {"value": "various (see unit column)"},
            text=("region", "metric", "unit", "source_page_title", "source_url"),
        ),
        FileSpec(
            "carbon_intensity_elec_owid_ember_lifecycle.csv",
            "Lifecycle carbon intensity of electricity by country (OWID/Ember).",
            {"carbon_intensity_gco2e_per_kwh": "g/kWh"},
            text=("country", "iso_code"),
            time="year",
            time_format="integer",
            ordered_within=("country",),
        ),
        FileSpec(
            "owid_electricity_2022vintage.csv",
            "Electricity demand, generation and direct CO2 intensity by country (OWID, 2022 vintage).",
            {"electricity_demand_twh": "TWh/yr", "electricity_generation_twh": "TWh/yr",
             "net_imports_twh": "TWh/yr", "power_sector_emissions_mtco2": "Mt/yr",
             "carbon_intensity_gco2_per_kwh": "g/kWh", "per_capita_electricity_generation_kwh": "kWh/yr"},
            text=("country",),
            time="year",
            time_format="integer",
            ordered_within=("country",),
            optional=("net_imports_twh",),
            signed=("net_imports_twh",),
        ),
        FileSpec(
            "owid_population_2022vintage.csv",
            "Population by country (OWID, UN WPP 2019).",
            {"population": "1", "is_projection": "1"},
            text=("country",),
            time="year",
            time_format="integer",
            ordered_within=("country",),
        ),
        FileSpec(
            "iea_co2_intensity_elec_generation_selected_regions.csv",
            "CO2 intensity of electricity generation, selected regions (IEA).",
            {"co2_intensity_gco2_per_kwh": "g/kWh", "is_forecast": "1"},
            text=("region",),
            time="year",
            time_format="integer",
            ordered_within=("region",),
        ),
        FileSpec(
            "mining_electricity_prices_reported.csv",
            "Electricity prices paid by miners as reported in news and research.",
            {"price_low": "currency/kWh (see currency column)", "price_high": "currency/kWh (see currency column)"},
            text=("region", "country", "period", "currency", "unit", "season_or_note", "source"),
            optional=("price_low",),
        ),
        FileSpec(
            "marginal_emission_factors.csv",
            "Marginal CO2 emission factors of model regions: grid operating margins (NDRC) and US gas (EIA).",
            {"kgco2_per_kwh": "kg/kWh"},
            text=("region", "margin", "source"),
        ),
        FileSpec(
            "model_regions.csv",
            "Regions of the fleet model: assumed tariffs, PUE and emission-factor source (hashjoule).",
            {"tariff_dry_usd_per_kwh": "USD/kWh", "tariff_wet_usd_per_kwh": "USD/kWh", "pue": "1"},
            text=("region", "kind", "map_name", "emission_factor_key", "tariff_basis"),
        ),
        FileSpec(
            "us_eia_industrial_electricity_price_monthly.csv",
            "US average industrial retail electricity price by month (EIA).",
            {"us_industrial_avg_retail_price_cents_per_kwh": "US cent/kWh"},
            time="month",
            time_format="month",
        ),
    ]
}
