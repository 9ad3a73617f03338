"""Figures: linear regions, unit hyperplanes, breakpoints, surfaces, fits and activations.

The figures are drawn by the modules of :mod:`reluineq.figures`; this module gathers them
under one name, ``reluineq.plot``. Animations are played by :mod:`reluineq.animation`.
"""

from __future__ import annotations

from .figures.curves import activation_functions, breakpoints_1d, fit
from .figures.decisions import CLASS_COLORS, decisions, images_at
from .figures.lines import hyperplanes
from .figures.regions import highlight_region, partition
from .figures.style import LINE_COLORS, REGION_COLORS
from .figures.surface import surface

__all__ = [
    "CLASS_COLORS",
    "LINE_COLORS",
    "REGION_COLORS",
    "activation_functions",
    "breakpoints_1d",
    "decisions",
    "fit",
    "highlight_region",
    "hyperplanes",
    "images_at",
    "partition",
    "surface",
]
