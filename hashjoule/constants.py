"""Fixed numbers that several layers share, each defined here once.

These are definitions and conventions, not assumptions: what a scenario may change is in
the scenario schema (:mod:`hashjoule.scenarios.schema`), the network's consensus rules are in
:mod:`hashjoule.network.chain`, and reference data are files under ``data/``.
"""

#: Seconds in a day (UTC days; Bitcoin block times have no leap seconds). [s/d]
SECONDS_PER_DAY = 86_400

#: Global mining electricity cited by the news article of December 2021 that started
#: hashjoule ("134 billion kWh a year"): the claim ``hashjoule claims`` tests, the line of
#: the consumption figure and the default threshold of the runs' exceedance probability. [TWh/yr]
ARTICLE_TWH_PER_YEAR = 134.0

#: Quantiles of the interval every uncertain result is reported with, and of the outer band
#: of the figures: 5 % and 95 % over the draws. [1]
BAND = (0.05, 0.95)

#: Days of a Julian year, the year of the annualised rates (drift, volatility). [d/yr]
DAYS_PER_YEAR = 365.25
