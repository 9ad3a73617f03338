"""The articles as a series: the home page lists them in the sidebar's reading order.

The site's reading order is the Articles toctree of the home page (``docs/index.md``), an
explicit list that the theme already uses for the sidebar and for its previous/next links.
ablog orders posts by ``(date, title)``, so its sorted ``postlist`` on the home page would
read oldest first, and an article published later but meant to be read early (such as
"Move the lines yourself", the second of the series) would come last. This extension makes
the home page's ``postlist`` follow the toctree instead, while ablog's other lists (archive
and tag pages, the Atom feed) keep their date order, with ties among posts of one day broken
by the toctree rather than by title. (ablog's own previous/next links are not rendered: the
theme's follow the toctree.)

``tests/site/test_claims.py`` fails if the home page, the sidebar and the previous/next links
ever disagree.
"""

from __future__ import annotations

from fnmatch import fnmatch

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

__all__ = ["series", "setup"]

_POSITION: dict[str, int] = {}
_ON_HOME_PAGE = [False]  # True while ablog lists the posts of the root document


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
    # Unlisted posts sort after the listed ones (of their day), then by title (ablog's rule).
    def key(post):
        position = _POSITION.get(post.docname, len(_POSITION))
        if _ON_HOME_PAGE[0]:
            return (position, post._computed_date, post.title)
        return (post._computed_date, position, post.title)

    return key(self) < key(other)


def _entering(app: Sphinx, doctree, docname: str) -> None:
    _ON_HOME_PAGE[0] = docname == app.config.root_doc


def _leaving(app: Sphinx, doctree, docname: str) -> None:
    _ON_HOME_PAGE[0] = False


def setup(app: Sphinx) -> dict:
    from ablog.blog import Post

    Post.__lt__ = _series_lt
    app.connect("env-updated", _remember_order)
    # ablog's process_postlist runs at the default priority (500), between these two.
    app.connect("doctree-resolved", _entering, priority=400)
    app.connect("doctree-resolved", _leaving, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
