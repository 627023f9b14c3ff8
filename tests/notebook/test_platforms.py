"""Where the notebooks run, and the link a person gets to a served app there."""

import os
import re
import sys
import tomllib
import types

import pytest

from tourapp.chapters.paths import ROOT
from tourapp.notebook import platforms
from tourapp.notebook.platforms import detect, link_for, show_link

HUB = {"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/", "JUPYTERHUB_USER": "alice"}
# What BinderHub's spawner adds to the JupyterHub variables of the servers it launches.
BINDER = HUB | {
    "BINDER_REPO_URL": "https://github.com/OWNER/REPO",
    "BINDER_LAUNCH_HOST": "https://mybinder.org/",
    "BINDER_REF_URL": "https://github.com/OWNER/REPO/tree/main",
    "BINDER_REQUEST": "v2/gh/OWNER/REPO/HEAD",
    "BINDER_PERSISTENT_REQUEST": "v2/gh/OWNER/REPO/0123abc",
}
COLAB_MODULES = {"google.colab": object()}
# What a GitHub Codespace sets in every process of the codespace (its terminals, VS Code's kernels).
CODESPACE = {
    "CODESPACES": "true",
    "CODESPACE_NAME": "ana-flask-tour-5g4wq7",
    "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN": "app.github.dev",
    "VSCODE_CWD": "/",
}
# What VS Code passes to the kernels of notebooks it opens on one's own machine.
VSCODE = {"VSCODE_PID": "4242", "VSCODE_CWD": "/home/ana", "VSCODE_NLS_CONFIG": "{}"}
README = (ROOT / "README.md").read_text()


# test that each platform is told by what it sets, Colab first (its kernel may inherit anything)
@pytest.mark.parametrize(
    "environ, modules, expected",
    [
        ({}, {}, "local"),
        ({"PATH": "/usr/bin", "HOME": "/root"}, {"os": os}, "local"),
        ({"JUPYTERHUB_SERVICE_PREFIX": ""}, {}, "local"),
        (HUB, {}, "jupyterhub"),
        (BINDER, {}, "binder"),
        ({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}, {}, "binder"),
        ({}, COLAB_MODULES, "colab"),
        ({"COLAB_RELEASE_TAG": "release-colab_20250101-060000_RC00"}, {}, "colab"),
        (BINDER, COLAB_MODULES, "colab"),
        ({}, {"google": object(), "google.protobuf": object()}, "local"),
        (CODESPACE, {}, "codespaces"),
        (VSCODE, {}, "vscode"),
        ({"VSCODE_CWD": "/workspaces/x"}, {}, "vscode"),
        # a codespace without its forwarding variables is told by VS Code's alone
        ({"CODESPACES": "true", "VSCODE_PID": "7"}, {}, "vscode"),
        ({"CODESPACES": "false"}, {}, "local"),
        # a hub's server started from a VS Code terminal is still reached through the hub
        (HUB | VSCODE, {}, "jupyterhub"),
        (HUB | CODESPACE, {}, "jupyterhub"),
        (CODESPACE, COLAB_MODULES, "colab"),
    ],
)
def test_detect_names_the_platform(environ, modules, expected):
    assert detect(environ, modules) == expected


# test that a person's link goes through jupyter-server-proxy under the server's prefix
@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "http://127.0.0.1:8765/"),
        (HUB, "/user/alice/proxy/8765/"),
        ({"JUPYTERHUB_SERVICE_PREFIX": "/user/alice"}, "/user/alice/proxy/8765/"),
        (
            {"JUPYTERHUB_SERVICE_PREFIX": "/hub-base/user/bob%40example.org/"},
            "/hub-base/user/bob%40example.org/proxy/8765/",
        ),
        (BINDER, "/user/alice/proxy/8765/"),
        ({"JUPYTERHUB_SERVICE_PREFIX": ""}, "http://127.0.0.1:8765/"),
        # in a codespace, the port's forwarded address; VS Code on one's own machine: loopback
        (CODESPACE, "https://ana-flask-tour-5g4wq7-8765.app.github.dev/"),
        (VSCODE, "http://127.0.0.1:8765/"),
        ({"CODESPACES": "true"}, "http://127.0.0.1:8765/"),
    ],
)
def test_link_for(environ, expected):
    assert link_for(8765, environ) == expected


def test_link_for_reads_this_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/carol/")
    assert link_for(5000) == "/user/carol/proxy/5000/"
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX")
    assert link_for(5000) == "http://127.0.0.1:5000/"


def test_show_link_does_nothing_off_colab(capsys):
    assert "google.colab" not in sys.modules
    assert show_link(5000) is False
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def fake_colab(monkeypatch):
    """Stand in for ``google.colab.output``, which exists only on Colab's machines.

    Nothing real can answer here: Colab's proxy URL is made by Colab's page in the learner's
    browser. The fake records the calls, with the signatures of colabtools' google/colab/output.
    """
    calls = []
    output = types.SimpleNamespace(
        serve_kernel_port_as_window=lambda port, path="/", anchor_text=None: calls.append(
            ("window", port, path, anchor_text)
        ),
        serve_kernel_port_as_iframe=lambda port, path="/", width="100%", height="400", cache_in_notebook=False: (
            calls.append(("iframe", port, path, height))
        ),
    )
    monkeypatch.setitem(sys.modules, "google.colab", types.SimpleNamespace(output=output))
    return calls


def test_show_link_on_colab_uses_colabs_kernel_port_proxy(fake_colab):
    assert platforms.detect(os.environ, sys.modules) == "colab"
    assert show_link(5000) is True
    assert show_link(5001, text="hello on port 5001", path="/greet") is True
    assert show_link(5002, iframe=True, height=300) is True
    assert fake_colab == [
        ("window", 5000, "/", "Open the app (port 5000)"),
        ("window", 5001, "/greet", "hello on port 5001"),
        ("iframe", 5002, "/", "300"),
    ]


def _repository():
    """Return the workbook's GitHub path (``OWNER/REPO``) from pyproject.toml."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    return re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", url).group(1)


def test_binder_badge_opens_start_here_in_lab_from_this_repository():
    links = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/([\w.-]+)\?urlpath=lab/tree/([^)\s]+)", README)
    assert links, "the README has a Binder launch badge"
    assert all(repo == _repository() and (ROOT / path).is_file() for repo, _, path in links), links
    assert any(path == "notebooks/00-start-here.ipynb" for _, _, path in links)


def test_colab_links_open_notebooks_of_this_repository():
    links = re.findall(
        r"https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/([\w.-]+)/([\w./-]+\.ipynb)", README
    )
    assert links, "the README shows how to open a chapter on Colab"
    assert all(repo == _repository() and (ROOT / path).is_file() for repo, _, path in links), links
