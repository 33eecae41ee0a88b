"""One bug costs one exercise: a failing later test names the wrong earlier answer first."""

import numpy as np
import pytest

import bplab as bp
from bplab.checks import CheckFailure
from bplab.checks.earlier import EARLIER, blamed
from bplab.course import references_unlocked

REFERENCES = {
    "sigmoid_prime": "activations.sigmoid_grad", "dense_forward": "layers.dense_forward",
    "dense_backward": "layers.dense_backward", "output_delta": "mlp.output_delta",
    "xor_step": "xor.xor_step", "batched_gradients": "xor.batched_gradients",
    "layer_jacobian": "jacobians.layer_jacobian", "softmax": "softmax.softmax",
    "softmax_ce": "softmax.softmax_ce", "softmax_ce_grad": "softmax.softmax_ce_grad",
    "network_logits": "classifier.logits", "sgd_step": "classifier.sgd_step",
    **{name: f"autograd.{name}" for name in (
        "matmul_backward", "unbroadcast", "add_backward", "tanh_backward", "sigmoid_backward",
        "relu_backward", "mean_backward", "half_mse_backward", "bce_backward",
        "topological_order", "backward_pass")},
}


def reference(name):
    module, function = REFERENCES[name].split(".")
    return getattr(getattr(bp, module), function)


def test_every_earlier_answer_has_a_reference_here():
    assert set(REFERENCES) == set(EARLIER)


@pytest.mark.parametrize("name", sorted(EARLIER))
def test_each_check_accepts_the_reference_and_rejects_a_wrong_answer(name):
    label, make = EARLIER[name]
    with references_unlocked():
        assert all(check(reference(name)) for check in make()), label
        assert not any(check(lambda *args, **kwargs: 0.0) for check in make()), label


def softmax_ce_grad_without_one_over_n(Z, y):
    P = bp.softmax.softmax(Z)
    P[np.arange(len(y)), y] -= 1.0
    return P


def test_a_dropped_one_over_n_is_blamed_on_softmax_ce_grad_not_on_the_step():
    """Notebook 9: the mistake of Exercise 3 is named when sgd_step's check fails."""
    namespace = {"softmax": bp.softmax.softmax, "softmax_ce": bp.softmax.softmax_ce,
                 "softmax_ce_grad": softmax_ce_grad_without_one_over_n}
    with pytest.raises(CheckFailure) as raised, references_unlocked():
        with blamed("sgd_step", namespace, ["softmax", "softmax_ce", "softmax_ce_grad"]):
            raise CheckFailure("new_params['W1'] is 5 times the right step.", "factor")
    assert raised.value.kind == "earlier-exercise"
    first_line = raised.value.plain_message.splitlines()[0]
    assert "softmax_ce_grad (Exercise 3)" in first_line and "sgd_step" in first_line
    assert "5 times the right step" in raised.value.plain_message


def test_a_failure_with_right_earlier_answers_passes_through_unchanged():
    namespace = {"softmax": bp.softmax.softmax}
    with pytest.raises(CheckFailure) as raised, references_unlocked():
        with blamed("softmax_ce_grad", namespace, ["softmax"]):
            raise CheckFailure("softmax_ce_grad has the opposite sign.", "sign")
    assert raised.value.kind == "sign"


def test_nothing_is_checked_while_the_later_exercise_passes(capsys):
    with blamed("softmax_ce_grad", {"softmax": lambda Z: 0.0}, ["softmax"]):
        pass
    assert capsys.readouterr().out == ""
