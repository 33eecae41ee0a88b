"""Widget plumbing: sliders in, a redrawn figure out.

The notebooks' explorers are thin layers over pure drawing functions
``draw(ax_or_axes, **values)``, so tests call the drawing function directly and the
browser tests only check that the sliders move the picture. ipywidgets is imported
lazily, and nothing is built while nbgrader grades (it would cost time and earn nothing).

A redraw should follow the slider at once. Most of its time is matplotlib's, not the
drawing function's, so an explorer's panels get fixed margins (:func:`fixed_layout`)
instead of a layout engine that measures every label again at each move, their axis
labels are placed once (:func:`bplab.explore.plotting.pin_axis_labels`) instead of at
every draw, and the figure is shown uncropped (:func:`png`): the picture keeps its size
while tick labels change width, and matplotlib skips the measuring pass that cropping
needs.

An explorer describes its controls with :func:`float_slider`, :func:`int_slider` and
:func:`choice` (plain descriptions, so nothing imports ipywidgets until a widget is shown)
and hands them to :func:`explorer_from` with its drawing function and margins.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ipywidgets import VBox, Widget
    from matplotlib.figure import Figure

from ..course import grading
from .plotting import pin_axis_labels

__all__ = ["fixed_layout", "new_figure", "png", "explorer", "Control", "float_slider",
           "int_slider", "choice", "explorer_from", "WIDE_LABELS"]

WIDE_LABELS = {"description_width": "initial"}
"""Widget style that gives each control's description the room its text needs."""


def fixed_layout(draw: Callable[..., Any], *, left: float = 0.75, right: float = 0.25,
                 bottom: float = 0.6, top: float = 0.4, gap: float = 0.8) -> Callable[..., Any]:
    """Wrap ``draw`` so that its figure is laid out with fixed margins, in inches.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)``, drawing on one Axes or a row of them made by
        ``plt.subplots(1, ncols)``.
    left, right, bottom, top : float
        Inches from each edge of the figure to the panels' frames: room for tick labels,
        axis labels and titles, chosen for the longest labels the sliders can produce.
    gap : float
        Inches between neighbouring panels' frames.

    Returns
    -------
    callable
        ``laid_out(axes, **values)``: calls ``draw``, switches the figure's layout engine
        off, places the panels and pins their axis labels
        (:func:`bplab.explore.plotting.pin_axis_labels`); returns what ``draw`` returns.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 2, figsize=(8, 4), layout="constrained")
    >>> fixed_layout(lambda axes: None, left=0.8, gap=1.0)(axes)
    >>> fig.get_layout_engine() is None, round(float(axes[0].get_position().x0 * 8), 6)
    (True, 0.8)
    >>> plt.close(fig)
    """
    @functools.wraps(draw)
    def laid_out(axes, **values):
        result = draw(axes, **values)
        panels = np.ravel(axes)
        fig = panels[0].figure
        fig.set_layout_engine(None)  # nothing left to recompute at each draw
        width, height = fig.get_size_inches()
        n = len(panels)
        panel = (width - left - right - (n - 1) * gap) / n
        fig.subplots_adjust(left=left / width, right=1.0 - right / width,
                            bottom=bottom / height, top=1.0 - top / height,
                            wspace=gap / panel if n > 1 else 0.0)
        for ax in panels:  # once the panels have their size, so the ticks are final
            pin_axis_labels(ax)
        return result

    return laid_out


def new_figure(figsize: tuple[float, float], ncols: int) -> tuple[Figure, Any]:
    """A pyplot figure of ``ncols`` side-by-side panels, as an explorer's redraw makes it.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes, or ndarray of Axes, shape (ncols,)
    """
    import matplotlib.pyplot as plt

    return plt.subplots(1, ncols, figsize=figsize)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at its own size and dpi (not cropped to its contents).

    Compressed at zlib's fastest level: about two thirds of the default level's time, for
    about an eighth more bytes, which a picture sent to the browser on the same machine or
    hub does not notice.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor(),
                bbox_inches=None, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def explorer(draw: Callable[..., Any], controls: dict[str, Any], *,
             figsize: tuple[float, float] = (9, 3.6), ncols: int = 1) -> VBox | None:
    """Build sliders that redraw a figure through ``draw``.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)`` draws on ``axes`` (one Axes, or an array of ``ncols``)
        and lays out its figure, usually through :func:`fixed_layout`.
    controls : dict of str to ipywidgets.Widget
        One widget per keyword argument of ``draw``.
    figsize : tuple of float
    ncols : int
        Number of side-by-side panels.

    Returns
    -------
    ipywidgets.VBox or None
        The controls, the figure beneath them and, beneath it, the output where a
        drawing's error shows (displayed when it is a cell's last value); None while
        grading.
    """
    if grading():
        return None
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    # The picture is an Image widget whose bytes each redraw replaces: one message to the
    # browser, and the old picture stays until the new one is there. (Clearing an Output
    # widget and displaying into it again can leave it blank when slider moves arrive
    # faster than redraws.)
    image = widgets.Image(format="png")
    image.add_class("bplab-explorer-figure")

    def redraw(**values):
        fig, axes = new_figure(figsize, ncols)
        try:
            draw(axes, **values)
            image.value = png(fig)
        finally:
            plt.close(fig)  # shown once as an image; pyplot must not draw it again

    # ipywidgets shows the callback's errors in this output, beneath the picture
    errors = widgets.interactive_output(redraw, controls)
    box = widgets.VBox([widgets.HBox(list(controls.values())), image, errors])
    box.add_class("bplab-explorer")
    return box


@dataclass(frozen=True)
class Control:
    """One control of an explorer, described without importing ipywidgets.

    Parameters
    ----------
    kind : str
        Name of the ipywidgets class: ``"FloatSlider"``, ``"IntSlider"``,
        ``"SelectionSlider"``, ``"Dropdown"``.
    options : dict of str to object
        Its keyword arguments (``value``, ``min``, ``description``, ...).
    """

    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    def build(self, style: Mapping[str, str] | None = None) -> Widget:
        """The widget itself; ``style`` applies where the options set none.

        Examples
        --------
        >>> float_slider("lr", 0.1, 0.0, 1.0, 0.05).build(WIDE_LABELS).value
        0.1
        """
        import ipywidgets

        options = dict(self.options)
        if style is not None:
            options.setdefault("style", dict(style))
        return getattr(ipywidgets, self.kind)(**options)


def float_slider(description: str, value: float, low: float, high: float, step: float,
                 **extra: Any) -> Control:
    """A slider over the real numbers from ``low`` to ``high`` in steps of ``step``.

    ``extra`` passes further keyword arguments to ``ipywidgets.FloatSlider``
    (``readout_format=".3f"``, ``layout=...``).

    Examples
    --------
    >>> float_slider("x0", -6.0, -9.0, 9.0, 0.5).options["min"]
    -9.0
    """
    return Control("FloatSlider", dict(value=value, min=low, max=high, step=step,
                                       description=description, **extra))


def int_slider(description: str, value: int, low: int, high: int, **extra: Any) -> Control:
    """A slider over the whole numbers from ``low`` to ``high`` (``step=`` in ``extra``).

    Examples
    --------
    >>> int_slider("steps", 30, 1, 100).kind
    'IntSlider'
    """
    return Control("IntSlider", dict(value=value, min=low, max=high, description=description,
                                     **extra))


def choice(description: str, options: Sequence[Any], value: Any, *,
           slider: bool = False) -> Control:
    """One of ``options``: a drop-down menu, or a slider through them when ``slider``.

    Examples
    --------
    >>> choice("batch size", [16, 32, 64], 32, slider=True).kind
    'SelectionSlider'
    """
    return Control("SelectionSlider" if slider else "Dropdown",
                   dict(options=list(options), value=value, description=description))


def explorer_from(draw: Callable[..., Any], controls: Mapping[str, Control], *,
                  margins: Mapping[str, float] | None = None,
                  figsize: tuple[float, float] = (9, 3.6), ncols: int = 1,
                  style: Mapping[str, str] | None = WIDE_LABELS) -> VBox | None:
    """An explorer from a drawing function and its controls' descriptions.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)``, drawing on one Axes or a row of ``ncols``; laid out by
        :func:`fixed_layout` with ``margins``.
    controls : dict of str to Control
        One control per keyword argument of ``draw``, in the order shown.
    margins : dict of str to float, optional
        Keyword arguments of :func:`fixed_layout` (``left``, ``right``, ``bottom``,
        ``top``, ``gap``, in inches); its defaults where missing.
    figsize : tuple of float
    ncols : int
        Number of side-by-side panels.
    style : dict of str to str, optional
        Widget style for the controls that set none; ``None`` keeps ipywidgets' own.

    Returns
    -------
    ipywidgets.VBox or None
        What :func:`explorer` returns: the controls above the figure, or None while
        grading (then no widget is built).
    """
    if grading():
        return None
    built = {name: control.build(style) for name, control in controls.items()}
    return explorer(fixed_layout(draw, **(margins or {})), built, figsize=figsize, ncols=ncols)
