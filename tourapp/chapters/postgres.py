"""Run a private PostgreSQL cluster in a folder of its own, on a free port of 127.0.0.1.

Chapter 15 and its tests need a real database server, but not the machine's: :func:`start`
runs ``initdb`` into a new folder and ``pg_ctl start`` on it, and :meth:`Cluster.stop` stops it
by ``pg_ctl`` and removes the folder. PostgreSQL refuses to run as root, so as root the commands
run as the ``postgres`` user (``runuser``), as they would in CI.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from . import lifecycle
from .paths import ROOT

__all__ = ["Cluster", "available", "start"]

_USER = "tour"


def _root():
    """Tell whether this process runs as root (never on Windows)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _templates_folder():
    """Return where fresh data folders are kept to copy: build/ (git-ignored), or /tmp for root.

    As root the server runs as the postgres user, who may not be let into the checkout at all (a
    clone inside a private folder): its files then live under the system's temporary folder.
    """
    if not _root():
        return ROOT / "build" / "postgres"
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"flask-tour-postgres-{digest}"


CLUSTER_TEMPLATES = _templates_folder()
_DATABASE = "cities"


def bindir():
    """Return the folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    # Debian keeps them out of PATH, in /usr/lib/postgresql/<version>/bin
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def available():
    """Tell whether PostgreSQL's server programs are installed (and, as root, a ``postgres`` user to run them)."""
    if bindir() is None:
        return False
    return not _root() or _has_user("postgres")


class Cluster:
    """A running private cluster: ``.url`` for SQLAlchemy, ``.port``, ``.stop()`` and ``.start()`` again."""

    def __init__(self, folder, port):
        self.folder = Path(folder)
        self.port = port
        self.running = False

    @property
    def url(self):
        """The URL SQLAlchemy connects with."""
        return f"postgresql+psycopg://{_USER}@127.0.0.1:{self.port}/{_DATABASE}"

    def start(self):
        """Start the server (again) on the same folder and port, wait until it answers; return self."""
        # Started as a child (not daemonised by pg_ctl) and told to stop when this process dies: a
        # kernel that is killed before its clean-up cell leaves no database server behind.
        command = _command(
            "postgres",
            "-D",
            self.folder / "data",
            "-h",
            "127.0.0.1",
            "-p",
            self.port,
            "-k",
            self.folder,
            "-c",
            "fsync=off",
            on_orphan="INT",
        )  # fsync off: throw-away data
        with open(self.folder / "log", "ab") as log:
            # cwd /: the postgres user may not be let into the folder this process works in
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd="/"
            )
        self.running = True
        _wait_until_ready(self)
        return self

    def create_database(self, name=None):
        """Create another, empty database in the cluster (a fresh name by default); return its URL."""
        name = name or f"db_{uuid.uuid4().hex[:12]}"
        _create_database(self.port, name)
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self, remove=True):
        """Stop the server (``pg_ctl stop -m fast``); unless ``remove=False``, delete its folder too."""
        if self.running:
            _run("pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w", "stop")
            self._process.wait(30)
            self.running = False
        if remove and self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            _clusters.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


_clusters: set[Cluster] = set()


def start(folder=None):
    """Create a cluster with a ``cities`` database in a new folder and start it; return the :class:`Cluster`.

    :param folder: where its files go (a new temporary folder by default); it must not exist yet.
    :raise RuntimeError: PostgreSQL is not installed, or did not start (the message says why).
    """
    if not available():
        raise RuntimeError(
            "PostgreSQL is not installed here (no initdb): apt-get install postgresql, brew install postgresql"
        )
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="tour-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder)
    # initdb takes seconds (10 and more on a busy machine); a copy of a fresh one takes milliseconds.
    shutil.copytree(_template(), folder / "data", symlinks=True)
    _own(folder / "data")
    cluster = Cluster(folder, None)
    _clusters.add(cluster)

    def start_on(port):  # the same folder on another port when another process took this one first
        cluster.port = port
        return cluster.start()

    try:
        lifecycle.on_free_port(start_on)
        _create_database(cluster.port, _DATABASE)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _template():
    """Return a freshly initialised data folder to copy, made once per PostgreSQL version in build/ (git-ignored)."""
    version = bindir().parent.name if bindir().parent.name[:2].isdigit() else "local"
    template = CLUSTER_TEMPLATES / f"template-{version}"
    if not (template / "PG_VERSION").exists():
        CLUSTER_TEMPLATES.mkdir(mode=0o755, parents=True, exist_ok=True)
        # then renamed: racing processes are fine
        scratch = Path(tempfile.mkdtemp(prefix="initdb-", dir=CLUSTER_TEMPLATES))
        _own(scratch)
        _run(
            "initdb", "-D", scratch / "data", "-A", "trust", "-U", _USER, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"
        )
        try:
            (scratch / "data").rename(template)
        except OSError:  # another process made it first
            pass
        shutil.rmtree(scratch, ignore_errors=True)
    return template


def _own(path):
    """Give ``path`` to the postgres user when we are root (the server refuses to run as root)."""
    if _root():
        shutil.chown(path, "postgres", "postgres")
        for child in Path(path).rglob("*"):
            os.chown(child, _postgres_ids()[0], _postgres_ids()[1], follow_symlinks=False)


def _postgres_ids():
    import pwd

    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _command(program, *args, on_orphan=None):
    """Return the command line that runs one of PostgreSQL's programs, as the postgres user when we are root.

    :param on_orphan: the signal the program gets when this process dies (Linux, with util-linux's setpriv).
    """
    command = [str(bindir() / program), *map(str, args)]
    guard = shutil.which("setpriv") if on_orphan else None
    if guard:
        command = [guard, f"--pdeathsig={on_orphan}", "--", *command]
    if _root():
        # runuser changes user, which clears a parent-death signal: guard runuser itself as well
        command = [*([guard, "--pdeathsig=TERM", "--"] if guard else []), "runuser", "-u", "postgres", "--", *command]
    return command


def _wait_until_ready(cluster, timeout=60):
    """Wait until the cluster accepts connections; raise RuntimeError with its log if it stops or never does."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        if cluster._process.poll() is not None:
            cluster.running = False
            log = (cluster.folder / "log").read_text(errors="replace").strip()
            raise (lifecycle.PortTaken if lifecycle.port_taken(log) else RuntimeError)(f"postgres exited: {log}")
        try:
            psycopg.connect(
                host="127.0.0.1", port=cluster.port, user=_USER, dbname="postgres", connect_timeout=2
            ).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not answer within {timeout} s") from None
            time.sleep(0.05)


def _run(program, *args):
    """Run one of PostgreSQL's programs (as the postgres user when we are root); raise with its output if it fails."""
    done = subprocess.run(
        _command(program, *args), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, cwd="/"
    )
    if done.returncode:
        raise RuntimeError(f"{program} failed: {(done.stderr or done.stdout).strip()}")


def _create_database(port, name):
    """Create a database (CREATE DATABASE cannot run inside a transaction)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(host="127.0.0.1", port=port, user=_USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _has_user(name):
    """Tell whether the system has a user called ``name``."""
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@lifecycle.at_exit
def _stop_all():
    """Stop every cluster this process started, so that none outlives the kernel."""
    for cluster in list(_clusters):
        try:
            cluster.stop()
        except (RuntimeError, subprocess.SubprocessError):
            pass
