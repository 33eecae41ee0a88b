"""Widget plumbing: sliders in, a redrawn figure out.

The notebooks' explorers are thin layers over pure drawing functions
``draw(ax_or_axes, **values)``, so tests call the drawing function directly and the
browser tests only check that the sliders move the picture. ipywidgets is imported
lazily, and nothing is built while nbgrader grades (it would cost time and earn nothing).
"""

from .course import grading

__all__ = ["explorer"]


def explorer(draw, controls, *, figsize=(9, 3.6), ncols=1):
    """Build sliders that redraw a figure through ``draw``.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)`` draws on ``axes`` (one Axes, or an array of ``ncols``).
    controls : dict of str to ipywidgets.Widget
        One widget per keyword argument of ``draw``.
    figsize : tuple of float
    ncols : int
        Number of side-by-side panels.

    Returns
    -------
    ipywidgets.VBox or None
        The controls above the output (displayed when it is a cell's last value), or None
        while grading.
    """
    if grading():
        return None
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    output = widgets.Output()

    def redraw(**values):
        with output:
            output.clear_output(wait=True)
            fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained")
            draw(axes, **values)
            display(fig)
            plt.close(fig)  # displayed once as an image; pyplot must not draw it again

    widgets.interactive_output(redraw, controls)
    box = widgets.VBox([widgets.HBox(list(controls.values())), output])
    box.add_class("bplab-explorer")
    return box
