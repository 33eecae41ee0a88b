"""Computational graphs, the J = 3(a + bc) example and the regularised logistic neuron."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bplab import activations, course, graph, numdiff  # noqa: E402
from bplab.explore import graph as graph_drawing  # noqa: E402

value = st.floats(-3, 3, allow_nan=False)


def test_j_example_from_the_lecture_corrected():
    g = graph.j_graph(5.0, 3.0, 2.0)
    assert [float(g.nodes[n].value) for n in ("u", "v", "J")] == [6.0, 11.0, 33.0]
    bars = g.backward()
    assert [float(bars[n]) for n in ("a", "b", "c", "u", "v", "J")] == [3, 6, 9, 3, 3, 1]
    assert [float(v) for v in graph.forward_backward_j(5.0, 3.0, 2.0)] == [33, 3, 6, 9]


@settings(max_examples=30, deadline=None)
@given(value, value, value)
def test_j_gradient_matches_complex_step(a, b, c):
    _, *grads = graph.forward_backward_j(a, b, c)
    exact = numdiff.complex_step_gradient(lambda p: 3 * (p[0] + p[1] * p[2]),
                                          np.array([a, b, c]))
    assert np.allclose(np.array(grads, dtype=float), exact, rtol=1e-12, atol=1e-12)


def test_j_is_elementwise_on_arrays():
    J, da, db, dc = graph.forward_backward_j(np.arange(3.0), 2.0, np.array([1.0, -1.0, 0.5]))
    assert J.shape == da.shape == db.shape == dc.shape == (3,)
    assert np.allclose(db, 3 * np.array([1.0, -1.0, 0.5])) and np.allclose(dc, 6.0)


def complex_neuron_loss(p, x, t, lam):
    z = p[0] * x + p[1]
    y = 1 / (1 + np.exp(-z))
    return np.mean(0.5 * (y - t) ** 2) + 0.5 * lam * p[0] ** 2


@settings(max_examples=30, deadline=None)
@given(value, value, st.integers(0, 1000), st.floats(0, 2), st.integers(1, 6))
def test_neuron_backward_matches_complex_step(w, b, seed, lam, n):
    rng = np.random.default_rng(seed)
    x, t = rng.normal(size=n), rng.integers(0, 2, n).astype(float)
    grads = np.array(graph.neuron_backward(w, b, x, t, lam))
    exact = numdiff.complex_step_gradient(lambda p: complex_neuron_loss(p, x, t, lam),
                                          np.array([w, b]))
    assert np.allclose(grads, exact, rtol=1e-10, atol=1e-13)
    assert graph.neuron_loss(w, b, x, t, lam) == pytest.approx(
        float(complex_neuron_loss(np.array([w, b]), x, t, lam)))


def test_neuron_bar_notation_by_hand():
    w, b, x, t, lam = 0.5, 0.1, np.array([1.0, -2.0, 0.5]), np.array([1.0, 0.0, 1.0]), 0.3
    y = activations.sigmoid(w * x + b)
    y_bar = (y - t) / 3
    z_bar = y_bar * y * (1 - y)
    assert np.allclose(graph.neuron_backward(w, b, x, t, lam),
                       (np.sum(z_bar * x) + lam * w, np.sum(z_bar)))
    assert np.allclose(graph.neuron_backward(w, b, 1.5, 1.0, lam),
                       graph.neuron_backward(w, b, np.array([1.5]), np.array([1.0]), lam))


def test_neuron_validates_inputs():
    with pytest.raises(ValueError, match="t must have the same shape as x"):
        graph.neuron_loss(0.1, 0.0, np.zeros(3), np.zeros(2), 0.1)
    with pytest.raises(TypeError, match="w must be a number"):
        graph.neuron_backward(np.zeros(2), 0.0, 1.0, 1.0, 0.1)


def test_backprop_accumulates_over_children():
    # L = a * a + sigmoid(a): a reaches L along three paths
    g = graph.Graph()
    g.input("a", 0.7)
    g.op("sq", "mul", "a", "a")
    g.op("s", "sigmoid", "a")
    g.op("L", "add", "sq", "s")
    g.forward()
    bars = graph.backprop(g.order, g.parents, g.local_derivatives())
    expected = 2 * 0.7 + float(activations.sigmoid_grad(np.array(0.7)))
    assert bars["a"] == pytest.approx(expected) and bars["L"] == 1.0
    assert float(g.backward()["a"]) == pytest.approx(expected)


def test_graph_rejects_bad_construction():
    g = graph.Graph()
    g.input("a", 1.0)
    with pytest.raises(ValueError, match="topological"):
        g.op("b", "mul", "a", "missing")
    with pytest.raises(ValueError, match="already exists"):
        g.input("a", 2.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        g.op("c", "cube", "a")


def test_broadcast_parent_receives_summed_gradient():
    g = graph.Graph()
    g.input("w", 2.0)
    g.input("x", np.array([1.0, 2.0, 3.0]))
    g.op("p", "mul", "w", "x")
    g.op("L", "half_sq", "p")  # elementwise; L's seed is ones, so this is sum of p^2/2
    bars = g.backward()
    assert np.shape(bars["w"]) == () and float(bars["w"]) == pytest.approx(2.0 * 14.0)
    assert bars["x"].shape == (3,)


def test_references_and_backward_locked_in_notebook_3():
    course.start_notebook(3)
    for call in (lambda: graph.forward_backward_j(1.0, 2.0, 3.0),
                 lambda: graph.neuron_backward(0.1, 0.0, 1.0, 1.0, 0.1),
                 lambda: graph.j_graph().backward()):
        with pytest.raises(course.ReferenceLockedError):
            call()
    fig, ax = plt.subplots()
    grads = graph_drawing.draw_j(ax, 5.0, 3.0, 2.0)  # drawing still works
    assert float(grads["c"]) == 9.0
    plt.close(fig)


def test_drawings_show_values_and_gradients_and_respond():
    fig, ax = plt.subplots()
    grads = graph_drawing.draw_neuron(ax, w=0.5, b=0.0, x=1.5, t=1.0, lam=0.1)
    texts = [text.get_text() for text in ax.texts]
    assert any(text.startswith("z = wx + b\n= 0.75") for text in texts)
    assert any("\\bar w" in text or "w\u0304" in text for text in texts)  # w with a bar
    assert float(grads["R"]) == pytest.approx(0.1)
    before = [text.get_text() for text in ax.texts]
    ax.clear()
    graph_drawing.draw_neuron(ax, w=-1.0, b=0.0, x=1.5, t=1.0, lam=0.1)
    assert [text.get_text() for text in ax.texts] != before
    plt.close(fig)
    ax = graph_drawing.draw_graph(graph.neuron_graph(0.2, 0.1, np.ones(4), np.zeros(4), 0.1))
    assert any("array (4,)" in text.get_text() for text in ax.texts)
    plt.close("all")


def test_explorer_is_none_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert graph_drawing.graph_explorer("j") is None and graph_drawing.graph_explorer() is None
    with pytest.raises(ValueError, match="which must be"):
        graph_drawing.graph_explorer("xor")


_ARITY = {"add": 2, "mul": 2, "scale": 1, "linear": 3, "sigmoid": 1, "half_sq": 1}
_PARAMS = {"add": {"weights": (0.5, -1.0)}, "scale": {"c": 1.5}}


def _random_graph(steps, values):
    g = graph.Graph()
    g.input("p", values[0])
    g.input("q", values[1])
    for k, (kind, picks) in enumerate(steps):
        names = g.order
        parents = [names[i % len(names)] for i in picks][:_ARITY[kind]]
        g.op(f"n{k}", kind, *parents, **_PARAMS.get(kind, {}))
    return g


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(_ARITY)),
                          st.lists(st.integers(0, 50), min_size=3, max_size=3)),
                min_size=1, max_size=6),
       st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_backward_matches_central_differences_on_random_graphs(steps, p, q):
    g = _random_graph(steps, [p, q])
    bars = g.backward()
    numeric = numdiff.gradient(lambda v: float(_random_graph(steps, v).forward()),
                               np.array([p, q]))
    assert np.allclose([float(bars["p"]), float(bars["q"])], numeric, rtol=1e-5, atol=1e-7)
    by_list = graph.backprop(g.order, g.parents, g.local_derivatives())
    assert np.allclose([by_list["p"], by_list["q"]], [bars["p"], bars["q"]])


def test_mean_half_sq_err_averages_over_the_broadcast_difference():
    g = graph.Graph()
    g.input("y", 0.5)
    g.op("E", "mean_half_sq_err", "y", t=np.array([1.0, 2.0, 3.0, 4.0]))
    bars = g.backward()
    # E = mean over the 4 targets of (y - t)^2 / 2, so dE/dy = mean(y - t) = 0.5 - 2.5
    assert float(bars["y"]) == pytest.approx(-2.0)
    assert float(g.forward()) == pytest.approx(np.mean(0.5 * (0.5 - np.arange(1.0, 5.0)) ** 2))


_SHAPES = {"p": (3, 1), "q": (4,), "r": ()}
_BROADCAST_OPS = [("add", ("p", "q", "r"), {"weights": (0.5, -1.0, 2.0)}),
                  ("mul", ("p", "q"), {}), ("mul", ("r", "p"), {}),
                  ("scale", ("q",), {"c": -1.5}), ("linear", ("r", "q", "p"), {}),
                  ("sigmoid", ("p",), {}), ("half_sq", ("q",), {}), ("exp", ("p",), {}),
                  ("div", ("q", "p"), {}), ("div", ("r", "q"), {}),
                  ("mean_half_sq_err", ("q",), {"t": np.linspace(-1.0, 1.0, 12).reshape(3, 4)}),
                  ("mean_half_sq_err", ("r",), {"t": np.array([1.0, 2.0, 3.0, 4.0])})]


def _broadcast_graph(kind, parents, params, flat):
    g = graph.Graph()
    at = 0
    for name, shape in _SHAPES.items():
        size = int(np.prod(shape))
        g.input(name, flat[at:at + size].reshape(shape))
        at += size
    g.op("out", kind, *parents, **params)
    g.op("L", "mean_half_sq_err", "out", t=np.full((3, 4), 0.25))
    return g


@pytest.mark.parametrize("kind, parents, params", _BROADCAST_OPS,
                         ids=[f"{kind}-{'-'.join(parents)}" for kind, parents, _ in _BROADCAST_OPS])
def test_every_node_gradient_matches_central_differences_with_broadcasting(kind, parents, params):
    flat = np.random.default_rng(len(kind) + len(parents)).uniform(-1.5, 1.5, 3 + 4 + 1)
    with course.references_unlocked():
        bars = _broadcast_graph(kind, parents, params, flat).backward()
    numeric = numdiff.gradient(
        lambda v: float(_broadcast_graph(kind, parents, params, v).forward()), flat)
    at = 0
    for name, shape in _SHAPES.items():
        size = int(np.prod(shape))
        if name in parents:
            assert np.shape(bars[name]) == shape, f"{kind}: the bar of {name} has the wrong shape"
        np.testing.assert_allclose(np.broadcast_to(bars[name], shape).ravel(),
                                   numeric[at:at + size], rtol=1e-7, atol=1e-10,
                                   err_msg=f"{kind}: the bar of {name}")
        at += size


def test_exp_div_example_matches_complex_step():
    for a, b in ((0.7, -0.4), (-1.3, 2.5), (0.0, 1.0)):
        L, da, db = graph.exp_div_backward(a, b)
        f = lambda p: np.exp(p[0] * p[1]) / (np.exp(p[0] * p[1]) + p[1])  # noqa: E731
        exact = numdiff.complex_step_gradient(f, np.array([a, b]))
        np.testing.assert_allclose([da, db], exact, rtol=1e-13, atol=1e-15)
        assert L == pytest.approx(float(f(np.array([a, b]))), rel=1e-14)
