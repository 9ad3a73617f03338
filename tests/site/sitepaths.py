"""Where the built site and the article sources are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
POSTS = sorted(p.stem for p in (ROOT / "docs" / "posts").glob("*.md"))
