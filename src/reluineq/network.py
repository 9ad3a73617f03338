"""Dense feed-forward networks: layers, validation and forward passes."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .activations import Activation, lookup, names
from .rational import finite_float, is_exact, parse_fraction, scalar_kind, to_fraction

__all__ = ["ACTIVATIONS", "Layer", "Network"]

#: Names of the activation functions a layer may use: those of
#: :data:`reluineq.activations.TABLE`.
ACTIVATIONS: tuple[str, ...] = names()


def _as_table(values: Any, ndim: int, where: str) -> list:
    """Turn nested sequences / arrays into nested lists of scalars, checking shape."""
    if isinstance(values, np.ndarray):
        if values.ndim != ndim:
            raise ValueError(f"{where}: expected a {ndim}-D array, got shape {values.shape}")
        return values.tolist() if values.dtype != object else [
            list(row) if ndim == 2 else row for row in values
        ]
    if ndim == 1:
        if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
            raise TypeError(f"{where}: expected a sequence of numbers, got {values!r}")
        for k, v in enumerate(values):
            if isinstance(v, (Sequence, np.ndarray)) and not isinstance(v, (str, bytes)):
                raise ValueError(f"{where}: entry {k} is a sequence, expected a number")
        return list(values)
    if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
        raise TypeError(f"{where}: expected a matrix (sequence of rows), got {values!r}")
    rows = [_as_table(row, 1, f"{where} row {i}") for i, row in enumerate(values)]
    lengths = {len(r) for r in rows}
    if len(lengths) > 1:
        raise ValueError(f"{where}: ragged matrix, row lengths {sorted(lengths)}")
    return rows


def _numeric_array(values: Any, ndim: int) -> bool:
    """Whether ``values`` is a NumPy array of ``ndim`` dimensions of integers or floats."""
    return isinstance(values, np.ndarray) and values.ndim == ndim and values.dtype.kind in "iuf"


def _array_kinds(values: np.ndarray, where: str) -> set[str]:
    """:func:`scalar_kind` of a whole numeric array: ``{"exact"}`` for integers,
    ``{"float"}`` for finite floats; the first non-finite entry raises, named as
    :func:`scalar_kind` names it."""
    if values.dtype.kind in "iu":
        return {"exact"}
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        index = ", ".join(str(int(k)) for k in bad[0])
        scalar_kind(values[tuple(bad[0])].item(), f"{where}[{index}]")
    return {"float"}


@dataclass(frozen=True, eq=False)
class Layer:
    """One dense layer ``h = activation(W x + b)``.

    Build layers through :class:`Network`, which validates them; ``weight`` is an
    ``(n_out, n_in)`` array and ``bias`` an ``(n_out,)`` array, of ``float`` or, in an
    exact network, of ``object`` dtype holding ``fractions.Fraction``.
    """

    weight: np.ndarray
    bias: np.ndarray
    activation: str
    #: The layer's entry in the activation table: its forms, slopes and encodings.
    act: Activation = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "act", lookup(self.activation))

    @property
    def n_in(self) -> int:
        """Number of inputs of the layer."""
        return self.weight.shape[1]

    @property
    def n_out(self) -> int:
        """Number of units of the layer."""
        return self.weight.shape[0]


class Network:
    """A dense feed-forward network with ReLU, identity or sigmoid layers.

    The network is *exact* when every weight and bias is rational (``int``,
    ``fractions.Fraction`` or a sympy ``Rational``): it then stores ``Fraction``
    objects and everything derived from it (regions, maps, LaTeX) is exact. With any
    float entry the whole network is stored as ``float64``.

    Parameters
    ----------
    weights
        One ``(n_out, n_in)`` matrix per layer (nested lists or arrays).
    biases
        One length-``n_out`` vector per layer.
    activations
        One name per layer, each in :data:`ACTIVATIONS`.

    Raises
    ------
    ValueError
        Empty network, mismatched or ragged shapes, non-finite entries, unknown
        activation names; the message names the layer.
    TypeError
        Non-numeric entries.

    Examples
    --------
    A network with two ReLU units and a linear read-out, in exact arithmetic:

    >>> net = Network.from_arrays(
    ...     weights=[[[1, -1], [1, 1]], [[1, 1]]],
    ...     biases=[[0, -1], [0]],
    ...     activations=["relu", "identity"],
    ... )
    >>> net
    Network(2-2-1, relu-identity, exact)
    >>> net.forward([2, 1])
    array([3.])
    >>> net.forward_exact([Fraction(1, 2), 1])
    array([Fraction(1, 2)], dtype=object)
    >>> net.pattern([2, 1])
    (1, 1)
    """

    def __init__(
        self,
        weights: Sequence[Any],
        biases: Sequence[Any],
        activations: Sequence[str],
    ) -> None:
        for name, seq in (("weights", weights), ("biases", biases), ("activations", activations)):
            if isinstance(seq, (str, bytes)) or not isinstance(seq, (Sequence, np.ndarray)):
                raise TypeError(f"{name} must be a sequence with one entry per layer")
        if len(weights) == 0:
            raise ValueError("empty network: give at least one layer")
        if not (len(weights) == len(biases) == len(activations)):
            raise ValueError(
                f"one weight matrix, bias vector and activation per layer expected; got "
                f"{len(weights)} weights, {len(biases)} biases, {len(activations)} activations"
            )
        tables = []
        kinds: set[str] = set()
        for i, (w, b, act) in enumerate(zip(weights, biases, activations, strict=True)):
            where = f"layer {i}"
            try:
                act = lookup(act).name
            except ValueError as err:
                raise ValueError(f"{where}: {err}") from None
            if _numeric_array(w, 2) and _numeric_array(b, 1):
                # NumPy arrays of numbers (imported or sliced networks): checked at once.
                wt, bt = w, b
                kinds.update(_array_kinds(w, f"{where} weight"),
                             _array_kinds(b, f"{where} bias"))
            else:
                wt = _as_table(w, 2, f"{where} weight")
                bt = _as_table(b, 1, f"{where} bias")
            if len(wt) == 0 or len(wt[0]) == 0:
                raise ValueError(f"{where} weight: empty matrix")
            if len(bt) != len(wt):
                raise ValueError(
                    f"{where}: bias has {len(bt)} entries but the weight has {len(wt)} rows"
                )
            if i > 0 and len(wt[0]) != len(tables[-1][0]):
                raise ValueError(
                    f"{where}: weight has {len(wt[0])} columns but layer {i - 1} has "
                    f"{len(tables[-1][0])} units"
                )
            if not isinstance(wt, np.ndarray):
                for r, row in enumerate(wt):
                    for c, v in enumerate(row):
                        kinds.add(scalar_kind(v, f"{where} weight[{r}, {c}]"))
                for r, v in enumerate(bt):
                    kinds.add(scalar_kind(v, f"{where} bias[{r}]"))
            tables.append((wt, bt, act))
        self.exact: bool = kinds == {"exact"}
        layers = []
        for i, (wt, bt, act) in enumerate(tables):
            where = f"layer {i}"
            if self.exact:
                w_arr = np.array([[to_fraction(v) for v in row] for row in wt], dtype=object)
                b_arr = np.array([to_fraction(v) for v in bt], dtype=object)
            elif isinstance(wt, np.ndarray):
                w_arr, b_arr = np.array(wt, dtype=float), np.array(bt, dtype=float)
            else:
                # An exact entry past float64's range ("1e400") next to a float: refused.
                w_arr = np.array([[finite_float(v, f"{where} weight[{r}, {c}]")
                                   for c, v in enumerate(row)] for r, row in enumerate(wt)],
                                 dtype=float)
                b_arr = np.array([finite_float(v, f"{where} bias[{r}]") for r, v in enumerate(bt)],
                                 dtype=float)
            w_arr.flags.writeable = False
            b_arr.flags.writeable = False
            layers.append(Layer(w_arr, b_arr, act))
        self.layers: tuple[Layer, ...] = tuple(layers)

    @classmethod
    def from_arrays(
        cls,
        weights: Sequence[Any],
        biases: Sequence[Any],
        activations: Sequence[str],
    ) -> Network:
        """Build a network from per-layer weights, biases and activation names.

        Same as calling :class:`Network` directly; spelled out for readability.
        """
        return cls(weights, biases, activations)

    @classmethod
    def from_sklearn(cls, model: Any) -> Network:
        """A fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor``, ending at its logits.

        See :func:`reluineq.importers.sklearn_mlp.from_sklearn`.
        """
        from .importers.sklearn_mlp import from_sklearn

        return from_sklearn(model)

    @classmethod
    def from_onnx(cls, source: Any) -> Network:
        """An ONNX model of dense layers (a path, bytes or ``onnx.ModelProto``), ending at
        its logits; needs the optional extra ``onnx``.

        See :func:`reluineq.importers.onnx_model.from_onnx`, which lists the operations read.
        """
        from .importers.onnx_model import from_onnx

        return from_onnx(source)

    @classmethod
    def random(
        cls,
        widths: Sequence[int],
        seed: int = 0,
        *,
        hidden: str = "relu",
        output: str = "identity",
    ) -> Network:
        """A float network with PyTorch's default initialisation, seeded.

        Weights and biases are uniform in ``±1/sqrt(fan_in)``, as ``torch.nn.Linear``
        initialises them.

        Parameters
        ----------
        widths
            Layer widths including the input, e.g. ``[2, 16, 16, 1]``.
        seed
            Seed of ``numpy.random.default_rng``.
        hidden, output
            Activations of the hidden layers and of the last layer.

        Examples
        --------
        >>> Network.random([2, 8, 8, 1], seed=1)
        Network(2-8-8-1, relu-relu-identity, float)
        """
        if len(widths) < 2 or any(int(w) < 1 for w in widths):
            raise ValueError(f"widths must list at least two positive sizes, got {widths}")
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for fan_in, fan_out in itertools.pairwise(widths):
            bound = 1.0 / np.sqrt(fan_in)
            weights.append(rng.uniform(-bound, bound, size=(fan_out, fan_in)))
            biases.append(rng.uniform(-bound, bound, size=fan_out))
        acts = [hidden] * (len(widths) - 2) + [output]
        return cls(weights, biases, acts)

    # -- shape -----------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        """Dimension of the input."""
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        """Dimension of the output."""
        return self.layers[-1].n_out

    @property
    def widths(self) -> tuple[int, ...]:
        """Input dimension followed by each layer's width."""
        return (self.n_inputs, *(layer.n_out for layer in self.layers))

    @property
    def activations(self) -> tuple[str, ...]:
        """Activation name of each layer."""
        return tuple(layer.activation for layer in self.layers)

    @property
    def n_relu_units(self) -> int:
        """Number of units that switch (ReLU units), the length of an activation pattern."""
        return sum(layer.n_out for layer in self.layers if layer.act.switches)

    @property
    def piecewise_linear(self) -> bool:
        """Whether every layer is piecewise linear, so that the network has linear regions."""
        return all(layer.act.piecewise_linear for layer in self.layers)

    def __repr__(self) -> str:
        shape = "-".join(str(w) for w in self.widths)
        acts = "-".join(self.activations)
        return f"Network({shape}, {acts}, {'exact' if self.exact else 'float'})"

    # -- forward passes ----------------------------------------------------------
    def _inputs(self, x: Any, exact: bool) -> tuple[np.ndarray, bool]:
        """A batch ``(k, n_inputs)`` of ``Fraction`` (``exact``) or ``float64``, and
        whether ``x`` was a single input."""
        arr = np.asarray(x, dtype=object if exact else float)
        single = arr.ndim == 1
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n_inputs:
            raise ValueError(
                f"input must have shape ({self.n_inputs},) or (batch, {self.n_inputs}), "
                f"got {arr.shape}"
            )
        if exact:
            arr = np.vectorize(to_fraction, otypes=[object])(arr)
        elif not np.all(np.isfinite(arr)):
            raise ValueError("input contains NaN or infinite values")
        return (arr[None, :] if single else arr), single

    def _propagate(self, h: np.ndarray) -> list[np.ndarray]:
        """Every layer's pre-activations on the batch ``h``: the network's one layer loop.

        Exact on a ``Fraction`` batch of an exact network, ``float64`` otherwise; the
        activation of the last one is the output.
        """
        exact = h.dtype == object
        zs = []
        for layer in self.layers:
            W, b = layer.weight, layer.bias
            if not exact:
                W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
            z = h.dot(W.T) + b
            zs.append(z)
            h = layer.act.apply(z)
        return zs

    def _has_exact_pass(self) -> bool:
        return self.exact and all(layer.act.exact_fn is not None for layer in self.layers)

    def forward(self, x: Any) -> np.ndarray:
        """Numeric forward pass in ``float64``.

        Parameters
        ----------
        x
            One input of shape ``(n_inputs,)`` or a batch ``(batch, n_inputs)``.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_outputs,)`` or ``(batch, n_outputs)``.
        """
        h, single = self._inputs(x, exact=False)
        out = self.layers[-1].act.apply(self._propagate(h)[-1])
        return out[0] if single else out

    def forward_exact(self, x: Any) -> np.ndarray:
        """Exact forward pass of an exact network on rational inputs.

        Returns an ``object`` array of ``Fraction``. A layer whose activation has no
        rational values (sigmoid) raises ``ValueError``.
        """
        if not self.exact:
            raise ValueError("forward_exact needs an exact (rational) network; this one is float")
        for layer in self.layers:
            if layer.act.exact_fn is None:
                raise ValueError(f"a {layer.activation} network has no exact rational forward pass")
        h, single = self._inputs(x, exact=True)
        out = self.layers[-1].act.apply(self._propagate(h)[-1])
        return out[0] if single else out

    def preactivations(self, x: Any) -> list[np.ndarray]:
        """Pre-activations ``W h + b`` of every layer for inputs ``x``.

        Exact (``Fraction``) for an exact ReLU/identity network fed rational inputs, so
        that a point just beside a hyperplane gets the right side; ``float64`` otherwise.
        """
        exact = self._has_exact_pass() and all(
            is_exact(v) for v in np.asarray(x, dtype=object).ravel()
        )
        h, single = self._inputs(x, exact)
        return [z[0] if single else z for z in self._propagate(h)]

    def pattern(self, x: Any) -> tuple[int, ...] | np.ndarray:
        """Activation pattern of the switching (ReLU) units at ``x``: 1 where ``W h + b > 0``.

        ReLU(0) counts as off. A single input gives a tuple, a batch a 0/1 array of
        shape ``(batch, n_relu_units)``. Exact for rational inputs of an exact network.
        """
        zs = self.preactivations(x)
        bits = [np.asarray(z > 0, dtype=bool) for z, layer in zip(zs, self.layers, strict=True)
                if layer.act.switches]
        if not bits:
            return () if np.ndim(zs[0]) == 1 else np.zeros((len(zs[0]), 0), dtype=np.int8)
        pat = np.concatenate(bits, axis=-1).astype(np.int8)
        return tuple(int(b) for b in pat) if pat.ndim == 1 else pat

    def slice(self, points: Any) -> Network:
        """The network on the line through two points or the plane through three.

        Two points give the 1-input network along the line, ``t = 0`` at ``points[0]``
        and ``t = 1`` at ``points[1]``; three give the 2-input network on their plane,
        ``(0, 0)``, ``(1, 0)`` and ``(0, 1)`` at the three points. Its regions are this
        network's regions cut by the line or plane. See :func:`reluineq.slices.slice_network`.

        Examples
        --------
        >>> net = Network([[[1, -1, 0]], [[1]]], [[0], [0]], ["relu", "identity"])
        >>> net.slice([[0, 0, 0], [1, 0, 0], [0, 1, 5]]).layers[0].weight.tolist()
        [[Fraction(1, 1), Fraction(-1, 1)]]
        """
        from .slices import slice_network

        return slice_network(self, points)

    def to_float(self) -> Network:
        """The same network with ``float64`` weights."""
        return Network(
            [np.asarray(lay.weight, dtype=float) for lay in self.layers],
            [np.asarray(lay.bias, dtype=float) for lay in self.layers],
            list(self.activations),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; exact entries become strings such as ``"3/4"``."""

        def enc(v: Any) -> Any:
            return str(v) if isinstance(v, Fraction) else float(v)

        return {
            "layers": [
                {
                    "weight": [[enc(v) for v in row] for row in lay.weight],
                    "bias": [enc(v) for v in lay.bias],
                    "activation": lay.activation,
                }
                for lay in self.layers
            ]
        }

    @classmethod
    def from_dict(cls, data: Any) -> Network:
        """Inverse of :meth:`to_dict`. Strings are parsed as fractions, never evaluated.

        Examples
        --------
        >>> Network.from_dict({"layers": [
        ...     {"weight": [["1/2", -1]], "bias": ["0.25"], "activation": "relu"}]})
        Network(2-1, relu, exact)
        """
        if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
            raise ValueError('expected an object with a "layers" list')
        weights, biases, acts = [], [], []
        for i, lay in enumerate(data["layers"]):
            if not isinstance(lay, dict):
                raise ValueError(f"layer {i}: expected an object")
            missing = {"weight", "bias", "activation"} - set(lay)
            if missing:
                raise ValueError(f"layer {i}: missing {', '.join(sorted(missing))}")
            weights.append(_parse_nested(lay["weight"], f"layer {i} weight"))
            biases.append(_parse_nested(lay["bias"], f"layer {i} bias"))
            acts.append(lay["activation"])
        return cls(weights, biases, acts)


def _parse_nested(value: Any, where: str, index: tuple[int, ...] = ()) -> Any:
    if isinstance(value, list):
        return [_parse_nested(v, where, (*index, k)) for k, v in enumerate(value)]
    if isinstance(value, str):
        return parse_fraction(value, f"{where}[{', '.join(map(str, index))}]" if index else where)
    return value
