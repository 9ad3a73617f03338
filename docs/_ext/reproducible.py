"""The same site from every build: cold or warm, here or in another directory.

Sphinx builds incrementally: a second build with nothing changed rewrites only some pages, and
those pages come out differently from the first build's:

* the search index loses its index entries (the API page's objects), because Sphinx reloads
  the previous index without them;
* pages written before ablog has registered the posts (the index, the search page) lose the
  sidebar's tags and archives;
* myst-nb writes its stylesheet only when the build finishes, so in a cold build no page can
  link it with a checksum (``?v=``), and in a warm build every rewritten page does.
* the search index keeps, with no page, every word that a rewritten page no longer has (the
  commit in each post's ``pip install`` line, after a commit), where a cold build has none.

So every build reads and writes every page, and words that no page has leave the index. The
notebooks' outputs come from the execution cache, so this costs seconds, not a re-execution.
And myst-nb's stylesheet is in place before the first page is written.

A build in another directory differs only in ``.buildinfo``, whose configuration hash covers
absolute paths (the static folders, a temporary folder of sphinxcontrib-katex). The hash is
taken over the same values with those paths made relative (to the configuration directory
or the installed package) and temporary folders left out. Sphinx's backup of an older
``.buildinfo`` (left after a configuration change) is removed: it is not part of the site.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _read_everything(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                     removed: set[str]) -> list[str]:
    """env-get-outdated: every document, so that every page is written from a full read."""
    return sorted(env.found_docs - added - changed - removed)


def _stylesheet_first(app: Sphinx) -> None:
    """builder-inited: myst-nb's stylesheet, written where pages will link it."""
    if app.builder.format == "html":
        from myst_nb.sphinx_ext import add_global_html_resources

        (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)


def _portable(value: Any, confdir: Path) -> Any:
    """``value`` with absolute paths made independent of where the site is built.

    >>> _portable(["docs/_static", "/w/site/_build/k",
    ...            "/w/site/.venv/lib/python3.11/site-packages/ablog/css"], Path("/w/site"))
    ['docs/_static', '_build/k', 'ablog/css']
    """
    if isinstance(value, (list, tuple)):
        kept = [_portable(v, confdir) for v in value]
        return type(value)(v for v in kept if v is not _TEMPORARY)
    if not isinstance(value, (str, Path)) or not Path(value).is_absolute():
        return value
    path = Path(value)
    if "site-packages" in path.parts:  # (the virtual environment may be inside confdir)
        return Path(*path.parts[path.parts.index("site-packages") + 1 :]).as_posix()
    if path.is_relative_to(confdir):
        return path.relative_to(confdir).as_posix()
    if path.is_relative_to(tempfile.gettempdir()):
        return _TEMPORARY
    return value


_TEMPORARY = object()


def _portable_build_info(app: Sphinx) -> None:
    """builder-inited: a configuration hash in .buildinfo that does not depend on paths."""
    info = getattr(app.builder, "build_info", None)
    if info is None:
        return
    from sphinx.util._serialise import stable_hash

    confdir = Path(app.confdir).resolve()
    values = {c.name: _portable(c.value, confdir) for c in app.config.filter(frozenset({"html"}))}
    info.config_hash = stable_hash(values)


def _drop_backup(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: Sphinx's backup of an older .buildinfo is not part of the site."""
    if app.builder.format == "html":
        (Path(app.outdir) / ".buildinfo.bak").unlink(missing_ok=True)


def drop_unused_words(mapping: dict[str, set[str]]) -> None:
    """Remove the words that no document has from a search index's word -> documents map.

    >>> index = {"relu": {"posts/a"}, "45f0a3a": set()}
    >>> drop_unused_words(index)
    >>> index
    {'relu': {'posts/a'}}
    """
    for word in [w for w, docs in mapping.items() if not docs]:
        del mapping[word]


def _prune_then_drop_unused(prune):
    def pruned(self, docnames) -> None:
        prune(self, docnames)
        drop_unused_words(self._mapping)
        drop_unused_words(self._title_mapping)

    pruned.reproducible = True
    return pruned


def setup(app: Sphinx) -> dict:
    from sphinx.search import IndexBuilder

    if not getattr(IndexBuilder.prune, "reproducible", False):
        IndexBuilder.prune = _prune_then_drop_unused(IndexBuilder.prune)
    app.connect("build-finished", _drop_backup)
    app.connect("env-get-outdated", _read_everything)
    app.connect("builder-inited", _stylesheet_first)
    app.connect("builder-inited", _portable_build_info)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
