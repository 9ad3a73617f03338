"""Two clean builds give the same site, byte for byte (no timestamps, no random names).

The second build starts from nothing: its own doctrees and its own, empty execution cache, so
every article is executed again. Compare with ``_build/html`` from a clean ``make html``.
"""

import filecmp
import subprocess
import sys
from pathlib import Path

from sitepaths import ROOT

# Sphinx's backup of the previous build's config hash, left by incremental builds only.
INCREMENTAL_ONLY = {".buildinfo.bak"}


def _files(root: Path) -> set[str]:
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return files - INCREMENTAL_ONLY


def test_second_clean_build_is_identical(site, tmp_path):
    out = tmp_path / "html"
    sphinx = Path(sys.executable).with_name("sphinx-build")
    result = subprocess.run(
        [str(sphinx), "-W", "--keep-going", "-q", "-b", "html", "-c", str(ROOT),
         "-d", str(tmp_path / "doctrees"),
         "-D", f"nb_execution_cache_path={tmp_path / 'jupyter_cache'}",
         str(ROOT / "docs"), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = _files(site), _files(out)
    assert first == second, (
        f"only in _build/html: {sorted(first - second)}; only in the new build: "
        f"{sorted(second - first)} (was _build/html built clean?)"
    )
    _, mismatch, errors = filecmp.cmpfiles(site, out, sorted(first), shallow=False)
    assert not mismatch and not errors, f"files that differ between two builds: {mismatch}"
