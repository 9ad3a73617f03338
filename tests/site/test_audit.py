"""The cheap part of `make audit` on every page: axe-core, the Nu Html Checker, the 390 px
phone layout, console messages and page weights (tests/site/audit.mjs, from the npm packages
pinned in package-lock.json; the site is served with gzip from 127.0.0.1).

Lighthouse is left to `make audit`: it takes about ten seconds a page.
"""

import json
import subprocess

import pytest
from sitepaths import ROOT, SITE

PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))
CHECKS = "axe,vnu,layout,weight"


@pytest.fixture(scope="module")
def audit(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("audit") / "audit.json"
    run = subprocess.run(
        ["node", str(ROOT / "tests" / "site" / "audit.mjs"), "--site", str(site),
         "--checks", CHECKS, "--quiet", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    # Exit status 1 means a goal was missed: the tests below say which. Anything else (or no
    # report) means the audit itself broke.
    if run.returncode not in (0, 1) or not out.exists():
        pytest.fail(f"audit.mjs failed ({run.returncode}):\n{run.stdout[-3000:]}\n"
                    f"{run.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def _missed(report: dict, *names: str) -> list:
    return [row for row in report["goals"] if row[0].startswith(names) and not row[3]]


@pytest.mark.parametrize("page", PAGES)
def test_no_accessibility_violations(audit, page):
    report = audit[page]
    assert not report["axe"], "axe-core: " + "; ".join(
        f"{v['id']} ({v['impact']}): {' | '.join(v['targets'])}" for v in report["axe"])


@pytest.mark.parametrize("page", PAGES)
def test_markup_is_valid(audit, page):
    errors = audit[page]["vnu"]
    assert not errors, "Nu Html Checker: " + "; ".join(
        f"line {e['line']}: {e['message']}" for e in errors[:10])


@pytest.mark.parametrize("page", PAGES)
def test_phone_sees_everything(audit, page):
    layout = audit[page]["layout"]
    assert not _missed(audit[page], "page width"), f"page is {layout['pageWidth']} px wide"
    assert not layout["overflowing"], (
        "out of reach on a 390 px phone (neither on screen nor in a box that scrolls): "
        + "; ".join(f"{o['kind']} {o['element']} {o['text']!r}" for o in layout["overflowing"]))


@pytest.mark.parametrize("page", PAGES)
def test_page_is_light_and_quiet(audit, page):
    report = audit[page]
    assert not _missed(report, "transferred"), (
        f"{report['weight']['bytes'] / 1024:.0f} KiB transferred: {report['weight']['byType']}")
    assert not report["console"], f"console: {report['console']}"
    assert not report["outside"], f"requests leave the site: {report['outside']}"


def test_every_page_is_audited(audit):
    assert sorted(audit) == PAGES
    assert all(len(audit[p]["goals"]) >= 6 for p in PAGES)
