"""Is a web feed unchanged? Answered in milliseconds for the common case.

Most syncs find nothing new: the manifest's conditional GET comes back 304. That question is
asked here with the standard library's http.client (TLS verified against the system's trust
store), without importing requests or setting up a session. A feed that wants its token
(401/403) is asked once more with it, read from the keyring only then, so an open feed never
pays for the keyring. Any other answer (a change, a redirect, an error, no answer in time) is
left to the full client, which asks again with its retries, token and messages.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from urllib.parse import SplitResult, urljoin, urlsplit

from shop_desk.catalog.transport import USER_AGENT

TIMEOUT = 3.0  # seconds; the full client has its own, with retries


def unchanged(
    base_url: str, etag: str | None, token: Callable[[], str | None] | None = None
) -> bool:
    """True only when the server answers 304 to If-None-Match: etag. `token` gives the feed's
    bearer token, asked for when the server refuses without it (sent to this URL only: no
    redirect is followed here)."""
    if not etag:
        return False
    url = urlsplit(urljoin(base_url if base_url.endswith("/") else base_url + "/", "feed.json"))
    status = _status(url, etag, None)
    if status in (401, 403) and token is not None:
        secret = token()
        if secret:
            status = _status(url, etag, secret)
    return status == 304


def _status(url: SplitResult, etag: str, token: str | None) -> int | None:
    if url.scheme == "https":
        import ssl

        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            url.hostname, url.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    elif url.scheme == "http":
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    else:
        return None
    path = url.path + (f"?{url.query}" if url.query else "")
    headers = {
        "If-None-Match": etag,
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip, deflate",  # as requests asks: the same ETag
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()
