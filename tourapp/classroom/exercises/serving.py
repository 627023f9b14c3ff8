"""Chapter 14's exercises: the app behind two proxies, and a smaller body limit."""

from werkzeug.middleware.proxy_fix import ProxyFix

from .api import token_header
from .expect import Miss, expect_json, expect_status, json_body
from .registry import exercise

FRESH = 'build it on a database of its own: serving.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database()})'
CLIENT = "203.0.113.7"  # the client, as the first of two proxies saw it


@exercise(
    "14.1",
    "Two proxies",
    name="two_proxies_app",
    own_database=FRESH,
    goal="behind a load balancer and nginx, /request-info reports the client's address, "
    "not a proxy's nor a forged one.",
)
def two_proxies(probe):
    """Check that the app believes exactly two X-Forwarded-For values."""
    for forwarded in (f"{CLIENT}, 10.0.0.2", f"6.6.6.6, {CLIENT}, 10.0.0.2"):
        response = probe.get("/request-info", headers={"X-Forwarded-For": forwarded})
        expect_status(response, 200, "start from serving.create_app(…), which has the /request-info route")
        seen = response.json().get("remote_addr")
        if seen == "10.0.0.2":
            raise Miss(
                f"with X-Forwarded-For: {forwarded}, remote_addr was 10.0.0.2, the load balancer. Hint: two proxies "
                'each add one address: tell the app how many there are, {"PROXIES": 2}.'
            )
        if seen == "127.0.0.1" and not isinstance(probe.app.wsgi_app, ProxyFix):
            raise Miss(
                f"with X-Forwarded-For: {forwarded}, remote_addr was 127.0.0.1: the app believes no forwarded "
                'header, as it should when reached directly. Hint: behind two proxies, {"PROXIES": 2}.'
            )
        if seen == "127.0.0.1" and forwarded.count(",") == 1:
            raise Miss(
                f"with X-Forwarded-For: {forwarded}, remote_addr was 127.0.0.1: the app trusts more values than "
                'the two proxies send, so it believes none. Hint: {"PROXIES": 2}.'
            )
        if seen == "6.6.6.6":
            raise Miss(
                f"with X-Forwarded-For: {forwarded}, remote_addr was 6.6.6.6, an address the client wrote itself. "
                'Hint: trust only as many values as there are proxies: {"PROXIES": 2}.'
            )
        expect_json(
            response,
            {**response.json(), "remote_addr": CLIENT},
            'serving.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(), "PROXIES": 2})',
        )


@exercise(
    "14.2",
    "A smaller limit",
    name="small_body_app",
    own_database=FRESH,
    goal="POST /cities refuses a body over 1 KiB with a JSON 413 and still takes a city of a few bytes.",
)
def small_body(probe):
    """Check that MAX_CONTENT_LENGTH is 1024: a 2 KiB city is refused, a small one is created."""
    big = {"name": "x" * 200, "population": 1, "padding": "y" * 2000}
    auth = token_header(probe)
    response = probe.post("/cities", json=big, headers=auth)
    expect_status(
        response, 413, 'set MAX_CONTENT_LENGTH to 1024 in the settings create_app gets: {"MAX_CONTENT_LENGTH": 1024, …}'
    )
    body = json_body(response)
    description = body.get("description") if isinstance(body, dict) else None  # Werkzeug's own words
    expect_json(response, {"code": 413, "description": description, "name": "Request Entity Too Large"})
    response = probe.post("/cities", json={"name": "Oslo", "population": 709000}, headers=auth)
    expect_status(response, 201, "1024 bytes is plenty for a city: keep the limit at 1024, not lower")
