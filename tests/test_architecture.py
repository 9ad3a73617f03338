"""The rules docs/architecture.md states about the library's source, checked on the source."""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

import reluineq
from reluineq import activations, formatting, partition, rational, tolerances, validate

SRC = Path(reluineq.__file__).parent
MODULES = sorted(SRC.rglob("*.py"))
#: Cython sources: held to the same sizes, their functions found by a simpler reading.
COMPILED = sorted(SRC.rglob("*.pyx"))
MAX_MODULE_LINES = 600
MAX_FUNCTION_CODE = 80


def _code_lines(source: str) -> set[int]:
    """Lines holding code: not blank, not only a comment."""
    lines: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def _functions(path: Path):
    source = path.read_text(encoding="utf-8")
    code = _code_lines(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = set(range(node.lineno, node.end_lineno + 1))
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                    isinstance(first.value.value, str):
                body -= set(range(first.lineno, first.end_lineno + 1))  # the docstring
            yield node.name, node.lineno, len(body & code)


def _name(path: Path) -> str:
    return path.relative_to(SRC.parent).as_posix()


def test_the_rules_see_the_whole_library():
    names = {_name(p) for p in MODULES}
    assert {"reluineq/activations.py", "reluineq/engines/arrangement.py",
            "reluineq/figures/regions.py", "reluineq/approx/training.py"} <= names


@pytest.mark.parametrize("path", MODULES + COMPILED, ids=_name)
def test_modules_are_small(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{_name(path)} has {n} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_small(path):
    long = [f"{name} (line {line}): {n}" for name, line, n in _functions(path)
            if n > MAX_FUNCTION_CODE]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_CODE} lines of code: {long}"


def _compiled_functions(source: str):
    """``(name, line, lines of code)`` of each top-level ``def``/``cdef`` function of a
    Cython source: from its header to the next line at column 0, less its docstring,
    comments and blank lines."""
    lines = source.splitlines()
    header = re.compile(r"(?:c?def|cpdef)\s+(?:[\w\[\]:, *]+\s+)?(\w+)\(")
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := header.match(line))]
    for i, name in starts:
        end = next((k for k in range(i + 1, len(lines))
                    if lines[k][:1] not in ("", " ", "#")), len(lines))
        body = [line.strip() for line in lines[i:end]]
        code, in_doc = 0, False
        for line in body:
            quotes = line.count('"""')
            if in_doc or quotes:
                in_doc = in_doc != (quotes % 2 == 1)
                continue
            code += bool(line) and not line.startswith("#")
        yield name, i + 1, code


def test_compiled_sources_are_found():
    assert [p.name for p in COMPILED] == ["arrangement_kernel.pyx"]
    names = [name for name, _, _ in _compiled_functions(COMPILED[0].read_text("utf-8"))]
    assert {"cut", "_vertex_signs", "_cells", "_merge"} <= set(names)


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_functions_are_small(path):
    long = [f"{name} (line {line}): {n}"
            for name, line, n in _compiled_functions(path.read_text(encoding="utf-8"))
            if n > MAX_FUNCTION_CODE]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_CODE} lines of code: {long}"


def test_compiled_function_counting_counts_code_only():
    source = ('cdef int f(int x) noexcept:\n    """Doc\n\n    string."""\n    # why\n\n'
              '    return x\n\n\ndef g():\n    pass\n')
    assert list(_compiled_functions(source)) == [("f", 1, 2), ("g", 10, 2)]


def test_line_counting_counts_code_only():
    source = 'def f():\n    """Doc\n\n    string."""\n    # a comment\n\n    return 1\n'
    tree = ast.parse(source)
    fn = tree.body[0]
    assert len(set(range(fn.lineno, fn.end_lineno + 1)) - set(range(2, 5))
               & _code_lines(source)) == 2


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_imports_another_modules_private_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_")]
    assert not private, f"{_name(path)} imports {private}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_activation_names_are_compared_only_in_the_table(path):
    if path.name == "activations.py" and path.parent == SRC:
        return
    names = "|".join(re.escape(n) for n in activations.TABLE)
    compare = re.compile(rf"""(==|!=|\bin)\s*["']({names})["']|["']({names})["']\s*(==|!=|in\b)""")
    hits = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if compare.search(line)]
    assert not hits, f"{_name(path)} compares activation names: {hits}"


def test_each_shared_concern_has_its_home():
    assert set(activations.TABLE) == set(reluineq.ACTIVATIONS)
    assert callable(formatting.number) and callable(formatting.linear)
    assert reluineq.latex.number is formatting.number  # the pages' name for it
    assert callable(rational.parse_fraction) and callable(rational.to_fraction)
    assert all(callable(f) for f in (validate.box, validate.network, validate.index,
                                     validate.regions))
    assert tolerances.FLOAT_TOL == 10 * tolerances.TOL
    assert isinstance(partition.Region.volume, property)
