"""Fixtures for the checks of the built site in ``_build/html`` (run by ``make browser``)."""

from pathlib import Path

import pytest
from sitepaths import SITE


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no index.html: run `make html` first")
    return SITE
