"""The grader's sandbox: hostile submissions graded beside honest ones, which score as if alone.

Each hostile submission is the right answer with one hostile act at the top of its first answer
cell, so its 01.1 row names what the sandbox stopped, and its 01.2 and 01.3 rows show that the
rest of the notebook still ran. Every act is bounded (300 processes, 1 GB, 100 MB of output,
loopback only, the time limit) so that even a broken sandbox could not take the machine down.
Without bubblewrap these tests skip, with the reason; under FLASK_TOUR_E2E=required (CI) they fail.
"""

import os
import secrets
import select
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.helpers import e2e
from tests.helpers.support import cmdline, pids, run_grader, scores
from tourapp.chapters.paths import ROOT, STATIC
from tourapp.classroom import sandbox

slow = pytest.mark.slow  # a class of kernels, one of them until its time limit

SOURCE = ROOT / "notebooks" / "01-hello.ipynb"
# Seconds each notebook may run in all: the sleeper waits this long. Under CI's load (this class
# of ten kernels beside another test worker) chapter 01 alone once took over 20 s.
TIMEOUT = 45
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # no geteuid on Windows, where collecting must work
MARKER = f"{80000 + os.getpid() % 10000}.25"  # the `sleep` only this test's submissions start
TAG = f"flask-tour-pwned-{os.getpid()}"
SECRET = secrets.token_hex(16)

BROKE = "the cell that defines `shout_app` stopped with "
PASSED = ("1", "")
# name -> (the hostile act, then each exercise's (passed, part of its message))
# The number (from 1) of chapter 01's first answer cell, where each hostile act goes first.
ANSWER = next(
    i for i, cell in enumerate(nbformat.read(SOURCE, as_version=4).cells, 1) if "def shout_app" in cell.source
)
HOSTILE = {
    "reader": (
        "print(open({other!r}).read()[:300])\nprint(open({secret!r}).read())",
        [("0", BROKE + "FileNotFoundError: [Errno 2] No such file or directory"), PASSED, PASSED],
    ),
    "writer": (
        "failed = []\n"
        "for path in {targets!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('pwned')\n"
        "    except OSError as exc:\n"
        "        failed.append(f'{{path}}: {{exc.strerror}}')\n"
        "if failed:\n"
        "    raise PermissionError('; '.join(failed))",
        # /tmp is the sandbox's own: the first write works there, and vanishes with the sandbox
        [("0", BROKE + "PermissionError: "), PASSED, PASSED],
    ),
    "network": (
        "import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5)",
        [("0", BROKE + "ConnectionRefusedError: [Errno 111] Connection refused"), PASSED, PASSED],
    ),
    "processes": (
        "import subprocess\nchildren = [subprocess.Popen(['sleep', {marker!r}]) for _ in range(300)]",
        # the children it did start use up its processes: its own checks cannot start a server
        [
            ("0", BROKE + "BlockingIOError: [Errno 11] Resource temporarily unavailable"),
            ("0", "the check could not finish: RuntimeError: can't start new thread"),
            ("0", "the check could not finish: RuntimeError: can't start new thread"),
        ],
    ),
    "memory": ("hog = bytearray(1 << 30)", [("0", BROKE + "MemoryError"), PASSED, PASSED]),
    "sleeper": (
        "import time\ntime.sleep(10**6)",
        [("0", f"not reached: cell {ANSWER} (import time) ran past the {TIMEOUT} s limit")] * 3,
    ),
    # Its parent is the sandbox's pid 1: as root the kernel runs as another user, who may not
    # signal it; otherwise pid 1 of a pid namespace ignores the signal. Either way it lives on.
    "parricide": (
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
        [
            ("0", BROKE + "PermissionError: [Errno 1] Operation not permitted") if AS_ROOT else PASSED,
            PASSED,
            PASSED,
        ],
    ),
    "printer": ("for _ in range(100):\n    print('x' * 1_000_000)", [PASSED, PASSED, PASSED]),
}


def _answer_cell(nb):
    return next(cell for cell in nb.cells if "def shout_app" in cell.source)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Grade the class with a fake home holding a secret and a listener on the host's loopback."""
    reason = sandbox.unavailable()
    if reason:
        e2e.unavailable(f"no sandbox here: {reason}")
    base = tmp_path_factory.mktemp("sandbox")
    home, folder = base / "home", base / "submissions"
    (home / ".ssh").mkdir(parents=True)
    folder.mkdir()
    secret = home / ".ssh" / "id_ed25519"
    secret.write_text(SECRET)
    targets = [f"/tmp/{TAG}", str(home / TAG), str(folder / TAG), str(STATIC / TAG)]

    listener = socket.create_server(("127.0.0.1", 0))
    source = nbformat.read(SOURCE, as_version=4)
    partial = nbformat.from_dict(source)
    _answer_cell(partial).source = _answer_cell(partial).source.replace("return app", "raise NotImplementedError")
    submissions = {"correct": source, "partial": partial}
    for name, (act, _) in HOSTILE.items():
        nb = nbformat.from_dict(source)
        code = act.format(
            other=str(folder / "correct.ipynb"),
            secret=str(secret),
            targets=targets,
            port=listener.getsockname()[1],
            marker=MARKER,
        )
        _answer_cell(nb).source = code + "\n\n" + _answer_cell(nb).source
        submissions[name] = nb
    for name, nb in submissions.items():
        nbformat.write(nb, folder / f"{name}.ipynb")

    with listener:
        done = run_grader(
            *sorted(folder.glob("*.ipynb")),
            "--out",
            folder / "scores.csv",
            "--timeout",
            TIMEOUT,
            "--executed",
            folder / "executed",
            "--feedback",
            folder / "pages",
            timeout=600,
            env={**os.environ, "HOME": str(home)},
        )
        # Nobody accepts on the listener: a connection that got through would wait in its queue.
        reached = select.select([listener], [], [], 0)[0]
    leftovers = [p for p in map(Path, targets) if p.exists()]
    for path in leftovers:  # only a broken sandbox leaves them; take them away before failing
        path.unlink()
    rows = {(r["student"], r["exercise"]): r for r in scores(folder / "scores.csv")}
    return done, rows, folder, home, reached, leftovers


@slow
def test_the_run_finishes_and_says_it_is_sandboxed(run):
    done, rows, *_ = run
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.splitlines()[0].startswith("sandboxed: each kernel in a bubblewrap sandbox")
    assert len(rows) == 3 * (2 + len(HOSTILE))


@slow
@pytest.mark.parametrize(
    ("student", "scores"),
    [
        # test that the honest submissions score as if they were graded alone
        ("correct", ["1", "1", "1"]),
        ("partial", ["0", "1", "1"]),
    ],
)
def test_honest_submissions_are_unaffected(run, student, scores):
    _, rows, *_ = run
    assert [rows[student, f"01.{n}"]["passed"] for n in (1, 2, 3)] == scores


@slow
@pytest.mark.parametrize("student", list(HOSTILE))
def test_each_hostile_submission_is_scored_with_a_clear_message(run, student):
    _, rows, *_ = run
    got = [rows[student, f"01.{n}"] for n in (1, 2, 3)]
    for row, (passed, message) in zip(got, HOSTILE[student][1], strict=True):
        assert (row["passed"], message in row["message"]) == (passed, True), row["message"]


@slow
def test_no_secret_or_other_submission_leaks_into_any_output(run):
    done, _, folder, *_ = run
    everything = (
        done.stdout
        + done.stderr
        + "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())
    )
    assert SECRET not in everything
    reader = nbformat.read(folder / "executed" / "reader.ipynb", as_version=4)
    assert "nbformat" not in str(_answer_cell(reader).outputs)  # it did not print correct.ipynb either


@slow
def test_nothing_was_written_outside_the_sandboxes_folders(run):
    _, _, folder, home, _, leftovers = run
    assert leftovers == []
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == [".ssh", ".ssh/id_ed25519"]
    assert (home / ".ssh" / "id_ed25519").read_text() == SECRET
    assert sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".ipynb") == ["scores.csv"]


@slow
def test_the_host_loopback_listener_was_never_reached(run):
    *_, reached, _ = run
    assert reached == []


@slow
def test_no_process_outlives_the_run(run):
    _, rows, *_ = run
    assert "BlockingIOError" in rows["processes", "01.1"]["message"]  # it did start all it could
    assert not [pid for pid in pids() if cmdline(pid) == ["sleep", MARKER]]


@slow
def test_100_mb_of_output_is_cut_to_what_feedback_needs(run):
    _, _, folder, *_ = run
    executed = folder / "executed" / "printer.ipynb"
    assert executed.stat().st_size < 3 * 2**20
    outputs = _answer_cell(nbformat.read(executed, as_version=4)).outputs
    # Cut by the grader, or stopped sooner by the kernel's own memory limit while it sent the flood
    # (which happens when a loaded machine lets more output pile up in one message).
    last = outputs[-1]["text"]
    assert "the grader kept the first 2 MB of this notebook's output and dropped the rest" in last or (
        last.rstrip().endswith("MemoryError")
    ), last[-300:]
    assert (folder / "pages" / "printer.html").stat().st_size < 4 * 2**20


def _grade_without_bwrap(folder, *options):
    """Run the grader on one small notebook where no bwrap can be found."""
    nb = new_notebook(
        cells=[new_code_cell('from tourapp import check\ncheck("01.1")')], metadata={"flask_tour": {"chapter": "01"}}
    )
    nbformat.write(nb, folder / "alice.ipynb")
    env = {**os.environ, "PATH": str(folder / "empty")}
    return run_grader(folder / "alice.ipynb", "--out", folder / "scores.csv", *options, env=env)


def test_without_bwrap_the_grader_says_so_first_and_refuses(tmp_path):
    done = _grade_without_bwrap(tmp_path)
    assert done.returncode == 2
    first, second = done.stderr.splitlines()[:2]
    assert (
        first
        == "not sandboxed: bubblewrap (bwrap) is not installed: apt-get install bubblewrap (or your distribution's "
        "package)."
    )
    assert (
        second
        == "Refusing to run the students' code with your rights; install bubblewrap, or pass --no-sandbox to run it "
        "anyway."
    )
    assert not (tmp_path / "scores.csv").exists()


@slow
def test_without_bwrap_no_sandbox_grades_with_your_rights_and_says_so_first(tmp_path):
    done = _grade_without_bwrap(tmp_path, "--no-sandbox")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "not sandboxed (--no-sandbox): the students' code runs with your rights; "
        "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (or your distribution's package)"
    )
    assert 'alice,01.1,0,"not done yet: `shout_app` is not defined' in (tmp_path / "scores.csv").read_text()
