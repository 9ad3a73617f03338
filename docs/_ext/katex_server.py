"""Start sphinxcontrib-katex's build-time renderer reliably.

sphinxcontrib-katex 0.9.11 connects to node's unix socket as soon as the socket file exists,
which can be before node listens on it: the connect is refused, the build crashes and the
orphaned node process keeps the build's output pipe open. This retries the connect until the
deadline and kills node if it never answers. It also allows more time on a busy machine.
"""

from __future__ import annotations

import socket
import time
from subprocess import PIPE, Popen

from sphinx.application import Sphinx
from sphinxcontrib import katex

STARTUP_TIMEOUT = 30.0
RENDER_TIMEOUT = 30.0


def _start_server_process(cls, rundir, timeout):
    socket_path = rundir / "katex.sock"
    process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
    deadline = time.monotonic() + max(timeout, STARTUP_TIMEOUT)
    while True:
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                sock.connect(str(socket_path))
                sock.settimeout(None)
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError, TimeoutError):
                sock.close()
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise katex.KaTeXError("the KaTeX renderer (node) did not start")
        time.sleep(0.005)


def setup(app: Sphinx) -> dict:
    katex.KaTeXServer.start_server_process = classmethod(_start_server_process)
    katex.STARTUP_TIMEOUT = STARTUP_TIMEOUT
    katex.RENDER_TIMEOUT = RENDER_TIMEOUT
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
