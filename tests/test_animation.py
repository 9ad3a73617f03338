"""Tests of reluineq.animation: an offline, reproducible, accessible animation player."""

import base64
import html
import json
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.animation import FuncAnimation

from reluineq.animation import animation_html, render_frames

FRAMES = 3


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tiny_animation(frames=FRAMES, **kwargs):
    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=40)
    (line,) = ax.plot([], [])
    ax.set(xlim=(0, 1), ylim=(0, 3))

    def draw(i):
        line.set_data([0, 1], [i, i])
        return (line,)

    return FuncAnimation(fig, draw, frames=frames, interval=100, **kwargs)


def _frame_list(player: str) -> list[str]:
    found = re.search(r'<script type="application/json">(.*?)</script>', player, re.S)
    return json.loads(found.group(1))


def test_player_is_the_same_on_every_run():
    first = animation_html(_tiny_animation(), "demo_1", 'Three "frames" & a line')
    again = animation_html(_tiny_animation(), "demo_1", 'Three "frames" & a line')
    assert first == again, "two renderings of the same animation must be identical"
    assert not re.search(r"[0-9a-f]{32}", first), "no random ids"


def test_player_loads_nothing_from_the_network():
    player = animation_html(_tiny_animation(), "demo", "A line")
    assert not re.search(r"https?:|//[a-z0-9-]+\.[a-z]|<link|<script[^>]*src=", player)
    assert "fa fa-" not in player and "font-awesome" not in player


def test_every_frame_is_a_png_of_the_figure_and_they_differ():
    player = animation_html(_tiny_animation(), "demo", "A line")
    urls = _frame_list(player)
    assert len(urls) == FRAMES
    pngs = [base64.b64decode(u.removeprefix("data:image/png;base64,")) for u in urls]
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    assert len(set(pngs)) == FRAMES, "the line moves, so every frame is different"
    # 2 x 1.5 inches at 40 dpi
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="A line" '
                     r'width="80" height="60"', player)
    assert urls[0] in player.split("<script", 1)[0], "the first frame is shown before play"


def test_frames_are_the_ones_matplotlib_draws():
    anim = _tiny_animation()
    frames = render_frames(anim)
    fig = anim._fig
    # Drawing frame 2 by hand gives the same picture as the renderer's third frame.
    anim._func(2)
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, metadata={"Software": None})
    assert frames[2] == buffer.getvalue()


def test_slider_and_buttons_are_labelled():
    player = animation_html(_tiny_animation(), "demo", "A line")
    slider = re.search(r'<input type="range" id="([^"]+)" min="0" max="(\d+)"', player)
    assert slider and slider.group(2) == str(FRAMES - 1)
    assert f'<label for="{slider.group(1)}">Frame</label>' in player
    for text in ("Play", "Previous", "Next"):
        assert re.search(rf'<button type="button" data-action="\w+"[^>]*>{text}</button>', player)
    assert f"<output for=\"{slider.group(1)}\">1 / {FRAMES}</output>" in player
    assert 'id="anim-demo"' in player


def test_alt_text_is_escaped():
    player = animation_html(_tiny_animation(), "demo", 'Three "frames" & a <line>')
    assert 'alt="Three &quot;frames&quot; &amp; a &lt;line&gt;"' in player
    img = re.search(r"<img [^>]*>", player).group(0)
    assert html.unescape(re.search(r'alt="([^"]*)"', img).group(1)) == 'Three "frames" & a <line>'


def test_frames_as_files_next_to_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    embedded = animation_html(_tiny_animation(), "sine", "A line")
    player = animation_html(_tiny_animation(), "sine", "A line", directory="frames")
    assert "data:" not in player
    urls = _frame_list(player)
    assert urls == [f"frames/sine-{i:03d}.png" for i in range(FRAMES)]
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [
        f"sine-{i:03d}.png" for i in range(FRAMES)
    ]
    for url, data in zip(urls, _frame_list(embedded), strict=True):
        assert (tmp_path / url).read_bytes() == base64.b64decode(data.split(",", 1)[1])
    assert '<img src="frames/sine-000.png"' in player


def test_mode_and_interval_reach_the_player():
    player = animation_html(_tiny_animation(), "demo", "A line", default_mode="reflect")
    assert 'data-mode="reflect" data-interval="100"' in player
    player = animation_html(_tiny_animation(), "demo", "A line", interval=750)
    assert 'data-interval="750"' in player


def test_script_text_cannot_end_the_frame_list_early(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    player = animation_html(_tiny_animation(), "demo", "A line", directory="a</script>b")
    block = re.search(r'<script type="application/json">(.*?)</script>', player, re.S).group(1)
    assert json.loads(block)[0] == "a</script>b/demo-000.png"


@pytest.mark.parametrize("name, alt, options, message", [
    ("has space", "ok", {}, "name must be"),
    ("", "ok", {}, "name must be"),
    ("ok", "  ", {}, "alt must describe"),
    ("ok", "ok", {"default_mode": "bounce"}, "default_mode must be"),
    ("ok", "ok", {"interval": 0}, "interval must be"),
    ("ok", "ok", {"interval": "fast"}, "interval must be"),
])
def test_bad_input_is_named(name, alt, options, message):
    # Checked before the animation is rendered (so any object stands in for it).
    with pytest.raises(ValueError, match=message):
        animation_html(object(), name, alt, **options)


# matplotlib's own complaints about an animation with nothing to draw.
@pytest.mark.filterwarnings("ignore:Can not start iterating the frames")
@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_an_animation_without_frames_is_refused():
    anim = _tiny_animation(frames=0)
    with pytest.raises(ValueError, match="no frames"):
        animation_html(anim, "demo", "A line")


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, reluineq.animation; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
