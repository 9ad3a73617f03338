"""A reader who downloads an article as a notebook can run it.

Each post tells the reader how to install the library at the commit the site was built from
(``pip install "reluineq[notebook] @ git+<repository>@<commit>"``). Here that instruction is
followed in a fresh virtual environment, with the repository swapped for this checkout (the
tests have no network but the package registries), and every post's downloaded ``.ipynb`` is
run in it from an empty folder, as a reader's download would be.

pip's cache makes the installation quick after the first run; the versions are the project's
pins (constraints.txt), so the notebook meets the libraries the site was built with.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from sitepaths import POSTS, ROOT

INSTRUCTION = re.compile(
    r'pip install "(?P<package>reluineq\[\w+\]) @ git\+(?P<repository>https://\S+?)@'
    r'(?P<commit>[0-9a-f]{40})"'
)
# Runs one notebook with the environment's own kernel, as `jupyter execute` would.
RUN = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
"""


def _clean_environment() -> dict[str, str]:
    # Nothing of the site build's set-up may leak in: the reader has none of it.
    drop = {"PYTHONPATH", "MATPLOTLIBRC", "VIRTUAL_ENV", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _instruction(site, post: str) -> re.Match:
    page = BeautifulSoup((site / "posts" / f"{post}.html").read_text(encoding="utf-8"), "lxml")
    block = page.select_one(".post-install pre")
    assert block is not None, f"{post} does not say how to install the library"
    found = INSTRUCTION.fullmatch(block.get_text().strip())
    assert found, block.get_text()
    return found


@pytest.fixture(scope="module")
def reader_python(site, tmp_path_factory):
    """A fresh virtual environment made by following the posts' instruction."""
    instructions = {_instruction(site, post).group(0) for post in POSTS}
    assert len(instructions) == 1, f"posts disagree on how to install: {instructions}"
    found = _instruction(site, POSTS[0])
    if shutil.which("git") is None:
        pytest.fail("git is needed to install from the checkout")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    assert found["commit"] == head, "the site was built from another commit than HEAD"
    venv = tmp_path_factory.mktemp("reader") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # file://localhost/...: older pips reject a file URL with an empty host in a requirement.
    local = f'{found["package"]} @ git+file://localhost{ROOT.as_posix()}@{found["commit"]}'
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(ROOT / "constraints.txt"), local],
        capture_output=True, text=True, timeout=900, env=_clean_environment(),
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return python


@pytest.mark.parametrize("post", POSTS)
def test_downloaded_notebook_runs(site, reader_python, post, tmp_path):
    notebook = tmp_path / f"{post}.ipynb"
    shutil.copy(site / "posts" / f"{post}.ipynb", notebook)
    run = subprocess.run(
        [str(reader_python), "-c", RUN, str(notebook)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env=_clean_environment(),
    )
    assert run.returncode == 0, f"{post}.ipynb failed:\n{run.stderr[-4000:]}"
