"""Chapter 15's exercises: a health check that asks the database, and the schema's migration revision."""

from sqlalchemy import event

from ...chapters.db import db
from .expect import Miss, expect_json, expect_status
from .registry import exercise

FRESH = 'build it on a database of its own: database.create_app({"SQLALCHEMY_DATABASE_URI": fresh_database()})'


@exercise(
    "15.1",
    "A health check",
    name="health_app",
    own_database=FRESH,
    goal='GET /health asks the database (SELECT 1) and answers {"status": "ok"}.',
)
def health(probe):
    """Check that GET /health answers ok, and that it asked the database to answer it."""
    probe.get("/cities")  # the app builds its database on first use: count what /health asks, not that
    statements = []
    with probe.app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = probe.get("/health")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    expect_status(response, 200, "add a route for GET /health to the app the function builds")
    expect_json(response, {"status": "ok"})
    if not statements:
        raise Miss(
            "GET /health answered ok without asking the database. Hint: a load balancer asks /health to know "
            'whether this server can do its work: run db.session.execute(db.text("SELECT 1")) in the view.'
        )


def _stamp(probe, revision):
    """Record ``revision`` in the app's database as Alembic does: one row in alembic_version."""
    with probe.app.app_context():
        db.session.execute(db.text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        db.session.execute(db.text("DELETE FROM alembic_version"))
        db.session.execute(db.text("INSERT INTO alembic_version VALUES (:revision)"), {"revision": revision})
        db.session.commit()


@exercise(
    "15.2",
    "The migration revision",
    name="revision_app",
    own_database=FRESH,
    goal='GET /revision answers the migration the database is at, as Alembic recorded it: {"revision": "0002"}.',
)
def revision(probe):
    """Check that GET /revision reads alembic_version each time: two revisions in turn."""
    for stamped in ("0001", "0002"):
        _stamp(probe, stamped)
        response = probe.get("/revision")
        expect_status(response, 200, "add a route for GET /revision to the app the function builds")
        expect_json(
            response,
            {"revision": stamped},
            'read it from the database on each request: db.session.execute(db.text("SELECT version_num FROM '
            'alembic_version")).scalar_one()',
        )
