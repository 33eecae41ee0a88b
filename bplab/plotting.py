"""Plotting helpers shared by the notebooks.

Every function takes ``ax=None`` (a new figure is made when it is None), draws, and
returns the axes; none calls ``plt.show()``, so tests can call them headless.
"""

import numpy as np

__all__ = ["new_axes", "plot_error_vs_step", "plot_loss_curve"]


def new_axes(ax=None, figsize=(6, 4)):
    """Return ``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_error_vs_step(steps, errors, ax=None, slopes=(1, 2)):
    """Log-log plot of the error of numerical derivatives against the step size.

    Parameters
    ----------
    steps : ndarray of shape (n_steps,)
        Step sizes h, positive.
    errors : dict of str to ndarray of shape (n_steps,)
        Absolute error of each method at each step; zeros are drawn at 1e-17.
    ax : matplotlib Axes, optional
    slopes : tuple of int
        Reference lines of these slopes (error proportional to h**slope).

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    steps = np.asarray(steps, dtype=np.float64)
    for label, error in errors.items():
        ax.loglog(steps, np.maximum(np.asarray(error, dtype=np.float64), 1e-17), "o-", ms=3,
                  label=label)
    anchor = steps[len(steps) // 2]
    for slope in slopes:
        ax.loglog(steps, 1e-3 * (steps / anchor) ** slope, ":", color="grey", lw=1)
        ax.annotate(f"slope {slope}", (steps[-1], 1e-3 * (steps[-1] / anchor) ** slope),
                    fontsize=8, color="grey", ha="right", va="bottom")
    ax.axvline(np.cbrt(np.finfo(float).eps), color="k", lw=0.8, ls="--")
    ax.set(xlabel="step size h", ylabel="absolute error", ylim=(1e-17, 1e2),
           title="Truncation error falls with h; round-off error grows")
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_loss_curve(losses, ax=None, log=True, label=None):
    """Loss against step (or iteration), on a log scale by default.

    Parameters
    ----------
    losses : ndarray of shape (n_steps,)
    ax : matplotlib Axes, optional
    log : bool, default True
    label : str, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    losses = np.asarray(losses, dtype=np.float64)
    ax.plot(np.arange(len(losses)), losses, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="loss")
    if label:
        ax.legend()
    return ax
