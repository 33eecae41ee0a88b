"""The message format between the verifier and the answer process: plain data only."""

import json

import numpy as np
import pytest

from autograder.sandbox.wire import WireError, decode, encode


@pytest.mark.parametrize("value", [
    1.5, 3, None, "text", True, (1, [2.0, {"k": np.arange(3)}]),
    np.float64(2.5), np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1 + 2j]),
    np.array([np.nan, np.inf, -0.0])])
def test_wire_round_trips_plain_data_bit_for_bit(value):
    back = decode(json.loads(json.dumps(encode(value, lambda f: 0))), lambda handle: None)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert back.tobytes() == value.tobytes()
    elif not isinstance(value, tuple):
        assert back == value


def test_wire_sends_a_random_generator_by_state():
    rng = np.random.default_rng(7)
    rng.standard_normal(3)
    back = decode(json.loads(json.dumps(encode(rng, lambda f: 0))), lambda handle: None)
    assert np.array_equal(back.standard_normal(5), rng.standard_normal(5))


@pytest.mark.parametrize("data", [
    {"__ndarray__": "AAAA", "dtype": "|O", "shape": [1]},
    {"__ndarray__": "AAAAAAAAAAA=", "dtype": "<f8", "shape": [3]},
    {"__generator__": {"__dict__": {"bit_generator": "os.system"}}},
    {"__pickle__": "x"}, 5])
def test_wire_refuses_anything_but_plain_data(data):
    with pytest.raises(WireError):
        decode(data, lambda handle: None)


def test_wire_refuses_objects_it_cannot_check():
    with pytest.raises(TypeError, match="cannot be checked"):
        encode(object(), lambda f: 0)
