"""Reorder suggestions: demand history, forecasts, policy, lot sizing, baskets.

Pure functions over NumPy arrays (no Qt, no database); callers build a ReviewState.

- review.py: the contract with callers (ReviewState in, OrderLine out).
- demand.py: censored demand (a stock-out day is not zero demand).
- forecast.py: SES, Croston/SBA, TSB, weekday profile; per-product choice by back-test
  (fit_methods, cacheable as FittedMethods.to_dict()).
- quantile.py: negative-binomial quantiles and fill-rate levels.
- position.py: inventory position counting only stock that sells before it expires.
- sourcing.py: landed cost per offer, primary and top-up source, supplier cycles.
- lots.py: MOQ, multiples, packs, price tiers against holding cost.
- basket.py: shipping, mixed-batch minimum, member tiers, pull-forward, budget.
- policy.py: ShopDeskPolicy (the simulator's "shopdesk") and suggest(state, fitted).
- suggestion.py: the lines and supplier summaries the Reorder page and the CLI show.
"""
