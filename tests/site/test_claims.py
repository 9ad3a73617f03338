"""The site's promise, checked on the built pages (run by ``make browser`` after ``make html``).

* Every display equation in an article is either generated (glued from a code cell, which
  myst-nb marks with the class ``pasted-math``) or a typed definition marked with
  ``:class: definition`` (see the Author's guide).
* No page shows a traceback or a path of the machine that built it.
* The articles read as one series: the Articles toctree of ``docs/index.md`` is an explicit
  list, and the sidebar, the home page's list and every previous/next link follow it. An
  article that calls itself "the fourth of the series" is fourth in that list.
* Each article links the first use of each glossary term to the glossary, and the regions
  the site counts are activation regions, which is what ``reluineq.regions`` returns.

The checkers are plain functions of an HTML string, so that the tests at the end of this
file can show each of them failing on a deliberately bad page.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from sitepaths import POSTS, ROOT, SITE

DEFINITION = "definition"  # class of a typed display equation that only defines something
GENERATED = "pasted-math"  # class myst-nb gives an equation glued from a code cell
INDEX_SOURCE = ROOT / "docs" / "index.md"

# Glossary terms, with the forms in which an article may use them. Matching ignores case
# except for "He", which is a name.
TERMS = {
    "activation-pattern": ["activation pattern", "activation patterns"],
    "activation-region": ["activation region", "activation regions"],
    "linear-region": ["linear region", "linear regions"],
    "affine-map": ["affine map", "affine maps"],
    "polyhedron": ["polyhedron", "polyhedra"],
    "unstable-unit": ["unstable unit", "unstable units"],
    "relaxation": ["relaxation", "relaxations"],
    "big-M": ["big-M", "big M"],
    "branch-and-bound": ["branch and bound", "branch-and-bound"],
    "fan-in": ["fan-in"],
    "He-initialisation": ["He initialisation", "He's initialisation"],
    "universal-approximation": ["universal approximation"],
    "mixed-integer-linear-program": ["mixed-integer linear program",
                                     "mixed-integer linear programs"],
}
CASE_SENSITIVE = {"He-initialisation"}

# Where a term's first use is not looked for: the page furniture, code, math, captions.
SKIP = ("pre, code, .math, .katex, .post-meta, .post-tldr, h1, h2, h3, h4, h5, h6, "
        "figcaption, .caption, #cite-this-page, #references, .ablog__prev-next, "
        ".prev-next-area, .cell_output, table")


# -- checkers -------------------------------------------------------------------------------
def unmarked_display_math(html: str) -> list[str]:
    """The display equations of a page that are neither generated nor marked definitions."""
    tree = BeautifulSoup(html, "lxml")
    bad = []
    for block in tree.select("div.math"):
        classes = set(block.get("class") or [])
        if not classes & {GENERATED, DEFINITION}:
            bad.append(block.get_text(" ", strip=True)[:80])
    for shown in tree.select(".katex-display"):
        if shown.find_parent("div", class_="math") is None:
            bad.append("display math outside a math block: "
                       + shown.get_text(" ", strip=True)[:60])
    return bad


# A traceback's header followed by a frame, not by the "..." of a doctest's expected error.
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\):?[ \t]*\n(?!\s*\.\.\.)"
    r"|\bCell In\[\d+\]|File \"?[^\s\"]+\.py\"?, line \d+|^-+> \d+|\x1b\[[0-9;]*m",
    re.M,
)
SYSTEM_PATH = re.compile(r"(?<![\w.~:/-])/(?:home|root|tmp|work|Users|opt|var)/[\w.+-]+")


def build_leaks(html: str, roots: tuple[str, ...]) -> list[str]:
    """Tracebacks and build-machine paths in a page's text (scripts and styles excluded)."""
    leaks = [f"build path {root}" for root in roots if root in html]
    tree = BeautifulSoup(html, "lxml")
    for node in tree(["script", "style"]):
        node.decompose()
    text = tree.get_text("\n")
    leaks += [f"traceback: {m.group(0)!r}" for m in TRACEBACK.finditer(text)]
    leaks += [f"path: {m.group(0)!r}" for m in SYSTEM_PATH.finditer(text)]
    return leaks


def term_pattern(term: str) -> re.Pattern:
    forms = sorted(TERMS[term], key=len, reverse=True)
    flags = 0 if term in CASE_SENSITIVE else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])", flags)


def _glossary_target(node: NavigableString) -> str | None:
    link = node.find_parent("a", href=True)
    if link is None or "glossary.html#term-" not in link["href"]:
        return None
    return link["href"].split("#term-", 1)[1]


def unlinked_first_uses(html: str) -> list[str]:
    """Glossary terms whose first use in an article's prose is not a link to the glossary."""
    tree = BeautifulSoup(html, "lxml")
    article = tree.select_one("article") or tree
    skipped = set()
    for node in article.select(SKIP):
        skipped.add(id(node))
    texts = []
    for node in article.descendants:
        if not isinstance(node, NavigableString) or not node.strip():
            continue
        if any(id(parent) in skipped for parent in node.parents if isinstance(parent, Tag)):
            continue
        texts.append(node)
    bad = []
    for term in TERMS:
        pattern = term_pattern(term)
        first = next((t for t in texts if pattern.search(str(t))), None)
        if first is not None and _glossary_target(first) != term:
            bad.append(f"{term}: first used unlinked in {str(first).strip()[:70]!r}")
    return bad


def articles_toctree(source: str) -> list[str]:
    """The entries of the toctree captioned "Articles" in the home page's MyST source."""
    for block in re.findall(r"```\{toctree\}\n(.*?)```", source, flags=re.S):
        options = [line for line in block.splitlines() if line.startswith(":")]
        if ":caption: Articles" not in options:
            continue
        if any(o.startswith(":glob:") for o in options):
            raise AssertionError("the Articles toctree is a glob: list the articles in order")
        return [line.strip() for line in block.splitlines()
                if line.strip() and not line.startswith(":")]
    raise AssertionError("docs/index.md has no toctree captioned Articles")


# -- the built site ---------------------------------------------------------------------------
@cache
def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "lxml")


@cache
def series() -> list[str]:
    return [entry.removeprefix("posts/") for entry in
            articles_toctree(INDEX_SOURCE.read_text(encoding="utf-8"))]


def page_of(href: str) -> str:
    return Path(href.split("#")[0]).stem


@pytest.mark.parametrize("post", POSTS)
def test_every_display_equation_is_generated_or_a_definition(site, post):
    html = (site / "posts" / f"{post}.html").read_text(encoding="utf-8")
    bad = unmarked_display_math(html)
    assert not bad, (
        f"display equations in {post} that are neither glued from code nor marked "
        f"':class: definition': {bad}"
    )


def test_no_page_shows_a_traceback_or_a_build_path(site):
    roots = tuple({str(ROOT), str(ROOT.resolve())})
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".ipynb", ".txt")
             and "_static" not in p.relative_to(site).parts]
    assert any(p.suffix == ".ipynb" for p in pages)
    leaks = {}
    for page in pages:
        found = build_leaks(page.read_text(encoding="utf-8", errors="replace"), roots)
        if found:
            leaks[page.relative_to(site).as_posix()] = found[:3]
    assert not leaks, f"pages that show a traceback or a path of the build machine: {leaks}"


def test_articles_form_one_explicit_series():
    order = series()
    assert sorted(order) == sorted(POSTS), (order, POSTS)
    assert len(set(order)) == len(order)


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth"]
# "This page, the third of the series", "the first article of a series", "the last of the series"
PLACE = re.compile(r"\bthe\s+(" + "|".join([*ORDINALS, "last"])
                   + r")(?:\s+article)?\s+of\s+(?:the|a)\s+series\b", re.I)


def places_claimed(source: str) -> list[str]:
    """The places in the series that an article's source says it has ("third", "last")."""
    return [m.group(1).lower() for m in PLACE.finditer(source)]


def test_places_claimed_finds_ordinals_across_lines():
    assert places_claimed("This page, the third\nof the series, after") == ["third"]
    assert places_claimed("It is the first article of a series;") == ["first"]
    assert places_claimed("the last of the\nseries, shows") == ["last"]
    assert places_claimed("Every network in this series so far") == []


@pytest.mark.parametrize("post", POSTS)
def test_an_article_says_its_true_place_in_the_series(post):
    source = (ROOT / "docs" / "posts" / f"{post}.md").read_text(encoding="utf-8")
    order = series()
    k = order.index(post)
    true = {ORDINALS[k]} | ({"last"} if k == len(order) - 1 else set())
    claimed = places_claimed(source)
    assert set(claimed) <= true, f"{post} is article {k + 1} of {len(order)}, says {claimed}"


def test_start_here_points_at_the_first_article(site):
    start = soup("index.html").find(string=re.compile("Start here"))
    link = start.find_next("a", href=True)
    assert page_of(link["href"]) == series()[0]


def test_sidebar_and_home_page_list_follow_the_series(site):
    tree = soup("index.html")
    sidebar = [page_of(a["href"]) for a in tree.select(".sidebar-tree a[href^='posts/']")]
    assert sidebar == series()
    listed = list(dict.fromkeys(page_of(a["href"])
                                for a in tree.select(".postlist a[href^='posts/']")))
    assert listed == series()


def test_the_archive_stays_in_date_order(site):
    # Only the home page's list follows the series (docs/_ext/series.py); the page "by date"
    # lists the posts newest first, whatever their place in the series.
    text = " ".join(soup("blog/archive.html").select_one("article").get_text(" ").split())
    dates = [dt.datetime.strptime(d, "%d %B %Y").date()
             for d in re.findall(r"(\d\d [A-Z][a-z]+ \d{4}) :", text)]
    assert len(dates) == len(POSTS)
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


@pytest.mark.parametrize("post", POSTS)
def test_previous_and_next_links_follow_the_series(site, post):
    order = series()
    k = order.index(post)
    tree = soup(f"posts/{post}.html")
    theme_prev = tree.select_one(".related-pages a.prev-page")
    theme_next = tree.select_one(".related-pages a.next-page")
    if k > 0:
        assert page_of(theme_prev["href"]) == order[k - 1]
    if k + 1 < len(order):
        assert page_of(theme_next["href"]) == order[k + 1]
    # The theme's links are the only previous/next links: ablog's own pair, which followed
    # its date order, is not rendered by docs/_templates/page.html.
    assert tree.select_one(".ablog__prev, .ablog__next") is None


@pytest.mark.parametrize("post", POSTS)
def test_dates_are_published_dates_in_the_past(post):
    head = (ROOT / "docs" / "posts" / f"{post}.md").read_text(encoding="utf-8").split("---")[1]
    date = dt.date.fromisoformat(re.search(r'^date: "(\d{4}-\d\d-\d\d)"', head, re.M).group(1))
    modified = dt.date.fromisoformat(
        re.search(r'^modified: "(\d{4}-\d\d-\d\d)"', head, re.M).group(1))
    assert date <= modified <= dt.date.today()


def test_glossary_defines_the_terms_the_articles_use(site):
    ids = {dt_["id"] for dt_ in soup("glossary.html").select("dl.glossary dt[id]")}
    assert {f"term-{t}" for t in TERMS} <= ids
    assert soup("index.html").select_one("a[href='glossary.html']") is not None


@pytest.mark.parametrize("post", POSTS)
def test_first_use_of_each_term_links_the_glossary(site, post):
    html = (site / "posts" / f"{post}.html").read_text(encoding="utf-8")
    bad = unlinked_first_uses(html)
    assert not bad, f"{post}: link the first use with {{term}}`...`: {bad}"


@pytest.mark.parametrize("post", POSTS)
def test_articles_that_count_regions_say_which_kind(site, post):
    tree = soup(f"posts/{post}.html")
    prose = " ".join(p.get_text(" ") for p in tree.select("article p, article li"))
    if re.search(r"\bregions?\b", prose):
        assert tree.select_one("a[href$='glossary.html#term-activation-region']"), (
            f"{post} speaks of regions without linking 'activation region'")


def test_the_library_counts_activation_regions_not_linear_regions():
    # relu(x) + 0 * relu(x - 1): the second unit switches at 1 without changing the map, so
    # [-2, 2] holds three activation regions but two linear regions (0, then x).
    from reluineq import Network, regions

    net = Network([[[1], [1]], [[1, 0]]], [[0, -1], [0]], ["relu", "identity"])
    found = sorted(regions(net, [(-2, 2)]), key=lambda r: float(r.point[0]))
    assert [r.pattern for r in found] == [(0, 0), (1, 0), (1, 1)]
    maps = [(tuple(r.M.ravel()), tuple(r.d)) for r in found]
    assert maps[1] == maps[2] != maps[0]


# -- the checkers fail on bad pages ----------------------------------------------------------
GOOD = ('<article><div class="math pasted-math"><span class="katex-display">y</span></div>'
        '<div class="math definition"><span class="katex-display">h</span></div>'
        '<p>An <a href="../glossary.html#term-activation-region">activation region</a> and '
        'another activation region.</p></article>')


def test_checkers_pass_a_clean_page():
    assert unmarked_display_math(GOOD) == []
    assert build_leaks(GOOD, ("/srv/build/site",)) == []
    assert unlinked_first_uses(GOOD) == []


def test_unmarked_equations_are_caught():
    typed = '<div class="math" id="equation-x"><span class="katex-display">f = 2x</span></div>'
    bare = '<p><span class="katex-display">f = 3x</span></p>'
    assert len(unmarked_display_math(GOOD + typed + bare)) == 2


def test_tracebacks_and_paths_are_caught():
    tb = ("<pre>ValueError                                Traceback (most recent call last)\n"
          "Cell In[22], line 1\n----> 1 regions(net)\n"
          "File /srv/build/site/src/reluineq/regions.py:844, in regions(net)</pre>")
    leaks = build_leaks(GOOD + tb, ("/srv/build/site",))
    assert any(leak.startswith("build path") for leak in leaks)
    assert any("Traceback" in leak for leak in leaks)
    assert build_leaks('<p>see /home/runner/work/x.py</p>', ()) == ["path: '/home/runner'"]
    styled = "<style>.gt { color: #04D } /* Generic.Traceback */</style>"
    assert build_leaks(styled, ()) == []
    # a doctest's expected error in the API reference is not a traceback
    doctest = ("<pre>&gt;&gt;&gt; f(1)\nTraceback (most recent call last):\n    ...\n"
               "ValueError: no</pre>")
    assert build_leaks(doctest, ()) == []
    plain = "<pre>Traceback (most recent call last):\n  File \"x.py\", line 3, in f</pre>"
    assert len(build_leaks(plain, ())) == 2


def test_unlinked_first_uses_are_caught():
    late = ('<article><p>Each activation region is convex.</p><p>An <a href='
            '"../glossary.html#term-activation-region">activation region</a>.</p></article>')
    wrong = ('<article><p>An <a href="../glossary.html#term-linear-region">activation '
             'region</a>.</p></article>')
    assert unlinked_first_uses(late) and unlinked_first_uses(wrong)
    # code and headings are not prose
    code = ('<article><h2>Activation regions</h2><pre>activation_region</pre><code>'
            'activation region</code><p><a href="../glossary.html#term-activation-region">'
            'Activation regions</a> are convex.</p></article>')
    assert unlinked_first_uses(code) == []


def test_articles_toctree_must_be_an_explicit_list():
    source = "```{toctree}\n:hidden:\n:caption: Articles\n\nposts/b\nposts/a\n```\n"
    assert articles_toctree(source) == ["posts/b", "posts/a"]
    with pytest.raises(AssertionError, match="glob"):
        articles_toctree("```{toctree}\n:caption: Articles\n:glob:\n\nposts/*\n```\n")
