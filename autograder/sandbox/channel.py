"""One end of the verifier <-> answer-process channel: calls both ways over two pipes.

Either side may call a callable of the other (a handle from :mod:`autograder.sandbox.wire`);
while waiting for its answer it serves the other side's callbacks, so a student's
``gradient_descent(grad, ...)`` can call the verifier's ``grad`` as often as it likes.

Every request carries an id, and its answer must carry the same id: answers are matched
to requests by id, never by order. A message that is malformed, over the size limit, of
an unknown kind, or an answer to anything but the request being waited for, breaks the
channel (:class:`ProtocolError`): the verifier then stops the answer process and trusts
nothing more from it.
"""

from __future__ import annotations

import builtins
import itertools
import logging
import re
import warnings
from collections.abc import Callable
from typing import Any, BinaryIO

from .wire import MAX_MESSAGE, WireError, decode, encode, receive, send

log = logging.getLogger(__name__)

__all__ = ["Channel", "RemoteError", "ProtocolError"]


class RemoteError(Exception):
    """The other side raised; the message names its exception type."""


class ProtocolError(WireError):
    """The other side broke the protocol: nothing more it sends can be trusted."""


def _remote_exception(kind: str, message: str) -> Exception:
    if kind == "NotImplementedError":
        return NotImplementedError(message)
    name = kind if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,60}", kind or "") else "Error"
    return type(name, (RemoteError,), {})(message)


def _warning(text: str) -> tuple[type[Warning], str]:
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


def _message_id(message: dict[str, Any]) -> int:
    ident = message.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise ProtocolError(f"a message without a valid id: {str(message)[:80]}")
    return ident


class Channel:
    """Calls across processes on a pair of binary streams.

    Parameters
    ----------
    incoming, outgoing : binary streams
        The two pipes.
    limit : int
        The largest message accepted from the other side, in bytes.
    """

    def __init__(self, incoming: BinaryIO, outgoing: BinaryIO, limit: int = MAX_MESSAGE) -> None:
        self.incoming, self.outgoing, self.limit = incoming, outgoing, limit
        self._local: dict[int, Callable[..., Any]] = {}
        self._ids = itertools.count(1)
        self.broken = False
        self.failure: Exception | None = None  # what broke the channel, first

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
        def remote(*args: Any, **kwargs: Any) -> Any:
            return self.request({"op": "call", "handle": handle,
                                 "args": self.pack(list(args)), "kwargs": self.pack(kwargs)})

        remote.__name__ = f"remote_{handle}"
        return remote

    def pack(self, value: Any) -> Any:
        return encode(value, self.register)

    def unpack(self, data: Any) -> Any:
        return decode(data, self.proxy)

    def request(self, message: dict[str, Any]) -> Any:
        """Send a request and serve callbacks until the answer with its id arrives.

        Raises
        ------
        RemoteError
            The other side raised while answering (an ordinary answer).
        ProtocolError, WireError, OSError
            The channel is broken; it stays broken.
        """
        if self.broken:
            raise ProtocolError("the channel is broken")
        try:
            return self._request(message)
        except (WireError, OSError) as error:
            self.broken = True  # known at once, before the process can be seen to have ended
            if self.failure is None:
                self.failure = error
            raise

    def _request(self, message: dict[str, Any]) -> Any:
        ident = next(self._ids)
        send(self.outgoing, {**message, "id": ident})
        while True:
            reply = receive(self.incoming, self.limit)
            op = reply.get("op")
            if op == "call":
                self.answer_call(reply)
                continue
            if op not in ("result", "error"):
                raise ProtocolError(f"unexpected message {str(op)[:40]!r}")
            if _message_id(reply) != ident:
                raise ProtocolError("an answer to another request than the one asked")
            if op == "error":
                raise _remote_exception(str(reply.get("type")), str(reply.get("message"))[:2000])
            texts = reply.get("warnings", [])
            if not isinstance(texts, list):
                raise ProtocolError("warnings must be a list")
            for text in texts[:5]:
                category, warned = _warning(str(text))
                warnings.warn(warned, category, stacklevel=2)
            return self.unpack(reply.get("value"))

    def answer_call(self, message: dict[str, Any]) -> None:
        """Run a local callable for the other side and send back its result or error."""
        ident = _message_id(message)
        function = self._local.get(message.get("handle"))  # type: ignore[arg-type]
        try:
            if function is None:
                raise LookupError("no such callable")
            args = self.unpack(message.get("args", []))
            kwargs = self.unpack(message.get("kwargs", {"__dict__": {}}))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise WireError("a call's arguments must be a list and a dict")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = function(*args, **kwargs)
            reply = {"op": "result", "id": ident, "value": self.pack(value),
                     "warnings": [f"{w.category.__name__}: {w.message}" for w in caught[:5]]}
        except (WireError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # the student's error, reported as an answer
            reply = {"op": "error", "id": ident, "type": type(error).__name__,
                     "message": str(error)[:2000]}
        send(self.outgoing, reply)
