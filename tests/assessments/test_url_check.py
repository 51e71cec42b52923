"""The URL checker of the OIT readiness board never reaches a private address, whatever the URL,
the name's DNS answer or a redirect says; it follows few redirects, falls back from HEAD to GET."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from assessments import url_check
from assessments.url_check import Response, check_url

PUBLIC = "93.184.216.34"


def resolver(mapping: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise OSError("no such name")
        return mapping[host]

    return resolve


class Server:
    """A scripted remote side: answers by (method, host, target); records every request."""

    def __init__(self, answers: dict[tuple[str, str, str], Response]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str, str, int, str, str]] = []

    def __call__(self, scheme, host, address, port, method, target, timeout) -> Response:
        self.calls.append((scheme, host, address, port, method, target))
        return self.answers.get((method, host, target), Response(404, None))


def never(*args, **kwargs):
    raise AssertionError("no connection may be made")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "10.255.255.254",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.1.1.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:a00:1::",
        "not-an-address",
    ],
)
def test_address_is_public_refuses(address):
    assert url_check.address_is_public(address) is False


@pytest.mark.parametrize("address", [PUBLIC, "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_address_is_public_accepts(address):
    assert url_check.address_is_public(address) is True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/oit",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
    ],
)
def test_check_url_refuses_literal_private_addresses(url):
    result = check_url(url, resolve=url_check.system_resolve, request=never)
    assert result.outcome == url_check.BLOCKED_ADDRESS
    assert result.ok is False


@pytest.mark.parametrize("target", [["127.0.0.1"], ["10.0.0.5"], ["169.254.169.254"], ["::1"]])
def test_check_url_refuses_a_name_that_resolves_to_a_private_address(target):
    result = check_url(
        "https://intranet.example.go.th/o1",
        resolve=resolver({"intranet.example.go.th": target}),
        request=never,
    )
    assert result.outcome == url_check.BLOCKED_ADDRESS


def test_check_url_refuses_when_any_resolved_address_is_private():
    resolve = resolver({"mixed.example": [PUBLIC, "10.0.0.1"]})
    assert (
        check_url("http://mixed.example/", resolve=resolve, request=never).outcome
        == url_check.BLOCKED_ADDRESS
    )


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)"]
)
def test_check_url_refuses_other_schemes(url):
    assert check_url(url, resolve=never, request=never).outcome == url_check.BAD_SCHEME


@pytest.mark.parametrize(
    "url", ["http://", "http://exa mple.com/", "http://example.com:99999/", "https://[::1/"]
)
def test_check_url_invalid_urls(url):
    assert check_url(url, resolve=never, request=never).outcome == url_check.INVALID_URL


def test_check_url_pins_the_resolved_address_and_sends_the_host():
    server = Server({("HEAD", "www.example.go.th", "/oit/o1?y=2566"): Response(200, None)})
    resolve = resolver({"www.example.go.th": [PUBLIC]})
    result = check_url("https://www.example.go.th/oit/o1?y=2566", resolve=resolve, request=server)
    assert result.ok
    assert result.status_code == 200
    assert server.calls == [("https", "www.example.go.th", PUBLIC, 443, "HEAD", "/oit/o1?y=2566")]


def test_check_url_falls_back_to_get_when_head_is_refused():
    server = Server(
        {("HEAD", "a.example", "/"): Response(405, None), ("GET", "a.example", "/"): Response(200, None)}
    )
    result = check_url("http://a.example/", resolve=resolver({"a.example": [PUBLIC]}), request=server)
    assert (result.outcome, result.status_code) == (url_check.OK, 200)
    assert [c[4] for c in server.calls] == ["HEAD", "GET"]


def test_check_url_reports_an_http_error():
    server = Server({})  # 404 to HEAD and GET
    result = check_url("http://a.example/gone", resolve=resolver({"a.example": [PUBLIC]}), request=server)
    assert (result.outcome, result.status_code) == (url_check.HTTP_ERROR, 404)


def test_check_url_follows_redirects_and_checks_each_target():
    server = Server(
        {
            ("HEAD", "a.example", "/"): Response(301, "https://b.example/new"),
            ("HEAD", "b.example", "/new"): Response(302, "/final"),
            ("HEAD", "b.example", "/final"): Response(200, None),
        }
    )
    resolve = resolver({"a.example": [PUBLIC], "b.example": ["1.1.1.1"]})
    result = check_url("http://a.example/", resolve=resolve, request=server)
    assert (result.outcome, result.redirects, result.final_url) == (
        url_check.OK,
        2,
        "https://b.example/final",
    )
    assert [(c[0], c[2], c[3]) for c in server.calls] == [
        ("http", PUBLIC, 80),
        ("https", "1.1.1.1", 443),
        ("https", "1.1.1.1", 443),
    ]


def test_check_url_refuses_a_redirect_to_a_private_address():
    server = Server({("HEAD", "a.example", "/"): Response(302, "http://169.254.169.254/latest/meta-data/")})
    result = check_url("http://a.example/", resolve=resolver({"a.example": [PUBLIC]}), request=server)
    assert result.outcome == url_check.BLOCKED_ADDRESS
    assert len(server.calls) == 1  # the metadata address was never contacted


def test_check_url_refuses_a_redirect_to_a_name_of_a_private_address():
    server = Server({("HEAD", "a.example", "/"): Response(307, "http://internal.example/admin")})
    resolve = resolver({"a.example": [PUBLIC], "internal.example": ["10.0.0.8"]})
    result = check_url("http://a.example/", resolve=resolve, request=server)
    assert result.outcome == url_check.BLOCKED_ADDRESS
    assert len(server.calls) == 1


def test_check_url_refuses_a_redirect_to_another_scheme():
    server = Server({("HEAD", "a.example", "/"): Response(302, "file:///etc/passwd")})
    result = check_url("http://a.example/", resolve=resolver({"a.example": [PUBLIC]}), request=server)
    assert result.outcome == url_check.BAD_SCHEME


def test_check_url_stops_after_the_redirect_limit():
    answers = {("HEAD", "a.example", f"/{n}"): Response(302, f"/{n + 1}") for n in range(20)}
    server = Server(answers)
    result = check_url("http://a.example/0", resolve=resolver({"a.example": [PUBLIC]}), request=server)
    assert result.outcome == url_check.TOO_MANY_REDIRECTS
    assert len(server.calls) == url_check.MAX_REDIRECTS + 1


def test_check_url_answers_network_failures_without_raising():
    def timeout(*args):
        raise TimeoutError

    def refused(*args):
        raise ConnectionRefusedError

    resolve = resolver({"a.example": [PUBLIC]})
    assert check_url("http://a.example/", resolve=resolve, request=timeout).outcome == url_check.TIMEOUT
    assert (
        check_url("http://a.example/", resolve=resolve, request=refused).outcome
        == url_check.CONNECTION_FAILED
    )
    assert (
        check_url("http://nowhere.example/", resolve=resolve, request=never).outcome == url_check.DNS_FAILED
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.server.seen.append(("HEAD", self.path, self.headers["Host"]))  # before answering: no race
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/")
        elif self.path in ("/no-head", "/drip"):
            self.send_response(405)
        else:
            self.send_response(200)
        self.end_headers()

    def do_GET(self):
        self.server.seen.append(("GET", self.path, self.headers["Host"]))
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        if self.path != "/drip":
            self.wfile.write(b"x" * 100000)
            return
        try:
            for _ in range(40):
                self.wfile.write(b"x" * 100)
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the checker hung up

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_check_url_real_connection_refused_without_the_test_allowance(local_server):
    port = local_server.server_address[1]
    result = check_url(f"http://127.0.0.1:{port}/ok")
    assert result.outcome == url_check.BLOCKED_ADDRESS
    assert local_server.seen == []


def test_check_url_real_connection_with_the_test_allowance(local_server):
    """The real pinned connection: a name resolved to the local server, Host carries the name."""
    port = local_server.server_address[1]
    resolve = resolver({"oit.example.go.th": ["127.0.0.1"]})
    allow = {"127.0.0.1"}
    ok = check_url(f"http://oit.example.go.th:{port}/redirect", resolve=resolve, allow=allow)
    assert (ok.outcome, ok.status_code, ok.redirects) == (url_check.OK, 200, 1)
    no_head = check_url(f"http://oit.example.go.th:{port}/no-head", resolve=resolve, allow=allow)
    assert (no_head.outcome, no_head.status_code) == (url_check.OK, 200)
    blocked = check_url(f"http://oit.example.go.th:{port}/to-metadata", resolve=resolve, allow=allow)
    assert blocked.outcome == url_check.BLOCKED_ADDRESS
    assert local_server.seen == [
        ("HEAD", "/redirect", f"oit.example.go.th:{port}"),
        ("HEAD", "/ok", f"oit.example.go.th:{port}"),
        ("HEAD", "/no-head", f"oit.example.go.th:{port}"),
        ("GET", "/no-head", f"oit.example.go.th:{port}"),
        ("HEAD", "/to-metadata", f"oit.example.go.th:{port}"),
    ]


def test_check_url_sends_thai_names_and_paths_encoded():
    server = Server(
        {
            ("HEAD", "xn--o3cw4h.xn--o3cw4h", "/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7?q=%E0%B8%81"): Response(
                200, None
            )
        }
    )
    resolve = resolver({"xn--o3cw4h.xn--o3cw4h": [PUBLIC]})
    result = check_url("https://ไทย.ไทย/ข่าว?q=ก", resolve=resolve, request=server)
    assert result.ok, server.calls


def test_check_url_gives_up_on_a_server_that_drips_its_body(local_server, monkeypatch):
    """GET of /drip sends 100,000 bytes; with a read budget shorter than that takes, it is a timeout."""
    port = local_server.server_address[1]
    resolve = resolver({"oit.example.go.th": ["127.0.0.1"]})
    monkeypatch.setattr(url_check, "READ_TIMEOUT", 0.5)
    result = check_url(f"http://oit.example.go.th:{port}/drip", resolve=resolve, allow={"127.0.0.1"})
    assert result.outcome == url_check.TIMEOUT
