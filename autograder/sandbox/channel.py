"""One end of the verifier <-> answer-process channel: calls both ways over two pipes.

Either side may call a callable of the other (a handle from :mod:`autograder.sandbox.wire`);
while waiting for its answer it serves the other side's callbacks, so a student's
``gradient_descent(grad, ...)`` can call the verifier's ``grad`` as often as it likes.
"""

from __future__ import annotations

import builtins
import logging
import re
import warnings
from collections.abc import Callable
from typing import Any, BinaryIO

from .wire import WireError, decode, encode, receive, send

log = logging.getLogger(__name__)

__all__ = ["Channel", "RemoteError"]


class RemoteError(Exception):
    """The other side raised; the message names its exception type."""


def _remote_exception(kind, message):
    if kind == "NotImplementedError":
        return NotImplementedError(message)
    name = kind if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,60}", kind or "") else "Error"
    return type(name, (RemoteError,), {})(message)


def _warning(text):
    """Category and message of a warning sent as ``"Category: message"``.

    The other side's warning keeps its category if it is one of Python's own (a student's
    ``warnings.warn`` is a UserWarning, NumPy's overflow a RuntimeWarning), else it
    arrives as a UserWarning.
    """
    name, _, message = text.partition(": ")
    category = getattr(builtins, name, None)
    if isinstance(category, type) and issubclass(category, Warning):
        return category, message
    return UserWarning, text


class Channel:
    """Calls across processes on a pair of binary streams."""

    def __init__(self, incoming: BinaryIO, outgoing: BinaryIO) -> None:
        self.incoming, self.outgoing = incoming, outgoing
        self._local = {}
        self.broken = False

    def close(self) -> None:
        """Close both streams; further requests fail as a broken channel."""
        self.broken = True
        for stream in (self.incoming, self.outgoing):
            try:
                stream.close()
            except OSError as error:  # closing a pipe the other side broke
                log.debug("closing the channel: %s", error)

    def register(self, function: Callable[..., Any]) -> int:
        handle = len(self._local) + 1
        self._local[handle] = function
        return handle

    def proxy(self, handle: int) -> Callable[..., Any]:
        def remote(*args, **kwargs):
            return self.request({"op": "call", "handle": handle,
                                 "args": self.pack(list(args)), "kwargs": self.pack(kwargs)})

        remote.__name__ = f"remote_{handle}"
        return remote

    def pack(self, value: Any) -> Any:
        return encode(value, self.register)

    def unpack(self, data: Any) -> Any:
        return decode(data, self.proxy)

    def request(self, message: dict[str, Any]) -> Any:
        """Send a request and serve callbacks until its answer arrives."""
        try:
            return self._request(message)
        except (WireError, OSError):
            self.broken = True  # known at once, before the process can be seen to have ended
            raise

    def _request(self, message):
        send(self.outgoing, message)
        while True:
            reply = receive(self.incoming)
            op = reply.get("op")
            if op == "result":
                for text in reply.get("warnings", [])[:5]:
                    category, message = _warning(str(text))
                    warnings.warn(message, category, stacklevel=2)
                return self.unpack(reply.get("value"))
            if op == "error":
                raise _remote_exception(str(reply.get("type")), str(reply.get("message"))[:2000])
            if op == "call":
                self.answer_call(reply)
                continue
            raise WireError(f"unexpected message {op!r}")

    def answer_call(self, message: dict[str, Any]) -> None:
        """Run a local callable for the other side and send back its result or error."""
        function = self._local.get(message.get("handle"))
        try:
            if function is None:
                raise LookupError("no such callable")
            args = self.unpack(message.get("args", []))
            kwargs = self.unpack(message.get("kwargs", {"__dict__": {}}))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = function(*args, **kwargs)
            reply = {"op": "result", "value": self.pack(value),
                     "warnings": [f"{w.category.__name__}: {w.message}" for w in caught[:5]]}
        except (WireError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # the student's error, reported as an answer
            reply = {"op": "error", "type": type(error).__name__, "message": str(error)[:2000]}
        send(self.outgoing, reply)
