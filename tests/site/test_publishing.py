"""The publishing workflow: what it runs, that it is linted, and that the lint has teeth."""

import subprocess

import pytest
import yaml
from sitepaths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"


def _lint(cwd):
    return subprocess.run(["node", str(ACTIONLINT), ".github/workflows/*.yml"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_workflow_passes_actionlint():
    run = _lint(ROOT)
    assert run.returncode == 0 and "1 workflow file" in run.stdout, run.stdout + run.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          fetch-depht: 1\n"
    )
    run = _lint(tmp_path)
    assert run.returncode == 1 and "fetch-depht" in run.stdout, run.stdout


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_builds_checks_and_publishes_main(workflow):
    triggers = workflow[True]  # YAML reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    build = workflow["jobs"]["build"]["steps"]
    commands = [s.get("run") for s in build]
    assert commands.index("make html") < commands.index("make test")
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_build/html"
    assert "refs/heads/main" in upload["if"] and "push" in upload["if"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_workflow_keeps_the_notebook_cache_only_for_the_same_library(workflow):
    cache = next(s for s in workflow["jobs"]["build"]["steps"]
                 if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "_build/.jupyter_cache"
    # A cache made with another library version or other pins would publish stale outputs.
    for restore in cache["with"]["restore-keys"].strip().splitlines():
        assert "hashFiles('src/**'" in restore and "constraints.txt" in restore
