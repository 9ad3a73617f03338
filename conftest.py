"""Shared pytest configuration: short names for the library's doctests."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import reluineq


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict) -> None:
    doctest_namespace.update(np=np, sp=sp, reluineq=reluineq, Fraction=Fraction)
