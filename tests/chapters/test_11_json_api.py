"""Chapter 11: the cities as a JSON API: pages, POST and DELETE that refuse bad input and need a token, a chart,
concurrency."""

import base64
import random
import threading
import xml.etree.ElementTree as ET

import pytest
import requests
from flask import abort, request

from tests.helpers.support import (
    TUTORIAL,
    factory_placeholder,
    flask_cli,
    from_notebook,
    rows,
    run_check,
    try_it_test_on_fresh_databases,
)
from tests.helpers.support import grown as grown_from
from tourapp.chapters import api, cities
from tourapp.chapters.db import City, db

SVG = "{http://www.w3.org/2000/svg}"
TOKEN = "test-api-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(db_path):
    """Create the cities API on a fresh database of its own, with an API token."""
    return api.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "API_TOKEN": TOKEN})


@pytest.fixture
def client(app):
    """A test client that sends the API token with every request, as a program allowed to write does."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = AUTH["Authorization"]
    return client


@pytest.fixture
def anonymous(app):
    """A test client that sends no token."""
    return app.test_client()


def test_cities_without_page_answers_chapter_10s_body(client, db_path):
    response = client.get("/cities")
    assert response.get_json() == {"cities": TUTORIAL}
    # test that the bytes are chapter 10's too, on the same database
    classic = cities.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    assert response.data == classic.test_client().get("/cities").data


def test_one_city_and_a_missing_one(client):
    assert client.get("/cities/3").get_json() == TUTORIAL[2]
    response = client.get("/cities/99")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "description": "no city has id 99", "name": "Not Found"}
    assert client.get("/cities/99999999999999999999").status_code == 404  # beyond 64 bits: no route, no overflow


@pytest.mark.parametrize(
    ("query", "ids", "meta"),
    [
        # test that pages cut the id-ordered list, with links to their neighbours
        ("page=1&per_page=3", [1, 2, 3], {"page": 1, "pages": 3, "prev": None, "next": "/cities?page=2&per_page=3"}),
        (
            "page=2&per_page=3",
            [4, 5, 6],
            {"page": 2, "pages": 3, "prev": "/cities?page=1&per_page=3", "next": "/cities?page=3&per_page=3"},
        ),
        ("page=3&per_page=3", [7, 8], {"page": 3, "pages": 3, "prev": "/cities?page=2&per_page=3", "next": None}),
        ("page=4&per_page=3", [], {"page": 4, "pages": 3, "next": None}),  # test that past the end is empty, not 404
        ("per_page=100", list(range(1, 9)), {"page": 1, "pages": 1, "per_page": 100}),  # test the largest page
        ("page=1", list(range(1, 9)), {"per_page": 20, "total": 8}),  # test the default page size
    ],
)
def test_pagination(client, query, ids, meta):
    response = client.get(f"/cities?{query}")
    assert response.status_code == 200
    body = response.get_json()
    assert [city["id"] for city in body["cities"]] == ids
    assert body["total"] == 8
    assert meta.items() <= body.items()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        # test that nonsense paging is a 400 naming the parameter, never a silent default
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),  # test that per_page is bounded
        ("per_page=-1", "per_page"),
        ("per_page=abc", "per_page"),
        ("per_page=1.5", "per_page"),
        ("per_page=", "per_page"),
        ("per_page=+3", "per_page"),
        ("per_page=%D9%A3", "per_page"),  # an Arabic-Indic digit three, which int() would accept
        ("per_page=99999999999999999999", "per_page"),
        ("page=0", "page"),
        ("page=x&per_page=3", "page"),
        ("page=1000001", "page"),
        ("page=99999999999999999999999", "page"),  # test that a huge page cannot overflow the OFFSET
    ],
)
def test_bad_pagination_is_a_400(client, query, field):
    response = client.get(f"/cities?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"code", "description", "name"} and body["code"] == 400
    # test that the description names the parameter at fault first
    assert body["description"].startswith(f"{field} must be a whole number")


def test_post_creates_a_city_with_201_and_location(client, db_path):
    response = client.post("/cities", json={"name": "Košice", "population": 229000})
    assert response.status_code == 201
    assert response.get_json() == {"id": 9, "name": "Košice", "population": 229000}
    assert response.headers["Location"] == "/cities/9"
    assert client.get(response.headers["Location"]).get_json() == response.get_json()
    assert rows(db_path) == TUTORIAL + [{"id": 9, "name": "Košice", "population": 229000}]


BAD_INPUT = [
    # test that each kind of bad input is a 400 whose description names the field, then the problem
    (dict(data='{"name": "Oslo", "population": 709000', content_type="application/json"), "body", "not valid JSON"),
    (dict(data="", content_type="application/json"), "body", "not valid JSON"),
    (dict(data=b'{"name": "\xff", "population": 1}', content_type="application/json"), "body", "not valid JSON"),
    (dict(data='{"name": "Oslo", "population": 1}', content_type="text/plain"), "Content-Type", "application/json"),
    (
        dict(data="name=Oslo&population=709000", content_type="application/x-www-form-urlencoded"),
        "Content-Type",
        "application/json",
    ),
    (dict(data='{"name": "Oslo", "population": 1}'), "Content-Type", "not missing"),
    (dict(json=["Oslo", 709000]), "body", "not an array"),
    (dict(json="Oslo"), "body", "not a string"),
    (dict(json=709000), "body", "not a number"),
    (dict(data="null", content_type="application/json"), "body", "not null"),
    (dict(json={}), "name", "is missing"),
    (dict(json={"population": 709000}), "name", "is missing"),
    (dict(json={"name": "Oslo"}), "population", "is missing"),
    (dict(json={"name": "Oslo", "population": 709000, "id": 3}), "id", "not a field"),
    (dict(json={"name": 42, "population": 709000}), "name", "must be a string, not a number"),
    (dict(json={"name": None, "population": 709000}), "name", "not null"),
    (dict(json={"name": ["Oslo"], "population": 709000}), "name", "not an array"),
    (dict(json={"name": "", "population": 709000}), "name", "must not be empty"),
    (dict(json={"name": "   ", "population": 709000}), "name", "must not be empty"),
    (dict(json={"name": "x" * 256, "population": 709000}), "name", "at most 255 characters"),
    (dict(json={"name": "Os\x00lo", "population": 709000}), "name", "control characters"),
    (dict(json={"name": "Oslo\n", "population": 709000}), "name", "control characters"),
    (dict(data='{"name": "\\ud800", "population": 1}', content_type="application/json"), "name", "control characters"),
    (dict(json={"name": "Oslo", "population": "709000"}), "population", "not a string"),
    (dict(json={"name": "Oslo", "population": True}), "population", "not true"),
    (dict(json={"name": "Oslo", "population": False}), "population", "not false"),
    (dict(json={"name": "Oslo", "population": 709000.5}), "population", "not 709000.5"),
    (dict(json={"name": "Oslo", "population": 709000.0}), "population", "whole number"),
    (dict(json={"name": "Oslo", "population": None}), "population", "not null"),
    (dict(json={"name": "Oslo", "population": {"n": 1}}), "population", "not an object"),
    (dict(data='{"name": "Oslo", "population": NaN}', content_type="application/json"), "population", "not NaN"),
    (dict(json={"name": "Oslo", "population": -1}), "population", "must not be negative"),
    (dict(json={"name": "Oslo", "population": 100_000_001}), "population", "at most 100000000"),
    (dict(json={"name": "Oslo", "population": 2**64}), "population", "at most"),
    (
        dict(data='{"name": "Oslo", "population": 1' + "0" * 5000 + "}", content_type="application/json"),
        "body",
        "not valid JSON",
    ),  # more digits than Python will turn into an int
]


def test_json_nested_deeper_than_the_parser_goes_is_a_400(client, db_path):
    # 3000 arrays deep: Python 3.11 and 3.12 give up (RecursionError, "not valid JSON"), while
    # 3.13 parses it (then it is an array, not an object). Either way a 400 about the body.
    response = client.post("/cities", data="[" * 3000 + "]" * 3000, content_type="application/json")
    assert response.status_code == 400
    description = response.get_json()["description"]
    assert description.startswith("body ") and ("not valid JSON" in description or "not an array" in description)
    assert rows(db_path) == TUTORIAL


@pytest.mark.parametrize(("kwargs", "field", "problem"), BAD_INPUT)
def test_bad_input_is_a_400_and_writes_nothing(client, db_path, kwargs, field, problem):
    response = client.post("/cities", **kwargs)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert (body["code"], body["name"]) == (400, "Bad Request")
    assert body["description"].startswith(f"{field} ")
    assert problem in body["description"]
    assert rows(db_path) == TUTORIAL


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("PUT", "/cities/1", {"json": {"name": "x", "population": 1}}, 405),  # test wrong methods are JSON 405s
        ("DELETE", "/cities", {}, 405),
        ("POST", "/cities", {"json": {"name": "x" * 20000, "population": 1}}, 413),  # test huge bodies are refused
        ("DELETE", "/cities/42", {}, 404),  # test that deleting a city that isn't there is a 404
    ],
)
def test_other_errors_are_json_too(client, db_path, method, path, kwargs, status):
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"code", "description", "name"}
    if status == 405:
        assert "GET" in response.allow
    assert rows(db_path) == TUTORIAL


WRITES = [("POST", "/cities", {"json": {"name": "Oslo", "population": 709000}}), ("DELETE", "/cities/3", {})]


def expect_401(response, says, error=None):
    """Assert a 401 in the chapter's JSON error format, with a WWW-Authenticate header naming Bearer."""
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "description", "name"} and (body["code"], body["name"]) == (401, "Unauthorized")
    assert says in body["description"]
    assert response.headers.getlist("WWW-Authenticate") == ["Bearer" + (f" error={error}" if error else "")]


@pytest.mark.parametrize(("method", "path", "kwargs"), WRITES)
@pytest.mark.parametrize(
    ("authorization", "says", "error"),
    [
        # test that a write without the token, or with anything but exactly the token, is a 401 that writes nothing
        (None, "send the header Authorization: Bearer <token>", None),
        ("", "send the header Authorization: Bearer <token>", None),
        ("Bearer", "send the header Authorization: Bearer <token>", None),
        ("Bearer ", "send the header Authorization: Bearer <token>", None),
        (TOKEN, "send the header Authorization: Bearer <token>", None),  # no scheme
        (f"Token {TOKEN}", "send the header Authorization: Bearer <token>", None),
        ("Basic " + base64.b64encode(f"admin:{TOKEN}".encode()).decode(), "send the header", None),
        ("Bearer wrong-token", "the API token is wrong", "invalid_token"),
        (f"Bearer {TOKEN.upper()}", "the API token is wrong", "invalid_token"),  # test that case matters
        (f"Bearer  {TOKEN}", "the API token is wrong", "invalid_token"),  # test that spaces are not stripped
        (f"Bearer {TOKEN} ", "the API token is wrong", "invalid_token"),
        (f"Bearer {TOKEN[:-1]}", "the API token is wrong", "invalid_token"),  # test that a prefix is not enough
        (f"Bearer {TOKEN}x", "the API token is wrong", "invalid_token"),
        ("Bearer Košice", "the API token is wrong", "invalid_token"),  # test that non-ASCII is a 401, not a 500
    ],
)
def test_writes_need_the_token(anonymous, db_path, method, path, kwargs, authorization, says, error):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = anonymous.open(path, method=method, headers=headers, **kwargs)
    expect_401(response, says, error)
    assert rows(db_path) == TUTORIAL


def test_writes_with_the_token_work(anonymous, db_path):
    # test that the same anonymous client writes once it sends the token; the scheme's case does not matter
    created = anonymous.post("/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH)
    assert created.status_code == 201
    assert anonymous.delete("/cities/9", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 204
    assert anonymous.delete("/cities/3", headers={"Authorization": f"BEARER {TOKEN}"}).status_code == 204
    assert rows(db_path) == [c for c in TUTORIAL if c["id"] != 3]


def test_the_token_is_checked_before_the_body_or_the_city(anonymous, db_path):
    # test that without the token nothing about the request is looked at: bad JSON and a missing city are 401s too
    expect_401(anonymous.post("/cities", data="{bad", content_type="application/json"), "Authorization: Bearer")
    expect_401(anonymous.delete("/cities/42"), "Authorization: Bearer")


def test_reads_need_no_token(anonymous):
    # test that GET and HEAD stay open to everyone
    for path in ("/cities", "/cities/3", "/cities?page=1&per_page=3", "/cities/chart.svg"):
        assert anonymous.get(path).status_code == 200, path
        assert anonymous.head(path).status_code == 200, path


@pytest.mark.parametrize("config", [{}, {"API_TOKEN": None}, {"API_TOKEN": ""}])
def test_without_a_token_set_the_api_takes_no_writes(monkeypatch, db_path, config):
    # test that an API given no token is read-only, never open, and says how to give it one
    monkeypatch.delenv("FLASK_API_TOKEN", raising=False)
    app = api.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", **config})
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}, AUTH):
        for method, path, kwargs in WRITES:
            response = client.open(path, method=method, headers=headers, **kwargs)
            expect_401(
                response, "the server has no API token set, so it takes no writes: start it with FLASK_API_TOKEN="
            )
    assert client.get("/cities").get_json() == {"cities": TUTORIAL}
    assert rows(db_path) == TUTORIAL


def test_the_token_comes_from_flask_api_token(monkeypatch, db_path):
    # test that FLASK_API_TOKEN sets the token, and that a token of digits stays text (not JSON's number)
    monkeypatch.setenv("FLASK_API_TOKEN", "0123456789")
    app = api.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    assert app.config["API_TOKEN"] == "0123456789"
    client = app.test_client()
    expect_401(client.delete("/cities/3", headers=AUTH), "the API token is wrong", "invalid_token")
    assert client.delete("/cities/3", headers={"Authorization": "Bearer 0123456789"}).status_code == 204


def test_live_writes_need_the_token(live, app):
    # test over a real socket: the header arrives as sent, and the 401 tells the client how to authenticate
    url = live(app)
    response = requests.post(f"{url}/cities", json={"name": "Oslo", "population": 709000}, timeout=60)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    response = requests.post(f"{url}/cities", json={"name": "Oslo", "population": 709000}, headers=AUTH, timeout=60)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "name",
    [
        # test that awkward names are stored and returned exactly as sent
        "O'Fallon",
        'The "Big" Apple',
        "Robert'); DROP TABLE cities;--",
        "1 OR 1=1",
        "%; \\ _ ` --",
        "<script>alert('x')</script>",
        "Košice",
        "Москва",
        "東京",
        "القاهرة",
        "Zürich 🏔",
        "Llanfair\u200dpwll",  # a zero-width joiner: invisible, but a letter-joining character, not a control
        "x" * 255,  # the longest name allowed
        " leading and trailing spaces ",
    ],
)
def test_names_are_stored_verbatim(client, db_path, name):
    created = client.post("/cities", json={"name": name, "population": 1000})
    assert created.status_code == 201
    city = {"id": 9, "name": name, "population": 1000}
    assert created.get_json() == city
    assert client.get("/cities/9").get_json() == city
    assert client.get("/cities").get_json()["cities"] == TUTORIAL + [city]
    assert rows(db_path)[-1] == city  # in the file itself, not just echoed back


def test_delete_answers_204_and_the_city_is_gone(client, db_path):
    response = client.delete("/cities/3")
    assert response.status_code == 204
    assert response.data == b""
    assert client.get("/cities/3").status_code == 404
    assert client.delete("/cities/3").status_code == 404
    assert rows(db_path) == [c for c in TUTORIAL if c["id"] != 3]


def test_chart_is_an_svg_bar_per_city_with_names_escaped(app, client):
    tricky = "<b>&'\"</b>"  # short enough for the label to show it whole
    client.post("/cities", json={"name": tricky, "population": 1000})
    # Flask autoescapes .svg templates (since 2.2); the chart relies on it.
    assert app.select_jinja_autoescape("cities_chart.svg")
    response = client.get("/cities/chart.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    bars = root.findall(f"{SVG}g")
    assert len(bars) == 9
    assert len(root.findall(f".//{SVG}rect")) == 9
    labels = [bar.find(f"{SVG}text").text for bar in bars]
    assert labels[0] == "New York"  # largest first
    assert tricky in labels  # the name arrives as text, not as markup
    assert b"<b>" not in response.data and b"&lt;b&gt;&amp;" in response.data
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] == 340.0


def test_chart_of_no_cities_is_still_an_svg(client):
    for city in TUTORIAL:
        assert client.delete(f"/cities/{city['id']}").status_code == 204
    root = ET.fromstring(client.get("/cities/chart.svg").data)
    assert root.findall(f"{SVG}g") == []
    assert "No cities yet." in ET.tostring(root, encoding="unicode")


def test_flask_cli_finds_the_api_and_its_init_db(db_path):
    # test the real command line: `flask --app tourapp.chapters.api routes` and `… init-db`
    routes = flask_cli("tourapp.chapters.api", "routes")
    for endpoint in ("api.list_cities", "api.get_city", "api.create_city", "api.delete_city", "api.chart"):
        assert endpoint in routes
    out = flask_cli("tourapp.chapters.api", "init-db", env={"DATABASE_URL": f"sqlite:///{db_path}"})
    assert out == f"Built sqlite:///{db_path} from data/cities.sql: 8 cities.\n"
    assert rows(db_path) == TUTORIAL


@pytest.mark.slow
def test_concurrent_reads_and_writes_lose_nothing(live, app, db_path):
    # test that 8 threads x 100 mixed requests against the threaded server give no errors
    # and that every write they report is in the file afterwards
    url = live(app)
    threads, per_thread = 8, 100
    errors, kept = [], []
    start = threading.Barrier(threads)

    def work(worker):
        rng = random.Random(worker)
        mine = []
        with requests.Session() as http:
            http.headers.update(AUTH)
            start.wait()
            for i in range(per_thread):
                op = rng.choice(("list", "list", "one", "page", "create", "create", "create", "delete"))
                if op == "create":
                    name = f"worker {worker} city {i}"
                    r = http.post(f"{url}/cities", json={"name": name, "population": i}, timeout=60)
                    ok = r.status_code == 201 and r.json()["name"] == name
                    if ok:
                        mine.append((r.json()["id"], name, i))
                elif op == "delete" and mine:
                    city_id = mine.pop(rng.randrange(len(mine)))[0]
                    r = http.delete(f"{url}/cities/{city_id}", timeout=60)
                    ok = r.status_code == 204
                elif op == "one":
                    r = http.get(f"{url}/cities/{rng.randint(1, 8)}", timeout=60)
                    ok = r.status_code == 200
                elif op == "page":
                    r = http.get(f"{url}/cities", params={"page": 1, "per_page": 5}, timeout=60)
                    ok = r.status_code == 200 and len(r.json()["cities"]) == 5
                else:
                    r = http.get(f"{url}/cities", timeout=60)
                    ok = r.status_code == 200 and r.json()["cities"][:8] == TUTORIAL
                if not ok:
                    errors.append((worker, i, op, r.status_code, r.text[:200]))
        kept.extend(mine)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()

    assert errors == []
    expected = TUTORIAL + [{"id": i, "name": n, "population": p} for i, n, p in sorted(kept)]
    assert rows(db_path) == expected
    assert requests.get(f"{url}/cities", timeout=60).json() == {"cities": expected}


def test_racing_deletes_of_one_city_succeed_once(live, app, db_path):
    # test that when 8 clients delete the same city at once, one gets 204 and the rest 404
    url = live(app)
    requests.get(f"{url}/cities", timeout=60)  # build the database before the race
    start = threading.Barrier(8)
    statuses = []

    def delete():
        start.wait()
        statuses.append(requests.delete(f"{url}/cities/5", headers=AUTH, timeout=60).status_code)

    pool = [threading.Thread(target=delete) for _ in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert sorted(statuses) == [204] + [404] * 7
    assert rows(db_path) == [c for c in TUTORIAL if c["id"] != 5]


# "Try it": the checks of tourapp/classroom/exercises/api.py, against right and typical wrong answers.
# Every app gets a database of its own in the test's temporary folder, as in the notebook.


def solution(name):
    """Return a builder of the notebook's function ``name``, solution included."""
    return lambda fresh_database: from_notebook("notebooks/11-json-api.ipynb", name, fresh_database=fresh_database)


def grown(method, rule, view, protect=None):
    """Return a builder of a factory: the API on a fresh database, with ``view`` answering ``method rule``.

    ``protect``: wrap the view in ``api.token_required``; by default a write (not GET) is wrapped, as the notebook's is.
    """
    if protect if protect is not None else method != "GET":
        view = api.token_required(view)

    def build(fresh_database):
        config = {"SQLALCHEMY_DATABASE_URI": fresh_database()}
        return grown_from(api.create_app, rule, view, config=config, methods=[method])

    return build


def population_right(city_id, commit=True, exact=True):
    city = db.get_or_404(City, city_id, description=f"no city has id {city_id}")
    population = request.get_json().get("population")
    ok = type(population) is int if exact else isinstance(population, int)
    if not ok or population < 0:
        api.refuse("population", "must be a whole number, 0 or more")
    city.population = population
    if commit:
        db.session.commit()
    return city.serialize()


def population_uncommitted(city_id):
    return population_right(city_id, commit=False)


def population_isinstance(city_id):
    return population_right(city_id, exact=False)


def population_unchecked(city_id):
    city = db.get_or_404(City, city_id, description=f"no city has id {city_id}")
    city.population = request.get_json()["population"]
    db.session.commit()
    return city.serialize()


def population_session_get(city_id):
    city = db.session.get(City, city_id)
    city.population = request.get_json()["population"]
    db.session.commit()
    return city.serialize()


def population_unnamed_400(city_id):
    population = request.get_json().get("population")
    if type(population) is not int or population < 0:
        abort(400)
    return population_right(city_id)


def largest_right(n_default=3, order=None, limit=True, read=None):
    n = read() if read else api.whole_number("n", 1, 100, default=n_default)
    query = db.select(City).order_by(order if order is not None else City.population.desc())
    if limit:
        query = query.limit(n)
    return {"cities": [city.serialize() for city in db.session.execute(query).scalars()]}


def largest_ascending():
    return largest_right(order=City.population)


def largest_unlimited():
    return largest_right(limit=False)


def largest_lenient():
    # the classic slip: type=int turns "many" into the default instead of refusing it
    return largest_right(read=lambda: request.args.get("n", 3, type=int))


def largest_unnamed_400():
    n = request.args.get("n", "3")
    if not n.isdigit() or not 1 <= int(n) <= 100:
        abort(400)
    return largest_right()


def largest_bare_list():
    return largest_right()["cities"]


test_try_it_checks = try_it_test_on_fresh_databases(
    [
        # test that the notebook's solution passes, and so does the same answer written here
        ("11.1", solution("population_app"), "passed", "PATCH /cities/<id> stores a new population"),
        ("11.1", grown("PATCH", "/cities/<int:city_id>", population_right), "passed", "401 without the token"),
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_right, protect=False),
            "failed",
            "PATCH /cities/3 answered 200 OK, expected 401 UNAUTHORIZED. Hint: without the API token: a change is a "
            "write, so it needs the token as POST and DELETE do; put @api.token_required under @app.patch(…)",
        ),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_uncommitted),
            "failed",
            (
                'GET /cities/3 answered {"id": 3, "name": "Prague", "population": 1280000}, expected',
                (
                    "Hint: 'population' should be 1300000, not 1280000; the change did not last past the request: call "
                    "db.session.commit()"
                ),
            ),
        ),
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_isinstance),
            "failed",
            (
                "PATCH /cities/3 answered 200 OK, expected 400 BAD REQUEST. Hint: check the value before you store it",
                "True counts as an int in Python: test type(value) is int",
            ),
        ),
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_unchecked),
            "failed",
            "PATCH /cities/3 answered 200 OK, expected 400 BAD REQUEST",
        ),
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_session_get),
            "failed",
            "PATCH /cities/99 answered 500 INTERNAL SERVER ERROR because the view raised AttributeError: 'NoneType' "
            "object has no attribute 'population'",
        ),
        (
            "11.1",
            grown("PUT", "/cities/<int:city_id>", population_right),
            "failed",
            "PATCH /cities/3 answered 405 METHOD NOT ALLOWED, expected 200 OK. Hint: there is a route for this path, "
            "but it accepts only",
        ),
        (
            "11.1",
            grown("PATCH", "/cities/<int:city_id>", population_unnamed_400),
            "failed",
            (
                "which does not say that population is at fault",
                'refuse("population", "must be a whole number, 0 or more")',
            ),
        ),
        # test that 11.2's solution passes, and typical wrong answers fail with a hint naming the mistake
        ("11.2", solution("largest_app"), "passed", "the n most populous cities"),
        ("11.2", grown("GET", "/cities/largest", largest_right), "passed", "a bad n is a 400 that names n"),
        ("11.2", grown("GET", "/cities/largest", largest_ascending), "failed", "City.population.desc()"),
        ("11.2", grown("GET", "/cities/largest", largest_unlimited), "failed", "answer 3 cities: .limit(n)"),
        (
            "11.2",
            grown("GET", "/cities/largest", largest_lenient),
            "failed",
            "GET /cities/largest?n=0 answered 200 OK, expected 400 BAD REQUEST. Hint: n='0' is not a whole number",
        ),
        ("11.2", grown("GET", "/cities/largest", largest_unnamed_400), "failed", "does not say that n is at fault"),
        ("11.2", grown("GET", "/cities/largest", largest_bare_list), "failed", 'the list under "cities"'),
        (
            "11.2",
            lambda fresh_database: factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
        # test that an exercise not started yet is "not done", not a failure
        (
            "11.1",
            lambda fresh_database: factory_placeholder,
            "not done",
            "not done yet: factory_placeholder() still raises NotImplementedError",
        ),
    ],
)


def test_the_check_names_the_api_when_the_database_is_the_workbooks():
    # test that the hint to use a fresh database names this chapter's factory
    result = run_check("11.1", api.create_app)
    assert result.status == "failed"
    assert 'api.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database()})' in result.message
