"""reluineq: ReLU networks as nested linear inequalities.

A ReLU network splits its input space into polyhedra, one per activation pattern that
occurs, and on each it is a single affine map. This package enumerates those regions
exactly and renders them as equations, figures and linear programs.

Modules: :mod:`~reluineq.network`, :mod:`~reluineq.regions`, :mod:`~reluineq.symbolic`,
:mod:`~reluineq.latex`, :mod:`~reluineq.check`, :mod:`~reluineq.plot`, :mod:`~reluineq.lp`,
:mod:`~reluineq.approx`, :mod:`~reluineq.program`, :mod:`~reluineq.cli`,
:mod:`~reluineq.slices` (a network on a line or plane through data points),
:mod:`~reluineq.decisions` (a classifier's regions by class) and :mod:`~reluineq.importers`
(scikit-learn and ONNX models). Each imports sympy,
scipy or matplotlib only inside the functions that need them, so ``import reluineq`` stays
fast.
"""

from . import (
    activations,
    approx,
    check,
    decisions,
    formatting,
    latex,
    lp,
    partition,
    plot,
    point_region,
    program,
    rational,
    slices,
    symbolic,
    tolerances,
    validate,
)
from .check import CheckError, check_expression, check_regions
from .decisions import decision_regions
from .network import ACTIVATIONS, Layer, Network
from .partition import Partition, Region
from .point_region import region_at
from .regions import TooManyRegionsError, regions
from .tolerances import TOL

__all__ = [
    "ACTIVATIONS",
    "TOL",
    "CheckError",
    "Layer",
    "Network",
    "Partition",
    "Region",
    "TooManyRegionsError",
    "activations",
    "approx",
    "check",
    "check_expression",
    "check_regions",
    "decision_regions",
    "decisions",
    "formatting",
    "latex",
    "lp",
    "partition",
    "plot",
    "point_region",
    "program",
    "rational",
    "region_at",
    "regions",
    "slices",
    "symbolic",
    "tolerances",
    "validate",
]
__version__ = "0.1.0"
