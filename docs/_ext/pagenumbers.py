"""Number figures and tables from 1 on every page.

Sphinx numbers figures per numbered section, or, with no numbered toctree (a blog has none),
in one count across the whole site: the third post's first figure is "Fig. 12". Readers of a
post expect "Fig. 1". After Sphinx assigns its numbers this renumbers each page's figures of
each type 1, 2, ... in their order on the page, which is also what ``{numref}`` shows.

Sphinx decides which pages to rewrite by comparing the numbers it assigns with the previous
build's. So that this comparison keeps working (and unchanged pages are not rewritten on every
build), the site-wide numbers are kept and put back before Sphinx assigns the new ones.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

_SITE_WIDE = "pagenumbers_site_wide"


def _restore_site_wide(app: Sphinx, env: BuildEnvironment) -> list[str]:
    saved = getattr(env, _SITE_WIDE, None)
    if saved is not None:
        env.toc_fignumbers = saved
    return []


def _renumber_per_page(app: Sphinx, env: BuildEnvironment) -> list[str]:
    setattr(env, _SITE_WIDE, env.toc_fignumbers)
    per_page: dict[str, dict[str, dict[str, tuple[int, ...]]]] = {}
    for docname, by_type in env.toc_fignumbers.items():
        per_page[docname] = {
            figtype: {
                fig_id: (i,)
                for i, (fig_id, _) in enumerate(sorted(numbers.items(), key=lambda kv: kv[1]), 1)
            }
            for figtype, numbers in by_type.items()
        }
    env.toc_fignumbers = per_page
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    # Sphinx's toctree collector assigns numbers at the default priority, 500.
    app.connect("env-get-updated", _restore_site_wide, priority=100)
    app.connect("env-get-updated", _renumber_per_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
