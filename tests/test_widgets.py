"""The explorers' widget layer: fixed layouts, uncropped PNGs, every explorer laid out."""

import struct
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bplab import net221  # noqa: E402
from bplab.explore import booth as explore_booth  # noqa: E402
from bplab.explore import depth as explore_depth  # noqa: E402
from bplab.explore import graph as graph_drawing  # noqa: E402
from bplab.explore import losses as explore_losses  # noqa: E402
from bplab.explore import net221 as explore_net221  # noqa: E402
from bplab.explore import widgets  # noqa: E402
from bplab.explore import universal as explore_universal  # noqa: E402
from bplab.explore import xor as explore_xor  # noqa: E402


def test_fixed_layout_places_the_panels_in_inches_and_drops_the_layout_engine():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    drawn = widgets.fixed_layout(lambda axes, k: k + 1, left=1.0, right=0.5, bottom=0.5,
                                 top=0.4, gap=1.5)(axes, k=1)
    assert drawn == 2  # what the drawing function returns
    assert fig.get_layout_engine() is None
    (x0, y0), (x1, y1) = axes[0].get_position().get_points() * [10, 4]
    (u0, _), (u1, _) = axes[1].get_position().get_points() * [10, 4]
    assert (x0, y0, 4 - y1, 10 - u1) == pytest.approx((1.0, 0.5, 0.4, 0.5))
    assert u0 - x1 == pytest.approx(1.5) and x1 - x0 == pytest.approx(u1 - u0)
    plt.close(fig)


def test_png_is_the_whole_figure_at_its_dpi():
    fig, ax = plt.subplots(figsize=(6, 2.5), dpi=80)
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title that cropping would keep")
    data = widgets.png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (480, 200)  # IHDR: width, height
    plt.close(fig)


def _captured(build, monkeypatch):
    """The drawing callback, figure size and panel count an explorer hands to the widget."""
    seen = {}

    def record(draw, controls, *, figsize=(9, 3.6), ncols=1):
        seen.update(draw=draw, controls=controls, figsize=figsize, ncols=ncols)
        return types.SimpleNamespace(children=[types.SimpleNamespace(
            layout=types.SimpleNamespace())])

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(widgets, "explorer", record)
    build()
    return seen


EXPLORERS = {
    "losses": explore_losses.loss_explorer,
    "booth": explore_booth.descent_explorer,
    "net221": lambda: explore_net221.network_explorer(net221.forward, net221.backward),
    "weights": explore_depth.weight_explorer,
    "depth": explore_depth.depth_explorer,
    "xor": lambda: explore_xor.xor_explorer(n_iterations=300, every=100),
    "staircase": explore_universal.staircase_explorer,
    "graph j": lambda: graph_drawing.graph_explorer("j"),
    "graph neuron": lambda: graph_drawing.graph_explorer("neuron"),
}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_lays_out_its_own_figure_inside_it(name, monkeypatch):
    """Whatever figure the callback is given, it leaves no layout engine to run at draw
    time, and everything it draws stays inside the uncropped picture."""
    seen = _captured(EXPLORERS[name], monkeypatch)
    fig, axes = plt.subplots(1, seen["ncols"], figsize=seen["figsize"], layout="constrained")
    seen["draw"](axes, **{key: control.value for key, control in seen["controls"].items()})
    assert fig.get_layout_engine() is None
    fig.canvas.draw()
    inside = fig.bbox.padded(2)  # pixels
    for ax in np.ravel(axes):
        extent = ax.get_tightbbox()
        assert inside.contains(extent.x0, extent.y0) and inside.contains(extent.x1, extent.y1), (
            f"{name}: a panel's labels reach outside the figure: {extent} in {fig.bbox}")
    plt.close(fig)


def test_explorer_from_builds_the_described_controls_and_lays_out_the_drawing(monkeypatch):
    controls = {"lr": widgets.float_slider("learning rate", 0.05, 0.0, 0.2, 0.01,
                                           readout_format=".3f"),
                "n": widgets.int_slider("steps", 3, 1, 9, style={"description_width": "40px"}),
                "kind": widgets.choice("kind", ["a", "b"], "b", slider=True)}
    drawn = []
    seen = _captured(lambda: widgets.explorer_from(
        lambda axes, lr, n, kind: drawn.append((lr, n, kind)), controls, ncols=2,
        figsize=(6, 3), margins=dict(left=0.5, gap=0.5)), monkeypatch)
    built = seen["controls"]
    assert [type(w).__name__ for w in built.values()] == ["FloatSlider", "IntSlider",
                                                          "SelectionSlider"]
    assert (built["lr"].value, built["lr"].max, built["lr"].readout_format) == (0.05, 0.2, ".3f")
    assert built["lr"].style.description_width == "initial"  # WIDE_LABELS by default
    assert built["n"].style.description_width == "40px"  # a control's own style wins
    assert (seen["figsize"], seen["ncols"]) == ((6, 3), 2)
    fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    seen["draw"](axes, **{name: w.value for name, w in built.items()})
    assert drawn == [(0.05, 3, "b")] and fig.get_layout_engine() is None
    assert axes[0].get_position().x0 * 6 == pytest.approx(0.5)
    plt.close(fig)


def test_explorer_from_builds_nothing_while_grading(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("no widget while grading")

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setattr(widgets, "explorer", fail)
    monkeypatch.setattr(widgets.Control, "build", fail)
    assert widgets.explorer_from(lambda ax, x: None,
                                 {"x": widgets.float_slider("x", 0.0, -1.0, 1.0, 0.1)}) is None


def test_an_explorer_replaces_its_picture_at_each_move_and_shows_errors_beneath_it(
        monkeypatch):
    """The figure is an Image widget whose bytes change with the slider, never cleared in
    between; a drawing that fails leaves the last picture (in a kernel, ipywidgets shows
    the error in the output beneath it; here, outside one, it propagates)."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    import ipywidgets

    def draw(ax, slope):
        if slope > 1.5:
            raise ValueError(f"slope {slope} is too steep")
        ax.plot([0, 1], [0, slope])

    open_before = set(plt.get_fignums())
    slider = ipywidgets.FloatSlider(value=0.5, min=0.0, max=2.0, step=0.5)
    box = widgets.explorer(draw, {"slope": slider}, figsize=(3, 2))
    controls, image, errors = box.children
    assert list(controls.children) == [slider]
    assert isinstance(image, ipywidgets.Image) and image.format == "png"
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", first[16:24]) == (300, 200)  # 3 by 2 inches at 100 dpi
    slider.value = 1.0
    second = image.value
    assert second[:8] == b"\x89PNG\r\n\x1a\n" and second != first
    assert isinstance(errors, ipywidgets.Output)
    with pytest.raises(ValueError, match="slope 2.0 is too steep"):
        slider.value = 2.0
    assert image.value == second, "a failed drawing must leave the last picture"
    slider.value = 0.0
    assert image.value not in (first, second)
    assert set(plt.get_fignums()) == open_before, "every redraw's figure must be closed"
