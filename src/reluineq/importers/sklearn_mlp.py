"""scikit-learn's multi-layer perceptrons as networks (:meth:`reluineq.Network.from_sklearn`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Network

__all__ = ["HIDDEN_ACTIVATIONS", "OUTPUT_FUNCTIONS", "from_sklearn"]

#: scikit-learn's name of a hidden activation -> the activation table's.
HIDDEN_ACTIVATIONS = {"relu": "relu", "identity": "identity", "logistic": "sigmoid"}

#: What scikit-learn applies to the network's output (``out_activation_``), which the
#: imported network leaves out: ``predict`` and ``predict_proba`` apply it to the logits.
OUTPUT_FUNCTIONS = {
    "identity": "none: predict returns the output itself",
    "softmax": "softmax: predict_proba is the softmax of the logits, predict their argmax",
    "logistic": "logistic: predict_proba is the sigmoid of each logit; a binary classifier "
                "predicts its second class where the logit is positive",
    "exp": "exp: predict returns exp of the output (Poisson loss)",
}


def from_sklearn(model: Any) -> Network:
    """A fitted ``MLPRegressor`` or ``MLPClassifier`` as a float network ending at its logits.

    Parameters
    ----------
    model
        A fitted :class:`sklearn.neural_network.MLPClassifier` or ``MLPRegressor`` whose
        hidden activation is ``"relu"``, ``"identity"`` or ``"logistic"`` (imported as
        ``"sigmoid"``).

    Returns
    -------
    Network
        One layer per weight matrix of ``model.coefs_`` (transposed to ``(n_out, n_in)``),
        the hidden layers with the model's activation and the last one ``"identity"``:
        the logits, before ``model.out_activation_`` (see :data:`OUTPUT_FUNCTIONS`). A
        multi-class classifier predicts ``model.classes_[argmax]`` of them.

    Raises
    ------
    TypeError
        Not one of the two estimators.
    ValueError
        An estimator that is not fitted, or a hidden activation that is not in the
        activation table (``"tanh"``); the message names it.

    Examples
    --------
    >>> from sklearn.neural_network import MLPClassifier
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 0]], dtype=float)
    >>> clf = MLPClassifier(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0)
    >>> clf = clf.fit(X, ["a", "b", "b", "c", "c", "a"])
    >>> net = from_sklearn(clf)
    >>> net
    Network(2-4-3, relu-identity, float)
    >>> bool((clf.classes_[net.forward(X).argmax(axis=1)] == clf.predict(X)).all())
    True
    """
    try:
        from sklearn.neural_network import MLPClassifier, MLPRegressor
    except ImportError:  # pragma: no cover - whoever holds a model has scikit-learn
        raise TypeError("from_sklearn needs scikit-learn to read a model") from None
    if not isinstance(model, (MLPClassifier, MLPRegressor)):
        raise TypeError(f"expected a fitted sklearn MLPClassifier or MLPRegressor, got "
                        f"{type(model).__name__}")
    name = type(model).__name__
    if not hasattr(model, "coefs_"):
        raise ValueError(f"this {name} is not fitted: call fit() before importing it")
    hidden = model.activation
    if hidden not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"{name} hidden activation {hidden!r} is not in reluineq's activation table; "
            f"expected one of {tuple(HIDDEN_ACTIVATIONS)}"
        )
    if model.out_activation_ not in OUTPUT_FUNCTIONS:
        raise ValueError(f"{name} output function {model.out_activation_!r} is not known to "
                         f"this importer; expected one of {tuple(OUTPUT_FUNCTIONS)}")
    weights = [np.asarray(w, dtype=float).T for w in model.coefs_]
    biases = [np.asarray(b, dtype=float) for b in model.intercepts_]
    acts = [HIDDEN_ACTIVATIONS[hidden]] * (len(weights) - 1) + ["identity"]
    return Network(weights, biases, acts)
