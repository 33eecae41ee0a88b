"""What the notebooks say about numbers is what the numbers do.

Each test backs one sentence of a notebook that makes a claim about numbers, computed
the way the notebook computes it (the notebooks print the same measurements for the
learner). A sentence that changed its wording names its test here.
"""

import numpy as np
import pytest

import bplab as bp


def test_01_the_mean_keeps_the_slope_and_a_small_batch_is_noisier():
    """Notebook 1, section 1: the sum's slope grows with the batch, the mean's does not;
    the mean's varies about ten times as much between batches of 10 as of 1000."""
    rng = np.random.default_rng(0)
    x_pool = rng.normal(size=100_000)
    t_pool = 2.0 * x_pool + rng.normal(size=x_pool.size)
    measured = {}
    for size in (10, 1000):
        slopes = {"sum": [], "mean": []}
        for _ in range(200):
            rows = rng.integers(0, x_pool.size, size)
            for name, reduce in (("sum", np.sum), ("mean", np.mean)):
                def loss_of_w(w):
                    return reduce((w * x_pool[rows] - t_pool[rows]) ** 2)
                slopes[name].append((loss_of_w(1e-6) - loss_of_w(-1e-6)) / 2e-6)
        measured[size] = {name: (np.mean(v), np.std(v)) for name, v in slopes.items()}
    assert measured[1000]["sum"][0] / measured[10]["sum"][0] == pytest.approx(100, rel=0.1)
    assert measured[1000]["mean"][0] == pytest.approx(measured[10]["mean"][0], rel=0.1)
    assert measured[10]["mean"][1] / measured[1000]["mean"][1] == pytest.approx(10, rel=0.3)


def test_04_the_two_slips_cancel_in_one_row_of_dW1_and_not_in_the_other():
    """Notebook 4, "The two slips, explained": row 1 (s = 1.075) right sign, 0.42 of the
    size; row 0 (s = 0.9) flipped, 0.39 of the size, and it holds the worst entry."""
    W1, W2 = np.array([[0.5, -1.0], [1.5, 0.25]]), np.array([1.0, -0.75])
    x, t = np.array([0.8, -0.5]), 0.5
    s1 = W1 @ x
    z1 = np.tanh(s1)
    z2 = np.tanh(W2 @ z1)
    right = np.outer((z2 - t) * (1 - z2 ** 2) * W2 * (1 - z1 ** 2), x)
    slipped = np.outer((t - z2) * (1 - z2 ** 2) * W2 * (1 - s1 ** 2), x)
    ratio = slipped / right
    assert np.round(s1, 3).tolist() == [0.9, 1.075]
    assert np.allclose(ratio[0], -0.39, atol=0.005) and np.allclose(ratio[1], 0.42, atol=0.005)
    worst = np.unravel_index(np.argmax(np.abs(slipped - right)), right.shape)
    assert worst[0] == 0


def test_04_the_checkpoint_ratio_is_what_the_printed_values_give():
    """Notebook 4's first checkpoint: about 1.74, from a1 = (0.716, 0.791) and W2."""
    a1 = np.tanh(np.array([[0.5, -1.0], [1.5, 0.25]]) @ np.array([0.8, -0.5]))
    exact = (1 - a1[0] ** 2) / (0.75 * (1 - a1[1] ** 2))
    rounded = (1 - 0.716 ** 2) / (0.75 * (1 - 0.791 ** 2))
    assert exact == pytest.approx(1.74, abs=0.005) and rounded == pytest.approx(exact, rel=2e-2)


def test_05_a_sigmoid_layer_scales_a_gradient_by_at_most_sigma_max_over_four():
    """Notebook 5, after its first checkpoint: the slopes give at most 1/4, the weights up to
    their largest singular value, so a layer's Jacobian has norm at most sigma_max(W)/4."""
    z = np.linspace(-20.0, 20.0, 400_001)
    assert np.max(bp.activations.sigmoid_grad(z)) == pytest.approx(0.25)
    rng = np.random.default_rng(0)
    for _ in range(50):
        W, z_layer = rng.normal(size=(4, 4)) * 3, rng.normal(size=4)
        jacobian = bp.activations.sigmoid_grad(z_layer)[:, None] * W
        assert np.linalg.norm(jacobian, 2) <= np.linalg.norm(W, 2) / 4 + 1e-12


def test_05_how_much_harder_cross_entropy_pushes():
    """Notebook 5's second checkpoint and the passage after it: about 405 at z = -6, 57 at -4."""
    for z, factor in ((-6.0, 405.4), (-4.0, 56.6)):
        y_hat = bp.activations.sigmoid(np.array(z))
        assert 1.0 / (y_hat * (1.0 - y_hat)) == pytest.approx(factor, rel=1e-3)


def test_07_a_largest_singular_value_above_one_does_not_decide_that_gradients_explode():
    """Notebook 7, "Going further": the largest singular value is only a bound."""
    W = np.array([[0.5, 2.0], [0.0, 0.5]])
    assert np.linalg.norm(W, 2) > 2.0
    assert np.linalg.norm(np.linalg.matrix_power(W, 60), 2) < 1e-12
    contracting = 0.9 * np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))[0]
    assert np.linalg.norm(np.linalg.matrix_power(contracting, 60), 2) <= 0.9 ** 60 * (1 + 1e-9)


def test_07_one_over_n_in_is_lecun_and_glorot_averages_fan_in_and_fan_out():
    """Notebook 7, section 6: the two scales agree for a square layer only."""
    n_in, n_out = 64, 64
    assert 1 / n_in == 2 / (n_in + n_out)
    assert 1 / 64 != 2 / (64 + 10)


def test_09_random_logits_are_right_one_time_in_ten_and_more_confident_when_larger():
    """Notebook 9, after Checkpoint 2: accuracy near 10% at both scales; the chosen class
    gets about a third of the probability at scale 1, about four fifths at scale 5."""
    y = bp.digits.load_splits()["train"][1]
    rng = np.random.default_rng(9)
    confidence = {}
    for scale in (1.0, 5.0):
        Z = scale * rng.standard_normal((len(y), 10))
        assert abs(np.mean(np.argmax(Z, axis=1) == y) - 0.1) < 0.03
        confidence[scale] = np.mean(bp.softmax.softmax(Z).max(axis=1))
    assert confidence[1.0] == pytest.approx(1 / 3, abs=0.05)
    assert confidence[5.0] == pytest.approx(0.8, abs=0.05)


@pytest.mark.slow
def test_09_the_long_run_on_150_digits_overfits():
    """Notebook 9, section 7: with no early stopping the validation loss reaches its
    lowest early, then climbs, while the training loss falls towards zero."""
    splits = bp.digits.load_splits()
    (X_train, y_train), (X_val, y_val) = splits["train"], splits["val"]
    params = bp.mlp.init_params([64, 64, 10], np.random.default_rng(3))
    _, history = bp.training.train(params, X_train[:150], y_train[:150], X_val[:200],
                                   y_val[:200], lr=0.5, batch_size=10, epochs=90, patience=90,
                                   rng=np.random.default_rng(4))
    val = np.array(history["val_loss"])
    lowest = int(np.argmin(val))
    assert lowest < 30 and val[-1] > 1.1 * val[lowest]
    assert np.all(np.diff(val[lowest + 10::10]) > 0), "the rise is steady, not noise"
    assert history["train_loss"][-1] < 0.01


def test_08_pytorch_has_backward_rules_for_hundreds_of_operations():
    """Notebook 8, section 1: "hundreds of them, in PyTorch" (where torch is installed):
    each class of backward node is the rule of one operation (or of one of its forms)."""
    torch = pytest.importorskip("torch")
    rules = {name for name in dir(torch._C._functions) if "Backward" in name}
    assert "MulBackward0" in rules and len(rules) > 200
    x = torch.ones(2, requires_grad=True)
    assert type((x * 2).grad_fn).__name__ in rules


def _torch_cell():
    """Notebook 8's comparison with torch.autograd, as its source writes it."""
    from autograder import SOURCE_DIR
    from autograder.authoring.sourcefmt import parse

    cells = parse((SOURCE_DIR / "08_autograd" / "08_autograd.py").read_text())
    return next(cell for cell in cells if "import torch" in cell.source)


def _run_torch_cell(monkeypatch):
    import contextlib
    import io

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    params, X, t = bp.mlp.example_problem([3, 4, 4, 2], 5, seed=0, loss="bce")
    with bp.course.references_unlocked():
        grads = bp.autograd.grads_mlp(params, X, t, hidden="tanh", loss="bce")
    namespace = {"np": np, "bp": bp, "params_deep": params, "X_deep": X, "t_deep": t,
                 "grads_deep": grads}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(_torch_cell().source, namespace)
    return output.getvalue()


def test_08_the_pytorch_cell_is_one_whose_output_is_never_committed():
    """Its output depends on the machine (is torch installed?), so it is a timing cell."""
    assert _torch_cell().attrs.get("timing")


def test_08_the_pytorch_comparison_runs_where_torch_is_installed_and_agrees(monkeypatch):
    pytest.importorskip("torch")
    output = _run_torch_cell(monkeypatch)
    assert "SKIPPED" not in output
    differences = [float(line.rsplit(" ", 1)[1]) for line in output.splitlines()
                   if "largest difference" in line]
    assert len(differences) == 6 and max(differences) < 1e-12, output


def test_08_without_torch_the_notebook_says_plainly_that_nothing_was_compared(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("no torch here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    output = _run_torch_cell(monkeypatch)
    assert output.startswith("SKIPPED") and "PyTorch is not installed" in output
    assert "largest difference" not in output
