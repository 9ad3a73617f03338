"""Network.from_sklearn against scikit-learn's own predict and predict_proba."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier, MLPRegressor

from reluineq import Network, regions

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(200, 3))


def fit(model, X, y):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize("activation", ["relu", "identity", "logistic"])
def test_multiclass_classifier(activation):
    y = np.where(X3[:, 0] > 0.5, "b", np.where(X3[:, 1] < -0.2, "a", "c"))
    clf = fit(MLPClassifier(hidden_layer_sizes=(8, 5), activation=activation, max_iter=300,
                            random_state=1), X3, y)
    net = Network.from_sklearn(clf)
    expected = {"relu": "relu", "identity": "identity", "logistic": "sigmoid"}[activation]
    assert net.activations == (expected, expected, "identity")
    assert net.widths == (3, 8, 5, 3)
    logits = net.forward(X3)
    np.testing.assert_allclose(softmax(logits, axis=1), clf.predict_proba(X3), rtol=1e-9,
                               atol=1e-12)
    assert (clf.classes_[logits.argmax(axis=1)] == clf.predict(X3)).all()


def test_binary_classifier_has_one_logit():
    y = (X3[:, 0] + X3[:, 2] > 0).astype(int)
    clf = fit(MLPClassifier(hidden_layer_sizes=(6,), max_iter=300, random_state=0), X3, y)
    net = Network.from_sklearn(clf)
    assert net.n_outputs == 1
    logit = net.forward(X3)[:, 0]
    np.testing.assert_allclose(expit(logit), clf.predict_proba(X3)[:, 1], rtol=1e-9)
    assert ((logit > 0).astype(int) == clf.predict(X3)).all()


def test_multilabel_classifier_logits():
    Y = np.stack([X3[:, 0] > 0, X3[:, 1] > 0], axis=1).astype(int)
    clf = fit(MLPClassifier(hidden_layer_sizes=(6,), max_iter=300, random_state=0), X3, Y)
    net = Network.from_sklearn(clf)
    np.testing.assert_allclose(expit(net.forward(X3)), clf.predict_proba(X3), rtol=1e-9)


@pytest.mark.parametrize("outputs", [1, 2])
def test_regressor(outputs):
    y = np.stack([np.abs(X3[:, 0]) - X3[:, 1], X3[:, 2] ** 2], axis=1)[:, :outputs]
    reg = fit(MLPRegressor(hidden_layer_sizes=(10, 10), max_iter=200, random_state=0), X3,
              y.ravel() if outputs == 1 else y)
    net = Network.from_sklearn(reg)
    got = net.forward(X3)
    want = reg.predict(X3).reshape(len(X3), outputs)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_poisson_regressor_ends_before_exp():
    y = np.exp(0.5 * X3[:, 0])
    reg = fit(MLPRegressor(loss="poisson", hidden_layer_sizes=(5,), max_iter=200,
                           random_state=0), X3, y)
    net = Network.from_sklearn(reg)
    np.testing.assert_allclose(np.exp(net.forward(X3)[:, 0]), reg.predict(X3), rtol=1e-9)


def test_digits_classifier_and_its_regions_on_a_plane():
    X, y = load_digits(return_X_y=True)
    clf = fit(MLPClassifier(hidden_layer_sizes=(16,), max_iter=100, random_state=0),
              X[:400] / 16, y[:400])
    net = Network.from_sklearn(clf)
    assert net.widths == (64, 16, 10)
    assert (net.forward(X / 16).argmax(axis=1) == clf.predict(X / 16)).all()
    flat = net.slice(X[:3] / 16)
    rs = regions(flat, [(-0.5, 1.5), (-0.5, 1.5)])
    assert len(rs) > 1


def test_errors():
    with pytest.raises(TypeError, match="expected a fitted sklearn MLPClassifier or "
                                        "MLPRegressor, got LinearRegression"):
        from sklearn.linear_model import LinearRegression

        Network.from_sklearn(LinearRegression())
    with pytest.raises(ValueError, match="this MLPRegressor is not fitted"):
        Network.from_sklearn(MLPRegressor())
    tanh = fit(MLPRegressor(hidden_layer_sizes=(3,), activation="tanh", max_iter=5,
                            random_state=0), X3, X3[:, 0])
    with pytest.raises(ValueError, match="hidden activation 'tanh' is not in reluineq's "
                                         "activation table"):
        Network.from_sklearn(tanh)
