"""The articles as a series: ablog's order among posts of one day follows the sidebar.

The site's reading order is the Articles toctree of the home page (``docs/index.md``), an
explicit list that the theme already uses for the sidebar and for its previous/next links.
ablog orders posts by ``(date, title)``: posts published on the same day would follow
their titles' alphabetical order in a sorted ``postlist``, as on the home page (oldest
first), and in ablog's archive pages. This extension breaks such ties by the article's
position in that toctree instead of by its title, so every list of articles reads as the
series. (ablog's own previous/next links are not rendered: the theme's follow the toctree.)

Posts of different days keep ablog's chronological order; ``tests/site/test_claims.py``
fails if that ever disagrees with the sidebar.
"""

from __future__ import annotations

from fnmatch import fnmatch

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

__all__ = ["series", "setup"]

_POSITION: dict[str, int] = {}


def series(env: BuildEnvironment) -> list[str]:
    """The posts in the order the root document's toctrees list them."""
    pattern = env.config.blog_post_pattern
    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    included = env.toctree_includes.get(env.config.root_doc, [])
    return [doc for doc in included if any(fnmatch(doc, p) for p in patterns)]


def _remember_order(app: Sphinx, env: BuildEnvironment) -> None:
    _POSITION.clear()
    _POSITION.update({doc: k for k, doc in enumerate(series(env))})


def _series_lt(self, other) -> bool:  # self, other: ablog Post objects
    # Unlisted posts sort after the listed ones of their day, then by title (ablog's rule).
    def key(post):
        return (post._computed_date, _POSITION.get(post.docname, len(_POSITION)), post.title)

    return key(self) < key(other)


def setup(app: Sphinx) -> dict:
    from ablog.blog import Post

    Post.__lt__ = _series_lt
    app.connect("env-updated", _remember_order)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
