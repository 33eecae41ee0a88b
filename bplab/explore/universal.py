"""Explorer: a 1-H-1 tanh network drawing a curve as a staircase of H smooth steps.

:func:`staircase_values` computes what is drawn (pure), :func:`draw_staircase` draws it on
the axes it is given, and :func:`staircase_explorer` is a thin widget over both. The
network's weights come from :func:`bplab.universal.staircase_params`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import universal

if TYPE_CHECKING:
    from ipywidgets import VBox
    from matplotlib.axes import Axes

__all__ = ["staircase_values", "draw_staircase", "staircase_explorer"]

_X = np.linspace(-1.0, 1.0, 401)
_MAX_DRAWN_STEPS = 12  # beyond a dozen, each step's curve is clutter


def staircase_values(H: int = 4, sharpness: float = 3.0, target: str = "sin(3x)") -> dict[str, Any]:
    """The target, the network's output and each hidden unit's share, on a grid of [-1, 1].

    Returns
    -------
    dict
        ``x`` (M,), ``target`` (M,), ``output`` (M,), ``shares`` (H, M): what each hidden
        unit adds to the output (``W2[0, k] * a_k``), and ``error``, the largest
        ``|output - target|``.

    Examples
    --------
    >>> values = staircase_values(8, 3.0, "|x|")
    >>> values["shares"].shape, values["error"] < 0.1
    ((8, 401), True)
    """
    params = universal.staircase_params(target, H, sharpness)
    f = universal.TARGETS[target]
    A1 = np.tanh(_X[:, None] @ params["W1"].T + params["b1"])
    output = universal.forward_1d(params, _X)
    return {"x": _X.copy(), "target": f(_X), "output": output,
            "shares": (A1 * params["W2"][0]).T, "error": float(np.max(np.abs(output - f(_X))))}


def draw_staircase(ax: Axes | np.ndarray, H: int = 4, sharpness: float = 3.0,
                   target: str = "sin(3x)") -> dict[str, Any]:
    """Target (grey), network output (bold) and the hidden units' steps (faint, offset)."""
    from .plotting import set_title

    ax = np.ravel(ax)[0] if isinstance(ax, np.ndarray) else ax
    values = staircase_values(H, sharpness, target)
    x = values["x"]
    if H <= _MAX_DRAWN_STEPS:  # each step drawn from the target's level at x = -1
        base = values["target"][0]
        for share in values["shares"]:
            ax.plot(x, base + share - share[0], color="C1", lw=0.8, alpha=0.5)
    ax.plot(x, values["target"], color="0.6", lw=4, label=f"target {target}")
    ax.plot(x, values["output"], color="C0", lw=2, label=f"network, H = {H}")
    ax.set(xlabel="x", ylabel="y", xlim=(-1, 1), ylim=(-1.4, 1.6))
    ax.legend(loc="upper left", fontsize=8)
    set_title(ax, f"{H} hidden tanh units; largest error {values['error']:.3f}")
    return values


def staircase_explorer() -> VBox | None:
    """Sliders for H and the steps' sharpness, a menu for the target (None while grading)."""
    from .widgets import choice, explorer_from, float_slider, int_slider

    controls = {"H": int_slider("hidden units H", 4, 1, 40),
                "sharpness": float_slider("sharpness", 3.0, 0.5, 12.0, 0.5),
                "target": choice("target", list(universal.TARGETS), "sin(3x)")}
    return explorer_from(draw_staircase, controls, figsize=(8, 4),
                         margins=dict(left=0.7, right=0.2, bottom=0.55, top=0.4))
