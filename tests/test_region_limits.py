"""``max_regions`` bounds memory (issue 9, defect 3).

The 2-D line arrangement once built every corner of a layer's cells before counting them:
on a 2-1000-1 network, ``max_regions=10`` ended in a MemoryError after about 7 GB. Each
case runs in a subprocess whose address space is capped at 1.5 GB, so that running out
fails the test instead of the machine. (Its time, well under a second, is measured in the
report of issue 9, not here.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CAP = 1536 * 2**20

SCRIPT = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    from reluineq import Network, TooManyRegionsError, regions
    net = Network.random([2, {width}, 1], seed={seed})
    try:
        rs = regions(net, [(-2.0, 2.0), (-2.0, 2.0)], max_regions={limit})
    except TooManyRegionsError as err:
        print("refused:", err)
    else:
        print("regions:", len(rs))
""")


def run_capped(width: int, limit: int, seed: int = 0) -> str:
    code = SCRIPT.format(cap=CAP, width=width, seed=seed, limit=limit)
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": ""}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("width", [800, 1000])
def test_a_small_limit_refuses_a_wide_layer_within_bounded_memory(width):
    out = run_capped(width, 10)
    assert out.startswith("refused: more than max_regions=10 regions after unit")


def test_a_limit_above_the_count_still_gives_every_region():
    # 2-40-1 on this box has a few hundred regions: under a limit of 5000 the
    # arrangement runs as before and the count is the unlimited one.
    from reluineq import Network, regions

    net = Network.random([2, 40, 1], seed=0)
    want = len(regions(net, [(-2.0, 2.0), (-2.0, 2.0)]))
    assert run_capped(40, 5000) == f"regions: {want}\n"
    assert run_capped(40, want - 1).startswith("refused:")
