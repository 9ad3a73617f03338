"""Post metadata for the site's articles: header, TLDR, "Cite this page" and an .ipynb download.

Every page that ablog treats as a post (``blog_post_pattern``) must carry these front-matter
keys (``postmeta_required``)::

    title: How this site computes its pages
    author: Oren Bochman                  # several authors: "A B, C D"
    date: "2026-05-18"                    # published; quote it (jupyter-cache needs a string)
    modified: "2026-05-18"                # last substantive change; quoted too
    tags: [site, katex]
    tldr: One sentence that says the claim.

From them this extension

* puts a TLDR admonition under the title (its paragraph is the one ablog uses as the
  post's excerpt in lists and in the Atom feed),
* puts the author, the published and modified dates, the tags (linked to ablog's tag pages)
  and a link to the article as a notebook above the TLDR, with the ``pip install`` command
  that gets the library at the commit the site was built from (``postmeta_repository``,
  ``postmeta_commit``),
* describes the post by its TLDR (``<meta name="description">`` and OpenGraph),
* appends a "Cite this page" section with a BibTeX entry and a plain-text citation,
* writes ``<page>.ipynb`` next to each post's HTML (the source as a notebook, no outputs,
  opening with the same install command),
* dates the Atom feed by the posts, not by the clock, so that two builds are identical.

A missing or malformed key is a warning, which ``-W`` turns into a failed build.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

__all__ = ["bibtex_entry", "install_command", "plain_citation", "setup"]

DATE_FORMAT = "%Y-%m-%d"
FEED_EPOCH = "1970-01-01T00:00:00+00:00"  # the feed date of a blog without posts
# BibTeX's month macros (not the locale's month names).
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _slugify(text: str) -> str:
    from ablog.blog import slugify

    return slugify(text)


def _split_list(value: str) -> list[str]:
    """Front-matter lists arrive as JSON text (``["a", "b"]``) or as ``a, b``."""
    value = value.strip()
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            items = value.strip("[]").split(",")
    else:
        items = value.split(",")
    return [str(item).strip().strip("'\"").strip() for item in items if str(item).strip()]


def _family_given(name: str) -> tuple[str, str]:
    """Split "Given Family" (or "Family, Given") into (family, given)."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return family, given
    parts = name.split()
    return parts[-1], " ".join(parts[:-1])


def _bibtex_title(title: str) -> str:
    """Protect words from the case changes of BibTeX styles, the same way in every post.

    Styles such as ``plain`` set titles in sentence case: they keep the first letter and
    lower-case the rest unless it is in braces. So every word with a capital inside it
    (acronyms such as ReLU, LP) is braced wherever it stands, and so is every capitalised
    word after the first.

    >>> _bibtex_title("ReLU as an if-statement: counting the regions")
    '{ReLU} as an if-statement: counting the regions'
    >>> _bibtex_title("Optimising over a ReLU network is linear programming")
    'Optimising over a {ReLU} network is linear programming'
    >>> _bibtex_title("How this site computes its pages")
    'How this site computes its pages'
    >>> _bibtex_title("Deep Learning Intuitions")
    'Deep {Learning} {Intuitions}'
    """
    words = title.split(" ")
    return " ".join(
        f"{{{w}}}" if any(c.isupper() for c in w[1:]) or (i and w[:1].isupper()) else w
        for i, w in enumerate(words)
    )


def bibtex_entry(key: str, authors: list[str], title: str, date: datetime, url: str) -> str:
    """The ``@online`` entry of a post.

    >>> print(bibtex_entry("bochman2020", ["Oren Bochman"], "Deep Learning Intuitions",
    ...                    datetime(2020, 10, 25), "https://example.org/p.html"))
    @online{bochman2020,
      author = {Bochman, Oren},
      title = {Deep {Learning} {Intuitions}},
      date = {2020-10-25},
      year = {2020},
      month = oct,
      url = {https://example.org/p.html},
      langid = {en}
    }

    ``date`` is for biblatex; ``year`` and ``month`` (a standard month macro) are what the
    classic BibTeX styles print.
    """
    names = " and ".join(", ".join(_family_given(a)) for a in authors)
    return (
        f"@online{{{key},\n"
        f"  author = {{{names}}},\n"
        f"  title = {{{_bibtex_title(title)}}},\n"
        f"  date = {{{date:%Y-%m-%d}}},\n"
        f"  year = {{{date:%Y}}},\n"
        f"  month = {MONTH_MACROS[date.month - 1]},\n"
        f"  url = {{{url}}},\n"
        f"  langid = {{en}}\n"
        f"}}"
    )


def plain_citation(authors: list[str], title: str, date: datetime, url: str) -> str:
    """Chicago author-date, as the source blog prints it.

    >>> plain_citation(["Oren Bochman"], "Deep Learning Intuitions", datetime(2020, 10, 25),
    ...                "https://example.org/p.html")
    'Bochman, Oren. 2020. “Deep Learning Intuitions.” October 25. https://example.org/p.html.'
    """
    family, given = _family_given(authors[0])
    names = [f"{family}, {given}", *authors[1:]]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]}, and {names[1]}"
    else:
        who = ", ".join(names[:-1]) + f", and {names[-1]}"
    return f"{who}. {date:%Y}. “{title}.” {date:%B} {date.day}. {url}."


def _is_post(app: Sphinx, docname: str) -> bool:
    return docname in getattr(app.config, "matched_blog_posts", [])


def _front_matter(doctree: nodes.document) -> dict[str, str]:
    """The page's docinfo (MyST front matter) as strings, read before Sphinx removes it."""
    data: dict[str, str] = {}
    for docinfo in doctree.findall(nodes.docinfo):
        for field in docinfo.findall(nodes.field):
            data[field[0].astext()] = field[1].astext()
        for author in docinfo.findall(nodes.author):
            data["author"] = author.astext()
        for date in docinfo.findall(nodes.date):
            data["date"] = date.astext()
    return data


def _parse_date(value: str, key: str, docname: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT)
    except ValueError:
        logger.warning(
            "front matter %r of %s must be a quoted YYYY-MM-DD date, got %r",
            key, docname, value, location=docname, type="postmeta", subtype="date",
        )
        return None


def _read_post(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, before ablog: validate the metadata, add the TLDR and the cite block."""
    env = app.env
    docname = env.docname
    if not _is_post(app, docname):
        return
    fm = _front_matter(doctree)
    missing = [k for k in app.config.postmeta_required if not fm.get(k, "").strip()]
    if missing:
        logger.warning(
            "post %s lacks front-matter key(s): %s", docname, ", ".join(missing),
            location=docname, type="postmeta", subtype="missing",
        )
        return
    published = _parse_date(fm["date"], "date", docname)
    modified = _parse_date(fm["modified"], "modified", docname)
    if published is None or modified is None:
        return
    if modified < published:
        logger.warning(
            "post %s: modified (%s) is before date (%s)", docname, fm["modified"], fm["date"],
            location=docname, type="postmeta", subtype="date",
        )
    authors = _split_list(fm["author"])
    tags = _split_list(fm["tags"])
    title = fm["title"].strip()
    url = app.config.postmeta_site_url.rstrip("/") + "/" + docname + ".html"
    family, _ = _family_given(authors[0])
    key = fm.get("citekey") or f"{_slugify(family)}{published:%Y}-{_slugify(Path(docname).name)}"

    env.postmeta = getattr(env, "postmeta", {})
    env.postmeta[docname] = {
        "title": title,
        "authors": authors,
        "date": published,
        "modified": modified,
        "tags": tags,
        "tldr": fm["tldr"].strip(),
    }

    sections = list(doctree.findall(nodes.section))
    if not sections:
        logger.warning("post %s has no title", docname, location=docname, type="postmeta")
        return
    top = sections[0]

    tldr = nodes.admonition("", classes=["tldr", "post-tldr"])
    tldr += nodes.title("", "TLDR")
    tldr += nodes.paragraph("", fm["tldr"].strip())
    top.insert(1, tldr)

    cite = nodes.section("", ids=["cite-this-page"], names=["cite this page"],
                         classes=["cite-this-page"])
    cite += nodes.title("", "Cite this page")
    cite += nodes.paragraph("", "BibTeX citation:")
    bib = bibtex_entry(key, authors, title, published, url)
    block = nodes.literal_block(bib, bib, language="bibtex", classes=["cite-bibtex"])
    cite += block
    cite += nodes.paragraph("", "For attribution, please cite this work as:")
    cite += nodes.paragraph("", plain_citation(authors, title, published, url),
                            classes=["cite-text"])
    top += cite
    doctree.note_implicit_target(cite, cite)


def _date_ablog_updates(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read, after ablog: a post's 'updated' is its front-matter modified date."""
    meta = getattr(app.env, "postmeta", {}).get(app.env.docname)
    posts = getattr(app.env, "ablog_posts", {}).get(app.env.docname)
    if meta and posts:
        for info in posts:
            info["update"] = max(meta["modified"], info["date"] or meta["modified"])


def _header(app: Sphinx, docname: str, meta: dict) -> nodes.Element:
    """Author, dates, tags and the notebook download, as one block of lines."""
    box = nodes.line_block("", classes=["post-meta"])

    def line(label: str, *content: nodes.Node, cls: str) -> None:
        para = nodes.line("", "", classes=["post-meta-line", cls])
        para += nodes.strong("", label + " ")
        for item in content:
            para += item
        box.append(para)

    line("Author", nodes.inline("", ", ".join(meta["authors"]), classes=["post-author"]),
         cls="post-meta-author")
    line("Published", nodes.inline("", f"{meta['date']:%A, %B} {meta['date'].day}, "
                                   f"{meta['date']:%Y}", classes=["post-published"]),
         cls="post-meta-published")
    line("Modified", nodes.inline("", f"{meta['modified']:%A, %B} {meta['modified'].day}, "
                                  f"{meta['modified']:%Y}", classes=["post-modified"]),
         cls="post-meta-modified")
    tag_nodes: list[nodes.Node] = []
    blog_path = app.config.blog_path
    for i, tag in enumerate(meta["tags"]):
        if i:
            tag_nodes.append(nodes.Text(" "))
        uri = app.builder.get_relative_uri(docname, f"{blog_path}/tag/{_slugify(tag)}")
        tag_nodes.append(nodes.reference("", tag, refuri=uri, classes=["post-tag"]))
    line("Tags", *tag_nodes, cls="post-meta-tags")
    name = Path(docname).name + ".ipynb"
    line("Notebook", nodes.reference("", name, refuri=name, classes=["post-ipynb"]),
         cls="post-meta-ipynb")
    return box


def install_command(repository: str, commit: str, extra: str = "notebook") -> str:
    """The pip command that installs the library as it was at ``commit``.

    >>> install_command("https://github.com/o/r", "0123abc")
    'pip install "reluineq[notebook] @ git+https://github.com/o/r@0123abc"'
    """
    return f'pip install "reluineq[{extra}] @ git+{repository.rstrip("/")}@{commit}"'


def _install_block(app: Sphinx, docname: str) -> nodes.Element:
    """How to run the downloaded notebook: the library at the commit the site was built from."""
    command = install_command(app.config.postmeta_repository, app.config.postmeta_commit)
    box = nodes.container("", classes=["post-install"])
    box += nodes.paragraph(
        "", f"To run {Path(docname).name}.ipynb, install reluineq as it was when this page "
        "was built (Python 3.11 or newer), then open the notebook in Jupyter:"
    )
    box += nodes.literal_block(command, command, language="bash")
    return box


def _resolve_post(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: add the header (after ablog took the TLDR as the excerpt)."""
    meta = getattr(app.env, "postmeta", {}).get(docname)
    if meta is None or app.builder.format != "html":
        return
    sections = list(doctree.findall(nodes.section))
    if sections:
        sections[0].insert(1, _header(app, docname, meta))
        sections[0].insert(3, _install_block(app, docname))  # after the TLDR


def _page_meta(app: Sphinx, pagename: str, templatename: str, context: dict,
               doctree: nodes.document | None) -> None:
    """html-page-context, before sphinxext-opengraph: a post is described by its TLDR."""
    meta = getattr(app.env, "postmeta", {}).get(pagename)
    if meta is None:
        return
    context["meta"] = {**(context.get("meta") or {}), "og:description": meta["tldr"]}
    tldr = html.escape(meta["tldr"], quote=True)
    context["metatags"] = context.get("metatags", "") + (
        f'<meta name="description" content="{tldr}" />\n'
    )


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: each post as ``.ipynb`` next to its page, and a dated Atom feed."""
    if exception is not None or app.builder.format != "html":
        return
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook

    outdir = Path(app.outdir)
    for docname in getattr(app.env, "postmeta", {}):
        source = Path(app.env.doc2path(docname))
        if not source.exists():
            continue
        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
        command = install_command(app.config.postmeta_repository, app.config.postmeta_commit)
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(
            "This notebook is an article of the Deep Learning Intuitions site. To run it, "
            "install the library as it was when the site was built (Python 3.11 or newer):\n\n"
            f"```bash\n{command}\n```"
        ))
        for i, cell in enumerate(notebook.cells):
            cell["id"] = f"cell-{i}"  # nbformat would draw random ids
        notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
        text = nbformat.writes(notebook) + "\n"
        target = outdir / (docname + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")

    # ablog stamps each feed with the build time; use the newest entry's date instead.
    feed_dir = outdir / app.config.blog_path
    for feed in feed_dir.rglob("*.xml") if feed_dir.is_dir() else []:
        xml = feed.read_text(encoding="utf-8")
        head, sep, rest = xml.partition("<entry>")
        dates = re.findall(r"<updated>([^<]+)</updated>", rest)
        newest = max(dates) if dates else FEED_EPOCH
        head = re.sub(r"<updated>[^<]+</updated>", f"<updated>{newest}</updated>", head, count=1)
        if head + sep + rest != xml:
            feed.write_text(head + sep + rest, encoding="utf-8")


def _check_install_config(app: Sphinx, config) -> None:
    for key in ("postmeta_repository", "postmeta_commit"):
        if not getattr(config, key):
            logger.warning("%s is not set: posts cannot say how to install the library", key,
                           type="postmeta", subtype="config")


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "postmeta", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.postmeta = getattr(env, "postmeta", {})
    env.postmeta.update({d: m for d, m in getattr(other, "postmeta", {}).items() if d in docnames})


def setup(app: Sphinx) -> dict:
    app.add_config_value("postmeta_site_url", "", "env")
    # Where readers get the library, and the commit this site is built from; a new commit
    # rewrites every page that shows it.
    app.add_config_value("postmeta_repository", "", "html")
    app.add_config_value("postmeta_commit", "", "html")
    app.add_config_value(
        "postmeta_required", ["title", "author", "date", "modified", "tags", "tldr"], "env"
    )
    app.connect("doctree-read", _read_post, priority=400)
    app.connect("doctree-read", _date_ablog_updates, priority=600)
    app.connect("doctree-resolved", _resolve_post)
    app.connect("html-page-context", _page_meta, priority=400)
    app.connect("config-inited", _check_install_config)
    app.connect("build-finished", _write_notebooks)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
