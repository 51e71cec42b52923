"""Is a published O-item URL reachable? A guarded HTTP(S) check for the OIT readiness board. Pure.

The URLs are typed by officers, so the check must never become a way to reach the portal's own
network (SSRF): only http and https; the host name is resolved here and *every* address it resolves
to must be a public one (no private, loopback, link-local, multicast, reserved or unspecified
address, IPv4 or IPv6, IPv4-mapped IPv6 included); the connection then goes to the checked address
itself (pinned: a second DNS answer cannot swap it, "DNS rebinding") while the request carries the
right Host header and TLS server name. Redirects are followed at most ``MAX_REDIRECTS`` times and
each target is checked the same way. Connect and read are time-limited and at most ``READ_LIMIT``
bytes of a body are read. HEAD first; GET when a server refuses HEAD.

No Django here: the result is a small frozen dataclass; the caller stores it (services) and names
the outcome in Thai (``OitReadiness.CheckOutcome``).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0  # seconds
READ_TIMEOUT = 10.0  # seconds, per read
TOTAL_TIMEOUT = 30.0  # seconds, the whole check with its redirects
READ_LIMIT = 16 * 1024  # bytes of a GET body read before closing
MAX_URL_LENGTH = 2000
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: HEAD answers after which GET is tried (servers that do not implement HEAD or refuse it).
HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 500, 501, 502, 503})
USER_AGENT = "ITA-Portal-link-check/1.0"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"

# Outcomes (stored; the model gives each its Thai name).
OK = "ok"
HTTP_ERROR = "http_error"
BAD_SCHEME = "bad_scheme"
INVALID_URL = "invalid_url"
BLOCKED_ADDRESS = "blocked_address"
DNS_FAILED = "dns_failed"
TIMEOUT = "timeout"
CONNECTION_FAILED = "connection_failed"
TLS_FAILED = "tls_failed"
TOO_MANY_REDIRECTS = "too_many_redirects"


@dataclass(frozen=True)
class CheckResult:
    outcome: str
    status_code: int | None = None
    final_url: str = ""
    redirects: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome == OK


@dataclass(frozen=True)
class Response:
    """What the check needs of one HTTP answer."""

    status: int
    location: str | None


Resolver = Callable[[str, int], list[str]]
#: (scheme, host, address, port, method, target) -> Response; raises OSError / ssl.SSLError / TimeoutError.
Requester = Callable[[str, str, str, int, str, str, float], Response]


class Refused(Exception):
    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def address_is_public(address: str) -> bool:
    """True only for a globally routable unicast address (IPv4-mapped IPv6 judged as its IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            return address_is_public(str(mapped))
        if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
            return address_is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED)
        or not ip.is_global
    )


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _connection(
    scheme: str, host: str, address: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    """A connection to ``address`` (pinned) that speaks to ``host``: Host header and TLS server name."""
    if scheme == "https":
        context = ssl.create_default_context()

        class Pinned(http.client.HTTPSConnection):
            def connect(self) -> None:
                sock = socket.create_connection((address, self.port), timeout=CONNECT_TIMEOUT)
                sock.settimeout(timeout)
                self.sock = context.wrap_socket(sock, server_hostname=host)

        return Pinned(host, port, timeout=timeout, context=context)

    class PinnedPlain(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.create_connection((address, self.port), timeout=CONNECT_TIMEOUT)
            self.sock.settimeout(timeout)

    return PinnedPlain(host, port, timeout=timeout)


def http_request(
    scheme: str, host: str, address: str, port: int, method: str, target: str, timeout: float
) -> Response:
    """One request over a pinned connection; reads at most READ_LIMIT bytes of the body, and gives up
    when the answer takes longer than ``timeout`` in all (a server dripping bytes slowly)."""
    give_up = time.monotonic() + timeout
    conn = _connection(scheme, host, address, port, timeout)
    try:
        conn.request(method, target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = conn.getresponse()
        read = 0
        while method == "GET" and read < READ_LIMIT:
            chunk = response.read1(min(4096, READ_LIMIT - read))
            if not chunk:
                break
            read += len(chunk)
            if time.monotonic() > give_up:
                raise TimeoutError
        return Response(response.status, response.getheader("Location"))
    finally:
        conn.close()


def _target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, request target) of an http(s) URL; Refused otherwise."""
    if len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise Refused(INVALID_URL)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(INVALID_URL) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(BAD_SCHEME)
    host = parts.hostname
    if not host:
        raise Refused(INVALID_URL)
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError as exc:
        raise Refused(INVALID_URL) from exc
    # Thai paths ("/ข่าว") are sent percent-encoded (UTF-8); what is already encoded stays as it is.
    target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
    return scheme, host, port or (443 if scheme == "https" else 80), target


def _public_address(host: str, port: int, resolve: Resolver, allow: Iterable[str]) -> str:
    """The address to connect to: the name's first address, provided every address is public."""
    try:
        addresses = [str(ipaddress.ip_address(host))]  # a literal address is not looked up
    except ValueError:
        addresses = None
    try:
        addresses = addresses or resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise Refused(DNS_FAILED) from exc
    if not addresses:
        raise Refused(DNS_FAILED)
    allowed = set(allow)
    if any(a not in allowed and not address_is_public(a) for a in addresses):
        raise Refused(BLOCKED_ADDRESS)
    return addresses[0]


def check_url(
    url: str,
    *,
    resolve: Resolver = system_resolve,
    request: Requester = http_request,
    allow: Iterable[str] = (),
    clock: Callable[[], float] = time.monotonic,
) -> CheckResult:
    """Check one URL; never raises for anything the URL or the network does.

    ``allow``: addresses exempt from the public-address rule. Only tests pass it (a local test
    server); nothing in the portal does.
    """
    deadline = clock() + TOTAL_TIMEOUT
    current, redirects, status = url.strip(), 0, None
    try:
        while True:
            scheme, host, port, target = _target(current)
            address = _public_address(host, port, resolve, allow)
            left = deadline - clock()
            if left <= 0:
                raise Refused(TIMEOUT)
            timeout = min(READ_TIMEOUT, left)
            answer = request(scheme, host, address, port, "HEAD", target, timeout)
            if answer.status in HEAD_REFUSED:
                answer = request(scheme, host, address, port, "GET", target, timeout)
            status = answer.status
            if status in REDIRECT_STATUSES and answer.location:
                if redirects >= MAX_REDIRECTS:
                    raise Refused(TOO_MANY_REDIRECTS)
                redirects += 1
                current = urljoin(current, answer.location.strip())
                continue
            outcome = OK if 200 <= status < 400 else HTTP_ERROR
            return CheckResult(outcome, status, current, redirects)
    except Refused as refused:
        return CheckResult(refused.outcome, status, current, redirects)
    except TimeoutError:
        return CheckResult(TIMEOUT, None, current, redirects)
    except ssl.SSLError:
        return CheckResult(TLS_FAILED, None, current, redirects)
    except (OSError, http.client.HTTPException, ValueError):
        return CheckResult(CONNECTION_FAILED, None, current, redirects)
