"""Sphinx configuration for the Deep Learning Intuitions site.

Sources live in ``docs/``; this file sits at the repository root and the Makefile calls
``sphinx-build -c . docs _build/html``. Every article is a MyST Markdown notebook that myst-nb
executes at build time, so each equation and figure on the site is computed, not pasted.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "_build"

# The library is imported from the working tree, both here (autodoc) and in the notebook
# kernels, which inherit this environment; no install step can leave a stale copy in the way.
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "src"), str(ROOT / "docs" / "_ext"), os.environ.get("PYTHONPATH"))
    if p
)
# Kernels check every figure for text too small on a phone (docs/_ext/phonefigures.py).
os.environ["MATPLOTLIBRC"] = str(ROOT / "docs" / "_ext" / "matplotlibrc")
# ablog writes post dates with the local time zone; fix it so builds agree across machines.
os.environ["TZ"] = "UTC"
time.tzset()

# -- Project -------------------------------------------------------------------------------
project = "Deep Learning Intuitions"
author = "Oren Bochman"
copyright = "2020–2026, Oren Bochman and the Deep Learning Intuitions contributors"
language = "en"
# The public address of the site: canonical links, OpenGraph tags, the Atom feed and the
# "Cite this page" URLs are built from it. Nothing is fetched from it during a build.
SITE_URL = "https://orenbochman.github.io/deep-learning-intuitions/"
html_baseurl = SITE_URL

extensions = [
    "myst_nb",
    "ablog",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinxcontrib.katex",
    "katex_server",  # docs/_ext/katex_server.py: a race-free start of the KaTeX renderer
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinxext.opengraph",
    "postmeta",  # docs/_ext/postmeta.py: post header, TLDR, "Cite this page", .ipynb download
    "pagenumbers",  # docs/_ext/pagenumbers.py: figures numbered from 1 on every page
    "series",  # docs/_ext/series.py: ablog's post order follows the sidebar's reading order
    "pagemarkup",  # docs/_ext/pagemarkup.py: valid markup, image files and sizes, landmarks
    "reproducible",  # docs/_ext/reproducible.py: warm builds write what cold builds write
]

root_doc = "index"
templates_path = ["docs/_templates"]
exclude_patterns = ["_build", "_templates", "_static", "_ext", "**.ipynb_checkpoints"]
suppress_warnings = []

# -- MyST and notebook execution -----------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# The article's title lives once, in the front matter, and becomes its H1.
myst_title_to_header = True

nb_execution_mode = "cache"
nb_execution_cache_path = str(BUILD / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_execution_allow_errors = False  # a cell tagged raises-exception may still raise
nb_merge_streams = True
# Anything a cell prints to stderr (a warning, a figure a phone cannot read) fails the build.
nb_output_stderr = "warn"
nb_kernel_rgx_aliases = {"python3?": "python3"}
# Pages that are not notebooks (API, guide) carry no kernelspec and are never executed.

# -- Math: KaTeX renders at build time (node), CSS and fonts are served from _static --------
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
# holds katex/katex.min.css, katex/fonts/ and katex/katex.min.js
KATEX_STATIC = BUILD / "katex-static"


def _stage_katex_assets() -> None:
    """Copy KaTeX's stylesheet, fonts and script where html_static_path picks them up.

    Pages load no KaTeX script: their math is rendered at build time. The script is there for
    the region explorer (docs/_static/explorer/explorer.js), which typesets a region's
    inequalities in the browser and fetches ``_static/katex/katex.min.js`` on first use.
    """
    target = KATEX_STATIC / "katex"
    if all((target / name).exists() for name in ("katex.min.css", "katex.min.js", "fonts")):
        return
    if not KATEX_DIST.is_dir():
        raise RuntimeError(f"{KATEX_DIST} is missing: run `npm ci` (make does this)")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("katex.min.css", "katex.min.js"):
        shutil.copy2(KATEX_DIST / name, target / name)
    shutil.copytree(KATEX_DIST / "fonts", target / "fonts", dirs_exist_ok=True)


_stage_katex_assets()
katex_prerender = True
katex_css_path = "katex/katex.min.css"
katex_js_path = str(KATEX_DIST / "katex.min.js")  # the renderer node runs at build time
numfig = True
math_numfig = False  # equations are numbered per page: (1), (2), ...
math_eqref_format = "({number})"

# -- Blog (ablog) --------------------------------------------------------------------------
blog_path = "blog"  # ablog owns blog.html; no source page may be called that
blog_title = project
blog_baseurl = SITE_URL
blog_post_pattern = "posts/*"
blog_feed_archives = False
blog_feed_fulltext = False
blog_feed_subtitle = "ReLU networks as nested linear inequalities, computed."
blog_authors = {"Oren Bochman": ("Oren Bochman", None)}
blog_default_author = None
post_date_format = "%d %B %Y"
post_date_format_short = "%d %b %Y"
post_auto_excerpt = 1  # the first paragraph, which postmeta makes the TLDR
post_auto_image = 0
post_show_prev_next = False  # the theme links the previous and next page
fontawesome_included = False  # no icon font: ablog's templates print words instead

# -- References ----------------------------------------------------------------------------
bibtex_bibfiles = ["docs/references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# -- API reference ---------------------------------------------------------------------------
autosummary_generate = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# The API page's contents list its modules, not every function: a table of contents of a few
# hundred entries made the page slow to start on a phone (each entry is watched on scroll).
toc_object_entries = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# -- Page doctests (sphinx.ext.doctest, `make docs-doctest`) --------------------------------
doctest_global_setup = """
import numpy as np
import sympy as sp
"""
doctest_test_doctest_blocks = ""  # only explicit {doctest} blocks run

# -- HTML ----------------------------------------------------------------------------------
# Furo, chosen on measurements over sphinx-book-theme (README, "Every reader, every device"):
# pages weigh a fifth as much, with no icon font, and load no script before the content.
html_theme = "furo"
html_title = project
html_favicon = "docs/_static/favicon.svg"
html_static_path = ["docs/_static", str(KATEX_STATIC)]
html_css_files = ["site.css"]
html_js_files = [("site.js", {"defer": "defer"})]
html_last_updated_fmt = None  # no build timestamps: two builds must be byte-identical
html_show_sphinx = False
html_copy_source = True  # search shows summaries from the copied sources
html_domain_indices = False  # the API page lists the modules; no separate module index
html_context = {
    # For pages that have no text of their own to describe them (tag lists, index, search).
    "site_description": "ReLU networks as nested linear inequalities: every equation, "
    "count and figure computed from real networks when the site is built.",
}
html_theme_options = {
    "navigation_with_keys": False,
    "top_of_page_buttons": [],
    "footer_icons": [],
}
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "ablog/tagcloud.html",
        "ablog/archives.html",
        "sidebar/scroll-end.html",
    ],
}

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_exclude = ".linenos, .gp, .go"

# -- OpenGraph -----------------------------------------------------------------------------
ogp_site_url = SITE_URL
ogp_site_name = project
ogp_type = "article"
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # cards are drawn with matplotlib per page: slow

# -- postmeta (docs/_ext/postmeta.py) --------------------------------------------------------
postmeta_site_url = SITE_URL
# The repository the site is published from (GitHub Pages serves SITE_URL from it), and the
# commit being built: each post tells readers to `pip install` the library at that commit.
postmeta_repository = "https://github.com/orenbochman/deep-learning-intuitions"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""  # not a git checkout: postmeta warns, and -W fails the build


postmeta_commit = _commit()
postmeta_required = ["title", "author", "date", "modified", "tags", "tldr"]
