"""Network.from_onnx against onnxruntime, on graphs built with onnx.helper and on models
that skl2onnx exports; unsupported graphs are refused whole, naming the op and its node."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")  # the optional extra `onnx`, installed by `make`
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from scipy.special import softmax  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from reluineq import Network, regions  # noqa: E402
from reluineq.importers.onnx_model import OnnxImportError  # noqa: E402

RNG = np.random.default_rng(0)
F32 = np.float32


def init(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=F32), name)


def model(nodes, inits, n_in, n_out, in_shape=None, opset=17):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape or ["N", n_in])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n_out])],
        inits,
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(m)
    return m


def run(m, X):
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    outs = sess.run(None, {sess.get_inputs()[0].name: X.astype(F32)})
    return dict(zip([o.name for o in sess.get_outputs()], outs, strict=True))


def weights(*shape):
    return RNG.normal(size=shape).astype(F32)


def test_pytorch_style_gemm_relu_leaky_sigmoid():
    # nn.Linear exports as Gemm with transB=1: weight (out, in).
    W1, b1, W2, b2, W3, b3 = weights(6, 4), weights(6), weights(5, 6), weights(5), \
        weights(3, 5), weights(3)
    nodes = [
        helper.make_node("Gemm", ["x", "W1", "b1"], ["z1"], transB=1, name="fc1"),
        helper.make_node("Relu", ["z1"], ["h1"], name="relu1"),
        helper.make_node("Gemm", ["h1", "W2", "b2"], ["z2"], transB=1, alpha=0.5, beta=2.0,
                         name="fc2"),
        helper.make_node("LeakyRelu", ["z2"], ["h2"], alpha=0.2, name="leaky"),
        helper.make_node("Gemm", ["h2", "W3", "b3"], ["z3"], transB=1, name="fc3"),
        helper.make_node("Sigmoid", ["z3"], ["y"], name="out"),
    ]
    m = model(nodes, [init("W1", W1), init("b1", b1), init("W2", W2), init("b2", b2),
                      init("W3", W3), init("b3", b3)], 4, 3)
    net = Network.from_onnx(m)
    assert net.activations == ("relu", "leaky_relu(1/5)", "sigmoid")
    X = RNG.normal(size=(300, 4))
    np.testing.assert_allclose(net.forward(X), run(m, X)["y"], rtol=1e-5, atol=1e-5)


def test_matmul_add_batchnorm_flatten_cast_identity(tmp_path):
    W1, b1, W2 = weights(12, 7), weights(7), weights(7, 2)
    scale, shift, mean = weights(7), weights(7), weights(7)
    var = RNG.uniform(0.5, 2, size=7).astype(F32)
    nodes = [
        helper.make_node("Flatten", ["x"], ["flat"], axis=1, name="flatten"),
        helper.make_node("Cast", ["flat"], ["xd"], to=TensorProto.DOUBLE, name="to_double"),
        helper.make_node("Cast", ["xd"], ["xf"], to=TensorProto.FLOAT, name="to_float"),
        helper.make_node("MatMul", ["xf", "W1"], ["m1"], name="mm1"),
        helper.make_node("Add", ["b1", "m1"], ["z1"], name="add1"),  # bias on the left
        helper.make_node("BatchNormalization", ["z1", "scale", "shift", "mean", "var"],
                         ["bn"], epsilon=1e-3, name="bn1"),
        helper.make_node("Relu", ["bn"], ["h1"], name="relu1"),
        helper.make_node("Identity", ["h1"], ["h1i"], name="id"),
        helper.make_node("MatMul", ["h1i", "W2"], ["y"], name="mm2"),
    ]
    m = model(nodes, [init("W1", W1), init("b1", b1), init("W2", W2), init("scale", scale),
                      init("shift", shift), init("mean", mean), init("var", var)],
              12, 2, in_shape=["N", 3, 4])
    path = tmp_path / "net.onnx"
    onnx.save(m, str(path))
    net = Network.from_onnx(path)
    assert net.widths == (12, 7, 2) and net.activations == ("relu", "identity")
    X = RNG.normal(size=(200, 3, 4))
    np.testing.assert_allclose(net.forward(X.reshape(200, 12)), run(m, X)["y"], rtol=1e-4,
                               atol=1e-4)
    assert Network.from_onnx(path.read_bytes()).widths == net.widths


def test_batchnorm_between_activation_and_gemm_folds_into_the_next_layer():
    W, b = weights(3, 4), weights(3)
    scale, shift, mean = weights(4), weights(4), weights(4)
    var = RNG.uniform(0.5, 2, size=4).astype(F32)
    nodes = [
        helper.make_node("Relu", ["x"], ["h"], name="relu0"),
        helper.make_node("BatchNormalization", ["h", "s", "t", "m", "v"], ["bn"], name="bn"),
        helper.make_node("Gemm", ["bn", "W", "b"], ["y"], transB=1, name="fc"),
    ]
    m = model(nodes, [init("W", W), init("b", b), init("s", scale), init("t", shift),
                      init("m", mean), init("v", var)], 4, 3)
    net = Network.from_onnx(m)
    # relu(x) needs an identity layer before it; BN and Gemm are one affine map.
    assert net.widths == (4, 4, 3) and net.activations == ("relu", "identity")
    X = RNG.normal(size=(100, 4))
    np.testing.assert_allclose(net.forward(X), run(m, X)["y"], rtol=1e-4, atol=1e-4)


def fitted(model_, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model_.fit(X, y)


def export(est, X, **options):
    from skl2onnx import to_onnx

    return to_onnx(est, X[:1].astype(F32), options={id(est): options} if options else None)


@pytest.mark.parametrize("zipmap", [False, True])
def test_skl2onnx_multiclass_classifier(zipmap):
    X = RNG.normal(size=(300, 5))
    y = np.where(X[:, 0] > 0.4, "b", np.where(X[:, 1] < 0, "a", "c"))
    clf = fitted(MLPClassifier(hidden_layer_sizes=(12, 8), max_iter=300, random_state=0), X, y)
    m = export(clf, X, zipmap=zipmap)
    net = Network.from_onnx(m)
    assert net.widths == (5, 12, 8, 3) and net.activations == ("relu", "relu", "identity")
    out = run(m, X)
    logits = net.forward(X)
    labels = out["output_label" if zipmap else "label"]
    assert (clf.classes_[logits.argmax(axis=1)] == labels).all()
    if not zipmap:
        np.testing.assert_allclose(softmax(logits, axis=1), out["probabilities"], rtol=1e-4,
                                   atol=1e-5)
    # The same network as from_sklearn's, to float32 rounding.
    np.testing.assert_allclose(logits, Network.from_sklearn(clf).forward(X), rtol=1e-5,
                               atol=1e-5)


def test_skl2onnx_binary_classifier_and_logistic_hidden_layer():
    X = RNG.normal(size=(300, 3))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    clf = fitted(MLPClassifier(hidden_layer_sizes=(6,), activation="logistic", max_iter=300,
                               random_state=0), X, y)
    m = export(clf, X, zipmap=False)
    net = Network.from_onnx(m)
    assert net.widths == (3, 6, 1) and net.activations == ("sigmoid", "identity")
    out = run(m, X)
    logit = net.forward(X)[:, 0]
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), out["probabilities"][:, 1],
                               rtol=1e-4, atol=1e-5)
    assert ((logit > 0).astype(int) == out["label"]).all()


def test_skl2onnx_regressor_and_a_region_map():
    X = RNG.normal(size=(300, 2))
    y = np.abs(X[:, 0]) - np.maximum(X[:, 1], 0)
    reg = fitted(MLPRegressor(hidden_layer_sizes=(8, 8), max_iter=300, random_state=0), X, y)
    m = export(reg, X)
    net = Network.from_onnx(m)
    out = run(m, X)
    np.testing.assert_allclose(net.forward(X)[:, 0], out["variable"].ravel(), rtol=1e-4,
                               atol=1e-4)
    assert len(regions(net, [(-2, 2), (-2, 2)])) > 1


def bad(nodes, inits, n_in=2, n_out=2, **kw):
    return model(nodes, inits, n_in, n_out, **kw)


W22 = init("W", np.eye(2))


@pytest.mark.parametrize(("build", "message"), [
    (lambda: bad([helper.make_node("Tanh", ["x"], ["y"], name="act")], []),
     "Tanh node 'act' is not an operation a dense network is built from"),
    (lambda: bad([helper.make_node("Gemm", ["x", "W"], ["z"], name="fc"),
                  helper.make_node("Tanh", ["z"], ["y"], name="t")], [W22]),
     "Tanh node 't' is not"),
    (lambda: bad([helper.make_node("Gemm", ["x", "W"], ["y"], transA=1, name="fc")], [W22]),
     "Gemm node 'fc': the layer's input must be Gemm's first operand"),
    (lambda: bad([helper.make_node("Gemm", ["x", "W"], ["y"], transB=1, name="fc")],
                 [init("W", np.ones((2, 3)))], n_in=2),
     "Gemm node 'fc': its weight takes 3 features but its input has 2"),
    (lambda: bad([helper.make_node("MatMul", ["x", "W"], ["z"], name="mm"),
                  helper.make_node("Add", ["z", "b"], ["y"], name="add")],
                 [W22, init("b", np.ones(3))]),
     "Add node 'add': bias of 3 entries for 2 features"),
    (lambda: bad([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT64, name="c")], []),
     "Cast node 'c': casts to a non-float type"),
    (lambda: bad([helper.make_node("Relu", ["x"], ["a"], name="r1"),
                  helper.make_node("Relu", ["x"], ["y"], name="r2")], []),
     "tensor 'x' feeds several nodes"),
    (lambda: bad([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [W22],
                 in_shape=["N", 1, 2]),
     "MatMul node 'mm': its input has rank 3"),
    (lambda: bad([helper.make_node("MatMul", ["x", "x"], ["y"], name="sq")], []),
     "MatMul node 'sq': input 'x' is computed, but a constant weight is expected"),
    (lambda: bad([helper.make_node("Identity", ["x"], ["y"], name="id")], []),
     "the graph holds no layer"),
    (lambda: bad([helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
                 [numpy_helper.from_array(np.array([2, -1], dtype=np.int64), "s")]),
     "Reshape node 'rs': to shape \\[2, -1\\]"),
    (lambda: bad([helper.make_node("BatchNormalization", ["x", "s", "t", "m", "v"], ["y"],
                                   training_mode=1, name="bn")],
                 [init(k, np.ones(2)) for k in "stmv"], opset=15),
     "BatchNormalization node 'bn': training mode"),
])
def test_unsupported_graphs_are_refused_whole(build, message):
    with pytest.raises(OnnxImportError, match=message):
        Network.from_onnx(build())


def test_an_extra_branch_is_not_dropped():
    W, b = init("W", np.eye(2)), init("b", np.zeros(2))
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["y"], name="fc"),
             helper.make_node("Neg", ["W"], ["unused"], name="neg")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("unused", TensorProto.FLOAT, [2, 2])], [W, b])
    with pytest.raises(OnnxImportError, match="Neg node 'neg' is off the network's chain"):
        Network.from_onnx(helper.make_model(graph))


def test_two_inputs_and_bad_sources(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x2"], ["y"], name="add")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("x2", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])])
    with pytest.raises(OnnxImportError, match="expected one input tensor, the graph has 2"):
        Network.from_onnx(helper.make_model(graph))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00not a model at all\xff" * 3)
    with pytest.raises(OnnxImportError, match="is not an ONNX model"):
        Network.from_onnx(junk)
    with pytest.raises(FileNotFoundError, match="no ONNX file at"):
        Network.from_onnx(tmp_path / "missing.onnx")
    with pytest.raises(TypeError, match=r"expected a path, bytes or an onnx\.ModelProto"):
        Network.from_onnx(3)
