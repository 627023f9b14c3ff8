"""Chapter 10: the tutorial's cities in SQLite: GET /cities exactly, one city by id, JSON errors, flask init-db."""

import hashlib
import json
import os
import sqlite3
import subprocess

import nbformat
import pytest
from flask import abort

from tests.helpers.support import (
    MISSING,
    TUTORIAL,
    flask_cli,
    from_notebook,
    placeholder,
    rows,
    try_it_test_on_fresh_databases,
)
from tests.helpers.support import grown as grown_from
from tourapp.chapters import cities
from tourapp.chapters.db import City, db
from tourapp.chapters.paths import DATA, ROOT
from tourapp.classroom.exercises import run

# data/cities.sql exactly as the tutorial gives it (TRANSCRIPT.md); nothing may change it.
CITIES_SQL_SHA256 = "8a235d95e7d0958e612a5aac1ea318ca1d1099727592fd1e5037d2f7e2edb040"


@pytest.fixture
def app(db_path):
    """Create the cities app on a fresh database of its own."""
    return cities.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})


@pytest.fixture
def client(app):
    return app.test_client()


def test_cities_answers_the_tutorials_json(client):
    response = client.get("/cities")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"cities": TUTORIAL}
    # the very bytes, not just the same data: compact, keys in the tutorial's order
    expected = (
        '{"cities":['
        + ",".join(f'{{"id":{c["id"]},"name":"{c["name"]}","population":{c["population"]}}}' for c in TUTORIAL)
        + "]}\n"
    )
    assert response.text == expected


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/cities/1", 200, TUTORIAL[0]),  # test that one city comes by its id
        ("/cities/8", 200, TUTORIAL[7]),
        ("/cities/9", 404, {"code": 404, "description": "no city has id 9", "name": "Not Found"}),  # test JSON 404s
        ("/cities/0", 404, {"code": 404, "description": "no city has id 0", "name": "Not Found"}),
        ("/cities/99999999999999999999", 404, None),  # test that an id beyond 64 bits is a 404, not an overflow
        ("/cities/-1", 404, None),  # test that ids that are not whole numbers match no route
        ("/cities/abc", 404, None),
        ("/nowhere", 404, None),  # test that even unknown routes answer in JSON
    ],
)
def test_one_city(client, path, status, body):
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    if body is not None:
        assert response.get_json() == body
    else:
        assert response.get_json()["name"] == "Not Found"


@pytest.mark.parametrize(("method", "path"), [("POST", "/cities"), ("DELETE", "/cities/1"), ("PUT", "/cities/1")])
def test_wrong_methods_are_json_405s_in_chapter_09s_format(client, db_path, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "code": 405,
        "description": "The method is not allowed for the requested URL.",
        "name": "Method Not Allowed",
    }
    assert "GET" in response.allow
    # written by Flask's JSON provider, as chapter 09 writes it: compact, keys sorted, a newline
    assert response.text.startswith('{"code":405,"description":') and response.text.endswith("}\n")
    assert rows(db_path) == TUTORIAL


def delete_all_rows(db_path):
    """Empty the cities table straight in the file, as another program sharing it could."""
    with sqlite3.connect(db_path) as conn:  # commits on the way out
        conn.execute("DELETE FROM cities")
    conn.close()


def test_init_db_command_builds_and_rebuilds(app, db_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Built sqlite:///{db_path} from data/cities.sql: 8 cities.\n"
    assert rows(db_path) == TUTORIAL
    with sqlite3.connect(db_path) as conn:  # commits on the way out
        conn.execute("INSERT INTO cities (name, population) VALUES ('Oslo', 709000)")
    conn.close()
    assert len(rows(db_path)) == 9
    # test that init-db starts again from the tutorial's eight rows
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert rows(db_path) == TUTORIAL


@pytest.mark.parametrize(
    "prepare",
    [
        # test that the app builds its database on first use when it is missing or empty
        lambda path: None,  # no file
        lambda path: path.touch(),  # an empty file
        lambda path: sqlite3.connect(path).close(),  # a database with no tables
    ],
)
def test_first_use_builds_a_missing_or_empty_database(db_path, prepare):
    prepare(db_path)
    app = cities.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    assert app.test_client().get("/cities").get_json() == {"cities": TUTORIAL}
    assert rows(db_path) == TUTORIAL


def test_first_use_keeps_a_table_whose_rows_were_all_deleted(client, db_path):
    assert client.get("/cities").status_code == 200  # builds the database
    delete_all_rows(db_path)
    app = cities.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    assert app.test_client().get("/cities").get_json() == {"cities": []}


def test_database_url_points_the_app_elsewhere(monkeypatch, db_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    app = cities.create_app({"TESTING": True})
    assert app.test_client().get("/cities").get_json() == {"cities": TUTORIAL}
    assert rows(db_path) == TUTORIAL
    # test that create_app's own settings win over the environment
    other = db_path.with_name("other.db")
    app = cities.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{other}"})
    with app.app_context():
        assert db.engine.url.database == str(other)


def test_default_database_is_in_the_git_ignored_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = cities.create_app()
    with app.app_context():
        path = db.engine.url.database
    assert path == os.path.join(app.instance_path, "cities.db")
    assert app.instance_path == str(ROOT / "instance")  # the editable install keeps it in the checkout
    if (ROOT / ".git").exists():
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, timeout=30)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


def test_flask_cli_init_db_with_database_url(db_path):
    # test the real command line: `DATABASE_URL=… flask --app tourapp.chapters.cities init-db`
    out = flask_cli("tourapp.chapters.cities", "init-db", env={"DATABASE_URL": f"sqlite:///{db_path}"})
    assert out == f"Built sqlite:///{db_path} from data/cities.sql: 8 cities.\n"
    assert rows(db_path) == TUTORIAL


def test_data_cities_sql_is_unchanged():
    # test that nothing (the app, init-db, these tests, the notebook) writes into data/
    assert hashlib.sha256((DATA / "cities.sql").read_bytes()).hexdigest() == CITIES_SQL_SHA256
    assert not [p.name for p in DATA.iterdir() if p.suffix in (".db", ".sqlite", ".sqlite3") or "-wal" in p.name]


# "Try it": the checks of tourapp/classroom/exercises/cities.py, against right and typical wrong answers.
# Every app gets a database of its own in the test's temporary folder, as in the notebook.


def solution(name):
    """Return a builder of the notebook's function ``name``, solution included."""
    return lambda fresh_database: from_notebook("notebooks/10-sqlite.ipynb", name, fresh_database=fresh_database)


def grown(method, rule, view, database=None):
    """Return a builder of a factory: the cities app with ``view`` answering ``method rule``.

    The app works on a fresh database, unless ``database`` names one.
    """

    def build(fresh_database):
        config = {"SQLALCHEMY_DATABASE_URI": database or fresh_database()}
        return grown_from(cities.create_app, rule, view, config=config, methods=[method])

    return build


def as_is(obj):
    """Return a builder that hands ``obj`` to the check unchanged."""
    return lambda fresh_database: obj


def biggest_right():
    return db.first_or_404(db.select(City).order_by(City.population.desc())).serialize()


def biggest_ascending():
    return db.first_or_404(db.select(City).order_by(City.population)).serialize()


def biggest_as_list():
    return [
        c.serialize() for c in db.session.execute(db.select(City).order_by(City.population.desc()).limit(1)).scalars()
    ]


def biggest_remembered():
    return {"id": 6, "name": "New York", "population": 8550000}


def by_name_right(name):
    return db.first_or_404(db.select(City).filter_by(name=name), description=f"no city is called {name}").serialize()


def by_name_in_sql_text(name):
    row = (
        db.session.execute(db.text(f"SELECT id, name, population FROM cities WHERE name = '{name}'")).mappings().first()
    )
    if row is None:
        abort(404, description=f"no city is called {name}")
    return dict(row)


def by_name_none(name):
    return db.session.execute(db.select(City).filter_by(name=name)).scalar().serialize()


def by_name_plain_404(name):
    return db.first_or_404(db.select(City).filter_by(name=name)).serialize()


def in_the_workbook():
    return cities.create_app()  # the default database, instance/cities.db


test_try_it_checks = try_it_test_on_fresh_databases(
    [
        # test that the notebook's solutions pass, and so do the same answers written here
        ("10.1", solution("biggest_app"), "passed", "GET /cities/biggest answers the most populous city"),
        ("10.2", solution("by_name_app"), "passed", "GET /cities/by-name/<name> answers"),
        ("10.1", grown("GET", "/cities/biggest", biggest_right), "passed", "on every request"),
        ("10.2", grown("GET", "/cities/by-name/<name>", by_name_right), "passed", "none is called so"),
        # test that typical wrong answers fail with a hint that names the mistake
        (
            "10.1",
            grown("GET", "/cities/biggest", biggest_ascending),
            "failed",
            (
                '"name": "Bratislava"',
                "; that is the smallest city: sort from the largest down, City.population.desc().",
            ),
        ),
        ("10.1", grown("GET", "/cities/biggest", biggest_as_list), "failed", "Hint: answer one city, not a list"),
        (
            "10.1",
            grown("GET", "/cities/biggest", biggest_remembered),
            "failed",
            (
                (
                    'GET /cities/biggest answered {"id": 6, "name": "New York", "population": 8550000}, expected '
                    '{"id": 9, "name": "Tokyo", "population": 37400000}. Hint: \'id\' should be 9, not 6'
                ),
                "after Tokyo was added to the database, the answer should change",
            ),
        ),
        (
            "10.1",
            grown("GET", "/cities/biggest/", biggest_right),
            "failed",
            "GET /cities/biggest answered 308 PERMANENT REDIRECT, expected 200 OK",
        ),
        (
            "10.2",
            grown("GET", "/cities/by-name/<name>", by_name_in_sql_text),
            "failed",
            (
                (
                    "GET /cities/by-name/O'Fallon answered 500 INTERNAL SERVER ERROR because the view raised "
                    "OperationalError"
                ),
                (
                    "Hint: never paste a name into SQL text: let SQLAlchemy send it apart, "
                    "db.select(City).filter_by(name=name)."
                ),
            ),
        ),
        (
            "10.2",
            grown("GET", "/cities/by-name/<name>", by_name_none),
            "failed",
            (
                (
                    "GET /cities/by-name/Atlantis answered 500 INTERNAL SERVER ERROR because the view raised "
                    "AttributeError: 'NoneType' object has no attribute 'serialize'"
                ),
                "Hint: when no city has the name, stop with abort(404, description=…)",
            ),
        ),
        (
            "10.2",
            grown("GET", "/cities/by-name/<name>", by_name_plain_404),
            "failed",
            (
                "Hint: 'description' should be 'no city is called Atlantis', not 'The requested URL was not found",
                'description=f"no city is called {name}"',
            ),
        ),
        # test that an app on the workbook's own database is refused before the check writes anything
        (
            "10.1",
            as_is(in_the_workbook),
            "failed",
            "the app works on instance/cities.db, a database inside the workbook",
        ),
        # test that an exercise not started yet is "not done", not a failure
        ("10.1", as_is(MISSING), "not done", "not done yet: `biggest_app` is not defined"),
        (
            "10.2",
            grown("GET", "/cities/by-name/<name>", placeholder),
            "not done",
            "not done yet: GET /cities/by-name/Prague still raises NotImplementedError in placeholder()",
        ),
    ],
)


def test_that_a_check_refuses_a_database_an_earlier_run_changed(db_path):
    # test that re-running a check on a database it wrote to says why it fails, instead of a riddle
    factory = grown("GET", "/cities/biggest", biggest_right, database=f"sqlite:///{db_path}")(None)
    assert run("10.1", factory).passed
    result = run("10.1", factory)
    assert result.status == "failed"
    assert "holds cities with the ids [1, 2, 3, 4, 5, 6, 7, 8, 9], expected the tutorial's eight" in result.message
    assert "a new one for every app" in result.message


def test_the_notebook_shows_the_model_not_the_plumbing():
    # test that a learner reads the model, create_all and the tutorial's view as TRANSCRIPT.md has it,
    # and not the workbook's locks, finalizers, PRAGMAs or SQL parsing
    nb = nbformat.read(ROOT / "notebooks" / "10-sqlite.ipynb", as_version=4)
    shown = json.dumps([cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"])
    for plumbing in ("PRAGMA", "weakref", "threading.Lock", "_ROWS", "executescript"):
        assert plumbing not in shown, plumbing
    assert "class City(db.Model)" in shown
    assert any("db.create_all()" in cell.source for cell in nb.cells if cell.cell_type == "code")
    prose = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert "`jsonify(cities=[city.serialize() for city in City.query.all()])`" in prose
