"""The face of the course: plots, widgets, and every explorer and drawing.

Notebooks reach a part as an attribute (``bp.explore.booth.descent_explorer(...)``); each
submodule is imported on first use, so matplotlib and ipywidgets load only when a notebook
draws. The mathematics of :mod:`bplab` never imports this package.
"""

from ..lazy import submodule_getattr

__getattr__ = submodule_getattr(__name__, globals())
