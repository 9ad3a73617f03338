"""The activation table: every form of an entry agrees with the others."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import reluineq
from reluineq import ACTIVATIONS, Network, activations, check_regions, latex, regions, symbolic
from reluineq.activations import TABLE, Activation, lookup

ENTRIES = [lookup(name) for name in TABLE]
rationals = st.fractions(min_value=-50, max_value=50, max_denominator=97)


def test_the_table_is_the_list_of_activations():
    assert ACTIVATIONS == tuple(TABLE) == ("identity", "relu", "leaky_relu", "sigmoid")
    # A parametrised entry's name carries its parameters (leaky ReLU's default slope).
    assert [e.name for e in ENTRIES] == ["identity", "relu", "leaky_relu(1/100)", "sigmoid"]
    assert all(isinstance(e, Activation) for e in ENTRIES)
    assert lookup("relu") is lookup("relu")  # built once


@pytest.mark.parametrize("act", ENTRIES, ids=lambda a: a.name)
def test_float_sympy_and_exact_forms_agree(act):
    z = np.linspace(-30, 30, 121)
    x = sp.Symbol("x", real=True)
    f = sp.lambdify(x, act.sympy_fn(x), "math")
    np.testing.assert_allclose(act.float_fn(z), [float(f(float(v))) for v in z], rtol=1e-12)
    if act.exact_fn is not None:
        q = np.array([Fraction(k, 4) for k in range(-20, 21)], dtype=object)
        got = act.apply(q)
        assert all(isinstance(v, Fraction) for v in got)
        np.testing.assert_allclose([float(v) for v in got], act.float_fn(q.astype(float)))
    else:
        with pytest.raises(ValueError, match="not rational"):
            act.apply(np.array([Fraction(1)], dtype=object))


@pytest.mark.parametrize("act", [e for e in ENTRIES if e.piecewise_linear], ids=lambda a: a.name)
@settings(max_examples=40, deadline=None)
@given(rationals)
def test_a_piecewise_linear_entry_is_its_slopes(act, z):
    off, on = act.slopes
    expected = (on if z > 0 else off) * z
    assert act.apply(np.array([z], dtype=object))[0] == expected
    bit = np.array([int(z > 0)], dtype=np.int8)
    assert act.gate(bit, exact=True)[0] * z == expected
    assert act.gate(bit, exact=False)[0] * float(z) == pytest.approx(float(expected))
    assert act.switches == (off != on) and act.identity == (off == on == 1)


@pytest.mark.parametrize("act", ENTRIES, ids=lambda a: a.name)
@settings(max_examples=40, deadline=None)
@given(rationals, rationals, st.floats(0, 1))
def test_the_interval_map_contains_every_image(act, a, b, t):
    lo, hi = min(a, b), max(a, b)
    z = min(max(float(lo) + t * float(hi - lo), float(lo)), float(hi))  # in, despite rounding
    (ilo,), (ihi,) = act.interval(np.array([float(lo)]), np.array([float(hi)]))
    (fz,) = act.float_fn(np.array([z]))
    assert ilo <= fz <= ihi


@pytest.mark.parametrize("act", [e for e in ENTRIES if e.milp is not None], ids=lambda a: a.name)
@settings(max_examples=60, deadline=None)
@given(rationals, rationals, st.fractions(0, 1, max_denominator=64),
       st.fractions(-3, 3, max_denominator=16))
def test_the_milp_rows_hold_exactly_at_the_activation(act, a, b, t, wrong):
    # For z in [L, U], the rows admit h = act(z) with some a in {0, 1}, and no other h.
    L, U = min(a, b), max(a, b)
    z = L + t * (U - L)
    rows = act.milp(L, U, Fraction(0), Fraction(1))
    (h,) = act.apply(np.array([z], dtype=object))

    def feasible(hv):
        for bit in ((0, 1) if any("a" in c for _, c, _, _ in rows) else (0,)):
            vals = {"h": hv, "z": z, "a": bit}
            if all((lo is None or lo <= sum(c * vals[r] for r, c in co.items()))
                   and (hi is None or sum(c * vals[r] for r, c in co.items()) <= hi)
                   for _, co, lo, hi in rows):
                return True
        return False

    assert feasible(h)
    if wrong != 0:
        assert not feasible(h + wrong)


def test_latex_forms():
    relu, sig, ident = lookup("relu"), lookup("sigmoid"), lookup("identity")
    assert relu.latex("z") == r"\max(0, z)"
    assert relu.latex("W x", big=True) == r"\max\left(0, W x\right)"
    assert sig.latex("z") == r"\frac{1}{1 + e^{-z}}"
    assert sig.latex("2x - 1", written_out=False) == r"\sigma(2x - 1)"
    assert ident.latex("z") == ident.latex("z", big=True) == "z"


def test_lookup_errors():
    with pytest.raises(ValueError, match=r"unknown activation 'tanh'; expected one of"):
        lookup("tanh")
    with pytest.raises(ValueError, match="unknown activation"):
        lookup(["relu"])
    with pytest.raises(ValueError, match=r"relu takes no parameters, got 1"):
        lookup("relu(1/2)")
    with pytest.raises(ValueError, match="is not a number or fraction"):
        lookup("relu(x)")


def test_a_new_entry_is_one_line_of_the_table(monkeypatch):
    # A parametrised piecewise-linear activation, added as one entry: networks, regions,
    # their checks and their formulas need nothing else.
    def scaled_relu(slope: Fraction) -> Activation:
        base = lookup("relu")
        return Activation(
            name=f"scaled_relu({slope})",
            float_fn=lambda z: float(slope) * np.maximum(z, 0.0),
            exact_fn=lambda z: slope * base.exact_fn(z),
            sympy_fn=lambda z: sp.Rational(slope.numerator, slope.denominator) * sp.Max(0, z),
            tex_apply=lambda z, big: f"{slope}\\max(0, {z})",
            tex_written_out=lambda z: f"{slope}\\max(0, {z})",
            slopes=(Fraction(0), slope),
        )

    monkeypatch.setitem(activations.TABLE, "scaled_relu", scaled_relu)
    try:
        _use_the_new_entry()
    finally:
        activations._build.cache_clear()  # forget the entry with the table's copy


def _use_the_new_entry():
    net = Network([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]], ["scaled_relu(0.5)", "identity"])
    assert net.activations == ("scaled_relu(1/2)", "identity")
    assert net.forward_exact([2, 1]).tolist() == [Fraction(1, 2) + Fraction(1)]
    box = [(-2, 2), (-2, 2)]
    rs = regions(net, box)
    assert len(rs) == 4 and net.n_relu_units == 2
    check_regions(rs)
    assert "1/2\\max(0, z^{(1)}_{1})" in latex.layer_equations(net)
    reluineq.check_expression(net, symbolic.network_expression(net), box=box, samples=32)
    with pytest.raises(ValueError, match="no MILP encoding"):
        reluineq.lp.encode(net, box)
