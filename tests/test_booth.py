"""Booth's function, its gradient, gradient descent and the notebook 2 explorer."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bplab import booth, course, numdiff  # noqa: E402
from bplab.explore import booth as explore_booth  # noqa: E402

coordinate = st.floats(-50, 50, allow_nan=False)


def f_of_point(p):
    return float(booth.booth(p[0], p[1]))


def test_minimum_is_zero_and_positive_elsewhere():
    assert float(booth.booth(*booth.MINIMUM)) == 0.0
    assert np.all(np.array(booth.booth_grad(*booth.MINIMUM)) == 0.0)
    assert float(booth.booth(0.0, 0.0)) == 74.0


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_gradient_matches_complex_step(x, y):
    point = np.array([x, y])
    exact = np.array(booth.booth_grad(x, y))
    reference = numdiff.complex_step_gradient(lambda p: booth.booth(p[0], p[1]), point)
    assert np.allclose(exact, reference, rtol=1e-12, atol=1e-10)
    assert np.allclose(exact, numdiff.gradient(f_of_point, point), rtol=1e-6, atol=1e-6)


def test_gradient_broadcasts_over_grids():
    X, Y = np.meshgrid(np.linspace(-3, 3, 4), np.linspace(0, 5, 3))
    dx, dy = booth.booth_grad(X, Y)
    assert dx.shape == dy.shape == (3, 4)
    dx, dy = booth.booth_grad(np.zeros((4, 1)), np.zeros(3))
    assert dx.shape == (4, 3)
    assert np.all(dx == -34.0) and np.all(dy == -38.0)
    with pytest.raises(ValueError, match="broadcast"):
        booth.booth_grad(np.zeros(2), np.zeros(3))


def test_hessian_is_the_jacobian_of_the_gradient():
    grad_x = lambda p: float(booth.booth_grad(p[0], p[1])[0])  # noqa: E731
    grad_y = lambda p: float(booth.booth_grad(p[0], p[1])[1])  # noqa: E731
    point = np.array([0.3, -1.7])
    numerical = np.vstack([numdiff.gradient(grad_x, point), numdiff.gradient(grad_y, point)])
    assert np.allclose(numerical, booth.hessian(), atol=1e-8)
    assert np.allclose(booth.hessian_eigenvalues(), [2.0, 18.0])


def booth_point_grad(p):
    return np.array(booth.booth_grad(p[0], p[1]))


def test_gradient_descent_path_and_start_untouched():
    start = np.array([-6.0, 8.0])
    path = booth.gradient_descent(booth_point_grad, start, 0.05, 4)
    assert path.shape == (5, 2)
    assert np.array_equal(path[0], [-6.0, 8.0]) and np.array_equal(start, [-6.0, 8.0])
    assert np.allclose(path[1], start - 0.05 * booth_point_grad(start))
    assert booth.gradient_descent(booth_point_grad, start, 0.05, 0).shape == (1, 2)


@pytest.mark.parametrize("bad, match", [
    (dict(lr=-0.1), "lr must be a positive"),
    (dict(n_steps=2.5), "n_steps must be a whole"),
    (dict(n_steps=-1), "n_steps must be zero or more"),
    (dict(start=np.zeros(3)), r"start must have shape \(2,\)"),
])
def test_gradient_descent_validates_inputs(bad, match):
    args = dict(start=np.zeros(2), lr=0.1, n_steps=3) | bad
    with pytest.raises((ValueError, TypeError), match=match):
        booth.gradient_descent(booth_point_grad, **args)


def test_learning_rate_limits_agree_with_descent():
    H = booth.hessian()
    lr_max, lr_best = booth.max_stable_lr(H), booth.best_constant_lr(H)
    assert lr_max == pytest.approx(1 / 9) and lr_best == pytest.approx(0.1)
    start = np.array([-6.0, 8.0])

    def distance(lr):
        return np.linalg.norm(booth.gradient_descent(booth_point_grad, start, lr, 300)[-1]
                              - booth.MINIMUM)

    assert distance(0.99 * lr_max) < 1.0 < distance(1.01 * lr_max)
    # the best rate beats its neighbours, as the contraction factor predicts
    assert distance(lr_best) < min(distance(0.9 * lr_best), distance(1.05 * lr_best))
    grid = np.linspace(0.001, 0.13, 1291)
    assert grid[np.argmin(booth.contraction_factor(grid))] == pytest.approx(lr_best, abs=1e-4)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_learning_rate_limits_on_random_quadratics(seed):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((3, 3))
    H = M @ M.T + 0.5 * np.eye(3)
    eig = np.linalg.eigvalsh(H)
    assert booth.max_stable_lr(H) == pytest.approx(2 / eig[-1])
    assert booth.contraction_factor(booth.best_constant_lr(H), eig) == pytest.approx(
        (eig[-1] - eig[0]) / (eig[-1] + eig[0]))


def test_learning_rate_limits_reject_bad_hessians():
    with pytest.raises(ValueError, match="positive definite"):
        booth.max_stable_lr(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="symmetric"):
        booth.best_constant_lr(np.array([[1.0, 2.0], [0.0, 1.0]]))


def test_references_locked_in_notebook_2_but_usable_in_checks():
    course.start_notebook(2)
    with pytest.raises(course.ReferenceLockedError):
        booth.booth_grad(0.0, 0.0)
    with course.references_unlocked():
        assert float(booth.booth(1.0, 3.0)) == 0.0
    # the explorer works while the references are locked
    assert explore_booth.descent_values(0.05)["behaviour"] == "converges"


def test_descent_values_classify_behaviour():
    behaviours = [explore_booth.descent_values(lr)["behaviour"] for lr in (0.05, 0.1, 0.12)]
    assert behaviours == ["converges", "zig-zags", "diverges"]
    values = explore_booth.descent_values(0.1, 2.0, -4.0, 60)
    assert values["path"].shape == (61, 2) and values["losses"].shape == (61,)
    assert values["losses"][-1] < 1e-8 * values["losses"][0]
    # at lr = 1/9 the error across the valley flips sign every step and keeps its size
    error = explore_booth.descent_values(1 / 9, -6.0, 8.0, 200)["path"] - booth.MINIMUM
    across = error @ np.array([1.0, 1.0]) / np.sqrt(2.0)
    assert np.allclose(np.abs(across), abs(across[0])) and np.all(across[1:] * across[:-1] < 0)
    assert explore_booth.descent_values(1 / 9)["behaviour"] == "oscillates"
    diverging = explore_booth.descent_values(0.125, 2.0, -4.0, 100)
    assert diverging["losses"][-1] > 1e6 * diverging["losses"][0]


def test_draw_descent_headless_changes_with_the_sliders():
    fig, axes = plt.subplots(1, 2)
    first = explore_booth.draw_descent(axes, lr=0.05, x0=-6.0, y0=8.0, n_steps=10)
    assert "converges" in axes[0].get_title()
    assert len(axes[1].lines[0].get_ydata()) == 11
    plt.close(fig)
    fig, axes = plt.subplots(1, 2)
    second = explore_booth.draw_descent(axes, lr=0.12, x0=-6.0, y0=8.0, n_steps=10)
    assert "diverges" in axes[0].get_title()
    assert not np.allclose(first["path"], second["path"])
    plt.close(fig)


def test_plots_return_their_axes():
    path = explore_booth.descent_values(0.05)["path"]
    ax = explore_booth.plot_contour(path, label="lr 0.05")
    assert ax.get_xlim() == explore_booth.WINDOW
    ax3 = explore_booth.plot_surface(path)
    assert ax3.name == "3d"
    plt.close("all")


def test_explorer_is_none_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore_booth.descent_explorer() is None


def test_the_exactness_checks_of_notebook_2_catch_small_and_large_steps():
    """Far from the origin small steps lose to round-off; next to the minimum large ones do."""
    far = (np.array([1234.5, 2718.3, 3141.6]), np.array([2345.6, 1414.2, 577.2]))
    near = (1.0 + np.array([3.0, -5.0, 7.0]) * 2.0 ** -30, 3.0 + np.array([-4.0, 1.0, 6.0]) * 2.0 ** -30)

    def worst_error(points, h):
        x, y = points
        exact = np.array(booth.booth_grad(x, y))
        estimate = np.array([(booth.booth(x + h, y) - booth.booth(x - h, y)) / (2 * h),
                             (booth.booth(x, y + h) - booth.booth(x, y - h)) / (2 * h)])
        return np.max(np.abs(estimate - exact) / np.abs(exact))

    for h in (1e-3, 1e-5, 1.0, numdiff.central_step(np.array(1.0))):
        assert max(worst_error(far, h), worst_error(near, h)) > 1e-12, h
    x, y = near  # every form of the formula is exact there
    u, v = x + 2 * y - 7, 2 * x + y - 5
    np.testing.assert_array_equal(10 * x + 8 * y - 34, 2 * u + 4 * v)
