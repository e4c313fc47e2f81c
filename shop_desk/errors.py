"""Errors that carry a message meant for the shop owner (already translated)."""

from __future__ import annotations


class ShopDeskError(Exception):
    """Base class: str(error) is a sentence the owner can read."""


class InputError(ShopDeskError):
    """Something typed or imported is not acceptable; nothing was changed."""


class NotFoundError(ShopDeskError):
    """A product, sale or session that was asked for does not exist."""


class StorageError(ShopDeskError):
    """The database could not be written (locked, disk full, read-only)."""
