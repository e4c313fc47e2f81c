"""A web feed's bearer token, kept in the OS keyring (never in the database or a file).

Apart from the HTTP client so that the quick 304 check can ask for it without importing
requests."""

from __future__ import annotations

import contextlib

KEYRING_SERVICE = "ShopDesk"

__all__ = ["KEYRING_SERVICE", "set_token", "token_for"]


def token_for(source_id: int | None) -> str | None:
    if source_id is None:
        return None
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, f"feed:{source_id}")
    except keyring.errors.KeyringError:
        return None


def set_token(source_id: int, token: str | None) -> None:
    import keyring

    if token:
        keyring.set_password(KEYRING_SERVICE, f"feed:{source_id}", token)
    else:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, f"feed:{source_id}")
