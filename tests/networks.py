"""Small exact networks that several test modules draw from."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from reluineq import Network


def exact_net(widths, seed, acts=None) -> Network:
    """A seeded exact network: weights in -2..2, biases in halves from -1 to 1.

    Small integers make ties, parallel lines and lines through corners common, which is
    what the exact paths must get right. ``acts`` defaults to ReLU hidden layers and an
    identity output.
    """
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for a, b in itertools.pairwise(widths):
        weights.append(rng.integers(-2, 3, size=(b, a)).tolist())
        biases.append([Fraction(int(k), 2) for k in rng.integers(-2, 3, size=b)])
    return Network(weights, biases, acts or ["relu"] * (len(widths) - 2) + ["identity"])
