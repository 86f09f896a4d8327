"""Downloading a page or an attachment for the corpus, without opening a door into the bot's own network.

A URL is fetched only over http or https, and only from a host whose every address
is public: loopback, private, link-local, multicast, reserved and unspecified
addresses are refused (server-side request forgery). Redirects are followed here,
one hop at a time, and each hop is checked the same way. The connection goes to
the address that was checked, not to a second lookup of the name, so a DNS answer
that changes between the check and the connection cannot slip through.

The time limit covers the whole download, redirects included, and the size limit
is enforced while the body streams in: an oversized or endless body is cut off,
never held in memory whole.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from .errors import FetchFailed, TooLarge, UnsafeURL, UnsupportedContent

log = logging.getLogger(__name__)

FETCH_SECONDS = 15.0
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
USER_AGENT = "policybot/0.1 (adds a page a moderator asked for)"
REDIRECTS = {301, 302, 303, 307, 308}
_URL_SAFE = "/%:@!$&'()*+,;=-._~"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf"})
PAGE_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    seconds: float = FETCH_SECONDS
    # POLICYBOT_ALLOW_PRIVATE_URLS, for tests only: lets loopback addresses (127.0.0.1, ::1) through.
    # Private, link-local and the other internal ranges stay refused even then.
    allow_loopback: bool = False


@dataclass(frozen=True)
class Download:
    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # media type in lower case, without parameters; "" when the server sent none
    charset: str | None
    body: bytes


def fetch(url: str, limits: FetchLimits, accept: frozenset[str] | None = PAGE_TYPES) -> Download:
    """GET `url` within `limits`; `accept` is the set of media types taken (None: any)."""
    deadline = time.monotonic() + limits.seconds
    current = url.strip()
    for _hop in range(MAX_REDIRECTS + 1):
        parts = check_url(current)
        address = resolve_public(parts.hostname, parts.port or _default_port(parts.scheme), limits)
        connection = _connect(parts.scheme, parts.hostname, parts.port, address, deadline, limits)
        try:
            response = _request(connection, parts, deadline, limits)
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchFailed(f"{_short(current)} redirects (HTTP {response.status}) without saying where")
                log.info("fetch: %s redirects to %s", current, location)
                current = urljoin(current, location.strip())
                continue
            if not 200 <= response.status < 300:
                raise FetchFailed(f"{_short(current)} answered HTTP {response.status} {response.reason}".rstrip())
            content_type, charset = _media_type(response.getheader("Content-Type"))
            if accept is not None and content_type not in accept:
                raise UnsupportedContent(
                    f"{_short(current)} is {content_type or 'of an unnamed type'}; only HTML pages, plain text, "
                    "Markdown and PDF can be added"
                )
            body = _read_body(response, connection, current, deadline, limits)
            return Download(url=url, final_url=current, content_type=content_type, charset=charset, body=body)
        finally:
            connection.close()
    raise FetchFailed(f"{_short(url)} redirects more than {MAX_REDIRECTS} times")


def check_url(url: str):
    """The parts of `url`, or UnsafeURL when it is not a plain http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        raise UnsafeURL(f"not a valid URL: {_short(url)}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL(f"only http and https links can be added, not {parts.scheme or 'a link without a scheme'}: {_short(url)}")
    if not parts.hostname:
        raise UnsafeURL(f"the link has no host: {_short(url)}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("links with a user name or password in them are not accepted")
    return parts


def resolve_public(host: str, port: int, limits: FetchLimits) -> str:
    """One address of `host` to connect to; UnsafeURL if any of its addresses is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot find the host {host}: {exc}") from None
    addresses = []
    for info in infos:
        address = info[4][0].split("%", 1)[0]  # an IPv6 scope id is not part of the address
        problem = address_problem(ipaddress.ip_address(address), limits.allow_loopback)
        if problem is not None:
            named = host if host == address else f"{host} resolves to {address}, which"
            raise UnsafeURL(f"{named} is a {problem} address; only public addresses can be fetched")
        addresses.append(address)
    if not addresses:
        raise FetchFailed(f"cannot find the host {host}")
    return addresses[0]


def address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool = False) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    for kind in ("unspecified", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # shared (100.64/10) and other special-purpose ranges
        return "non-public"
    return None


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked in advance, whatever the host name resolves to now.

    `socket` stays set after the response takes over the connection (http.client then
    clears `sock`), so that each read can be given what is left of the time limit.
    """

    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = self.socket = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is still verified against the host name."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self.socket = self._tls.wrap_socket(raw, server_hostname=self.host)


def _connect(scheme: str, host: str, port: int | None, address: str, deadline: float, limits: FetchLimits):
    kind = _PinnedHTTPS if scheme.lower() == "https" else _PinnedHTTP
    return kind(host, port, address, timeout=_remaining(deadline, limits))


def _request(connection, parts, deadline: float, limits: FetchLimits) -> http.client.HTTPResponse:
    # A link pasted with spaces or other raw characters: send it percent-encoded, as a browser would.
    target = quote(parts.path or "/", safe=_URL_SAFE) + (f"?{quote(parts.query, safe=_URL_SAFE + '?')}" if parts.query else "")
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html, application/xhtml+xml, text/plain, text/markdown, application/pdf;q=0.9",
                "Accept-Encoding": "gzip, identity",
            },
        )
        connection.socket.settimeout(_remaining(deadline, limits))
        return connection.getresponse()
    except TimeoutError:
        raise _too_slow(parts.geturl(), limits) from None
    except ssl.SSLError as exc:
        raise FetchFailed(f"the secure connection to {parts.hostname} failed: {exc.reason or exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchFailed(f"cannot fetch {_short(parts.geturl())}: {exc.__class__.__name__} {exc}".rstrip()) from None


def _read_body(response, connection, url: str, deadline: float, limits: FetchLimits) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits, f"it declares {int(declared) / 1e6:.1f} MB")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise UnsupportedContent(f"{_short(url)} is sent with {encoding} encoding, which policybot does not read")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    body = bytearray()
    try:
        while True:
            connection.socket.settimeout(_remaining(deadline, limits))
            chunk = response.read1(CHUNK_BYTES)
            if not chunk:
                break
            if inflate is not None:
                # Bounded output per step: a small compressed body must not unpack past the limit in one go.
                chunk = inflate.decompress(chunk, limits.max_bytes + 1 - len(body))
            body += chunk
            if len(body) > limits.max_bytes:
                raise _too_large(url, limits, "the download went past it")
    except TimeoutError:
        raise _too_slow(url, limits) from None
    except (OSError, http.client.HTTPException, zlib.error) as exc:
        raise FetchFailed(f"the download of {_short(url)} broke off: {exc.__class__.__name__} {exc}".rstrip()) from None
    return bytes(body)


def _remaining(deadline: float, limits: FetchLimits) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(None, limits)
    return left


def _too_slow(url: str | None, limits: FetchLimits) -> FetchFailed:
    what = _short(url) if url else "the download"
    return FetchFailed(f"{what} took longer than {limits.seconds:g} s; gave up")


def _too_large(url: str, limits: FetchLimits, how: str) -> TooLarge:
    return TooLarge(
        f"{_short(url)} is larger than the {limits.max_bytes / 1e6:g} MB limit ({how}; set POLICYBOT_MAX_FILE_MB to change it)"
    )


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    kind, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or None
    return kind.strip().lower(), charset


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


def _short(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"
