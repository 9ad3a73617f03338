"""reluineq: ReLU networks as nested linear inequalities.

A ReLU network splits its input space into polyhedra, one per activation pattern that
occurs, and on each it is a single affine map. This package enumerates those regions
exactly and renders them as equations, figures and linear programs.
"""

from .network import ACTIVATIONS, Layer, Network
from .regions import TOL, Region, TooManyRegionsError, regions

__all__ = [
    "ACTIVATIONS",
    "TOL",
    "Layer",
    "Network",
    "Region",
    "TooManyRegionsError",
    "regions",
]
__version__ = "0.1.0"
