"""Fetch one http(s) URL for a feed or article without letting it reach internal addresses.

Every connection, the first and each redirect hop, goes through `_GuardedBackend`: it resolves
the host once, refuses the whole host if any of its addresses is not allowed, and connects to
one of the addresses it checked. TLS still verifies the certificate against the host name, so
DNS rebinding between check and connect has no window. Proxies from the environment are never
used. A lookup that takes over `dns_timeout_s` fails the connection. Webhook deliveries use the
same guard through `guarded_async_client`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpcore
import httpx

from ..errors import LingosumError
from ..settings import Settings
from .addresses import AddressPolicy, AddressRefused, allowed_addresses

USER_AGENT = "lingosum-feeds/0.1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str | None
    body: bytes


class FetchRefused(LingosumError):
    def __init__(self, message: str) -> None:
        super().__init__("fetch_refused", message, status=400)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to the addresses it checked (see the module's docstring)."""

    def __init__(self, policy: AddressPolicy, dns_timeout_s: float) -> None:
        self._policy = policy
        self._dns_timeout_s = dns_timeout_s
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in checked_addresses(self._policy, host, port, self._dns_timeout_s):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedAsyncBackend(httpcore.AsyncNetworkBackend):
    """`_GuardedBackend` for asyncio clients (webhooks)."""

    def __init__(self, policy: AddressPolicy, dns_timeout_s: float) -> None:
        self._policy = policy
        self._dns_timeout_s = dns_timeout_s
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await asyncio.to_thread(
            checked_addresses, self._policy, host, port, self._dns_timeout_s
        )
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def checked_addresses(policy: AddressPolicy, host: str, port: int, timeout_s: float) -> list[str]:
    """The addresses to connect to: FetchRefused if `host` has one the policy refuses,
    httpcore.ConnectError if it does not resolve in time."""
    try:
        return allowed_addresses(host, port, policy, timeout_s)
    except AddressRefused:
        raise FetchRefused(
            f"Refusing to fetch from {host}: it resolves to a loopback, private, "
            "link-local or otherwise internal address."
        ) from None
    except OSError as error:
        raise httpcore.ConnectError(str(error)) from error


def guarded_async_client(settings: Settings, timeout_s: float) -> httpx.AsyncClient:
    """An httpx client that connects only where feeds may be fetched from, to the address it
    checked, never through a proxy, and follows no redirects."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx takes no network backend; its pool is replaced by one with the guarded backend.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl.create_default_context(),
        network_backend=_GuardedAsyncBackend(
            AddressPolicy.from_allow_list(settings.fetch_allow), settings.dns_timeout_s
        ),
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeout_s, follow_redirects=False, trust_env=False
    )


class Fetcher:
    """Fetches URLs under the settings' size, time and redirect caps; use as a context manager."""

    def __init__(self, settings: Settings, ssl_context: ssl.SSLContext | None = None) -> None:
        self._max_bytes = settings.fetch_max_bytes
        self._timeout = settings.fetch_timeout_seconds
        self._max_redirects = settings.fetch_max_redirects
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or ssl.create_default_context(),
            network_backend=_GuardedBackend(
                AddressPolicy.from_allow_list(settings.fetch_allow), settings.dns_timeout_s
            ),
            max_connections=8,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pool.close()

    def fetch(self, url: str, accept: str) -> Fetched:
        deadline = time.monotonic() + self._timeout
        current = _http_url(url)
        for _ in range(self._max_redirects + 1):
            status, headers, body = self._get(current, accept, deadline)
            location = headers.get("location")
            if status in REDIRECT_STATUSES and location:
                current = _http_url(current.join(location))
                continue
            if status >= 400 or status in REDIRECT_STATUSES:
                raise LingosumError(
                    "fetch_failed", f"{current.host} answered HTTP {status}.", status=502
                )
            return Fetched(str(current), headers.get("content-type"), body)
        raise LingosumError(
            "too_many_redirects",
            f"More than {self._max_redirects} redirects fetching {url}.",
            status=502,
        )

    def _get(
        self, url: httpx.URL, accept: str, deadline: float
    ) -> tuple[int, dict[str, str], bytes]:
        request = httpcore.Request(
            "GET",
            httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=[
                (b"Host", url.netloc),
                (b"User-Agent", USER_AGENT.encode()),
                (b"Accept", accept.encode()),
                (b"Accept-Encoding", b"identity"),
            ],
            extensions={"timeout": _timeouts(deadline)},
        )
        try:
            response = self._pool.handle_request(request)
            try:
                headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers
                }
                if response.status in REDIRECT_STATUSES or response.status >= 400:
                    return response.status, headers, b""
                _check_encoding(headers)
                return response.status, headers, self._read_body(response, headers, deadline)
            finally:
                response.close()
        except httpcore.TimeoutException as error:
            raise _timed_out(self._timeout) from error
        except (httpcore.NetworkError, httpcore.ProtocolError) as error:
            raise LingosumError(
                "fetch_failed",
                f"Could not fetch from {url.host}: {type(error).__name__}.",
                status=502,
            ) from error

    def _read_body(
        self, response: httpcore.Response, headers: dict[str, str], deadline: float
    ) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise _too_large(self._max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_stream():
            size += len(chunk)
            if size > self._max_bytes:
                raise _too_large(self._max_bytes)
            if time.monotonic() > deadline:
                raise _timed_out(self._timeout)
            chunks.append(chunk)
        return b"".join(chunks)


def _http_url(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchRefused("The feed URL is not a valid URL.") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchRefused("Only http and https URLs can be fetched.")
    return parsed


def _check_encoding(headers: dict[str, str]) -> None:
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise LingosumError(
            "fetch_failed", f"The server sent an unsupported content-encoding {encoding!r}.", 502
        )


def _timeouts(deadline: float) -> dict[str, float]:
    left = max(deadline - time.monotonic(), 0.001)
    return {"connect": left, "read": left, "write": left, "pool": left}


def _timed_out(seconds: float) -> LingosumError:
    return LingosumError("fetch_timeout", f"The fetch took longer than {seconds:g} s.", status=504)


def _too_large(limit: int) -> LingosumError:
    return LingosumError("feed_too_large", f"The document is larger than {limit} bytes.", 413)
