"""Hostile input, sent byte for byte over a real socket so no client library tidies it first.

Every request gets a correct answer or a clear 4xx: never a 500, never a file from outside its
folder, never markup that a browser would run, never an injected header, never evaluated template
syntax, and never a write to the database when the request should not write.
"""

import http.client
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tourapp import serve
from tourapp.chapters import (
    api,
    cities,
    errors,
    files,
    forms,
    hello,
    movies,
    path_params,
    query_params,
    responses,
    static_files,
    templates,
)
from tourapp.chapters.paths import ROOT

CHAPTERS = {
    "hello": hello,
    "query_params": query_params,
    "path_params": path_params,
    "responses": responses,
    "files": files,
    "movies": movies,
    "templates": templates,
    "static_files": static_files,
    "errors": errors,
    "cities": cities,
    "api": api,
    "forms": forms,
}
# Text that only files outside the served folders contain: seeing it means a traversal worked.
OUTSIDE = ["[build-system]", "root:x:0:0", "INSERT INTO cities", "def create_app"]
SCRIPT = "<script>alert(1)</script>"
TOKEN = "hostile-api-token"  # the API's (chapter 11) writes need it
AUTH = f"Authorization: Bearer {TOKEN}"
JSON = "Content-Type: application/json"
# Payloads too long to read inline in the tables below.
TEMPLATE_LOOP = "/greet/%7B%25%20for%20x%20in%20range(3)%20%25%7Dx%7B%25%20endfor%20%25%7D/"  # {% for %}…
LONG_NAME = b'{"name": "' + b"a" * 300 + b'", "population": 5}'
HUGE_POPULATION = b'{"name": "X", "population": ' + b"9" * 400 + b"}"
HUGE_BODY = b'{"name": "' + b"a" * 100_000 + b'"}'
OSLO = b'{"name": "Oslo", "population": 709000}'


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Serve every chapter once for the module; cities and the API share a fresh temporary database."""
    db = tmp_path_factory.mktemp("hostile") / "cities.db"
    apps = {name: module.app for name, module in CHAPTERS.items()}
    for name in ("cities", "api"):
        apps[name] = CHAPTERS[name].create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}", "API_TOKEN": TOKEN})
    running = {name: serve(app) for name, app in apps.items()}
    yield running
    for server in running.values():
        server.stop()


def send(server, method, target, headers=(), body=b""):
    """Send one raw HTTP/1.1 request and return (status, headers, body text)."""
    head = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if body:
        head.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "surrogateescape") + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        return response.status, response.headers, response.read().decode("utf-8", "replace")


def cities_count(server):
    status, _, body = send(server, "GET", "/cities")
    assert status == 200
    return len(json.loads(body)["cities"])


TRAVERSALS = [
    "../pyproject.toml",
    "../../pyproject.toml",
    "%2e%2e/%2e%2e/pyproject.toml",
    "..%2f..%2fpyproject.toml",
    "..%5c..%5cpyproject.toml",
    "..\\..\\pyproject.toml",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "hello.txt%00../../pyproject.toml",
    "%252e%252e/%252e%252e/pyproject.toml",
    "....//....//pyproject.toml",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/pyproject.toml",
]
FILE_ROUTES = [
    ("files", "/files/"),
    ("files", "/download/"),
    ("static_files", "/static/"),
    ("templates", "/static/"),
    ("errors", "/static/"),
]

# What jupyter-server-proxy would send, forged: only a plain path and http/https are believed.
FORGED_HEADERS = [
    "X-Forwarded-Prefix: //evil.example",
    "X-Forwarded-Prefix: //evil.example/x",
    "X-Forwarded-Prefix: http://evil.example/",
    'X-Forwarded-Prefix: /"><script>alert(1)</script>',
    "X-Forwarded-Prefix: /%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
    "X-Forwarded-Prefix: /a%0d%0aSet-Cookie:%20evil=1",
    "X-Forwarded-Prefix: /a\r\n Set-Cookie: evil=1",  # a folded header line: CR LF inside the value
    "X-Forwarded-Prefix: /user/../../evil.example",
    "X-Forwarded-Prefix: /user/%2e%2e/%2e%2e",
    "X-Forwarded-Prefix: /a, //evil.example",
    "X-Forwarded-Host: evil.example",
    "X-Forwarded-Host: evil.example\r\nX-Forwarded-Prefix: /user/ada/proxy/1",
    "X-Forwarded-Proto: https://evil.example/",
    "X-Forwarded-Proto: javascript",
    "X-Forwarded-Proto: <script>alert(1)</script>",
    "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Prefix: /ok",
]

# (chapter, method, target, extra headers, body, allowed statuses, what the body must not hold)
CASES = [
    # a 308 only merges doubled slashes (checked below: it stays inside the folder)
    *[
        (app, "GET", prefix + attack, (), b"", {308, 400, 404}, OUTSIDE)
        for app, prefix in FILE_ROUTES
        for attack in TRAVERSALS
    ],
    # markup and script in every echoed name: plain text, or escaped HTML
    ("query_params", "GET", "/greet?name=%3Cscript%3Ealert(1)%3C/script%3E", (), b"", {200}, []),
    # (a %2F in a path segment is a slash to the router, so these payloads avoid it)
    ("path_params", "GET", "/greet/%3Cimg%20src=x%20onerror=alert(1)%3E/", (), b"", {200}, []),
    ("path_params", "GET", "/greet-all/%3Cb%3Ex%3C/b%3E/%3Cimg%20src=x%20onerror=alert(1)%3E", (), b"", {200}, []),
    ("responses", "GET", "/users/%3Cimg%20src=x%20onerror=alert(1)%3E", (), b"", {200}, ["<img"]),
    ("responses", "POST", "/users/%3Cb%3Ebold/", (), b"", {201}, ["<b>"]),
    ("templates", "GET", "/greet/%3Cscript%3Ealert(1)%3C%5Cscript%3E/", (), b"", {200}, ["<script>"]),
    ("templates", "GET", "/greet/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/", (), b"", {200}, ["<img src=x"]),
    ("errors", "GET", "/users/%3Cscript%3Ealert(1)%3C%2Fscript%3E", (), b"", {404}, [SCRIPT]),
    ("errors", "GET", "/%3Cscript%3Ealert(1)%3C%2Fscript%3E", (), b"", {404}, [SCRIPT]),
    # template syntax is data, never evaluated
    ("templates", "GET", "/greet/%7B%7B7*7%7D%7D/", (), b"", {200}, ["49"]),
    ("templates", "GET", TEMPLATE_LOOP, (), b"", {200}, ["xxx"]),
    ("responses", "GET", "/users/%7B%7Bconfig%7D%7D", (), b"", {200}, ["SECRET_KEY"]),
    # CR/LF in names never becomes a header
    ("query_params", "GET", "/greet?name=x%0d%0aSet-Cookie:%20evil=1", (), b"", {200}, []),
    ("responses", "POST", "/users/x%0d%0aX-Injected:%201", (), b"", {201}, []),
    ("path_params", "GET", "/greet/x%0d%0aX-Injected:%201/", (), b"", {200}, []),
    # SQL fragments in ids
    ("cities", "GET", "/cities/1%20OR%201=1", (), b"", {404}, []),
    ("cities", "GET", "/cities/1;DROP%20TABLE%20cities", (), b"", {404}, []),
    ("api", "DELETE", "/cities/0%20OR%201=1", (), b"", {404, 405}, []),
    ("movies", "GET", "/movies/1%20OR%201=1", (), b"", {404}, []),
    ("api", "GET", "/cities?page=1%20OR%201=1", (), b"", {400}, []),
    ("api", "GET", "/cities?per_page=-1", (), b"", {400}, []),
    ("api", "GET", "/cities?per_page=100000000000000000000", (), b"", {400}, []),
    # malformed, oversized and wrongly typed JSON writes nothing
    ("api", "POST", "/cities", (JSON, AUTH), b"{bad json", {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b"[1, 2]", {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'"Vienna"', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'{"name": 5, "population": "many"}', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'{"name": "X", "population": true}', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'{"name": "X", "population": -5}', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), LONG_NAME, {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), HUGE_POPULATION, {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'{"name": "X", "population": 1e400}', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), HUGE_BODY, {400, 413}, []),
    ("api", "POST", "/cities", ("Content-Type: text/plain", AUTH), b'{"name": "X", "population": 5}', {400, 415}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b'{"name": "X", "population": 5', {400}, []),
    ("api", "POST", "/cities", (JSON, AUTH), b"\xff\xfe{}", {400}, []),
    # writes without exactly the token are refused (401) and write nothing; the token is never echoed
    ("api", "POST", "/cities", (JSON,), OSLO, {401}, []),
    ("api", "DELETE", "/cities/1", (), b"", {401}, []),
    ("api", "DELETE", "/cities/1", ("Authorization: Bearer hostile-guess",), b"", {401}, ["hostile-guess"]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Bearer {TOKEN.upper()}",), b"", {401}, [TOKEN.upper()]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Bearer  {TOKEN}",), b"", {401}, [TOKEN]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Bearer {TOKEN[:-1]}",), b"", {401}, [TOKEN[:-1]]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Bearer {TOKEN}x",), b"", {401}, [TOKEN]),
    ("api", "DELETE", "/cities/1", (f"Authorization: {TOKEN}",), b"", {401}, [TOKEN]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Basic {TOKEN}",), b"", {401}, [TOKEN]),
    ("api", "DELETE", "/cities/1", (f"Authorization: Bearer {TOKEN}, Bearer {TOKEN}",), b"", {401}, [TOKEN]),
    # two headers, a wrong one and the right one: never "any of them will do"
    ("api", "DELETE", "/cities/1", ("Authorization: Bearer hostile-guess", AUTH), b"", {401}, [TOKEN]),
    ("api", "DELETE", "/cities/1", ("Authorization: Bearer \xff\xfe\u00e9",), b"", {401}, []),  # not ASCII: no 500
    ("api", "DELETE", "/cities/1", ("Authorization: Bearer " + "a" * 8000,), b"", {401, 431}, []),
    ("api", "POST", "/cities", (JSON, "Authorization: Bearer"), OSLO, {401}, []),
    ("api", "POST", "/cities?token=" + TOKEN, (JSON,), OSLO, {401}, []),  # only the header counts
    # very long URLs and invalid UTF-8 percent-escapes
    ("query_params", "GET", "/greet?name=" + "a" * 70_000, (), b"", {200, 414, 431}, []),
    ("path_params", "GET", "/greet/" + "a" * 10_000 + "/", (), b"", {200}, []),
    ("hello", "GET", "/" + "x" * 70_000, (), b"", {404, 414}, []),
    ("query_params", "GET", "/greet?name=%ff%fe%c0", (), b"", {200}, []),
    ("path_params", "GET", "/greet/%ff%fe/", (), b"", {200, 404}, []),
    ("responses", "GET", "/users/%c3%28", (), b"", {200, 404}, []),
    ("templates", "GET", "/greet/%ed%a0%80/", (), b"", {200, 404}, []),
    ("cities", "GET", "/cities/%ff", (), b"", {404}, []),
    # forged proxy headers from another process on the host: they may change this response's
    # own paths, never send the browser to another host or put markup into the page
    *[
        (app, "GET", target, (header,), b"", statuses, ["evil.example", "<script", "<img src=x"])
        for app, target, statuses in [
            ("templates", "/greet/Lucia/", {200}),
            ("errors", "/nowhere", {404}),
            ("path_params", "/greet/Robert", {308}),
            ("static_files", "/static//sid.jpg", {308}),
        ]
        for header in FORGED_HEADERS
    ],
    ("api", "GET", "/cities/1%20OR%201=1", (), b"", {404}, []),
    ("cities", "GET", "/cities/99999999999999999999", (), b"", {404}, []),
]


@pytest.mark.parametrize(("chapter", "method", "target", "headers", "body", "statuses", "forbidden"), CASES)
def test_hostile_request_gets_a_clear_answer(servers, chapter, method, target, headers, body, statuses, forbidden):
    server = servers[chapter]
    before = cities_count(servers["cities"])
    status, response_headers, text = send(server, method, target, headers, body)
    assert status in statuses, f"{method} {target[:80]} -> {status}: {text[:300]}"
    location = response_headers.get("Location")
    if location is not None:
        # test that a redirect never names another host, not even as "//host" (a forged header's aim)
        assert not location.startswith("//") and urlsplit(location).hostname in (None, "127.0.0.1"), location
    if status == 308 and not any("X-Forwarded" in header for header in headers):
        prefix = target[: target.index("/", 1) + 1]
        assert response_headers["Location"].split("127.0.0.1", 1)[-1].startswith(prefix)
        assert ".." not in response_headers["Location"]
    for fragment in forbidden:
        assert fragment not in text
    if "html" in response_headers.get("Content-Type", ""):
        # test that echoed markup comes back escaped: no live tag a browser would act on
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text
    # test that CR/LF in input never splits a header
    assert "X-Injected" not in response_headers and ("Set-Cookie" not in response_headers or chapter == "forms")
    # test that a request which should not write leaves the database as it was
    assert cities_count(servers["cities"]) == before


def _wrong_methods():
    """List (chapter, method, url) for every route and every method it does not accept."""
    cases = []
    for name, module in CHAPTERS.items():
        for rule in module.app.url_map.iter_rules():
            url = re.sub(
                r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: "1" if m.group(1) == "int" else "style.css", rule.rule
            )
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                if not any(method in r.methods for r in module.app.url_map.iter_rules() if r.rule == rule.rule):
                    cases.append((name, method, url))
    return cases


@pytest.mark.parametrize(("chapter", "method", "url"), _wrong_methods())
def test_every_wrong_method_gets_405_with_allow(servers, chapter, method, url):
    status, headers, _ = send(servers[chapter], method, url)
    assert status == 405, f"{method} {url} -> {status}"
    assert "GET" in headers["Allow"] or "POST" in headers["Allow"]


def _form_session(server):
    """GET the guestbook like a browser: return (session cookie header, CSRF token)."""
    status, headers, body = send(server, "GET", "/guestbook")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    return cookie, re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


FORM = "Content-Type: application/x-www-form-urlencoded"
# (case, target, body with {token}, use the cookie, allowed statuses, what the page must hold)
FORM_CASES = [
    (
        "over-long name",
        "/guestbook",
        "csrf_token={token}&name=" + "a" * 5000 + "&message=hi",
        True,
        {400},
        "at most 40",
    ),
    ("over-long body", "/guestbook", "csrf_token={token}&name=x&message=" + "m" * 20_000, True, {400, 413}, ""),
    ("missing fields", "/guestbook", "csrf_token={token}", True, {400}, "Please give your name."),
    (
        "markup in fields",
        "/guestbook",
        "csrf_token={token}&name=%3Cscript%3Ealert(1)%3C/script%3E&message=",
        True,
        {400},
        "&lt;script&gt;",
    ),
    (
        "markup flashed",
        "/guestbook",
        "csrf_token={token}&name=%3Cimg%20src=x%20onerror=alert(1)%3E&message=hi",
        True,
        {302},
        "",
    ),
    ("no CSRF token", "/guestbook", "name=x&message=hi", True, {400}, "CSRF token is missing"),
    (
        "foreign CSRF token",
        "/guestbook",
        "csrf_token={token}&name=x&message=hi",
        False,
        {400},
        "CSRF session token is missing",
    ),
    (
        "forged CSRF token",
        "/guestbook",
        "csrf_token=IjAwMCI.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb&name=x&message=hi",
        True,
        {400},
        "CSRF token is invalid",
    ),
    (
        "open redirect",
        "/login?next=https://evil.example/",
        "csrf_token={token}&username=ada&password=lovelace",
        True,
        {302},
        "",
    ),
    (
        "open redirect //",
        "/login?next=//evil.example/",
        "csrf_token={token}&username=ada&password=lovelace",
        True,
        {302},
        "",
    ),
    (
        "open redirect \\",
        "/login?next=/%5Cevil.example/",
        "csrf_token={token}&username=ada&password=lovelace",
        True,
        {302},
        "",
    ),
    (
        "markup in log-in name",
        "/login",
        "csrf_token={token}&username=%3Cb%3Ebold&password=x",
        True,
        {400},
        "&lt;b&gt;bold",
    ),
]


@pytest.mark.parametrize(
    ("case", "target", "body", "with_cookie", "statuses", "shown"), FORM_CASES, ids=[c[0] for c in FORM_CASES]
)
def test_hostile_form_posts_get_a_clear_answer(servers, case, target, body, with_cookie, statuses, shown):
    server = servers["forms"]
    cookie, token = _form_session(server)
    headers = [FORM, f"Cookie: {cookie}"] if with_cookie else [FORM]
    status, response_headers, text = send(server, "POST", target, headers, body.format(token=token).encode())
    assert status in statuses, f"{case}: {status} {text[:300]}"
    assert shown in text
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text
    if status == 302:  # test that a redirect never leaves the site
        assert response_headers["Location"].startswith("/") and not response_headers["Location"].startswith(
            ("//", "/\\")
        )
        # and that the flashed markup on the next page is escaped
        next_cookie = response_headers["Set-Cookie"].split(";")[0]
        status, _, page = send(server, "GET", "/guestbook", [f"Cookie: {next_cookie}"])
        assert status == 200 and "<img src=x" not in page and "<script>alert" not in page


@pytest.mark.parametrize(
    "cookie",
    [
        "session=eyJ1c2VyIjoiYWRhIn0",  # unsigned data that says user=ada
        "session=eyJ1c2VyIjoiYWRhIn0.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb",  # a made-up signature
        "session=.eJyrVkotLs4szlOyUlBKTEksS1XSUUpKLMnMz1MqzszNT0ksSdVRSsrPz1aqBQD1Aw4N.xx.yy",
        "session=" + "A" * 3000,
    ],
)
def test_forged_or_tampered_session_cookie_is_no_session(servers, cookie):
    # test that /account, which needs a logged-in user, sends the bearer of a bad cookie to log in
    status, headers, _ = send(servers["forms"], "GET", "/account", [f"Cookie: {cookie}"])
    assert status == 302 and headers["Location"] == "/login?next=/account"


def test_the_table_is_big_enough():
    assert len(CASES) >= 40


def test_traversal_targets_exist_outside():
    # test that the files the traversals aim at really exist, so a 404 means "refused"
    assert "[build-system]" in (ROOT / "pyproject.toml").read_text()


def test_served_chapters_listen_on_loopback_only_without_debug(servers, monkeypatch):
    for server in servers.values():
        assert server._httpd.socket.getsockname()[0] == "127.0.0.1"
        assert server.app.debug is False
        assert "Debugged" not in type(server._httpd.app).__name__  # no debugger middleware around it
        assert server._httpd.app.wrapped.app is server.app  # only the Allow order and the proxy prefix around it
    # test that FLASK_DEBUG=1 in the kernel's environment still serves without debug mode
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = Flask("tourapp.chapters.hello")  # created while FLASK_DEBUG=1 is set
    app.add_url_rule("/", "hello", lambda: "Hello there!")
    assert app.debug is True
    with serve(app) as server:
        assert app.debug is False
        status, _, _ = send(server, "GET", "/")
        assert status == 200


# Chapter 15's app on PostgreSQL (behind one proxy), behind the same raw socket: SQL-looking input is data,
# big bodies are refused before they are read, forged hosts and forwarded addresses are not believed.
SQL_NAMES = ["x'); DROP TABLE cities;--", "$$; TRUNCATE cities; $$", "\\\\x27 OR 1=1 --"]
OVER_16_KB = b"a" * 20_000  # chapter 15's MAX_CONTENT_LENGTH is 16 KiB
PRODUCTION_CASES = [
    *[
        ("POST", "/cities", (JSON, AUTH), b'{"name": "%s", "population": 1}' % name.encode(), {201}, 1)
        for name in SQL_NAMES
    ],
    ("GET", "/cities/1%3BDELETE%20FROM%20cities", (), b"", {404}, 0),
    ("POST", "/cities", (JSON,), OSLO, {401}, 0),  # no token, no write
    ("DELETE", "/cities/1", ("Authorization: Bearer guess",), b"", {401}, 0),
    ("GET", "/cities?page=1%3B%20DROP%20TABLE%20cities", (), b"", {400}, 0),
    ("POST", "/cities", (JSON, AUTH), b'{"name": "' + OVER_16_KB + b'", "population": 1}', {413}, 0),
    ("POST", "/cities", (FORM, AUTH), b"name=" + OVER_16_KB, {400, 413}, 0),
    ("GET", "/cities/1", ("X-Forwarded-Host: evil.example.com\r\nX-Injected: 1",), b"", {200, 400}, 0),
]


@pytest.fixture(scope="module")
def production_server(postgres_cluster):
    """Serve chapter 15's app on a fresh PostgreSQL database, with TRUSTED_HOSTS set, as if behind one proxy."""
    from tourapp.chapters import database

    app = database.create_app(
        {
            "SQLALCHEMY_DATABASE_URI": postgres_cluster.create_database(),
            "SECRET_KEY": "hostile-tests",
            "API_TOKEN": TOKEN,
            "TRUSTED_HOSTS": ["127.0.0.1"],
            "PROXIES": 1,
        }
    )
    with serve(app) as server:
        yield server
    with app.app_context():
        from tourapp.chapters.db import db

        db.engine.dispose()


@pytest.mark.parametrize(("method", "target", "headers", "body", "statuses", "added"), PRODUCTION_CASES)
def test_hostile_request_to_production_on_postgresql(production_server, method, target, headers, body, statuses, added):
    before = cities_count(production_server)
    status, response_headers, text = send(production_server, method, target, headers, body)
    assert status in statuses, f"{method} {target[:80]} -> {status}: {text[:300]}"
    assert "X-Injected" not in response_headers
    assert cities_count(production_server) == before + added
    if status == 201:  # test that the name is stored exactly as sent, SQL and all
        sent = json.loads(body)["name"]
        status, _, stored = send(production_server, "GET", response_headers["Location"])
        assert json.loads(stored)["name"] == sent


def test_a_forged_host_is_refused_by_trusted_hosts(production_server):
    # test that a host named through the proxy's header is checked too (ProxyFix x_host=1)
    status, _, text = send(production_server, "GET", "/cities/1", ("X-Forwarded-Host: evil.example.com",))
    assert status == 400 and "not trusted" in text
