"""The development server vs waitress vs gunicorn, serving chapter 15's app on PostgreSQL, in one run.

Each server answers the same 8 client threads × 200 GET /cities/6 (one query each); the client
runs in this process, like the notebook's. Prints requests/s, p50, p99, and the ratios to serve().
"""

import os
import sys
import tempfile

from tourapp import serve
from tourapp.chapters import postgres, processes
from tourapp.chapters.loadtest import measure

THREADS, PER_THREAD = 8, 200
FACTORY = "tourapp.chapters.database:create_app"


def main():
    cluster = postgres.start() if postgres.available() else None
    folder = tempfile.TemporaryDirectory(prefix="production-bench-")
    os.environ["DATABASE_URL"] = cluster.url if cluster else f"sqlite:///{folder.name}/cities.db"
    os.environ["FLASK_SECRET_KEY"] = "bench"
    from tourapp.chapters import database
    from tourapp.chapters.db import init_db

    app = database.create_app()
    with app.app_context():
        init_db()
    workers = 2 * (os.cpu_count() or 1) + 1  # gunicorn's own advice; one per CPU is measured too
    print(
        f"{THREADS} threads x {PER_THREAD} GET /cities/6 on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    results = []
    try:
        with serve(app) as server:
            results.append(measure("serve()", f"{server.url}/cities/6", threads=THREADS, per_thread=PER_THREAD))
        with processes.waitress(FACTORY, threads=8, ready_path="/cities") as server:
            results.append(measure("waitress", f"{server.url}/cities/6", threads=THREADS, per_thread=PER_THREAD))
        for count in (os.cpu_count() or 1, workers):
            with processes.gunicorn(FACTORY, workers=count, ready_path="/cities") as server:
                results.append(
                    measure(f"gunicorn -w {count}", f"{server.url}/cities/6", threads=THREADS, per_thread=PER_THREAD)
                )
    finally:
        if cluster:
            cluster.stop()
        folder.cleanup()
    base = results[0]
    for result in results:
        print(f"{result}   {result.per_second / base.per_second:4.1f}x serve()'s rate")


if __name__ == "__main__":
    main()
