"""Is a web feed unchanged? Answered in milliseconds for the common case.

Most syncs find nothing new: the manifest's conditional GET comes back 304. That question is
asked here with the standard library's http.client (TLS verified against the system's trust
store), without importing requests or the keyring or setting up a session. Any other answer
(a change, a redirect, an error, a feed that wants its token, no answer in time) is left to
the full client, which asks again with its retries, token and messages.
"""

from __future__ import annotations

import http.client
from urllib.parse import urljoin, urlsplit

from shop_desk.catalog.transport import USER_AGENT

TIMEOUT = 3.0  # seconds; the full client has its own, with retries


def unchanged(base_url: str, etag: str | None) -> bool:
    """True only when the server answers 304 to If-None-Match: etag."""
    if not etag:
        return False
    url = urlsplit(urljoin(base_url if base_url.endswith("/") else base_url + "/", "feed.json"))
    if url.scheme == "https":
        import ssl

        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            url.hostname, url.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    elif url.scheme == "http":
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    else:
        return False
    path = url.path + (f"?{url.query}" if url.query else "")
    try:
        connection.request(
            "GET",
            path,
            headers={
                "If-None-Match": etag,
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",  # as requests asks: the same ETag
            },
        )
        return connection.getresponse().status == 304
    except (OSError, http.client.HTTPException, ValueError):
        return False
    finally:
        connection.close()
