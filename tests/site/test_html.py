"""Static checks over every page of the built site: math, assets, images, links, post blocks."""

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sitepaths import POSTS, ROOT, SITE

PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))
IMAGE_SUFFIX = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
SITE_LINK_RELS = {"canonical", "alternate"}  # may point at the public site, are never loaded


@cache
def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "lxml")


@cache
def anchors(page: str) -> frozenset[str]:
    tree = soup(page)
    return frozenset(
        [t["id"] for t in tree.find_all(id=True)]
        + [t["name"] for t in tree.find_all(attrs={"name": True})]
    )


def is_remote(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def test_site_has_pages(site):
    assert "index.html" in PAGES and "blog.html" in PAGES
    for post in POSTS:
        assert f"posts/{post}.html" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_math_rendered_without_errors(site, page):
    tree = soup(page)
    errors = [e.get_text() for e in tree.select(".katex-error")]
    assert not errors, f"KaTeX could not render: {errors}"
    for node in tree.select("span.math, div.math"):
        assert node.select(".katex"), f"math left unrendered: {node.get_text()[:80]!r}"


@pytest.mark.parametrize("page", PAGES)
def test_assets_are_local(site, page):
    tree = soup(page)
    remote = [s["src"] for s in tree.find_all("script", src=True) if is_remote(s["src"])]
    for link in tree.find_all("link", href=True):
        rels = set(link.get("rel") or [])
        if is_remote(link["href"]) and not rels & SITE_LINK_RELS:
            remote.append(link["href"])
    remote += [i["src"] for i in tree.find_all("img", src=True) if is_remote(i["src"])]
    assert not remote, f"assets loaded from the network: {remote}"
    loaded = [t.get("src", "") + t.get("href", "") for t in tree.find_all(["script", "link"])]
    loaded += [s.get_text() for s in tree.find_all("script")]
    cdn = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|mathjax\.js|tex-mml|polyfill\.io", re.I)
    assert not [x for x in loaded if cdn.search(x)], "a CDN is referenced"


def test_stylesheets_fetch_nothing_remote(site):
    for css in (site / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote = re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)|@import\s+['\"]?https?:", text)
        assert not remote, f"{css.relative_to(site)} fetches {remote}"


def test_katex_assets_are_served(site):
    css = site / "_static" / "katex" / "katex.min.css"
    assert css.is_file()
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css.read_text(encoding="utf-8"))
    assert fonts
    missing = [f for f in fonts if not (css.parent / f).is_file()]
    assert not missing, f"KaTeX fonts missing: {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_images_have_alt_text(site, page):
    for img in soup(page).find_all("img"):
        alt = (img.get("alt") or "").strip()
        src = img.get("src", "")
        assert alt, f"image without alt text: {src}"
        # An animation's <img> has no src until its script sets a frame.
        name = Path(src).name if src else None
        assert not IMAGE_SUFFIX.search(alt) and (name is None or name not in alt), (
            f"alt text is a file path: {alt!r} (set mystnb: image: alt:)"
        )


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(site, page):
    tree = soup(page)
    refs = [a["href"] for a in tree.find_all("a", href=True)]
    refs += [t["src"] for t in tree.find_all(["img", "script"], src=True)]
    refs += [t["href"] for t in tree.find_all("link", href=True)]
    broken = []
    for ref in refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or ref.startswith(("mailto:", "javascript:")):
            continue
        target = (SITE / page).parent / unquote(parts.path) if parts.path else SITE / page
        target = target.resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or SITE.resolve() not in target.parents:
            broken.append(ref)
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html":
            if fragment not in anchors(target.relative_to(SITE.resolve()).as_posix()):
                broken.append(ref)
    assert not broken, f"links that lead nowhere: {sorted(set(broken))}"


@pytest.mark.parametrize("post", POSTS)
def test_post_has_metadata_and_cite_block(site, post):
    tree = soup(f"posts/{post}.html")
    article = tree.select_one("article")
    meta = article.select_one(".post-meta")
    assert meta is not None, "post header missing"
    for cls in ("post-author", "post-published", "post-modified"):
        node = meta.select_one(f".{cls}")
        assert node is not None and node.get_text(strip=True), f"{cls} missing"
    assert meta.select("a.post-tag"), "post has no tags"
    tldr = article.select_one(".post-tldr p:not(.admonition-title)")
    assert tldr is not None and len(tldr.get_text(strip=True)) > 10, "TLDR missing"
    cite = article.select_one("section#cite-this-page")
    assert cite is not None, "Cite this page block missing"
    bibtex = cite.select_one(".cite-bibtex").get_text()
    for field in ("@online{", "author = {", "title = {", "date = {", "year = {", "month = ",
                  "url = {", "langid = {en}"):
        assert field in bibtex, f"BibTeX lacks {field!r}"
    text = cite.select_one(".cite-text").get_text()
    assert re.match(r".+\. \d{4}\. “.+\.” [A-Z][a-z]+ \d{1,2}\. https?://\S+\.$", text), text


@pytest.mark.parametrize("post", POSTS)
def test_post_downloads_as_notebook(site, post):
    link = soup(f"posts/{post}.html").select_one("a.post-ipynb")
    assert link is not None
    notebook = json.loads((site / "posts" / link["href"]).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert any(cell["cell_type"] == "code" for cell in notebook["cells"])


def test_index_lists_every_post_and_feed_is_newest_first(site):
    # The index lists the articles in reading order (tests/site/test_claims.py checks the
    # order); the feed lists the same articles, newest first.
    listed = [a["href"] for a in soup("index.html").select(".postlist a[href^='posts/']")]
    listed = list(dict.fromkeys(h.split("#")[0] for h in listed))
    assert sorted(listed) == sorted(f"posts/{p}.html" for p in POSTS)
    feed = ET.parse(site / "blog" / "atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    published = [e.findtext("a:published", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert published == sorted(published, reverse=True)
    entries = feed.findall("a:entry", ns)
    order = [e.find("a:link", ns).get("href").rsplit("/", 1)[-1] for e in entries]
    assert sorted(h.rsplit("/", 1)[-1] for h in listed) == sorted(order)


def test_feed_is_dated_by_posts(site):
    feed = ET.parse(site / "blog" / "atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(POSTS)
    updated = [e.findtext("a:updated", namespaces=ns) for e in entries]
    assert feed.findtext("a:updated", namespaces=ns) == max(updated)
    for entry in entries:
        assert entry.findtext("a:summary", namespaces=ns), "feed entry without TLDR"


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_numbered_from_one_on_each_page(site, page):
    # Site-wide numbering would make a post's first figure "Fig. 12".
    numbers = [int(re.search(r"\d+", span.get_text()).group())
               for span in soup(page).select("figure .caption-number")]
    assert numbers == list(range(1, len(numbers) + 1)), f"figure numbers on {page}: {numbers}"
    # and {numref} links show the same numbers as the captions they point to
    for link in soup(page).select('a.reference.internal[href^="#fig"]'):
        target = soup(page).find(id=link["href"][1:])
        caption = target.select_one(".caption-number") if target else None
        if caption is not None:
            n = re.search(r"\d+", caption.get_text()).group()
            assert re.search(rf"\b{n}\b", link.get_text()), (link.get_text(), n)


def test_no_template_sources_are_shipped_as_pages(site):
    shipped = sorted(p.name for p in (site / "_static").rglob("*.html"))
    assert not shipped, f"theme templates shipped as pages: {shipped}"


@pytest.mark.parametrize("page", PAGES)
def test_images_carry_their_size_and_are_files(site, page):
    tree = soup(page)
    for img in tree.find_all("img"):
        assert img.get("width") and img.get("height"), f"image without its size: {img}"
    # Neither an <img> nor a script (an animation's frame list) carries an inline image.
    html = (site / page).read_text(encoding="utf-8")
    # (the text "data:image/png;base64," may appear in the API docs; image data may not)
    assert not re.search(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/]{64}", html), (
        "an image is inlined as base64")


@pytest.mark.parametrize("page", PAGES)
def test_cell_outputs_inject_no_styles(site, page):
    article = soup(page).select_one("article") or soup(page)
    styles = [s.get_text()[:80] for s in article.find_all("style")]
    assert not styles, f"a <style> block inside the page content: {styles}"


@pytest.mark.parametrize("post", POSTS)
def test_post_citation_parses_and_formats_in_classic_styles(site, post):
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    bibtex = soup(f"posts/{post}.html").select_one(".cite-bibtex").get_text()
    entry = next(iter(parse_string(bibtex, "bibtex").entries.values()))
    published = soup(f"posts/{post}.html").select_one(".post-published").get_text()
    year = re.search(r"\b(\d{4})\b", published).group(1)
    assert entry.fields["year"] == year and entry.fields["date"].startswith(year)
    for name in ("plain", "unsrt", "alpha"):
        style = find_plugin("pybtex.style.formatting", name)()
        text = next(iter(style.format_entries([entry]))).text.render_as("text")
        assert year in text and entry.fields["url"] in text, (name, text)
    # Every word with an inner capital (ReLU, LP) is protected from case changes.
    for word in entry.fields["title"].split():
        if any(c.isupper() for c in word.strip("{}:,")[1:]):
            assert word.startswith("{"), f"unprotected acronym {word!r} in {post}"


def _head_commit() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.mark.parametrize("post", POSTS)
def test_post_says_how_to_install_the_library_it_was_built_with(site, post):
    block = soup(f"posts/{post}.html").select_one(".post-install")
    assert block is not None, "no install instruction next to the notebook download"
    command = block.select_one("pre").get_text().strip()
    pinned = re.fullmatch(r'pip install "reluineq\[notebook\] @ git\+(https://\S+)@([0-9a-f]{40})"',
                          command)
    assert pinned, command
    assert pinned.group(2) == _head_commit(), "pinned to another commit than the one built"
    notebook = json.loads((site / "posts" / f"{post}.ipynb").read_text(encoding="utf-8"))
    assert command in "".join(notebook["cells"][0]["source"]), "the notebook says it too"
