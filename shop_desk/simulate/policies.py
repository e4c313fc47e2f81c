"""The policies the simulator can judge, by name; each is built fresh for one run."""

from __future__ import annotations

import importlib

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.reorder.review import Policy

# name -> "module:class"; imported only when asked for, so a missing one breaks nothing else.
POLICIES = {
    "shopdesk": "shop_desk.reorder.policy:ShopDeskPolicy",
    "minmax": "shop_desk.reorder.minmax:MinMaxPolicy",
}
POLICY_NAMES = tuple(POLICIES)


def make_policy(name: str) -> Policy:
    target = POLICIES.get(name)
    if target is None:
        raise InputError(
            tr(
                "Unknown policy {name}; choose one of {names}.",
                name=name,
                names=", ".join(POLICY_NAMES),
            )
        )
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the policy is there but something it needs is not: show the real error
        raise InputError(
            tr(
                "The policy {name} is not part of this build ({module} is missing).",
                name=name,
                module=module_name,
            )
        ) from None
    policy_class = getattr(module, class_name, None)
    if policy_class is None:
        raise InputError(
            tr(
                "The policy {name} is not part of this build ({module} is missing).",
                name=name,
                module=f"{module_name}.{class_name}",
            )
        )
    return policy_class()
