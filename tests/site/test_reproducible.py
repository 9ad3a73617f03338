"""The site is the same byte for byte however it is built: cold, warm, or in another directory.

One cold build is made in a copy of the sources in another directory, with its own doctrees
and its own empty execution cache, so every article is executed again. It is compared with
``_build/html`` (built where the repository is, usually warm, perhaps from a cached
execution), and then built again with nothing changed (a warm build, in the same place) and
compared with itself. The expensive part, executing the notebooks, happens once.
"""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitepaths import ROOT

SOURCES = ["conf.py", "docs", "src"]


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _same(first: Path, second: Path) -> None:
    a, b = _files(first), _files(second)
    assert a == b, (
        f"only in {first}: {sorted(a - b)}; only in {second}: {sorted(b - a)}"
    )
    _, mismatch, errors = filecmp.cmpfiles(first, second, sorted(a), shallow=False)
    assert not mismatch and not errors, f"files that differ: {mismatch} {errors}"


def _build(tree: Path, commit: str) -> str:
    sphinx = Path(sys.executable).with_name("sphinx-build")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MATPLOTLIBRC"}}
    result = subprocess.run(
        [str(sphinx), "-W", "--keep-going", "-q", "-b", "html", "-c", str(tree),
         "-d", str(tree / "_build" / "doctrees"),
         # The copy is not a git checkout: it is built from this commit.
         "-D", f"postmeta_commit={commit}",
         str(tree / "docs"), str(tree / "_build" / "html")],
        cwd=tree, capture_output=True, text=True, timeout=900, env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def elsewhere(site, tmp_path_factory) -> dict[str, Path]:
    """A cold build of a copy of the sources in another directory, and a warm one after it."""
    tree = tmp_path_factory.mktemp("elsewhere") / "another" / "checkout"
    tree.mkdir(parents=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, tree / name)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX, not a source
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    _build(tree, commit)
    cold = tree.parent / "cold-html"
    shutil.copytree(tree / "_build" / "html", cold)
    _build(tree, commit)
    return {"cold": cold, "warm": tree / "_build" / "html"}


def test_cold_build_elsewhere_is_the_site(site, elsewhere):
    """No absolute path, timestamp, random name or cached result reaches the site."""
    _same(site, elsewhere["cold"])


def test_warm_build_is_the_cold_build(elsewhere):
    """A second build with nothing changed writes exactly what the first one wrote."""
    _same(elsewhere["cold"], elsewhere["warm"])
