"""ONNX graphs of dense layers as networks (:meth:`reluineq.Network.from_onnx`).

The graph is read as one chain from its input: affine operations (``Gemm``, ``MatMul``,
``Add``, an inference-mode ``BatchNormalization``) are composed into one pending affine
map, and each activation (``Relu``, ``LeakyRelu``, ``Sigmoid``) closes that map into a
layer. ``Identity``, ``Flatten``, ``Cast`` between float types and a ``Reshape`` that keeps
the batch apart (to ``(batch, features)``, as skl2onnx ends a regressor and PyTorch flattens)
pass the tensor on.

A classifier's head as skl2onnx writes it is recognised and cut off: a ``Softmax`` of
the logits (or, for two classes, a ``Sigmoid`` whose output feeds ``Sub`` and ``Concat``),
then ``ArgMax``, the label lookup (``ArrayFeatureExtractor``, ``Reshape``, ``Cast``) and
``ZipMap``. The network ends at the logits, whose argmax is the head's.

Any other operation, an attribute this reader does not follow (a transposed ``Gemm``
input, ``BatchNormalization`` in training mode), or a shape that does not fit raises
:class:`OnnxImportError` naming the operation and its node: nothing is imported in part.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..network import Network

__all__ = ["HEAD_OPS", "OPS", "OnnxImportError", "from_onnx"]

#: The operations a network's chain may hold.
OPS = ("Gemm", "MatMul", "Add", "Relu", "LeakyRelu", "Sigmoid", "Identity", "Flatten", "Cast",
       "BatchNormalization", "Reshape")
#: The operations of a classifier head after the logits, as skl2onnx writes it.
HEAD_OPS = ("Softmax", "Sigmoid", "Sub", "Concat", "Identity", "ArgMax",
            "ArrayFeatureExtractor", "Reshape", "Cast", "ZipMap")

# onnx.TensorProto's float types: FLOAT, DOUBLE, FLOAT16, BFLOAT16.
_FLOAT_TYPES = {1, 11, 10, 16}


class OnnxImportError(ValueError):
    """The graph holds an operation, attribute or shape that is not a dense network."""


def _where(node: Any) -> str:
    name = node.name or "(unnamed)"
    return f"{node.op_type} node {name!r}"


@dataclass
class _Chain:
    """The layers read so far and the affine map ``h -> W h + b`` pending since the last
    activation (``None`` when there is none)."""

    width: int | None
    weights: list[np.ndarray] = field(default_factory=list)
    biases: list[np.ndarray] = field(default_factory=list)
    acts: list[str] = field(default_factory=list)
    W: np.ndarray | None = None
    b: np.ndarray | None = None

    def affine(self, W: np.ndarray, b: np.ndarray, where: str) -> None:
        """Compose ``y = W x + b`` after the pending map."""
        if self.width is not None and W.shape[1] != self.width:
            raise OnnxImportError(f"{where}: its weight takes {W.shape[1]} features but its "
                                  f"input has {self.width}")
        if self.W is None:
            self.W, self.b = W, b
        else:
            self.W, self.b = W @ self.W, W @ self.b + b
        self.width = W.shape[0]

    def bias(self, b: np.ndarray, where: str) -> None:
        b = b.reshape(-1)
        if self.width is None:
            raise OnnxImportError(f"{where}: a bias before any weight; the input's width is "
                                  "unknown")
        if b.size == 1:
            b = np.full(self.width, b[0])
        if b.size != self.width:
            raise OnnxImportError(f"{where}: bias of {b.size} entries for {self.width} "
                                  "features")
        if self.W is None:
            self.W, self.b = np.eye(self.width), b.copy()
        else:
            self.b = self.b + b

    def activation(self, name: str, where: str) -> None:
        if self.width is None:
            raise OnnxImportError(f"{where}: an activation before any weight; the input's "
                                  "width is unknown")
        if self.W is None:  # two activations in a row: an identity layer between them
            self.W, self.b = np.eye(self.width), np.zeros(self.width)
        self.weights.append(self.W)
        self.biases.append(self.b)
        self.acts.append(name)
        self.W = self.b = None

    def network(self) -> Network:
        if self.W is not None:
            self.activation("identity", "the last layer")
        if not self.weights:
            raise OnnxImportError("the graph holds no layer: no Gemm, MatMul, Add or "
                                  "BatchNormalization on its path")
        return Network(self.weights, self.biases, self.acts)


def from_onnx(source: Any) -> Network:
    """Read an ONNX model of dense layers as a float network ending at its logits.

    Parameters
    ----------
    source
        A path to a ``.onnx`` file, its bytes, or an ``onnx.ModelProto``.

    Returns
    -------
    Network
        The graph's chain of layers (see the module's description); a classifier head is
        left out, so a classifier's network outputs its logits.

    Raises
    ------
    OnnxImportError
        An operation not in :data:`OPS` (or :data:`HEAD_OPS` after the logits), an
        unsupported attribute, several inputs, or a shape that does not fit; the message
        names the operation and its node.
    ImportError
        The optional ``onnx`` package is not installed.

    Examples
    --------
    >>> import onnx
    >>> from onnx import TensorProto, helper, numpy_helper
    >>> W = numpy_helper.from_array(np.array([[1.0, -1.0]], dtype=np.float32), "W")
    >>> graph = helper.make_graph(
    ...     [helper.make_node("Gemm", ["x", "W"], ["z"], transB=1, name="fc"),
    ...      helper.make_node("LeakyRelu", ["z"], ["y"], alpha=0.25, name="act")],
    ...     "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [W])
    >>> from_onnx(helper.make_model(graph))
    Network(2-1, leaky_relu(1/4), float)
    """
    model = _load(source)
    graph = model.graph
    consts = _constants(graph)
    inputs = [i for i in graph.input if i.name not in consts]
    if len(inputs) != 1:
        names = [i.name for i in inputs]
        raise OnnxImportError(f"expected one input tensor, the graph has {len(inputs)}: {names}")
    dims = _dims(inputs[0])
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        if node.op_type == "Constant":
            continue
        for name in dict.fromkeys(node.input):  # a node that reads a tensor twice, once
            consumers.setdefault(name, []).append(node)
    chain = _Chain(width=dims[1] if len(dims) == 2 and isinstance(dims[1], int) else None)
    rank = len(dims)
    current = inputs[0].name
    used: set[int] = set()
    head: Any = None
    while True:
        nodes = consumers.get(current, [])
        if not nodes:
            break
        if len(nodes) > 1:
            ops = ", ".join(_where(n) for n in nodes)
            raise OnnxImportError(f"tensor {current!r} feeds several nodes ({ops}); a dense "
                                  "network is one chain")
        node = nodes[0]
        if _is_head(node, consumers):
            head = node
            break
        rank = _step(node, chain, consts, rank, current)
        used.add(id(node))
        current = node.output[0]
    outputs = {o.name for o in graph.output}
    if head is None and current not in outputs:
        raise OnnxImportError(f"the chain ends at tensor {current!r}, which is not an output of "
                              "the graph")
    _check_rest(graph, used, head)
    return chain.network()


def _load(source: Any) -> Any:
    import onnx

    if isinstance(source, onnx.ModelProto):
        return source
    if isinstance(source, (bytes, bytearray)):
        return onnx.load_from_string(bytes(source))
    if isinstance(source, (str, os.PathLike)):
        try:
            return onnx.load(os.fspath(source))
        except FileNotFoundError:
            raise FileNotFoundError(f"no ONNX file at {os.fspath(source)!r}") from None
        except Exception as err:  # protobuf's DecodeError and kin: not an ONNX file
            raise OnnxImportError(f"{os.fspath(source)!r} is not an ONNX model: {err}") from None
    raise TypeError(f"expected a path, bytes or an onnx.ModelProto, got {type(source).__name__}")


def _constants(graph: Any) -> dict[str, np.ndarray]:
    """The graph's initializers and the outputs of its ``Constant`` nodes, as arrays."""
    from onnx import numpy_helper

    out = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            attr = {a.name: a for a in node.attribute}
            if "value" not in attr:
                raise OnnxImportError(f"{_where(node)}: only a tensor 'value' is read")
            out[node.output[0]] = numpy_helper.to_array(attr["value"].t)
    return out


def _dims(value_info: Any) -> list[int | str | None]:
    shape = value_info.type.tensor_type.shape
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
            for d in shape.dim]


def _attrs(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _const(name: str, consts: dict[str, np.ndarray], node: Any) -> np.ndarray:
    if name not in consts:
        raise OnnxImportError(f"{_where(node)}: input {name!r} is computed, but a constant "
                              "weight is expected there")
    value = consts[name]
    if not np.issubdtype(value.dtype, np.floating) and not np.issubdtype(value.dtype, np.integer):
        raise OnnxImportError(f"{_where(node)}: constant {name!r} has dtype {value.dtype}")
    return value.astype(float)


def _step(node: Any, chain: _Chain, consts: dict[str, np.ndarray], rank: int,
          current: str) -> int:
    """Apply one node of the chain; return the rank of its output."""
    op, where, attrs = node.op_type, _where(node), _attrs(node)
    if node.domain not in ("", "ai.onnx"):
        raise OnnxImportError(f"{where} (domain {node.domain!r}) is not an operation a dense "
                              f"network is built from; supported: {', '.join(OPS)}")
    others = [name for name in node.input if name != current and name]
    if op in ("Gemm", "MatMul", "Add", "BatchNormalization") and rank != 2:
        raise OnnxImportError(f"{where}: its input has rank {rank}; a dense layer takes "
                              "(batch, features); flatten it first")
    if op == "Gemm":
        if node.input[0] != current or attrs.get("transA", 0):
            raise OnnxImportError(f"{where}: the layer's input must be Gemm's first operand, "
                                  "not transposed (transA = 0)")
        B = _const(node.input[1], consts, node)
        B = B.T if attrs.get("transB", 0) else B
        if B.ndim != 2:
            raise OnnxImportError(f"{where}: weight of shape {B.shape}, expected a matrix")
        W = attrs.get("alpha", 1.0) * B.T
        b = np.zeros(W.shape[0])
        if len(node.input) > 2 and node.input[2]:
            C = _const(node.input[2], consts, node).reshape(-1)
            if C.size not in (1, W.shape[0]):
                raise OnnxImportError(f"{where}: bias of {C.size} entries for "
                                      f"{W.shape[0]} outputs")
            b = attrs.get("beta", 1.0) * np.broadcast_to(C, (W.shape[0],))
        chain.affine(W, b.astype(float), where)
    elif op == "MatMul":
        if node.input[0] != current:
            raise OnnxImportError(f"{where}: the layer's input must be the left operand")
        B = _const(node.input[1], consts, node)
        if B.ndim != 2:
            raise OnnxImportError(f"{where}: weight of shape {B.shape}, expected a matrix")
        chain.affine(B.T, np.zeros(B.shape[1]), where)
    elif op == "Add":
        if len(others) != 1:
            raise OnnxImportError(f"{where}: expected the layer's input plus one constant bias")
        chain.bias(_const(others[0], consts, node), where)
    elif op == "BatchNormalization":
        if attrs.get("training_mode", 0):
            raise OnnxImportError(f"{where}: training mode; export the model in eval mode")
        if len(node.output) > 1 and any(node.output[1:]):
            raise OnnxImportError(f"{where}: running-statistics outputs mean training mode")
        scale, shift, mean, var = (_const(n, consts, node).reshape(-1) for n in node.input[1:5])
        s = scale / np.sqrt(var + attrs.get("epsilon", 1e-5))
        if chain.width is not None and s.size != chain.width:
            raise OnnxImportError(f"{where}: {s.size} channels for {chain.width} features")
        chain.width = chain.width or s.size
        chain.affine(np.diag(s), shift - s * mean, where)
    elif op in ("Relu", "Sigmoid"):
        chain.activation("relu" if op == "Relu" else "sigmoid", where)
    elif op == "LeakyRelu":
        alpha = np.float32(attrs.get("alpha", 0.01))
        # The slope as the shortest decimal of its float32, the number its writer meant.
        chain.activation(f"leaky_relu({alpha!s})", where)
    elif op == "Identity":
        pass
    elif op == "Cast":
        if attrs.get("to") not in _FLOAT_TYPES:
            raise OnnxImportError(f"{where}: casts to a non-float type ({attrs.get('to')})")
    elif op == "Reshape":
        shape = [int(v) for v in _const(node.input[1], consts, node).reshape(-1)]
        keeps = len(shape) == 2 and (
            (shape[0] == 0 and shape[1] == -1)  # flatten, the batch kept
            or (rank == 2 and shape[1] == chain.width and shape[0] in (-1, 0)))
        if not keeps:
            raise OnnxImportError(f"{where}: to shape {shape}; only a reshape to (batch, "
                                  "features) that keeps the batch apart is a dense layer's")
        return 2
    elif op == "Flatten":
        axis = attrs.get("axis", 1)
        if axis != 1:
            raise OnnxImportError(f"{where}: axis {axis}; only axis 1 keeps the batch apart")
        return 2
    else:
        raise OnnxImportError(f"{where} is not an operation a dense network is built from; "
                              f"supported: {', '.join(OPS)}")
    return rank


def _is_binary_head(nodes: list[Any]) -> bool:
    """skl2onnx's two-class head reads the logit's sigmoid twice: 1 - p and [1 - p, p]."""
    return sorted(n.op_type for n in nodes) == ["Concat", "Sub"]


def _is_head(node: Any, consumers: dict[str, list[Any]]) -> bool:
    """Whether ``node`` starts a classifier head: a Softmax of the logits, or a Sigmoid
    whose output feeds the two-class head (``Sub`` and ``Concat``)."""
    if node.op_type == "Softmax":
        return True
    if node.op_type == "Sigmoid":
        return _is_binary_head(consumers.get(node.output[0], []))
    return False


def _check_rest(graph: Any, used: set[int], head: Any) -> None:
    """Every node off the chain must belong to the classifier head that follows it."""
    head_nodes = set()
    if head is not None:
        frontier = [head]
        tensors: set[str] = set()
        while frontier:
            node = frontier.pop()
            if id(node) in head_nodes:
                continue
            head_nodes.add(id(node))
            tensors.update(node.output)
            frontier += [n for n in graph.node if id(n) not in head_nodes
                         and any(i in tensors for i in n.input)]
    for node in graph.node:
        if id(node) in used or node.op_type == "Constant":
            continue
        if id(node) not in head_nodes:
            raise OnnxImportError(f"{_where(node)} is off the network's chain and not part of "
                                  "a classifier head after it; nothing is imported in part")
        if node.op_type not in HEAD_OPS:
            raise OnnxImportError(f"{_where(node)} in the classifier head is not one skl2onnx "
                                  f"writes ({', '.join(HEAD_OPS)})")
