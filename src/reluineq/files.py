"""Reading network files within limits: ``.json`` and ``.npz``, never trusting their sizes.

A file is refused before it costs more than it is worth: larger than
:data:`MAX_FILE_BYTES`, holding more than :data:`MAX_NUMBERS` numbers, nested deeper than
Python's parser goes, or (an ``.npz``) declaring arrays in its headers that are larger,
of another type, or longer than the data behind them. Each ``.npz`` member's header is
read from the zip archive before the member is loaded, so an archive that says it holds
a 10^12-entry array is refused without allocating it, and object arrays are never
unpickled. Numbers in JSON are held to :data:`reluineq.rational.MAX_DIGITS` before they
are converted.

Every problem raises ``ValueError`` with a one-line message naming it (no file name: the
caller adds it).

Examples
--------
>>> import json, os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "net.json")
>>> with open(p, "w") as f:
...     json.dump({"layers": [{"weight": [[1, "1/2"]], "bias": [0], "activation": "relu"}]}, f)
>>> read_json(p)["layers"][0]["weight"]
[[1, '1/2']]
>>> read_json(os.path.dirname(p))
Traceback (most recent call last):
...
ValueError: is a directory, not a network file
"""

from __future__ import annotations

import json
import math
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

from .rational import check_number_text, shorten

__all__ = ["MAX_FILE_BYTES", "MAX_NAME_CHARS", "MAX_NUMBERS", "read_json", "read_npz"]

#: The largest network file read, in bytes (64 MiB): a 1000 x 1000 float layer is about
#: 20 MB of JSON or 8 MB of ``.npz``. Reading never holds more than this of the file.
MAX_FILE_BYTES = 64 * 2**20

#: The most numbers (weights and biases together) a file may hold: 4 million, a 2000 x
#: 2000 layer. An exact network keeps each as a ``Fraction`` (about 100 bytes), so this
#: bounds the memory a file can ask for.
MAX_NUMBERS = 4_000_000

#: The longest activation name an ``.npz`` may hold (``"leaky_relu(1/100)"`` is 17).
MAX_NAME_CHARS = 64


def _open_regular(path: Path) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file within :data:`MAX_FILE_BYTES`."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except OSError as err:
        raise ValueError(f"cannot read it ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError("is a directory, not a network file")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("is not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"is {info.st_size} bytes, larger than the limit of "
                         f"{MAX_FILE_BYTES // 2**20} MiB (reluineq.files.MAX_FILE_BYTES)")
    try:
        return open(path, "rb")  # the caller closes it (with)
    except OSError as err:
        raise ValueError(f"cannot read it ({err.strerror or err})") from None


class _JSONNumbers:
    """``json.loads`` hooks: every number checked for size before it is converted, and
    counted towards :data:`MAX_NUMBERS`."""

    def __init__(self) -> None:
        self.count = 0

    def _seen(self, text: str) -> None:
        self.count += 1
        if self.count > MAX_NUMBERS:
            raise ValueError(f"holds more than {MAX_NUMBERS} numbers "
                             "(reluineq.files.MAX_NUMBERS)")
        check_number_text(text, "JSON number")

    def integer(self, text: str) -> int:
        self._seen(text)
        return int(text)

    def real(self, text: str) -> float:
        self._seen(text)
        value = float(text)
        if math.isinf(value):  # json reads 1e400 as inf: a finite-looking infinity
            raise ValueError(
                f"JSON number {shorten(text)[1:-1]} is beyond the range of a float (about "
                f'1.8e308); write it as a string, "{shorten(text)[1:-1]}", for an exact value')
        return value

    @staticmethod
    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a valid weight")


def read_json(path: str | Path) -> Any:
    """The JSON value in ``path``, read within the limits of this module.

    Raises
    ------
    ValueError
        Not a readable regular file, too large, not UTF-8, invalid or too deeply nested
        JSON, a number with too many digits or out of float range, too many numbers.
    """
    with _open_regular(Path(path)) as f:
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"is larger than the limit of {MAX_FILE_BYTES // 2**20} MiB "
                         "(reluineq.files.MAX_FILE_BYTES)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"is not UTF-8 text (byte {err.start}); a .json file is") from None
    hooks = _JSONNumbers()
    if text.count('"') // 2 > MAX_NUMBERS + 1000:  # strings such as "3/4" are numbers too
        raise ValueError(f"holds more than {MAX_NUMBERS} numbers (reluineq.files.MAX_NUMBERS)")
    try:
        return json.loads(text, parse_int=hooks.integer, parse_float=hooks.real,
                          parse_constant=hooks.constant)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid JSON: {err.msg} at line {err.lineno} column "
                         f"{err.colno}") from None
    except RecursionError:
        raise ValueError("invalid network file: JSON nested too deeply (a network file is "
                         "nested four levels deep)") from None


def _member_header(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[tuple, np.dtype, int]:
    """The declared shape and dtype of one ``.npy`` member, and where its data starts."""
    name = info.filename.removesuffix(".npy")
    with z.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"{name} is an .npy array of version {version}, which is "
                                 "not read (versions 1.0 and 2.0 are)")
        except ValueError as err:
            if str(err).startswith(name):
                raise
            raise ValueError(f"{name} is not an .npy array ({_one_line(err)})") from None
        return shape, dtype, f.tell()


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:200] or type(err).__name__


def _check_member(name: str, shape: tuple, dtype: np.dtype, data_bytes: int) -> int:
    """Refuse a member whose header declares what is not read; return its entry count."""
    if dtype.hasobject:
        raise ValueError(f"{name} holds pickled object arrays (dtype {dtype}), which are "
                         "never loaded: store numbers (W, b) or strings (activations)")
    want = "U" if name == "activations" else "iuf"
    if dtype.kind not in want:
        what = "strings" if want == "U" else "numbers (integers or floats)"
        raise ValueError(f"{name} must hold {what}, found dtype {dtype} "
                         f"({_KINDS.get(dtype.kind, dtype.kind)})")
    if name == "activations" and dtype.itemsize // 4 > MAX_NAME_CHARS:
        raise ValueError(f"activations holds names of up to {dtype.itemsize // 4} characters;"
                         f" an activation name has at most {MAX_NAME_CHARS}")
    count = math.prod(shape)
    if count > MAX_NUMBERS:
        dims = " x ".join(str(d) for d in shape)
        raise ValueError(f"{name} declares {dims} entries, more than the limit of "
                         f"{MAX_NUMBERS} numbers (reluineq.files.MAX_NUMBERS)")
    if data_bytes < count * dtype.itemsize:
        raise ValueError(f"{name} is truncated: its header declares {count * dtype.itemsize} "
                         f"bytes of data, the member holds {data_bytes}")
    return count


_KINDS = {"c": "complex", "b": "boolean", "U": "strings", "S": "bytes", "V": "records",
          "M": "dates", "m": "time spans", "i": "integers", "u": "integers", "f": "floats"}


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` archive, each checked from its header before it is loaded.

    Members must be ``.npy`` arrays of real numbers, or of strings for ``activations``;
    together at most :data:`MAX_NUMBERS` entries, each holding the data its header
    declares. Nothing is unpickled.

    Raises
    ------
    ValueError
        Naming the member and what is wrong with it, or the archive.
    """
    with _open_regular(Path(path)) as f:
        if f.read(6) == b"\x93NUMPY":
            raise ValueError("is a single .npy array, not an .npz archive of W0, b0, ..., "
                             "activations")
        f.seek(0)
        try:
            with zipfile.ZipFile(f) as z:
                return _read_members(z)
        except zipfile.BadZipFile as err:
            if "not a zip file" in str(err).lower():
                raise ValueError("is not a zip archive; an .npz file is a zip of .npy arrays "
                                 "(numpy.savez)") from None
            raise ValueError(f"is a damaged .npz archive ({_one_line(err)})") from None
        except (EOFError, zlib.error, OSError, NotImplementedError) as err:
            raise ValueError(f"is a damaged .npz archive ({_one_line(err)})") from None


def _read_members(z: zipfile.ZipFile) -> dict[str, np.ndarray]:
    headers, total = {}, 0
    for info in z.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if not name.endswith(".npy"):
            raise ValueError(f"holds {shorten(name)}, which is not an .npy array")
        key = name.removesuffix(".npy")
        shape, dtype, start = _member_header(z, info)
        total += _check_member(key, shape, dtype, info.file_size - start)
        if total > MAX_NUMBERS:
            raise ValueError(f"holds more than {MAX_NUMBERS} numbers "
                             "(reluineq.files.MAX_NUMBERS)")
        headers[key] = info
    arrays = {}
    for key, info in headers.items():
        with z.open(info) as f:
            try:
                arrays[key] = np.lib.format.read_array(f, allow_pickle=False)
            except ValueError as err:
                raise ValueError(f"{key} cannot be read ({_one_line(err)})") from None
    return arrays
