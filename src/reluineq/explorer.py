"""The in-page region explorer: its preset networks and the HTML an article embeds.

The explorer itself is plain JavaScript under ``docs/_static/explorer/``: ``regions.js``
enumerates the linear regions of a 2-input network exactly as :func:`reluineq.regions`
does, ``train.js`` fits a network to a toy dataset, and ``explorer.js`` draws them and lets
the reader move them. The Node tests in ``tests/js/`` check the engine against the library
on the networks of :func:`fixture networks <PRESETS>` and many more.
"""

from __future__ import annotations

from fractions import Fraction

from .network import Network

__all__ = ["PRESETS"]

_HALF = Fraction(1, 2)

#: The articles' 2-input networks, each with the box its article draws it in: name ->
#: (network, box). The explorer offers them as presets.
PRESETS: dict[str, tuple[Network, list[tuple[int, int]]]] = {
    # "A stack of inequalities", step 2: three lines x1 = 0, x2 = 0, x1 + x2 = 1.
    "Three lines (a stack of inequalities)": (
        Network.from_arrays([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1]]], [[0, 0, -1], [0]],
                            ["relu", "identity"]),
        [(-3, 3), (-3, 3)],
    ),
    # "A stack of inequalities", step 3: a second layer whose lines bend at the first's.
    "Nested lines (a stack of inequalities)": (
        Network.from_arrays(
            [[[1, 0], [0, 1], [1, 1]], [[1, -1, 1], [-1, 2, -1]], [[1, -1]]],
            [[0, 0, -1], [-_HALF, 1], [0]],
            ["relu", "relu", "identity"],
        ),
        [(-3, 3), (-3, 3)],
    ),
    # "ReLU as an if-statement": the network compiled to a program.
    "The if-statement network": (
        Network.from_arrays(
            [[[1, 0], [0, 1], [1, 1]], [[1, -1, 2], [-1, 1, 1]], [[1, 2]]],
            [[0, 0, -1], [0, -1], [0]],
            ["relu", "relu", "identity"],
        ),
        [(-2, 2), (-2, 2)],
    ),
    # "Optimising over a ReLU network is linear programming": the network it maximises.
    "The network to optimise (LP)": (
        Network.from_arrays([[[1, 1], [2, 0], [0, 2]], [[1, -2, -2]]], [[2, -1, -1], [0]],
                            ["relu", "identity"]),
        [(-2, 2), (-2, 2)],
    ),
}
