"""Historical estimates of mining electricity with bounds (:mod:`~hashjoule.estimates.estimators`:
``cbeci``, ``stoll2019``, ``digiconomist``), the quantities people quote from them
(:mod:`~hashjoule.estimates.accounting`: per bitcoin, per transaction, household-years,
CO2), the comparison with the published Cambridge index
(:mod:`~hashjoule.estimates.cambridge`) and the article-claims check
(:mod:`~hashjoule.estimates.claims`). See docs/historical-estimates.md.
"""
