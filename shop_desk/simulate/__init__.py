"""Replay a shop's real daily demand through a reorder policy (docs/SIMULATION.md)."""

from shop_desk.simulate.engine import simulate
from shop_desk.simulate.orders import PolicyError
from shop_desk.simulate.policies import POLICY_NAMES, make_policy
from shop_desk.simulate.result import SimulationResult
from shop_desk.simulate.shop import Shop, load_shop

__all__ = [
    "POLICY_NAMES",
    "PolicyError",
    "Shop",
    "SimulationResult",
    "load_shop",
    "make_policy",
    "simulate",
]
