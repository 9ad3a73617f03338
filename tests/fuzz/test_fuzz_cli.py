"""Fuzz the command line (issue 9): every run ends in a correct result or one line and
exit 2, within a memory and time cap. See ``fuzz_harness`` for what is judged.

The seed is fixed (derandomized, no example database), so ``make test`` runs the same
cases every time; ``FUZZ_EXAMPLES`` sets how many (``make fuzz`` runs many more). The
smallest failing case found is saved in ``corpus/`` (hypothesis runs it last), to be
committed and replayed by ``test_fuzz_corpus.py``.
"""

import os

import pytest
from fuzz_harness import check, save
from fuzz_strategies import cases
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))

_last_failure: list = []


@pytest.fixture
def _save_the_smallest_failure():
    _last_failure.clear()
    yield
    if _last_failure:
        print(f"fuzz: failing case saved in {save(_last_failure[-1])}")


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck), print_blob=True)
@given(case=cases())
def test_every_run_is_right_or_one_line(_save_the_smallest_failure, case):
    try:
        check(case)
    except Exception:  # a failed judgement, or the harness itself (it failed first)
        _last_failure.append(case)
        raise
