"""The answer process: runs a student's cells and answers calls, nothing else.

Started by :mod:`autograder.sandbox.answers`, inside a sandbox with its memory limit, with its
protocol on the two file descriptors given as arguments (in, out); the student's prints go
to /dev/null. It imports what notebooks import first, then says it is ready, so that no
cell's time limit pays for the start of Python. Whatever the student's code does in here
(patch NumPy, patch bplab, unlock references) changes only the answers it gives: the
verdict is reached in the verifier, where no student code runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings

from .channel import Channel
from ..lifetime import die_with_parent
from .wire import WireError, receive, send


class _Silent:
    """Stands in for IPython's shell: magics and shell escapes do nothing here."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _python_source(cell_source):
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


def _pack_names(channel, namespace, names):
    """The values of ``names`` that can cross; a figure or an open file is left out."""
    packed = {}
    for name in names:
        if name in namespace:
            with contextlib.suppress(TypeError):
                packed[name] = channel.pack(namespace[name])
    return {"__dict__": packed}


# Imported before the first cell, outside its time limit: every notebook's first cell
# imports them, and their seconds are the sandbox's, not the student's.
WARM = ("numpy", "matplotlib.pyplot", "bplab", "IPython.core.inputtransformer2",
        "IPython.display")


def _warm_up() -> None:
    import importlib

    for name in WARM:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def main() -> None:
    die_with_parent()  # the sandbox's --die-with-parent does the same; this covers --no-sandbox
    serve(int(sys.argv[1]), int(sys.argv[2]))


def serve(incoming_fd: int, outgoing_fd: int) -> None:
    """Answer the verifier's requests on two pipes until it closes them."""
    incoming = io.open(incoming_fd, "rb", buffering=0)
    outgoing = io.open(outgoing_fd, "wb", buffering=0)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    channel = Channel(incoming, outgoing)
    namespace = {"__name__": "__main__", "get_ipython": _Silent}
    _warm_up()
    send(outgoing, {"op": "ready"})
    while True:
        try:
            message = receive(incoming)
        except WireError:
            return
        op = message.get("op")
        if op == "call":
            channel.answer_call(message)
            continue
        ident = message.get("id")
        try:
            if op == "exec":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(compile(_python_source(message["code"]), "<cell>", "exec"), namespace)
                value = None
            elif op == "get":
                value = _pack_names(channel, namespace, message["names"])
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = {"op": "result", "id": ident,
                     "value": value if op == "get" else channel.pack(value)}
        except (KeyboardInterrupt, SystemExit) as error:
            reply = {"op": "error", "id": ident, "type": type(error).__name__,
                     "message": str(error)}
        except BaseException as error:  # the student's error, reported as an answer
            reply = {"op": "error", "id": ident, "type": type(error).__name__,
                     "message": str(error)[:2000]}
        send(outgoing, reply)


if __name__ == "__main__":
    main()
