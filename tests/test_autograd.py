"""The autograd engine of notebook 8: backward rules, the graph's order, the engine itself."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bplab import activations, autograd, course, losses, mlp, net221, numdiff
from bplab.autograd import Tensor


def numerical(f, x):
    return numdiff.gradient(f, np.array(x, dtype=np.float64))


def G(seed, shape):
    return np.random.default_rng(seed).uniform(-1.5, 1.5, shape)


# ---------------------------------------------------------------- backward rules

BROADCASTS = [((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 1), (1, 3)),
              ((4, 3), ()), ((2, 4, 3), (4, 1)), ((3,), (2, 1, 3))]


@pytest.mark.parametrize("a_shape, b_shape", BROADCASTS)
def test_add_backward_is_the_gradient_under_broadcasting(a_shape, b_shape):
    a, b = G(1, a_shape), G(2, b_shape)
    g = G(3, np.broadcast_shapes(a_shape, b_shape))
    da, db = autograd.add_backward(g, a_shape, b_shape)
    assert da.shape == a_shape and db.shape == b_shape
    np.testing.assert_allclose(da, numerical(lambda v: np.sum(g * (v + b)), a), atol=1e-8)
    np.testing.assert_allclose(db, numerical(lambda v: np.sum(g * (a + v)), b), atol=1e-8)


@pytest.mark.parametrize("a_shape, b_shape", BROADCASTS)
def test_div_backward_is_the_gradient_under_broadcasting(a_shape, b_shape):
    a, b = G(4, a_shape), 1.5 + np.abs(G(5, b_shape))
    g = G(6, np.broadcast_shapes(a_shape, b_shape))
    da, db = autograd.div_backward(g, a, b)
    assert da.shape == a_shape and db.shape == b_shape
    np.testing.assert_allclose(da, numerical(lambda v: np.sum(g * (v / b)), a), rtol=1e-8)
    np.testing.assert_allclose(db, numerical(lambda v: np.sum(g * (a / v)), b), rtol=1e-7)


def test_unbroadcast_rejects_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"does not broadcast"):
        autograd.unbroadcast(np.ones((4, 3)), (4,))
    with pytest.raises(ValueError, match=r"grad_out must have the shape"):
        autograd.add_backward(np.ones((4, 3)), (4, 3), (4, 1, 1))


@pytest.mark.parametrize("n, k, m", [(1, 1, 1), (4, 3, 2), (2, 5, 3)])
def test_matmul_backward_is_the_gradient(n, k, m):
    A, B, g = G(7, (n, k)), G(8, (k, m)), G(9, (n, m))
    dA, dB = autograd.matmul_backward(g, A, B)
    np.testing.assert_allclose(dA, numerical(lambda v: np.sum(g * (v @ B)), A), rtol=1e-8)
    np.testing.assert_allclose(dB, numerical(lambda v: np.sum(g * (A @ v)), B), rtol=1e-8)
    with pytest.raises(ValueError, match="grad_out must have the shape"):
        autograd.matmul_backward(g.T if n != m else g[:, :0], A, B)


@pytest.mark.parametrize("rule, f", [(autograd.tanh_backward, np.tanh),
                                     (autograd.sigmoid_backward, activations.sigmoid),
                                     (autograd.relu_backward, activations.relu)])
def test_activation_rules_are_gradients_given_the_output(rule, f):
    z = G(10, (5, 3)) * 2
    z[np.abs(z) < 1e-3] = 0.5  # keep finite differences away from ReLU's kink
    g = G(11, z.shape)
    np.testing.assert_allclose(rule(g, f(z)), numerical(lambda v: np.sum(g * f(v)), z),
                               rtol=1e-7, atol=1e-10)


def test_relu_slope_at_zero_is_zero_like_relu_grad():
    assert autograd.relu_backward(np.ones(3), np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("shape", [(3,), (4, 2), ()])
def test_mean_backward(shape):
    x = G(12, shape)
    np.testing.assert_allclose(autograd.mean_backward(-0.7, shape),
                               numerical(lambda v: -0.7 * np.mean(v), x), rtol=1e-8)


@pytest.mark.parametrize("shape", [(5,), (5, 2)])
def test_loss_rules_are_gradients_of_the_course_losses(shape):
    y_hat, t = np.random.default_rng(13).uniform(0.05, 0.95, (2,) + shape)
    t = (t > 0.5).astype(float)
    for rule, loss in ((autograd.half_mse_backward, lambda v, t: 0.5 * losses.mse(v, t)),
                       (autograd.bce_backward, losses.bce)):
        np.testing.assert_allclose(rule(1.3, y_hat, t),
                                   numerical(lambda v: 1.3 * loss(v, t), y_hat), rtol=1e-7)


def test_half_mse_is_notebook_5s_half_mse_and_notebook_4s_loss():
    y_hat, t = G(16, (5, 2)), G(17, (5, 2))
    assert autograd.half_mse(y_hat, t) == pytest.approx(
        mlp.mean_loss(y_hat, t, "half_mse"), rel=1e-15)
    assert autograd.half_mse(np.array([[0.3]]), np.array([[-0.2]])) == pytest.approx(
        net221.loss(0.3, -0.2), rel=1e-15)
    np.testing.assert_allclose(autograd.half_mse_backward(1.0, y_hat, t),
                               mlp.output_delta(y_hat, t, loss="half_mse",
                                                output="identity"), rtol=1e-15)


def test_rules_are_exact_against_the_complex_step():
    z = G(14, (3, 2)) * 3
    g = G(15, z.shape)
    for rule, f in ((autograd.tanh_backward, np.tanh),
                    (autograd.sigmoid_backward, lambda v: 1 / (1 + np.exp(-v)))):
        exact = numdiff.complex_step_gradient(lambda v: np.sum(g * f(v)), z)
        np.testing.assert_allclose(rule(g, f(z)), exact, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- order and accumulation

@st.composite
def dags(draw):
    n = draw(st.integers(2, 9))
    names = [f"v{i}" for i in range(n)]
    parents = {names[0]: []}
    for i in range(1, n):
        parents[names[i]] = draw(st.lists(st.sampled_from(names[:i]), max_size=3))
    return parents, names[-1]


@pytest.mark.parametrize("seed", range(5))
def test_random_graph_orders_are_valid(seed):
    parents = autograd.random_graph(seed, 9)
    assert autograd.order_problem(
        autograd.topological_order(parents, "v8"), parents, "v8") is None


@settings(max_examples=60, deadline=None)
@given(dags())
def test_topological_order_is_valid_on_random_graphs(graph):
    parents, root = graph
    order = autograd.topological_order(parents, root)
    assert order[-1] == root
    assert autograd.order_problem(order, parents, root) is None


def reversed_bfs(parents, root):
    """Levels from the output, reversed: a plausible order that is wrong for a skip connection."""
    seen, queue = [root], [root]
    while queue:
        for parent in parents[queue.pop(0)]:
            if parent not in seen:
                seen.append(parent)
                queue.append(parent)
    return seen[::-1]


@pytest.mark.parametrize("name", sorted(autograd.EXAMPLES))
def test_examples_have_valid_orders_and_reversed_bfs_fails_only_on_skip(name):
    parents = autograd.example_parents(name)
    assert autograd.order_problem(
        autograd.topological_order(parents, "L"), parents, "L") is None
    problem = autograd.order_problem(reversed_bfs(parents, "L"), parents, "L")
    assert (problem is None) == (name != "skip")
    if name == "skip":
        assert problem.startswith("'b' comes before its parent 'a'")


def test_order_problem_names_each_mistake():
    parents = autograd.example_parents("diamond")
    assert "appears 2 times" in autograd.order_problem(
        ["x", "h", "u", "h", "v", "L"], parents, "L")
    assert "leaves out ['x']" in autograd.order_problem(["h", "u", "v", "L"], parents, "L")
    parents["y"] = []
    assert "does not depend on" in autograd.order_problem(
        ["y", "x", "h", "u", "v", "L"], parents, "L")
    with pytest.raises(ValueError, match="cycle"):
        autograd.topological_order({"a": ["b"], "b": ["a"]}, "a")
    with pytest.raises(KeyError, match="not keys of parents"):
        autograd.topological_order({"a": ["b"]}, "a")


@settings(max_examples=40, deadline=None)
@given(dags(), st.integers(0, 1000))
def test_backward_pass_equals_the_sum_over_paths(graph, seed):
    parents, root = graph
    rules, weights = autograd.edge_rules(parents, seed)
    grads = autograd.backward_pass(parents, root, rules, 1.0)
    expected = autograd.path_sums(parents, root, weights)
    assert set(grads) == set(expected)
    for name in expected:
        assert float(grads[name]) == pytest.approx(float(expected[name]), rel=1e-12, abs=1e-12)


def test_backward_pass_with_array_gradients_and_a_parent_used_twice():
    parents = {"L": ["a", "a", "x"], "a": ["x"], "x": []}
    rules, weights = autograd.edge_rules(parents, 3, shape=(4,))
    root_grad = np.arange(1.0, 5.0)
    grads = autograd.backward_pass(parents, "L", rules, root_grad)
    w = weights
    np.testing.assert_allclose(grads["x"], root_grad * ((w["L"][0] + w["L"][1]) * w["a"][0]
                                                        + w["L"][2]), rtol=1e-14)
    expected = autograd.path_sums(parents, "L", weights, root_grad)
    np.testing.assert_allclose(grads["a"], expected["a"], rtol=1e-14)


def test_naive_recursion_double_counts_and_visits_shared_nodes_per_path():
    parents = autograd.example_parents("double_diamond")
    rules, weights = autograd.edge_rules(parents, 0)
    grads, visits = autograd.naive_backward(parents, "L", rules, 1.0)
    assert visits["x"] == 4 and visits["c"] == 2 and visits["L"] == 1
    right = autograd.path_sums(parents, "L", weights)
    assert float(grads["c"]) == pytest.approx(right["c"])  # complete when last reached
    assert float(grads["x"]) != pytest.approx(right["x"])  # but pushed on twice
    steps = list(autograd.backward_steps(parents, "L", rules, 1.0))
    assert [name for name, _ in steps] == autograd.topological_order(parents, "L")[::-1]


# ---------------------------------------------------------------- the engine

@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(-0.9, 0.9))
def test_engine_reproduces_notebook_4_to_1e_12(seed, t):
    rng = np.random.default_rng(seed)
    params = net221.init_params(rng)
    x = rng.uniform(-2, 2, 2)
    grads = autograd.grads_221(params, x, t)
    exact = net221.backward(x, t, params, net221.forward(x, params))
    for key in params:
        assert grads[key].shape == params[key].shape
        np.testing.assert_allclose(grads[key], exact[key], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("sizes, hidden, output, loss", [
    ([2, 3, 1], "sigmoid", "sigmoid", "half_mse"), ([3, 4, 4, 2], "tanh", "sigmoid", "bce"),
    ([2, 5, 3], "relu", "identity", "half_mse"), ([1, 2, 2, 2, 1], "tanh", "tanh", "half_mse")])
def test_engine_reproduces_notebook_5_to_1e_12(sizes, hidden, output, loss):
    params, X, t = mlp.example_problem(sizes, 6, seed=len(sizes), loss=loss)
    grads = autograd.grads_mlp(params, X, t, hidden=hidden, output=output, loss=loss)
    exact = mlp.backward(params, mlp.forward(params, X, hidden=hidden, output=output)[1], t,
                         loss=loss)
    for key in params:
        scale = np.max(np.abs(exact[key]))
        np.testing.assert_allclose(grads[key], exact[key], rtol=1e-12, atol=1e-14 * scale)


def test_engine_takes_the_losses_of_notebook_8_only():
    params, X, t = mlp.example_problem([2, 2, 1], 3, seed=0)
    with pytest.raises(ValueError, match="'half_mse' or 'bce'"):
        autograd.grads_mlp(params, X, t, loss="mse")


def test_tensor_accumulates_over_a_shared_subexpression():
    x = Tensor(np.array([[0.3, -0.8]]), "x")
    h = x @ Tensor(np.array([[1.0], [2.0]]), "w")
    L = (h.tanh() + h.sigmoid()).mean()
    L.backward()
    z = 0.3 - 1.6
    dh = (1 - np.tanh(z) ** 2) + activations.sigmoid_grad(np.array(z))
    np.testing.assert_allclose(x.grad, dh * np.array([[1.0, 2.0]]), rtol=1e-14)
    nodes, parents, rules = autograd.graph_of(L)
    assert parents[L.name] == [L.parents[0].name] and set(rules) < set(nodes)


def test_graph_of_refuses_two_tensors_with_one_name():
    a, b = Tensor(1.0, "a"), Tensor(2.0, "a")
    with pytest.raises(ValueError, match="both named 'a'"):
        autograd.graph_of(a + b)


def test_references_are_locked_in_notebook_8_and_earlier_answers_too():
    params = net221.init_params(np.random.default_rng(0))
    x = np.array([0.1, 0.2])
    course.start_notebook(8)
    for call in (lambda: autograd.tanh_backward(np.ones(1), np.zeros(1)),
                 lambda: autograd.topological_order({"a": []}, "a"),
                 lambda: autograd.grads_221(params, x, 0.5),
                 lambda: Tensor(1.0, "one").backward()):
        with pytest.raises(course.ReferenceLockedError, match="answer to an exercise"):
            call()
    with pytest.raises(course.ReferenceLockedError, match="another way"):
        net221.backward(x, 0.5, params, {})
    with pytest.raises(course.ReferenceLockedError, match="another way"):
        mlp.backward(params, {}, np.zeros((1, 1)))
    cache = net221.forward(x, params)  # forward passes are not what notebook 8 asks for
    with course.references_unlocked():
        assert net221.backward(x, 0.5, params, cache)["W1"].shape == (2, 2)
    course.start_notebook(4)
    with pytest.raises(course.ReferenceLockedError, match="answer to an exercise"):
        net221.backward(x, 0.5, params, cache)
    course.start_notebook(6)
    assert net221.backward(x, 0.5, params, cache)["W1"].shape == (2, 2)


# ---------------------------------------------------------------- the explorer

@pytest.mark.parametrize("which", ["two diamonds", "shared hidden layer", "2-2-1 network"])
def test_explorer_steps_end_with_every_gradient_of_the_engine(which):
    import matplotlib.pyplot as plt

    from bplab.explore import autograd as explore_autograd

    L = explore_autograd.expression(which)
    nodes, parents, order, snapshots = explore_autograd.steps_of(L)
    with course.references_unlocked():
        L.backward()
    assert set(snapshots[-1]) == set(order)
    for name in order:
        np.testing.assert_allclose(snapshots[-1][name], nodes[name].grad, rtol=1e-14)
    fig, ax = plt.subplots()
    grads = explore_autograd.draw_step(ax, which, step=99)  # clipped to the last step
    assert len(ax.texts) == len(order) and set(grads) == set(order)
    assert "an input" in ax.get_title()
    plt.close(fig)
    if which == "2-2-1 network":  # notebook 4's gradients, its loss 1/2 (y_hat - t)**2
        x, t = nodes["x"].data[0], 0.5
        params = {key: nodes[key].data for key in net221.PARAM_SHAPES}
        with course.references_unlocked():
            exact = net221.backward(x, t, params, net221.forward(x, params))
        for key in params:
            np.testing.assert_allclose(nodes[key].grad, exact[key], rtol=1e-12)


def test_explorer_is_not_built_while_grading(monkeypatch):
    from bplab.explore import autograd as explore_autograd

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore_autograd.backward_explorer() is None


def test_the_naive_recursion_is_recognised_only_where_it_is_wrong():
    for name in ("double_diamond", "skip", "chain"):
        parents = autograd.example_parents(name)
        rules, weights = autograd.edge_rules(parents, 1)
        naive = autograd.naive_backward(parents, "L", rules, 1.0)[0]
        right = autograd.path_sums(parents, "L", weights)
        assert autograd.looks_naive(naive, naive, right) == (name != "chain")
        assert not autograd.looks_naive(right, naive, right)
    assert not autograd.looks_naive(None, naive, right)
