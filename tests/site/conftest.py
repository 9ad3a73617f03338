"""Fixtures for the checks of the built site in ``_build/html`` (run by ``make browser``)."""

import sys
import tempfile
from pathlib import Path

import pytest
from sitepaths import ROOT, SITE

sys.path.insert(0, str(ROOT / "bench"))
from explorer_chromium import Chromium, serve  # the project's one DevTools client


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no index.html: run `make html` first")
    return SITE


@pytest.fixture(scope="module")
def server(site):
    """The built site, served from a thread on 127.0.0.1; its base URL."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    # A helper process that dies late may still leave a file behind: not a test failure.
    with tempfile.TemporaryDirectory(
        prefix="site-chromium-", ignore_cleanup_errors=True
    ) as profile:
        try:
            chromium = Chromium(Path(profile))
        except (FileNotFoundError, RuntimeError) as error:
            pytest.fail(str(error))
        try:
            yield chromium
        finally:
            chromium.close()
