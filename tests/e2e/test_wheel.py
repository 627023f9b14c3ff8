"""The built wheel works on its own: installed outside the checkout, the chapters' apps find their files."""

import contextlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tourapp.chapters.paths import DATA, STATIC

CHECKOUT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args, cwd, env=None):
    """Run a command, fail with its output if it fails, return what it printed."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the wheel, install it (not editable) into a fresh venv outside the checkout; return its bin/."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (`make .venv/.installed-stamp` installs it into .venv)")
    tmp = tmp_path_factory.mktemp("wheel")
    # The sdist first, then the wheel from the sdist (uv build's default): both must carry the files.
    _run(uv, "build", "--quiet", "--out-dir", str(tmp / "dist"), str(CHECKOUT), cwd=CHECKOUT)
    [wheel] = (tmp / "dist").glob("*.whl")
    _run(uv, "venv", "--quiet", "--python", sys.executable, str(tmp / "venv"), cwd=tmp)
    python = tmp / "venv" / "bin" / "python"
    # The lock's versions, from uv's cache: the wheel's own dependencies, nothing from the checkout.
    _run(
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        str(python),
        "-c",
        str(CHECKOUT / "requirements.lock"),
        str(wheel),
        cwd=tmp,
    )
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV", "FLASK_APP")}
    where = _run(str(python), "-c", "import tourapp; print(tourapp.__file__)", cwd=elsewhere, env=env)
    assert Path(where.strip()).is_relative_to(tmp / "venv"), where  # the wheel's copy, not the checkout's
    return {"bin": python.parent, "cwd": elsewhere, "env": env}


@contextlib.contextmanager
def flask_run(installed, app):
    """Run ``flask --app app run`` from the venv, outside the checkout; yield its URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(installed["bin"] / "flask"), "--app", app, "run", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=installed["cwd"], env=installed["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read().decode()
            try:
                requests.get(url, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, f"{app} did not answer within 60 s"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def test_hello_answers(installed):
    with flask_run(installed, "tourapp.chapters.hello") as url:
        response = requests.get(url, timeout=10)
    assert (response.status_code, response.text) == (200, "Hello there!")


def test_chapter_07_renders_its_template_and_links_its_stylesheet(installed):
    with flask_run(installed, "tourapp.chapters.templates") as url:
        page = requests.get(f"{url}/greet/Peter/", timeout=10)
        stylesheet = requests.get(f"{url}/static/style.css", timeout=10)
    assert page.status_code == 200 and "Peter" in page.text, page.text
    assert "/static/style.css" in page.text, page.text  # base.html's link: the page extends base.html
    assert stylesheet.content == (STATIC / "style.css").read_bytes()


def test_chapter_08_serves_its_static_image(installed):
    with flask_run(installed, "tourapp.chapters.static_files") as url:
        image = requests.get(f"{url}/static/sid.png", timeout=10)
    assert (image.status_code, image.headers["Content-Type"]) == (200, "image/png")
    assert image.content == (STATIC / "sid.png").read_bytes()


def test_chapter_10_init_db_builds_the_database_from_the_packaged_script(installed):
    out = _run(
        str(installed["bin"] / "flask"),
        "--app",
        "tourapp.chapters.cities",
        "init-db",
        cwd=installed["cwd"],
        env=installed["env"],
    )
    found = re.search(r"Built sqlite:///(\S+) from data/cities.sql: (\d+) cities", out)
    assert found, out
    database = Path(found[1])
    assert not database.is_relative_to(CHECKOUT), database  # the venv's instance folder
    with contextlib.closing(sqlite3.connect(database)) as connection:
        names = [name for (name,) in connection.execute("SELECT name FROM cities ORDER BY id")]
    expected = re.findall(r"VALUES\('([^']*)'", (DATA / "cities.sql").read_text(encoding="utf-8"))
    assert names == expected and int(found[2]) == len(expected) > 0
