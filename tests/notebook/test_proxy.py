"""Apps served behind jupyter-server-proxy learn their prefix from X-Forwarded-Prefix, over a real socket.

The headers are the ones jupyter-server-proxy 4.6 sends; the browser's view is checked by
resolving each link and Location against the public URL, the way a browser does.
"""

import pytest
import requests
from flask import Flask, redirect, url_for
from yarl import URL  # comes with jupyter-server-proxy (through aiohttp)

from tourapp import serve
from tourapp.chapters import api, errors, path_params, static_files, templates
from tourapp.notebook.proxy import _plain_path, _relative_path

PREFIX = "/user/ada/proxy/8888"
HUB = "http://127.0.0.1:8000"  # where the browser is; only used to resolve URLs, never contacted


def urljoin(base, reference):
    """Resolve a reference as a browser does (RFC 3986: empty segments count, unlike urllib's urljoin)."""
    return str(URL(base).join(URL(reference)))


def get(server, path, **headers):
    """GET a path from the app as jupyter-server-proxy would pass it on, without following redirects."""
    return requests.get(f"{server.url}{path}", headers=headers, allow_redirects=False, timeout=10)


def redirect_app():
    """Build an app whose views redirect with redirect() and url_for, and to another site."""
    app = Flask("redirects")

    @app.get("/login")
    def login():
        return redirect(url_for("welcome", who="ada"))

    @app.get("/welcome/<who>")
    def welcome(who):
        return f"Welcome {who}"

    @app.get("/away")
    def away():
        return redirect("https://flask.palletsprojects.com/")

    @app.get("/fixed")
    def fixed():
        return redirect("/welcome/bob")

    return app


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """Serve the chapters that build URLs, once for the module."""
    db = tmp_path_factory.mktemp("proxy") / "cities.db"
    running = {
        "path_params": serve(path_params.app),
        "templates": serve(templates.app),
        "static_files": serve(static_files.app),
        "errors": serve(errors.app),
        "api": serve(api.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}"})),
        "redirects": serve(redirect_app()),
    }
    yield running
    for server in running.values():
        server.stop()


@pytest.mark.parametrize(
    ("chapter", "path", "links"),
    [
        # test that url_for's stylesheet and image carry the prefix, and the fixed path does not
        (
            "static_files",
            "/",
            [
                'href="/user/ada/proxy/8888/static/style.css"',
                'src="/user/ada/proxy/8888/static/sid.jpg"',
                'src="/static/sid.jpg"',
            ],
        ),
        ("templates", "/greet/Lucia/", ['href="/user/ada/proxy/8888/static/style.css"']),
        # test that the custom 404 page links its stylesheet under the prefix
        ("errors", "/nowhere", ['href="/user/ada/proxy/8888/static/style.css"']),
    ],
)
def test_pages_link_their_assets_under_the_prefix(apps, chapter, path, links):
    response = get(apps[chapter], path, **{"X-Forwarded-Prefix": PREFIX})
    for link in links:
        assert link in response.text
    # test that the assets the page links to are really there, through the prefix
    assert get(apps[chapter], "/static/style.css", **{"X-Forwarded-Prefix": PREFIX}).status_code == 200


def test_the_same_requests_without_the_header_are_unchanged(apps):
    # test that requests from the kernel (no proxy headers) build the URLs the notebooks recorded
    page = get(apps["static_files"], "/").text
    assert 'href="/static/style.css"' in page and 'src="/static/sid.jpg"' in page and PREFIX not in page
    moved = get(apps["path_params"], "/greet/Robert")
    assert moved.headers["Location"] == f"{apps['path_params'].url}/greet/Robert/"
    assert get(apps["redirects"], "/login").headers["Location"] == "/welcome/ada"


@pytest.mark.parametrize(
    ("chapter", "path", "landing"),
    [
        # test that the routing 308 (a missing trailing slash) lands on the page under the prefix
        ("path_params", "/greet/Robert", "/greet/Robert/"),
        ("path_params", "/greet/Robert?x=1", "/greet/Robert/?x=1"),
        # test that the 308 merging doubled slashes stays under the prefix
        ("static_files", "/static//sid.jpg", "/static/sid.jpg"),
        ("path_params", "/greet//Robert/", "/greet/Robert/"),
        # test that redirect(url_for(...)) in a view lands under the prefix, once
        ("redirects", "/login", "/welcome/ada"),
        # test that a fixed path stays path-absolute: jupyter-server-proxy puts its prefix before it
        ("redirects", "/fixed", None),
    ],
)
def test_redirects_land_under_the_prefix(apps, chapter, path, landing):
    response = get(apps[chapter], path, **{"X-Forwarded-Prefix": PREFIX})
    assert response.status_code in (302, 308)
    location = response.headers["Location"]
    if landing is None:
        assert location == "/welcome/bob"
        return
    # test that the Location names no host and no absolute path a proxy could misplace
    assert "//" not in location and not location.startswith("/")
    assert urljoin(f"{HUB}{PREFIX}{path}", location) == f"{HUB}{PREFIX}{landing}"
    # test that the page it names is there
    assert get(apps[chapter], landing, **{"X-Forwarded-Prefix": PREFIX}).status_code == 200


def test_redirect_to_another_site_is_left_alone(apps):
    response = get(apps["redirects"], "/away", **{"X-Forwarded-Prefix": PREFIX})
    assert response.headers["Location"] == "https://flask.palletsprojects.com/"


def test_an_https_hub_behind_a_tls_terminating_proxy(apps):
    headers = {"X-Forwarded-Prefix": PREFIX, "X-Forwarded-Proto": "https"}
    # test that URLs the app builds in full (the redirect page's link) name https, under the prefix
    body = get(apps["path_params"], "/greet/Robert", **headers).text
    assert f"https://127.0.0.1:{apps['path_params'].port}{PREFIX}/greet/Robert/" in body
    # test that the redirect stays relative, so the browser keeps https and the hub's host
    location = get(apps["path_params"], "/greet/Robert", **headers).headers["Location"]
    assert (
        urljoin(f"https://hub.example.org{PREFIX}/greet/Robert", location)
        == f"https://hub.example.org{PREFIX}/greet/Robert/"
    )
    # test that the pages' links are path-absolute, hence https on an https page
    assert 'href="/user/ada/proxy/8888/static/style.css"' in get(apps["errors"], "/nowhere", **headers).text
    # test that the scheme alone (no prefix) is honoured too
    alone = get(apps["path_params"], "/greet/Robert", **{"X-Forwarded-Proto": "https"})
    assert alone.headers["Location"] == f"https://127.0.0.1:{apps['path_params'].port}/greet/Robert/"


def test_the_chart_and_the_json_links_carry_the_prefix(apps):
    chart = get(apps["api"], "/cities/chart.svg", **{"X-Forwarded-Prefix": PREFIX})
    assert chart.status_code == 200 and chart.headers["Content-Type"].startswith("image/svg+xml")
    listing = get(apps["api"], "/cities?per_page=1", **{"X-Forwarded-Prefix": PREFIX}).json()
    assert listing["next"].startswith(f"{PREFIX}/cities?")


def test_static_about_page_links_relatively(apps):
    about = get(apps["static_files"], "/about", **{"X-Forwarded-Prefix": PREFIX}).text
    assert 'href="static/style.css"' in about
    assert urljoin(f"{HUB}{PREFIX}/about", "static/style.css") == f"{HUB}{PREFIX}/static/style.css"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/user/ada/proxy/8888", "/user/ada/proxy/8888"),
        ("/user/ada/proxy/8888/", "/user/ada/proxy/8888"),
        ("/user/a%40b/proxy/localhost:5000", "/user/a%40b/proxy/localhost:5000"),
        ("/", None),
        ("", None),
        ("user/ada", None),
        ("//evil.example", None),
        ("//evil.example/x", None),
        ("/a//b", None),
        ("/user/../../admin", None),
        ("/user/%2e%2E/admin", None),
        ("/user/./x", None),
        ('/"><script>alert(1)</script>', None),
        ("/a b", None),
        ("/a\\b", None),
        ("/a,/b", None),
        ("/a\r\nSet-Cookie: x=1", None),
        ("http://evil.example/", None),
        ("/%zz", None),
    ],
)
def test_only_a_plain_path_is_a_prefix(value, expected):
    assert _plain_path(value) == expected


@pytest.mark.parametrize(
    ("base", "target", "relative"),
    [
        ("/greet/Robert", "/greet/Robert/", "Robert/"),
        ("/", "/", "./"),
        ("/a", "/", "./"),
        ("/a/b/c", "/", "../../"),
        ("/static//x", "/static/x", "../x"),
        ("/a", "//x", ".//x"),
        ("/a", "/b:c", "./b:c"),
        ("/x/y", "/x/y", "y"),
    ],
)
def test_relative_path_resolves_back_to_the_target(base, target, relative):
    assert _relative_path(base, target) == relative
    assert urljoin(f"http://h{PREFIX}{base}", relative) == f"http://h{PREFIX}{target}"
