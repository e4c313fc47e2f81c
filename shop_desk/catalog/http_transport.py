"""Feeds over HTTP(S) with requests: one Session per host, timeouts, retries with backoff that
honour Retry-After (capped), a bearer token from the OS keyring (read once the feed's host
refuses without it) sent only to that host, TLS always verified, and large files resumed
with Range."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import TimeoutError as TimeoutStateError
from urllib3.util.retry import Retry

from shop_desk.catalog.feed_tokens import KEYRING_SERVICE, set_token, token_for  # noqa: F401 (kept here too)
from shop_desk.catalog.manifest import FeedFile, safe_relative_path
from shop_desk.catalog.transport import USER_AGENT, Cancelled, size_error
from shop_desk.errors import InputError
from shop_desk.i18n import tr

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_RETRY_AFTER = 60.0  # a server asking for longer is told "later" by the owner, not by us
RESUME_ATTEMPTS = 3
# Small enough that a dropped connection loses little; a resume starts after the last block.
STREAM_CHUNK = 16 << 10
_sessions: dict[str, requests.Session] = {}
_lock = threading.Lock()


class CappedRetry(Retry):
    """urllib3's Retry, but a Retry-After longer than MAX_RETRY_AFTER is cut short."""

    def get_retry_after(self, response):  # type: ignore[override]
        value = super().get_retry_after(response)
        return None if value is None else min(value, MAX_RETRY_AFTER)


def _use_system_trust_store() -> None:
    # Shop routers and antivirus proxies put their own CA in the Windows store; certifi's
    # bundle does not know it ("unable to get local issuer certificate").
    if sys.platform == "win32":
        try:
            import truststore

            truststore.inject_into_ssl()
        except ImportError:
            pass


def session_for(url: str) -> requests.Session:
    host = urlsplit(url).netloc.lower()
    with _lock:
        session = _sessions.get(host)
        if session is None:
            _use_system_trust_store()
            session = requests.Session()
            retry = CappedRetry(
                total=5,
                connect=4,
                read=2,
                status=4,
                backoff_factor=0.5,
                backoff_jitter=0.25,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=("GET", "HEAD"),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            _sessions[host] = session
        return session


def explain(response: requests.Response) -> InputError:
    status = response.status_code
    if status in (401, 403):
        return InputError(
            tr(
                "The supplier's server refused access ({status}): the token is wrong or missing. "
                "Check the token the supplier gave you.",
                status=status,
            )
        )
    if status == 404:
        return InputError(tr("The feed was not found at this address (404). Check the URL."))
    if status == 429 or status >= 500:
        return InputError(
            tr(
                "The supplier's server is busy or failing ({status}). Try again later; the "
                "last copy stays in use.",
                status=status,
            )
        )
    return InputError(tr("The supplier's server answered {status}.", status=status))


def network_error(exc: Exception) -> InputError:
    if isinstance(exc, requests.exceptions.SSLError):
        return InputError(
            tr(
                "The supplier's server certificate could not be verified, so nothing was "
                "downloaded: {error}",
                error=str(exc)[:200],
            )
        )
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.exceptions.Timeout) or isinstance(reason, TimeoutStateError):
        return InputError(
            tr(
                "The supplier's server did not answer in time. Try again later; the last copy "
                "stays in use."
            )
        )
    return InputError(
        tr(
            "Cannot reach the supplier's server. Check the internet connection; the last copy "
            "stays in use. ({error})",
            error=str(exc)[:200],
        )
    )


class HttpTransport:
    def __init__(
        self,
        base_url: str,
        *,
        source_id: int | None = None,
        token: str | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise InputError(tr("A feed address must start with https:// or http://."))
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.host = urlsplit(self.base).netloc.lower()
        # A source's token is read from the keyring only once the feed's host refuses
        # without it (401/403), as the quick check does: an open feed never pays for the
        # keyring (its backend is found once per process: 0.2-0.3 s of every sync child).
        self.token = token
        self._keyring_id = source_id if token is None else None
        self.timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)
        self.session = session_for(self.base)

    def _headers(self, url: str, extra: dict[str, str]) -> dict[str, str]:
        headers = dict(extra)
        if self.token and self._own_host(url):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _get(self, url: str, headers: dict[str, str], stream: bool = False) -> requests.Response:
        response = self._send(url, headers, stream)
        refused = response.status_code in (401, 403)
        if refused and self._keyring_id is not None and self._own_host(response.url):
            self.token, self._keyring_id = token_for(self._keyring_id), None
            if self.token:
                response.close()
                response = self._send(url, headers, stream)
        return response

    def _own_host(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() == self.host

    def _send(self, url: str, headers: dict[str, str], stream: bool) -> requests.Response:
        try:
            return self.session.get(
                url,
                headers=self._headers(url, headers),
                stream=stream,
                timeout=self.timeout,
                verify=True,
            )
        except requests.exceptions.RequestException as exc:
            raise network_error(exc) from exc

    def get_manifest(self, etag: str | None) -> tuple[bytes | None, str | None]:
        url = urljoin(self.base, "feed.json")
        response = self._get(url, {"If-None-Match": etag} if etag else {})
        if response.status_code == 304:
            return None, etag
        if response.status_code != 200:
            raise explain(response)
        return response.content, response.headers.get("ETag")

    def fetch(self, feed_file: FeedFile, dest: Path, on_bytes, cancel: threading.Event) -> None:
        """A partial `dest` left by an earlier attempt (with its ETag in dest.etag) is
        resumed with Range; the server's If-Range check restarts it if the file changed."""
        url = urljoin(self.base, safe_relative_path(feed_file.path))
        tag_file = dest.with_name(dest.name + ".etag")
        etag = tag_file.read_text(encoding="ascii") if tag_file.exists() else None
        for attempt in range(RESUME_ATTEMPTS + 1):
            have = dest.stat().st_size if dest.exists() else 0
            headers = {"Accept-Encoding": "identity"}
            if have and etag:
                headers.update({"Range": f"bytes={have}-", "If-Range": etag})
            try:
                response = self._get(url, headers, stream=True)
                if response.status_code not in (200, 206):
                    raise explain(response)
                etag = response.headers.get("ETag")
                if etag and not etag.startswith("W/"):  # a weak tag cannot guard a Range
                    tag_file.write_text(etag, encoding="ascii")
                resumed = response.status_code == 206
                self._stream(response, dest, feed_file, on_bytes, cancel, append=resumed)
                return
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ConnectionError,
            ) as exc:
                if attempt == RESUME_ATTEMPTS:
                    raise network_error(exc) from exc

    def _stream(self, response, dest, feed_file, on_bytes, cancel, *, append: bool) -> None:
        written = dest.stat().st_size if append and dest.exists() else 0
        with response, dest.open("ab" if append else "wb") as out:
            for block in response.iter_content(STREAM_CHUNK):
                if cancel.is_set():
                    raise Cancelled
                written += len(block)
                if written > feed_file.bytes:
                    raise size_error(feed_file.path)
                out.write(block)
                on_bytes(len(block))
