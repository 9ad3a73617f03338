"""Markup that phones, screen readers and the Nu Html Checker accept, and pages that stay light.

Sphinx, myst-nb, ablog and the theme each write a little HTML that is invalid or unkind to
readers; notebook outputs can carry whole images inline. This extension fixes that in the
built pages, close to where each comes from:

* **Inline images become files.** A ``data:`` image in an HTML cell output (the frames of
  ``reluineq.animation.animation_html``, say) is written once to ``_images/<sha256>.<ext>``
  and referred to by its URL, so pages stay small and images are cached across pages. The
  notebook and its execution cache keep the data, so the site never depends on a file that
  only an earlier build wrote.
* **Images carry their size.** Every image node gets the width and height of its file (in
  CSS pixels), so the page does not shift as images arrive, and loads lazily: every article
  opens with its title, summary and prose, so no figure is in the first screen, and an image
  fetched early only takes bandwidth from what is (``tests/site/test_browser.py`` checks that
  no page shows an image in its first screen).
* **Cell outputs inject no page-wide styles.** IPython's ``Code`` output starts with a
  ``<style>`` block of Pygments rules (one restyles every ``pre``); it is dropped, and the
  site's own, dark-mode-aware highlighting applies. Any other ``<style>`` in an output fails
  the build.
* **Wide boxes scroll and take focus.** Display equations and output tables may scroll
  sideways on a phone; each starts in the tab order (``site.js`` takes out those that fit).
* **Valid, accessible markup.** myst-nb's show/hide summaries hold ``<p>`` (not allowed in
  ``<summary>``) and an ``aria-label`` that hides their visible text; the bibliography uses
  the deprecated ``doc-biblioentry`` role inside ``role="list"``.
* **No build paths.** A traceback shown on purpose names files from the repository's root,
  not by where the site happened to be built.
* **Landmarks have names.** The theme's two ``<aside>`` landmarks (site navigation, the
  page's contents) are labelled, and its navigation captions get a heading level.
* **No template sources among the pages.** The theme's ``*macros.html`` files in
  ``_static`` are Jinja sources, not pages; they are not shipped.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import imagesize
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

DATA_IMAGE = re.compile(
    r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,([A-Za-z0-9+/=]+)"
)
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp", "svg+xml": "svg"}
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
# What IPython.display.Code puts first: Pygments' style definitions for .output_html.
PYGMENTS_RULES = re.compile(r"^\s*pre\s*\{\s*line-height:\s*125%;\s*\}.*\.output_html", re.S)
# Only files the theme ships as Jinja macros, never real pages.
THEME_SOURCES = ("webpack-macros.html", "sbt-webpack-macros.html")


def _images_uri(app: Sphinx, docname: str) -> str:
    return relative_uri(app.builder.get_target_uri(docname), "_images")


def _write_image(app: Sphinx, kind: str, data: bytes) -> str:
    name = f"{hashlib.sha256(data).hexdigest()}.{EXTENSIONS[kind]}"
    target = Path(app.outdir) / "_images" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return name


def _clean_output_html(app: Sphinx, docname: str, text: str, node: nodes.Node) -> str:
    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        return f"{_images_uri(app, docname)}/{_write_image(app, match.group(1), data)}"

    def drop_style(match: re.Match) -> str:
        if PYGMENTS_RULES.search(match.group(1)):
            return ""
        logger.warning(
            "a cell output of %s injects a <style> block; style the site in "
            "docs/_static/site.css instead", docname,
            location=node, type="pagemarkup", subtype="style",
        )
        return match.group(0)

    return STYLE_BLOCK.sub(drop_style, DATA_IMAGE.sub(to_file, text))


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: outputs' inline images to files, and every image's size."""
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        cleaned = _clean_output_html(app, docname, text, raw)
        if cleaned != text:
            new = nodes.raw(cleaned, cleaned, **raw.attributes)
            raw.replace_self(new)

    # A traceback a cell shows on purpose names the library's files by their absolute path,
    # which depends on where the site is built: name them from the repository's root.
    root = str(Path(app.confdir).resolve()) + "/"
    for block in list(doctree.findall(nodes.literal_block)):
        if "traceback" in block["classes"] and root in block.astext():
            text = block.astext().replace(root, "")
            new = nodes.literal_block(text, text, **block.attributes)
            block.replace_self(new)

    # The theme wraps tables and display math in a scrolling container and copies the ids
    # onto it: the same id twice on a page. Links point at the element itself.
    for wrapper in doctree.findall(nodes.container):
        if {"math-wrapper", "table-wrapper"} & set(wrapper["classes"]) and len(wrapper) == 1:
            if wrapper["ids"] and wrapper["ids"] == wrapper[0]["ids"]:
                wrapper["ids"] = []

    for image in doctree.findall(nodes.image):
        uri = image["uri"]
        if "://" in uri or uri.startswith("data:"):
            continue
        if "width" not in image and "height" not in image and "scale" not in image:
            path = Path(app.srcdir) / uri.lstrip("/")
            try:
                width, height = imagesize.get(path)
            except OSError:
                width = height = -1
            if width > 0 and height > 0:
                image["width"], image["height"] = str(width), str(height)
        image.setdefault("loading", "lazy")


OUTPUT_TABLE = re.compile(r'(<div class="output text_html")>(\s*<table)')
SUMMARY = re.compile(r"<summary aria-label=\"[^\"]*\">(.*?)</summary>", re.S)
SUMMARY_P = re.compile(r"<p class=\"([^\"]*)\">(.*?)</p>", re.S)


def _fix_summary(match: re.Match) -> str:
    inner = SUMMARY_P.sub(r'<span class="\1">\2</span>', match.group(1))
    return f"<summary>{inner}</summary>"


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: nodes.document | None) -> None:
    """html-page-context: markup of myst-nb, the bibliography and the site navigation."""
    navigation = context.get("furo_navigation_tree")
    if navigation:
        # Section captions in the navigation are headings below the page's own h1.
        context["furo_navigation_tree"] = navigation.replace(
            'role="heading">', 'role="heading" aria-level="2">'
        )
    body = context.get("body")
    if not body:
        return
    body = SUMMARY.sub(_fix_summary, body)
    # A display equation (or an output table) too wide for the screen scrolls in its own box,
    # and a box that scrolls must take keyboard focus. Every such box starts focusable;
    # site.js takes the ones that fit out of the tab order as the reader reaches them.
    body = body.replace('<span class="katex-display">',
                        '<span class="katex-display" tabindex="0" data-scroll-focus="">')
    body = OUTPUT_TABLE.sub(r'\1 tabindex="0" data-scroll-focus="">\2', body)
    # A bibliography is a list of entries; "doc-biblioentry" is deprecated and not allowed on
    # a div, so the entries are plain list items of the list they are in.
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    context["body"] = body


# The page's two <aside> landmarks, told apart for screen readers (axe: landmark-unique).
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="Site">',
    '<aside class="toc-drawer">': '<aside class="toc-drawer" aria-label="On this page">',
    '<aside class="toc-drawer no-toc">': '<aside class="toc-drawer no-toc" aria-hidden="true">',
}


EXCERPT = re.compile(r'<p class="ablog-post-excerpt">\s*(<p>.*?</p>)\s*</p>', re.S)


def _fix_rendered_pages(app: Sphinx) -> None:
    """builder-inited: fix what the templates write (landmarks, ablog excerpts) in every page."""
    templates = getattr(app.builder, "templates", None)
    if app.builder.format != "html" or templates is None:
        return
    render = templates.render

    def render_labelled(template: str, context: dict) -> str:
        page = render(template, context)
        for old, new in LANDMARKS.items():
            page = page.replace(old, new)
        # ablog puts a post's excerpt paragraph inside another paragraph.
        return EXCERPT.sub(r'<div class="ablog-post-excerpt">\1</div>', page)

    templates.render = render_labelled


def _drop_theme_sources(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name in THEME_SOURCES:
        (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _fix_rendered_pages)
    app.connect("doctree-resolved", _resolve)
    app.connect("html-page-context", _page_context, priority=900)  # after the theme
    app.connect("build-finished", _drop_theme_sources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
