"""Build the compiled line arrangement (:mod:`reluineq.engines.arrangement_kernel`).

Everything else is in ``pyproject.toml``. The kernel must compute every float expression
as the NumPy reference writes it, so contraction of ``a * b + c`` into a fused
multiply-add (one rounding instead of two) is turned off. It is optional: without a C
compiler the install goes on without it, and the library runs the NumPy reference
(``make test`` insists on the kernel: ``tests/test_arrangement_kernel.py``).
"""

import sys

from Cython.Build import cythonize
from setuptools import Extension, setup

flags = [] if sys.platform == "win32" else ["-ffp-contract=off"]
kernel = Extension("reluineq.engines.arrangement_kernel",
                   ["src/reluineq/engines/arrangement_kernel.pyx"], extra_compile_args=flags)
extensions = cythonize([kernel], compiler_directives={"language_level": 3})
for extension in extensions:
    extension.optional = True  # set after cythonize, which does not carry it over
setup(ext_modules=extensions)
