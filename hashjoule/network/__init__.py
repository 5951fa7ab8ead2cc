"""The Bitcoin network: its consensus rules (:mod:`~hashjoule.network.chain`: subsidy,
compact targets, the difficulty retarget), its observed daily history
(:mod:`~hashjoule.network.history`), the mining hardware released over time
(:mod:`~hashjoule.network.hardware`) and days and periods (:mod:`~hashjoule.network.periods`).
Both the historical estimates and the fleet simulation build on these.
"""
