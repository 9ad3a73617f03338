"""Networks as function approximators and single units as regressions.

- :mod:`.interpolation`: the ReLU network through given points, in closed form;
- :mod:`.regression`: a linear, a ReLU and a sigmoid unit fitted to data;
- :mod:`.training`: a small ReLU network trained by Adam;
- :mod:`.blocks`: softplus, sigmoid staircases and bumps, ReLU hats.
"""

from ..activations import sigmoid
from .blocks import hat_network, relu_hat, sigmoid_bump, sigmoid_staircase, softplus
from .interpolation import (
    Interpolant,
    fit_loglog_slope,
    interpolant,
    interpolating_network,
    interpolation_error,
)
from .regression import UnitFit, fit_linear, fit_logistic, fit_relu_unit
from .training import TrainResult, train_mlp

__all__ = [
    "Interpolant",
    "TrainResult",
    "UnitFit",
    "fit_linear",
    "fit_logistic",
    "fit_loglog_slope",
    "fit_relu_unit",
    "hat_network",
    "interpolant",
    "interpolating_network",
    "interpolation_error",
    "relu_hat",
    "sigmoid",
    "sigmoid_bump",
    "sigmoid_staircase",
    "softplus",
    "train_mlp",
]
