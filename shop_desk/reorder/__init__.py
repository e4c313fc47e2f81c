"""Reorder suggestions: demand history, forecasts, policy, lot sizing, baskets."""
