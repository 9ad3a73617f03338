"""An accessible, offline player for matplotlib animations.

``animation_html`` renders every frame of a ``matplotlib.animation.Animation`` to PNG and
returns a small HTML player: the first frame as an ``<img>`` with alt text and its size, a
Play/Pause button, Previous and Next buttons, and a labelled slider. It loads nothing from the
network, uses no random ids (the same animation gives the same bytes on every run) and does
not start by itself (moving content must be started by the reader). Frames other than the
first are fetched only when the reader first moves the animation.

Frames are either files written next to the page (``directory=``) or ``data:`` URLs, which
keep a notebook self-contained. The site uses ``data:`` URLs, so that the frames live in the
notebook's outputs and its execution cache, and its build moves them into image files
(``docs/_ext/pagemarkup.py``).
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["animation_html", "render_frames"]

MODES = ("loop", "once", "reflect")

# The player's behaviour. It finds its own elements by the player's id, so that several
# players can share a page, and keeps no global state.
_SCRIPT = """(() => {
  const root = document.getElementById(%(id)s);
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  const frames = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const img = root.querySelector("img"), slider = root.querySelector("input[type=range]");
  const play = root.querySelector("[data-action=play]"), out = root.querySelector("output");
  const mode = root.dataset.mode, interval = Number(root.dataset.interval);
  let index = 0, step = 1, timer = null, loaded = false;
  const preload = () => {
    if (loaded) return;
    loaded = true;
    for (const src of frames) new Image().src = src;
  };
  const show = (i) => {
    index = i;
    img.src = frames[i];
    slider.value = String(i);
    out.textContent = (i + 1) + " / " + frames.length;
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    play.textContent = "Play";
    play.setAttribute("aria-pressed", "false");
  };
  const advance = () => {
    let next = index + step;
    if (next < 0 || next >= frames.length) {
      if (mode === "loop") next = (next + frames.length) %% frames.length;
      else if (mode === "reflect") { step = -step; next = index + step; }
      else { stop(); return; }
    }
    show(next);
  };
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    preload();
    if (mode === "once" && index === frames.length - 1) show(0);
    timer = setInterval(advance, interval);
    play.textContent = "Pause";
    play.setAttribute("aria-pressed", "true");
  });
  root.querySelector("[data-action=previous]").addEventListener("click", () => {
    stop(); preload(); show((index - 1 + frames.length) %% frames.length);
  });
  root.querySelector("[data-action=next]").addEventListener("click", () => {
    stop(); preload(); show((index + 1) %% frames.length);
  });
  slider.addEventListener("input", () => { stop(); preload(); show(Number(slider.value)); });
})();"""


def render_frames(anim: Any, *, dpi: float | None = None) -> list[bytes]:
    """Every frame of ``anim`` as PNG bytes, drawn the way ``Animation.save`` draws them.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.animation import FuncAnimation
    >>> fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    >>> frames = render_frames(FuncAnimation(fig, lambda i: [], frames=4))
    >>> len(frames), frames[0][:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    (4, True)
    >>> plt.close(fig)
    """
    from matplotlib.animation import AbstractMovieWriter

    class _Collect(AbstractMovieWriter):
        def setup(self, fig: Any, outfile: Any, dpi: float | None = None) -> None:
            self.fig, self.dpi, self.frames = fig, dpi or fig.dpi, []

        def grab_frame(self, **savefig_kwargs: Any) -> None:
            buffer = io.BytesIO()
            # No "Software" text chunk: the bytes depend on the picture only.
            self.fig.savefig(buffer, format="png", dpi=self.dpi, metadata={"Software": None},
                             **savefig_kwargs)
            self.frames.append(buffer.getvalue())

        def finish(self) -> None:
            pass

    writer = _Collect()
    # The file name is never opened: the writer keeps the frames in memory.
    anim.save("unused.png", writer=writer, dpi=dpi)
    return writer.frames


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("a frame is not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def animation_html(
    anim: Any,
    name: str,
    alt: str,
    *,
    directory: str | Path | None = None,
    default_mode: str = "loop",
    interval: float | None = None,
    dpi: float | None = None,
) -> str:
    """A matplotlib animation as an accessible HTML player that works offline.

    Parameters
    ----------
    anim
        A ``matplotlib.animation.Animation`` with a finite number of frames.
    name
        Letters, digits, hyphens and underscores: the player's id is ``anim-<name>``,
        so it must be unique on the page; frame files are named after it too.
    alt
        What the animation shows, for readers who cannot see it. It is the first frame's
        alt text.
    directory
        Where to write the frames as ``<name>-000.png``, ... The player refers to them by
        this path, so give it relative to the page (``"figures"``, ``"."``). ``None``
        (the default) embeds them as ``data:`` URLs instead.
    default_mode
        What happens after the last frame: ``"loop"`` starts again, ``"once"`` stops,
        ``"reflect"`` plays backwards.
    interval
        Milliseconds between frames; by default the animation's own interval.
    dpi
        Resolution of the frames; by default the figure's.

    Returns
    -------
    str
        The player, to show with ``IPython.display.HTML``.

    Raises
    ------
    ValueError
        An unusable ``name``, ``alt``, ``default_mode`` or ``interval``, or an animation
        without frames.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.animation import FuncAnimation
    >>> fig, ax = plt.subplots(figsize=(2, 1), dpi=30)
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> anim = FuncAnimation(fig, lambda i: line.set_ydata([i, i]), frames=3, interval=500)
    >>> player = animation_html(anim, "demo", "A line rising in three steps")
    >>> plt.close(fig)
    >>> '<label for="anim-demo-slider">Frame</label>' in player
    True
    >>> player.count("data:image/png;base64,")  # the first frame twice: <img> and the list
    4
    >>> re.search(r'<img [^>]*width="60" height="30"', player) is not None
    True
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(
            f"name must be letters, digits, hyphens and underscores, got {name!r}"
        )
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must describe the animation, got an empty text")
    if default_mode not in MODES:
        raise ValueError(f"default_mode must be one of {MODES}, got {default_mode!r}")
    if interval is None:
        # matplotlib keeps the interval only in this attribute (to_jshtml reads it too).
        interval = getattr(anim, "_interval", 200)
    if not isinstance(interval, int | float) or not interval > 0:
        raise ValueError(f"interval must be a positive number of milliseconds, got {interval!r}")

    frames = render_frames(anim, dpi=dpi)
    if not frames:
        raise ValueError("the animation has no frames")
    width, height = _png_size(frames[0])

    if directory is None:
        urls = ["data:image/png;base64," + base64.b64encode(f).decode("ascii") for f in frames]
    else:
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        urls = []
        for i, png in enumerate(frames):
            (folder / f"{name}-{i:03d}.png").write_bytes(png)
            urls.append(f"{folder.as_posix()}/{name}-{i:03d}.png")

    pid = f"anim-{name}"
    attr = html.escape
    # "</" cannot end the script element early inside JSON written this way.
    frame_list = json.dumps(urls).replace("</", "<\\/")
    n = len(frames)
    return (
        f'<div class="reluineq-animation" id="{pid}" data-mode="{default_mode}" '
        f'data-interval="{interval:g}">\n'
        f'<img src="{attr(urls[0])}" alt="{attr(alt)}" width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto" loading="lazy">\n'
        f'<div class="reluineq-animation-controls">\n'
        f'<button type="button" data-action="play" aria-pressed="false">Play</button>\n'
        f'<button type="button" data-action="previous">Previous</button>\n'
        f'<button type="button" data-action="next">Next</button>\n'
        f'<label for="{pid}-slider">Frame</label>\n'
        f'<input type="range" id="{pid}-slider" min="0" max="{n - 1}" step="1" value="0">\n'
        f'<output for="{pid}-slider">1 / {n}</output>\n'
        f"</div>\n"
        f'<script type="application/json">{frame_list}</script>\n'
        f"<script>{_SCRIPT % {'id': json.dumps(pid)}}</script>\n"
        f"</div>"
    )
