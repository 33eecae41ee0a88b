"""The message format between the trusted verifier and the student's answer process.

Messages are length-prefixed JSON objects of a bounded size. Values cross as plain data only: numbers, strings,
None, lists, tuples, string-keyed dicts, NumPy arrays of numeric dtypes (raw bytes in
base64, so floats arrive bit for bit) and NumPy random generators (their state). A callable crosses as a handle that the other side
calls back through the same channel. Nothing is unpickled, so an answer process cannot
run code in the verifier by what it sends.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

__all__ = ["WireError", "ChannelClosed", "MessageTooLarge", "send", "receive", "encode", "decode"]

_HEADER = struct.Struct(">I")
MAX_MESSAGE = 32 << 20
"""The largest message accepted by default (bytes); :func:`receive` takes another."""
_NUMERIC = "biufc"
_BIT_GENERATORS = {"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"}


class WireError(RuntimeError):
    """The other side sent something that is not a valid message, or went away."""


class ChannelClosed(WireError):
    """The other side closed the channel (its process ended)."""


class MessageTooLarge(WireError):
    """The other side sent a message over the size limit (left unread: the channel is over)."""


def send(stream: BinaryIO, message: dict[str, Any]) -> None:
    """Write one message (a JSON-able dict) to a binary stream."""
    data = json.dumps(message, allow_nan=True).encode()
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream, size):
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(stream: BinaryIO, limit: int = MAX_MESSAGE) -> dict[str, Any]:
    """Read one message from a binary stream; one over ``limit`` bytes is refused unread."""
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    if size > limit:
        raise MessageTooLarge(f"an answer of {size} bytes, over the limit of {limit} bytes")
    try:
        message = json.loads(_read_exactly(stream, size))
    except ValueError as error:
        raise WireError(f"malformed message: {error}") from None
    if not isinstance(message, dict):
        raise WireError("a message must be a JSON object")
    return message


def encode(value: Any, register_callable: Callable[[Callable[..., Any]], int],
           depth: int = 0) -> Any:
    """Turn ``value`` into JSON-able data; callables become handles via ``register_callable``."""
    if depth > 20:
        raise TypeError("the value is nested too deeply to check")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):  # before float: np.float64 is a float subclass
        return dict(encode(np.asarray(value), register_callable, depth), scalar=True)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"__float__": float(value)} if isinstance(value, float) else {"__int__": str(value)}
    if isinstance(value, np.random.Generator):
        # Sent by value: the receiver gets a generator in the same state.
        return {"__generator__": encode(value.bit_generator.state, register_callable, depth + 1)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC:
            raise TypeError(f"an array of dtype {value.dtype} cannot be checked")
        return {"__ndarray__": base64.b64encode(value.tobytes(order="C")).decode(),
                "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, (list, tuple)):
        items = [encode(v, register_callable, depth + 1) for v in value]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with string keys can be checked")
        return {"__dict__": {k: encode(v, register_callable, depth + 1) for k, v in value.items()}}
    if callable(value):
        return {"__callable__": register_callable(value)}
    raise TypeError(f"a value of type {type(value).__name__} cannot be checked")


def decode(data: Any, make_proxy: Callable[[int], Callable[..., Any]]) -> Any:
    """Inverse of :func:`encode`; handles become callables via ``make_proxy``.

    Raises
    ------
    WireError
        For anything that is not a value :func:`encode` could have made, whatever is
        wrong with it (so a caller needs to handle this one exception only).
    """
    try:
        return _decode(data, make_proxy, 0)
    except WireError:
        raise
    except Exception as error:  # malformed numbers, base64, shapes, dtypes: all refused
        raise WireError(f"malformed value ({type(error).__name__}: {str(error)[:80]})") from None


def _decode(data: Any, make_proxy: Callable[[int], Callable[..., Any]], depth: int) -> Any:
    if depth > 22:
        raise WireError("nested too deeply")
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, list):
        return [_decode(v, make_proxy, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise WireError(f"unexpected value {str(data)[:60]}")
    if "__float__" in data:
        return float(data["__float__"])
    if "__int__" in data:
        return int(data["__int__"])
    if "__ndarray__" in data:
        dtype = np.dtype(data["dtype"])
        if dtype.kind not in _NUMERIC or dtype.hasobject:
            raise WireError(f"refused dtype {dtype}")
        shape = tuple(int(n) for n in data["shape"])
        array = np.frombuffer(base64.b64decode(data["__ndarray__"]), dtype=dtype).copy()
        if array.size != int(np.prod(shape)):
            raise WireError("array data does not match its shape")
        array = array.reshape(shape)
        return array[()] if data.get("scalar") else array
    if "__tuple__" in data:
        return tuple(_decode(v, make_proxy, depth + 1) for v in data["__tuple__"])
    if "__dict__" in data:
        return {str(k): _decode(v, make_proxy, depth + 1) for k, v in data["__dict__"].items()}
    if "__generator__" in data:
        state = _decode(data["__generator__"], make_proxy, depth + 1)
        kind = state.get("bit_generator") if isinstance(state, dict) else None
        if kind not in _BIT_GENERATORS:
            raise WireError(f"refused random generator {str(kind)[:40]}")
        bit_generator = getattr(np.random, kind)()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise WireError(f"invalid random generator state: {error}") from None
        return np.random.Generator(bit_generator)
    if "__callable__" in data:
        handle = data["__callable__"]
        if not isinstance(handle, int) or isinstance(handle, bool):
            raise WireError("a callable's handle must be a whole number")
        return make_proxy(handle)
    raise WireError(f"unexpected value {str(data)[:60]}")
