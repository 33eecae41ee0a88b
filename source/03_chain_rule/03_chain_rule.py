# Backprop Lab, notebook 3: the chain rule and computational graphs.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 3. The chain rule and computational graphs
#
# *Backpropagation is the chain rule, applied in the right order.*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 7, worth 18 points.
#
# **Loss:** half squared error with an L2 regulariser, $L = \frac1N \sum_n \tfrac12 (y_n - t_n)^2 + \tfrac{\lambda}{2} w^2$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md); the
# [course map](../../README.md#course-map) lists every notebook. Previous:
# [notebook 2](../02_gradient_descent/02_gradient_descent.ipynb); next:
# [notebook 4](../04_tanh_network/04_tanh_network.ipynb).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. run a forward and a backward pass by hand on a small graph, in bar notation
#    ([Checkpoint](#Checkpoint:-dJ/db-at-(5,-3,-2)-(1-point)),
#    [Exercise 1](#Exercise-1:-forward-and-backward-through-J-(3-points)));
# 2. write the backward pass for any graph given in topological order, adding up
#    contributions from several children ([Exercise 2](#Exercise-2:-the-backward-pass-(3-points)));
# 3. compute the regularised loss of a logistic neuron over a batch
#    ([Exercise 3](#Exercise-3:-the-neuron's-loss-(2-points)));
# 4. derive the backward pass through that neuron and see why backprop beats the naive
#    formula ([Exercise 4](#Exercise-4:-backprop-through-the-neuron-(5-points)),
#    [Checkpoint](#Checkpoint:-counting-sigmoids-(1-point)));
# 5. backpropagate through a graph with nodes you have not met
#    ([Exercise 5](#Exercise-5:-an-exp-and-a-division-(3-points))).
#
# **Prerequisites:** notebooks 1 and 2 (losses, the L2 regulariser, gradient checks,
# gradient descent); the sigmoid $\sigma(z) = 1/(1 + e^{-z})$. Its slope $\sigma'(z)$ is
# given here as `bp.activations.sigmoid_grad(z)`; notebook 5 asks you to derive it.
#
# The checks follow the course's policy: relative error, $10^{-9}$ against an exact value,
# $10^{-5}$ (or the numerical derivative's own error bound) against a central difference.

# %% setup id="setup"
import time

import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(3)

# %% [markdown]
# ## 1. The chain rule, one path
#
# If $f$ depends on $x$ and $x$ depends on $t$, a small change in $t$ moves $x$ by
# about $\frac{dx}{dt}$ times as much, and that moves $f$ by $\frac{df}{dx}$ times the
# change in $x$. The rates multiply:
#
# $$\frac{d}{dt} f\big(x(t)\big) = \frac{df}{dx}\,\frac{dx}{dt}.$$
#
# For $f(x) = \sin x$ and $x(t) = t^2$ that is $\cos(t^2) \cdot 2t$. A central
# difference agrees:

# %%
t_points = np.array([0.5, 1.0, 2.0])
print("chain rule:        ", np.cos(t_points ** 2) * 2 * t_points)
print("central difference:", bp.numdiff.derivative(lambda t: np.sin(t ** 2), t_points))

# %% [markdown]
# ## 2. Several paths: add them
#
# When $t$ reaches $f$ along several paths, say through $x(t)$ and $y(t)$, each path
# contributes the product of its rates, and the contributions **add**:
#
# $$\frac{d}{dt} f\big(x(t), y(t)\big) = \frac{\partial f}{\partial x}\frac{dx}{dt}
# + \frac{\partial f}{\partial y}\frac{dy}{dt}.$$
#
# You used this in notebook 2: $x$ reached Booth's function through both brackets.
# Here with $f = xy$, $x = \cos t$, $y = t^3$: $\;y \cdot (-\sin t) + x \cdot 3t^2$.

# %%
x_of_t, y_of_t = np.cos(t_points), t_points ** 3
print("sum over paths:    ", y_of_t * -np.sin(t_points) + x_of_t * 3 * t_points ** 2)
print("central difference:", bp.numdiff.derivative(lambda t: np.cos(t) * t ** 3, t_points))

# %% [markdown]
# ## 3. A computational graph
#
# A long formula is a chain of small operations. Writing each one as a **node**, with
# arrows from the nodes it uses (its **parents**) gives a **computational graph**. For
#
# $$J(a, b, c) = 3(a + bc)$$
#
# the nodes are the inputs $a, b, c$ and
#
# $$u = bc, \qquad v = a + u, \qquad J = 3v .$$
#
# The **forward pass** computes the nodes in **topological order**, every node after its
# parents: with $a = 5$, $b = 3$, $c = 2$ it gives $u = 6$, $v = 11$, $J = 33$.
#
# The **backward pass** goes the other way. Write $\bar v$ (read "v bar") for
# $\partial J / \partial v$, how much the output moves per unit change of node $v$. Start
# from $\bar J = 1$ and walk the nodes in reverse order; each node's bar is its child's
# bar times the **local derivative** of the child with respect to it. The first step:
# $J = 3v$, so $\partial J / \partial v = 3$ and $\bar v = 3 \bar J = 3$.
#
# Each local derivative involves one node and its parents only; the bars carry
# everything downstream. This is the same idea as the $\delta^l = \partial L / \partial z^l$
# of notebooks 4 to 7 (`dZ` in code): a delta is the bar of a layer's pre-activation,
# $\delta^l = \bar z^l$ (see the [notation](../../docs/notation.md)).

# %% [markdown]
# ### Checkpoint: dJ/db at (5, 3, 2) (1 point)
#
# Carry the backward pass on by hand, through $v = a + u$ and $u = bc$, to the input $b$.
# What is $\partial J / \partial b$ at $a = 5$, $b = 3$, $c = 2$? Write the number, run the
# test cell, which records it (the graded version judges it), then go on to Exercise 1,
# whose "Try it" computes it.

# %% solution id="predict_dJ_db"
# Your prediction, a number: replace the two lines below with  predicted_dJ_db = ...
### BEGIN SOLUTION
predicted_dJ_db = 6.0
### END SOLUTION

# %% tests id="predict_dJ_db__value" points=1
"""Your value of dJ/db at (a, b, c) = (5, 3, 2): recorded."""
bp.checks.predictions.recorded("predicted_dJ_db", globals())
### BEGIN HIDDEN TESTS
slope_check = float(bp.numdiff.derivative(lambda b: 3.0 * (5.0 + b * 2.0), np.array([3.0]))[0])
bp.checks.predictions.judged("predicted_dJ_db", globals(), slope_check, rel_tol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 1: forward and backward through J (3 points)
#
# Write `forward_backward_j(a, b, c)` returning `(J, dJ_da, dJ_db, dJ_dc)`.
#
# - `a`, `b`, `c` are floats or arrays whose shapes broadcast together; all four results
#   have the broadcast shape (so $\partial J / \partial a$ is an array full of 3s, not the
#   number 3, when the inputs are arrays);
# - compute the forward pass node by node ($u$, $v$, $J$), then the bars in reverse order
#   ($\bar J$, $\bar v$, $\bar u$, then $\bar a$, $\bar b$, $\bar c$), each as a child's bar
#   times a local derivative.
#
# <details><summary>Hint 1</summary>
#
# You need the local derivatives $\partial v / \partial u$, $\partial v / \partial a$,
# $\partial u / \partial b$ and $\partial u / \partial c$: the derivative of a sum, and of a
# product with respect to each of its factors.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\bar u$ and $\bar a$ both come from $\bar v$ (a sum passes its bar on unchanged);
# $\bar b$ and $\bar c$ both come from $\bar u$, each times the *other* factor.
# </details>
#
# <details><summary>Hint 3</summary>
#
# With arrays, make the constant derivative an array too, for example with
# `np.full(np.shape(J), 3.0)` or `np.ones_like(J)`, so that all four results have the
# broadcast shape.
# </details>

# %% solution id="forward_backward_j"
def forward_backward_j(a, b, c):
    """J = 3(a + bc) and its partial derivatives, by a forward and a backward pass.

    Parameters
    ----------
    a, b, c : ndarray of shapes that broadcast together (or floats)

    Returns
    -------
    J, dJ_da, dJ_db, dJ_dc : ndarray of the broadcast shape of a, b and c
    """
    ### BEGIN SOLUTION
    a, b, c = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                  np.asarray(c, dtype=float))
    u = b * c
    v = a + u
    J = 3.0 * v
    J_bar = np.ones_like(J)
    v_bar = J_bar * 3.0
    u_bar = v_bar * 1.0
    a_bar = v_bar * 1.0
    b_bar = u_bar * c
    c_bar = u_bar * b
    return J, a_bar, b_bar, c_bar
    ### END SOLUTION

# %% [markdown]
# Try it: at $(5, 3, 2)$ you should see $J = 33$ and your three derivatives (is the
# second one your checkpoint?), then four arrays of shape `(3,)`.

# %%
print(*[float(value) for value in forward_backward_j(5.0, 3.0, 2.0)])
print(*forward_backward_j(np.array([0.0, 1.0, 2.0]), 2.0, np.array([1.0, -1.0, 0.5])), sep="\n")

# %% tests id="forward_backward_j__values" points=1
"""forward_backward_j at a = 5, b = 3, c = 2."""
results = bp.checks.call("forward_backward_j", forward_backward_j, 5.0, 3.0, 2.0)
bp.checks.true(isinstance(results, (tuple, list)) and len(results) == 4,
              "forward_backward_j should return the four values (J, dJ_da, dJ_db, dJ_dc); "
              f"got {type(results).__name__}", "shape")
bp.checks.close("(J, dJ_da, dJ_db, dJ_dc) at (5, 3, 2)",
                np.array([np.squeeze(r) for r in results], dtype=float),
                np.array([33.0, 3.0, 6.0, 9.0]))

# %% tests id="forward_backward_j__matches_numerical" points=1
"""The three derivatives match a central-difference gradient of J."""
def j_check(p):
    return 3.0 * (p[0] + p[1] * p[2])

for point in (np.array([-1.5, 0.5, 4.0]), np.array([2.0, -3.0, -0.25])):
    results = bp.checks.call("forward_backward_j", forward_backward_j, *point)
    bp.checks.gradient(f"(dJ_da, dJ_db, dJ_dc) at (a, b, c) = ({point[0]:g}, {point[1]:g}, "
                      f"{point[2]:g})", np.array([np.squeeze(r) for r in results[1:]], dtype=float),
                      j_check, point)
### BEGIN HIDDEN TESTS
for point in bp.checks.testdata.points(2101, (3, 3), low=-4.0, high=4.0):
    results = bp.checks.call("forward_backward_j", forward_backward_j, *point)
    bp.checks.gradient("(dJ_da, dJ_db, dJ_dc) at a hidden point",
                      np.array([np.squeeze(r) for r in results[1:]], dtype=float), j_check, point)
### END HIDDEN TESTS

# %% tests id="forward_backward_j__arrays" points=1
"""forward_backward_j works elementwise on arrays, every result of the broadcast shape."""
a_check = np.array([0.0, 1.0, 2.0])
c_check = np.array([1.0, -1.0, 0.5])
results = bp.checks.call("forward_backward_j", forward_backward_j, a_check, 2.0, c_check)
bp.checks.true(isinstance(results, (tuple, list)) and len(results) == 4
               and all(np.shape(r) == (3,) for r in results),
               "forward_backward_j should return four arrays of the broadcast shape (3,); got "
               f"{[np.shape(r) for r in results] if isinstance(results, (tuple, list)) else results!r:.100}",
               "shape")
bp.checks.close("J for a, c of shape (3,) and b = 2", results[0], np.array([6.0, -3.0, 9.0]))
for n in range(3):
    bp.checks.gradient(f"(dJ_da, dJ_db, dJ_dc)[{n}] for a, c of shape (3,) and b = 2",
                       np.array([results[1][n], results[2][n], results[3][n]], dtype=float),
                       lambda q: 3.0 * (q[0] + q[1] * q[2]), np.array([a_check[n], 2.0, c_check[n]]))
### BEGIN HIDDEN TESTS
a_check, b_check = bp.checks.testdata.points(2102, (2, 4, 1))
c_check = bp.checks.testdata.points(2103, (3,))
results = bp.checks.call("forward_backward_j", forward_backward_j, a_check, b_check, c_check)
expected = bp.checks.testdata.expected(bp.graph.forward_backward_j, a_check, b_check, c_check)
for result_name, result, right in zip(("J", "dJ_da", "dJ_db", "dJ_dc"), results, expected):
    bp.checks.close(f"{result_name} for hidden inputs broadcasting to (4, 3)", result, right)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** The whole backward pass of $J$, one row per node:
#
# | node | local derivative | bar | at (5, 3, 2) |
# | --- | --- | --- | --- |
# | $J = 3v$ | | $\bar J = 1$ | 1 |
# | $v = a + u$ | $\partial J / \partial v = 3$ | $\bar v = 3 \bar J$ | 3 |
# | $u = bc$ | $\partial v / \partial u = 1$ | $\bar u = \bar v$ | 3 |
# | $a$ | $\partial v / \partial a = 1$ | $\bar a = \bar v$ | 3 |
# | $b$ | $\partial u / \partial b = c$ | $\bar b = \bar u\, c$ | 6 |
# | $c$ | $\partial u / \partial c = b$ | $\bar c = \bar u\, b$ | 9 |
#
# so $\partial J/\partial a = 3$, $\partial J/\partial b = 3c$ and $\partial J/\partial c = 3b$.
# Here is the graph with every value and every bar, and on each arrow its local
# derivative:

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    bp.explore.graph.draw_j(ax, 5.0, 3.0, 2.0)
    plt.show()

# %% [markdown]
# ## 4. The backward pass as an algorithm
#
# Nothing in the table was special to $J$. For any graph with nodes
# $v_1, \dots, v_N$ in topological order and the output $L = v_N$:
#
# - **forward:** for $i = 1, \dots, N$, compute $v_i$ from its parents;
# - **backward:** set $\bar v_N = 1$ and every other bar to 0; for $i = N, \dots, 1$, pass
#   to each parent $p$ of $v_i$ the amount $\bar v_i \, \partial v_i / \partial p$,
#   **adding** it to $\bar p$.
#
# Visiting nodes in reverse topological order guarantees that when a node is visited,
# every child has already handed over its share, so its bar is complete:
#
# $$\bar v_i = \sum_{j \,\in\, \text{children}(i)} \bar v_j \,\frac{\partial v_j}{\partial v_i}.$$
#
# That sum is the multivariable chain rule of section 2, and it is why the update is
# `+=`: a node used twice (like $w$ below, in the neuron and in the regulariser)
# collects from both uses. `bp.graph` describes a graph with three plain Python objects:

# %%
g = bp.graph.j_graph(5.0, 3.0, 2.0)
print("order:  ", g.order)
print("parents:", g.parents)
print("local:  ", {name: tuple(float(d) for d in ds) for name, ds in g.local_derivatives().items()})

# %% [markdown]
# ### Exercise 2: the backward pass (3 points)
#
# Write `backprop(order, parents, local)` returning a dict that maps every node name to its
# bar value $\partial L / \partial v$.
#
# - `order`: list of node names in topological order, the output last;
# - `parents[name]`: tuple of that node's parents (empty for an input);
# - `local[name]`: tuple of the local derivatives $\partial\, \text{name} / \partial\, \text{parent}$,
#   in the same order as `parents[name]`;
# - the output's bar is 1; every other node's bar is the sum over its children.

# %% solution id="backprop"
def backprop(order, parents, local):
    """Bar values of every node, by one pass over the nodes in reverse topological order.

    Parameters
    ----------
    order : list of str
        Node names, parents before children; the last one is the output L.
    parents : dict of str to tuple of str
    local : dict of str to tuple of float
        local[name][k] is d name / d parents[name][k].

    Returns
    -------
    dict of str to float
        dL/d(node) for every node in order.
    """
    ### BEGIN SOLUTION
    bar = {name: 0.0 for name in order}
    bar[order[-1]] = 1.0
    for name in reversed(order):
        for parent, d in zip(parents[name], local[name]):
            bar[parent] += bar[name] * d
    return bar
    ### END SOLUTION

# %% [markdown]
# Try it: on the graph of $J$ you should see the bars of the table,
# `{'a': 3.0, 'b': 6.0, 'c': 9.0, 'u': 3.0, 'v': 3.0, 'J': 1.0}`.

# %%
bars = backprop(g.order, g.parents, g.local_derivatives())
print({name: float(value) for name, value in bars.items()})

# %% tests id="backprop__j_graph" points=1
"""backprop gives the bars of J = 3(a + bc)."""
graph_check = bp.graph.j_graph(5.0, 3.0, 2.0)
bp.checks.mapping("the bars of J at (5, 3, 2)",
                  bp.checks.call("backprop", backprop, *graph_check.backprop_inputs()),
                  {"a": 3.0, "b": 6.0, "c": 9.0, "u": 3.0, "v": 3.0, "J": 1.0})
### BEGIN HIDDEN TESTS
graph_check = bp.graph.j_graph(-1.25, 0.5, 3.5)
bp.checks.mapping("the bars of J at a hidden point",
                 bp.checks.call("backprop", backprop, *graph_check.backprop_inputs()),
                 bp.checks.testdata.expected(bp.graph.backprop, *graph_check.backprop_inputs()))
### END HIDDEN TESTS

# %% tests id="backprop__shared_node" points=2
"""backprop adds up the contributions of a node used twice."""
# x feeds p and q, p feeds q and L: by hand, L-bar = 1, q-bar = 4, p-bar = 1 + 4 * 0.5 = 3,
# x-bar = 3 * 2 + 4 * 3 = 18, y-bar = 3 * -1 = -3.
order_check = ["x", "y", "p", "q", "L"]
parents_check = {"x": (), "y": (), "p": ("x", "y"), "q": ("x", "p"), "L": ("p", "q")}
local_check = {"x": (), "y": (), "p": (2.0, -1.0), "q": (3.0, 0.5), "L": (1.0, 4.0)}
bp.checks.mapping("the bars of a graph where x and p each have two children",
                  bp.checks.call("backprop", backprop, order_check, parents_check, local_check),
                  {"x": 18.0, "y": -3.0, "p": 3.0, "q": 4.0, "L": 1.0})
### BEGIN HIDDEN TESTS
graph_check = bp.graph.neuron_graph(0.8, -0.3, 1.5, 1.0, 0.2)
bp.checks.mapping("the bars of the regularised neuron (w feeds z and R)",
                  bp.checks.call("backprop", backprop, *graph_check.backprop_inputs()),
                  bp.checks.testdata.expected(bp.graph.backprop, *graph_check.backprop_inputs()))
graph_check = bp.graph.Graph()
graph_check.input("p", 0.7)
graph_check.input("q", -1.3)
graph_check.op("pp", "mul", "p", "p")
graph_check.op("s", "sigmoid", "pp")
graph_check.op("m", "mul", "s", "q")
graph_check.op("out", "add", "m", "pp", "p", weights=(1.0, 0.5, -2.0))
graph_check.forward()
bp.checks.mapping("the bars of a hidden graph where one node has three children",
                 bp.checks.call("backprop", backprop, *graph_check.backprop_inputs()),
                 bp.checks.testdata.expected(bp.graph.backprop, *graph_check.backprop_inputs()))
### END HIDDEN TESTS

# %% [markdown]
# ## 5. A logistic neuron with an L2 regulariser
#
# Now a model. One input $x$, one weight $w$, one bias $b$, a sigmoid, and the half
# squared error against the target $t$, plus notebook 1's regulariser on the weight:
#
# $$z = wx + b, \qquad \hat y = \sigma(z), \qquad
# L = \tfrac12 (\hat y - t)^2 + \tfrac{\lambda}{2} w^2 .$$
#
# With a batch of $N$ examples $(x_n, t_n)$, the data part is the **mean** of the
# per-example losses, and the regulariser, which belongs to the weight and not to any
# example, is added **once**:
#
# $$L = \frac{1}{N}\sum_{n=1}^{N} \tfrac12\big(\sigma(w x_n + b) - t_n\big)^2
# + \tfrac{\lambda}{2} w^2 .$$

# %% [markdown]
# ### Exercise 3: the neuron's loss (2 points)
#
# Write `neuron_loss(w, b, x, t, lam)`, the forward pass.
#
# - `w`, `b`, `lam` are floats; `x` and `t` are floats (one example) or arrays of shape
#   `(N,)`;
# - return a float: the mean over examples of $\tfrac12(\hat y - t)^2$, plus
#   $\tfrac{\lambda}{2} w^2$ once;
# - you may use `bp.activations.sigmoid`.

# %% solution id="neuron_loss"
def neuron_loss(w, b, x, t, lam):
    """The regularised loss of the logistic neuron on a batch, as a float.

    w, b and lam are floats; x and t are one example (floats) or N of them (arrays of
    shape (N,)). The loss is the mean of (sigmoid(w x + b) - t)**2 / 2 over the examples,
    plus lam * w**2 / 2.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    y_hat = bp.activations.sigmoid(w * x + b)
    return float(np.mean(0.5 * (y_hat - t) ** 2) + 0.5 * lam * w ** 2)
    ### END SOLUTION

# %% [markdown]
# Try it: with $w = b = 0$ the neuron says $\hat y = 0.5$ whatever the input, so against
# $t = 1$ the loss is $\tfrac12 \cdot 0.25 = 0.125$. Then a batch of three: `0.1008...`.

# %%
print(neuron_loss(0.0, 0.0, 2.0, 1.0, 0.1))
print(neuron_loss(0.5, 0.1, np.array([1.0, -2.0, 0.5]), np.array([1.0, 0.0, 1.0]), 0.3))

# %% tests id="neuron_loss__one_example" points=1
"""neuron_loss of one example."""
bp.checks.close("neuron_loss(0.8, -0.3, 1.5, 1.0, 0.2)",
                bp.checks.call("neuron_loss", neuron_loss, 0.8, -0.3, 1.5, 1.0, 0.2),
                0.1057750950163663)

# %% tests id="neuron_loss__batch" points=1
"""neuron_loss averages over examples and adds the regulariser once."""
x_check = np.array([1.0, -2.0, 0.5, 3.0])
t_check = np.array([1.0, 0.0, 1.0, 0.0])
bp.checks.close("neuron_loss(0.5, 0.1, x, t, 0.3) for 4 examples",
                bp.checks.call("neuron_loss", neuron_loss, 0.5, 0.1, x_check, t_check, 0.3),
                0.17153115782641415, terms={"the regulariser lam * w**2 / 2": 0.5 * 0.3 * 0.5 ** 2})
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.probabilities(2301, (9,))
x_check = 4.0 * x_check - 2.0
bp.checks.close("neuron_loss on a hidden batch of 9",
               bp.checks.call("neuron_loss", neuron_loss, -1.2, 0.4, x_check, t_check, 0.7),
               bp.checks.testdata.expected(bp.graph.neuron_loss, -1.2, 0.4, x_check, t_check, 0.7),
               terms={"the regulariser lam * w**2 / 2": 0.5 * 0.7 * 1.2 ** 2})
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Two ways to the gradient
#
# **The naive way** differentiates the whole expression at once: the chain rule applied
# to the square, then to $\sigma$, then to $wx + b$, written out once for
# $\partial L / \partial w$ and once more for $\partial L / \partial b$. Both formulas contain
# $\sigma(wx + b)$ and its slope $\sigma'(wx + b)$. Written as they stand, each recomputes
# what the other already knew, and the work grows with every layer you add.
#
# **Backprop** computes each quantity once. The graph has the nodes
#
# $$z = wx + b, \quad \hat y = \sigma(z), \quad E = \tfrac12 (\hat y - t)^2, \quad
# R = \tfrac12 w^2, \quad L = E + \lambda R,$$
#
# and the backward pass walks them in reverse, from $\bar L = 1$, each bar computed once
# from the bars already known. $w$ has two children, $z$ and $R$, so $\bar w$ collects two
# contributions. With $N$ examples, $E$ is the mean of the per-example terms, and $w$ and
# $b$ feed every example's $z_n$.

# %% [markdown]
# ### Exercise 4: backprop through the neuron (5 points)
#
# Write `neuron_backward(w, b, x, t, lam)` returning `(dL_dw, dL_db)` for the loss of
# Exercise 3.
#
# - inputs as in Exercise 3: `x` and `t` may be arrays of $N$ examples, and then the loss
#   is the **mean** of the per-example losses plus the regulariser **once**;
# - return two floats;
# - derive the bars and follow them: forward pass ($z$, $\hat y$), then $\bar{\hat y}$, $\bar z$,
#   $\bar w$, $\bar b$, each computed once, vectorised over the examples (no Python loop);
# - no numerical differentiation; `bp.activations.sigmoid_grad(z)` gives the sigmoid's
#   slope $\sigma'(z)$ (notebook 5 derives its formula).
#
# <details><summary>Hint 1</summary>
#
# Start with one example and $\lambda = 0$: $\bar L = 1$ gives $\bar E$ and $\bar R$ (the
# local derivatives of $L = E + \lambda R$), then $\bar{\hat y}$ from $E = \tfrac12 (\hat y - t)^2$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\bar z = \bar{\hat y} \cdot \sigma'(z)$, and `bp.activations.sigmoid_grad(z)` computes
# $\sigma'(z)$. From $z = wx + b$: $\partial z/\partial w = x$, $\partial z/\partial b = 1$.
# </details>
#
# <details><summary>Hint 3</summary>
#
# $\bar w$ = (what comes through $z$) + (what comes through $R$, which is $\bar R$ times
# $\partial R / \partial w$). With $N$ examples each per-example term of $E$ is divided by
# $N$, and $w$, $b$ collect a sum over the examples of what each $z_n$ hands back.
# </details>

# %% solution id="neuron_backward"
def neuron_backward(w, b, x, t, lam):
    """The pair of floats (dL_dw, dL_db) for L = neuron_loss(w, b, x, t, lam), by backprop.

    Arguments as for neuron_loss.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    n_examples = x.size
    z = w * x + b
    y_hat = bp.activations.sigmoid(z)
    y_hat_bar = (y_hat - t) / n_examples
    z_bar = y_hat_bar * bp.activations.sigmoid_grad(z)
    w_bar = np.sum(z_bar * x) + lam * w
    b_bar = np.sum(z_bar)
    return float(w_bar), float(b_bar)
    ### END SOLUTION

# %% [markdown]
# Try it: your gradient for a batch of three, next to the slopes of your `neuron_loss`
# measured by nudging $w$ and then $b$. They should agree to the digits shown.

# %%
x_try, t_try = np.array([1.0, -2.0, 0.5]), np.array([1.0, 0.0, 1.0])
print("your (dL_dw, dL_db):", *[f"{float(g):.6f}" for g in neuron_backward(0.5, 0.1, x_try, t_try, 0.3)])
slope_w = (neuron_loss(0.5 + 1e-6, 0.1, x_try, t_try, 0.3)
           - neuron_loss(0.5 - 1e-6, 0.1, x_try, t_try, 0.3)) / 2e-6
slope_b = (neuron_loss(0.5, 0.1 + 1e-6, x_try, t_try, 0.3)
           - neuron_loss(0.5, 0.1 - 1e-6, x_try, t_try, 0.3)) / 2e-6
print("slopes of the loss: ", f"{slope_w:.6f}", f"{slope_b:.6f}")

# %% tests id="neuron_backward__one_example" points=1
"""neuron_backward matches a central-difference gradient for one example."""
for lam_check in (0.0, 0.2):
    grads = bp.checks.call("neuron_backward", neuron_backward, 0.8, -0.3, 1.5, 1.0, lam_check)
    bp.checks.true(isinstance(grads, (tuple, list)) and len(grads) == 2,
                  f"neuron_backward should return the pair (dL_dw, dL_db); got {grads!r:.100}",
                  "shape")
    bp.checks.gradient(f"(dL_dw, dL_db) at w = 0.8, b = -0.3, x = 1.5, t = 1, lam = {lam_check}",
                      np.array([np.squeeze(g) for g in grads], dtype=float),
                      lambda p: bp.graph.neuron_loss(p[0], p[1], 1.5, 1.0, lam_check),
                      np.array([0.8, -0.3]),
                      terms={"the regulariser's gradient lam * w": np.array([lam_check * 0.8, 0.0])})

# %% tests id="neuron_backward__batch" points=2
"""neuron_backward on a batch: the mean over examples, and the regulariser once."""
def neuron_backward_check(name, w, b, x, t, lam):
    grads = bp.checks.call("neuron_backward", neuron_backward, w, b, x, t, lam)
    bp.checks.true(isinstance(grads, (tuple, list)) and len(grads) == 2,
                  f"neuron_backward should return the pair (dL_dw, dL_db); got {grads!r:.100}",
                  "shape")
    bp.checks.gradient(name, np.array([np.squeeze(g) for g in grads], dtype=float),
                      lambda p: bp.graph.neuron_loss(p[0], p[1], x, t, lam), np.array([w, b]),
                      terms={"the regulariser's gradient lam * w": np.array([lam * w, 0.0])},
                      batch_size=np.size(x))

neuron_backward_check("(dL_dw, dL_db) for 4 examples", 0.5, 0.1, np.array([1.0, -2.0, 0.5, 3.0]),
                      np.array([1.0, 0.0, 1.0, 0.0]), 0.3)
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.probabilities(2401, (12,))
neuron_backward_check("(dL_dw, dL_db) for a hidden batch of 12", -1.1, 0.35,
                      6.0 * x_check - 3.0, t_check, 0.45)
x_check, t_check = bp.checks.testdata.probabilities(2402, (5,))
neuron_backward_check("(dL_dw, dL_db) for a hidden batch of 5, lam = 0", 2.0, -0.5,
                      2.0 * x_check, t_check, 0.0)
### END HIDDEN TESTS

# %% tests id="neuron_backward__regulariser" points=1
"""The regulariser adds lam * w to dL_dw, once, and nothing to dL_db."""
def regulariser_check(w, x, t, lam):
    with_reg = bp.checks.call("neuron_backward", neuron_backward, w, 0.2, x, t, lam)
    without = bp.checks.call("neuron_backward", neuron_backward, w, 0.2, x, t, 0.0)
    bp.checks.close(f"the change in (dL_dw, dL_db) when lam goes from 0 to {lam} "
                   f"(w = {w}, {np.size(x)} examples)",
                   np.array(with_reg, dtype=float) - np.array(without, dtype=float),
                   np.array([lam * w, 0.0]), batch_size=np.size(x))

regulariser_check(1.5, np.array([0.3, -1.0, 2.0]), np.array([1.0, 0.0, 0.0]), 0.4)
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.probabilities(2403, (7,))
regulariser_check(-0.75, 3.0 * x_check, t_check, 0.9)
### END HIDDEN TESTS

# %% tests id="neuron_backward__exact" points=1
"""neuron_backward is exact, where a finite difference is visibly off."""
grads = bp.checks.call("neuron_backward", neuron_backward, 400.0, 0.5,
                       np.array([0.001, -0.002, 0.0035]), np.array([1.0, 0.0, 1.0]), 1.0)
bp.checks.formula("(dL_dw, dL_db) at w = 400, lam = 1, where the loss is about 80000 (a central "
                  "difference of dL_db is off by about 1e-5 here; backprop is exact)",
                  np.array(grads, dtype=float), np.array([399.99989366597276, 0.00996846231967019]),
                  batch_size=3)
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.probabilities(2404, (6,))
x_check = 0.004 * x_check - 0.002
bp.checks.formula("(dL_dw, dL_db) at a hidden large w",
                  np.array(bp.checks.call("neuron_backward", neuron_backward, -650.0, 0.2, x_check,
                                          t_check, 2.0), dtype=float),
                  np.array(bp.checks.testdata.expected(bp.graph.neuron_backward, -650.0, 0.2,
                                                       x_check, t_check, 2.0)), batch_size=6)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Walking the graph backward, for one example:
#
# $$\bar L = 1, \quad \bar E = 1, \quad \bar R = \lambda, \quad
# \bar{\hat y} = \bar E\,(\hat y - t), \quad \bar z = \bar{\hat y}\, \sigma'(z),$$
# $$\bar w = \bar z\, x + \bar R\, w = \bar z\, x + \lambda w, \qquad \bar b = \bar z .$$
#
# $w$ has two children, $z$ and $R$, so $\bar w$ is a sum of two terms: the second is the
# regulariser's gradient $\lambda w$, exactly the term that is easy to forget. With $N$
# examples, $E$ is a mean, so $\bar{\hat y}_n = (\hat y_n - t_n)/N$, and $w$ and $b$ feed every
# example's $z_n$: their bars sum over examples,
#
# $$\bar w = \sum_n \bar z_n x_n + \lambda w, \qquad \bar b = \sum_n \bar z_n ,$$
#
# in code `z_bar = y_hat_bar * bp.activations.sigmoid_grad(z)`,
# `w_bar = np.sum(z_bar * x) + lam * w`. The naive
# way writes the same thing as one formula per parameter,
#
# $$\frac{\partial L}{\partial w} = \frac1N \sum_n \big(\sigma(wx_n + b) - t_n\big)\,
# \sigma'(wx_n + b)\,x_n + \lambda w, \qquad
# \frac{\partial L}{\partial b} = \frac1N \sum_n \big(\sigma(wx_n + b) - t_n\big)\,
# \sigma'(wx_n + b).$$
#
# Here is the graph for one example, every node with its value and its bar:

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    fig, ax = plt.subplots(figsize=(10, 4.2), layout="constrained")
    bp.explore.graph.draw_neuron(ax, w=0.8, b=-0.3, x=1.5, t=1.0, lam=0.2)
    plt.show()

# %% [markdown]
# ## 7. How much work does backprop save?
#
# The next cell writes the naive formulas exactly as printed above, in NumPy over a
# batch of 200,000 examples, with a counter on every call of the sigmoid.

# %% [markdown]
# ### Checkpoint: counting sigmoids (1 point)
#
# Count the $\sigma$ and $\sigma'$ in the two naive formulas, each evaluated where it
# appears, over the whole batch at once. How many passes of $\sigma$ or $\sigma'$ over the
# batch does computing both derivatives take? (Your backprop takes two: $\sigma(z)$ in the
# forward pass, $\sigma'(z)$ in the backward pass.) Write the number, run the test cell,
# which records it (the graded version judges it), then the demo.

# %% solution id="predict_sigmoid_calls"
# Your prediction, a whole number: replace the two lines below with  predicted_sigmoid_calls = ...
### BEGIN SOLUTION
predicted_sigmoid_calls = 4
### END SOLUTION

# %% tests id="predict_sigmoid_calls__value" points=1
"""Your count of the passes of the sigmoid and its slope in the two naive formulas: recorded."""
bp.checks.predictions.recorded("predicted_sigmoid_calls", globals(), whole=True)
### BEGIN HIDDEN TESTS
calls_check = []


def counted_check(function):
    def counted(z):
        calls_check.append(1)
        return function(z)
    return counted


sigma_check, slope_check = counted_check(bp.activations.sigmoid), counted_check(bp.activations.sigmoid_grad)
x_sig_check, w_sig_check, b_sig_check, t_sig_check = np.linspace(-1.0, 1.0, 5), 0.5, 0.1, 1.0
[np.mean((sigma_check(w_sig_check * x_sig_check + b_sig_check) - t_sig_check)
         * slope_check(w_sig_check * x_sig_check + b_sig_check) * factor)
 for factor in (x_sig_check, 1.0)]
bp.checks.predictions.judged("predicted_sigmoid_calls", globals(), len(calls_check), whole=True)
### END HIDDEN TESTS

# %% [markdown]
# The naive formulas, with the counter. They agree with your backprop to rounding:

# %%
if not bp.grading():  # work that earns no points: the graded run skips it
    sigmoid_calls = {"count": 0}

    def counted_sigmoid(z):
        """bp.activations.sigmoid, counting its passes over the batch."""
        sigmoid_calls["count"] += 1
        return bp.activations.sigmoid(z)

    def counted_slope(z):
        """bp.activations.sigmoid_grad, counting its passes over the batch."""
        sigmoid_calls["count"] += 1
        return bp.activations.sigmoid_grad(z)

    def naive_gradients(w, b, x, t, lam):
        """The naive derivation's two formulas, each evaluated as written."""
        dL_dw = np.mean((counted_sigmoid(w * x + b) - t) * counted_slope(w * x + b) * x) + lam * w
        dL_db = np.mean((counted_sigmoid(w * x + b) - t) * counted_slope(w * x + b))
        return float(dL_dw), float(dL_db)

    x_many = rng.normal(size=200_000)
    t_many = (x_many > 0).astype(float)
    print("naive:   ", naive_gradients(0.5, 0.1, x_many, t_many, 0.3))
    print("backprop:", neuron_backward(0.5, 0.1, x_many, t_many, 0.3))
    print("passes of the sigmoid or its slope over the whole batch: naive", sigmoid_calls["count"],
          "per gradient, backprop 2")

# %% [markdown]
# Four passes over the batch against two (in each formula, $\sigma$ once in the error and
# $\sigma'$ once), and the products $(\hat y - t)\,\sigma'$ formed twice against once. The time
# follows:

# %% timing
if not bp.grading():  # a measurement of this machine earns no points: the graded run skips it
    def best_time(function, repeats=3):
        """Fastest of a few runs of function(), in milliseconds."""
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return 1000 * min(times)

    naive_ms = best_time(lambda: naive_gradients(0.5, 0.1, x_many, t_many, 0.3))
    backprop_ms = best_time(lambda: neuron_backward(0.5, 0.1, x_many, t_many, 0.3))
    print(f"naive {naive_ms:.1f} ms, backprop {backprop_ms:.1f} ms on {x_many.size} examples: "
          f"{naive_ms / backprop_ms:.1f} times faster")

# %% [markdown]
# One neuron saves about the factor the counts predict (the last line prints it for your
# machine). In a network,
# the naive formula for a weight in the first layer repeats the whole chain of every later
# layer, once per weight; backprop computes each bar once and shares it with every weight
# below. The cost of all the gradients together becomes a small constant multiple of one
# forward pass, typically two to three times its cost (each layer's backward step does
# about twice the arithmetic of its forward step: one product for the bars of its inputs,
# one for its weights), whatever the number of weights. That is what makes training large
# networks possible.

# %% [markdown]
# ## 8. A graph with an exponential and a division
#
# Backprop needs nothing but each node's local derivatives. Here is a graph with two kinds
# of node the course has not used yet:
#
# $$p = ab, \qquad q = e^{p}, \qquad r = q + b, \qquad L = \frac{q}{r},$$
#
# so $L = e^{ab} / (e^{ab} + b)$. Two nodes have two children: $b$ feeds $p$ and $r$, and
# $q$ feeds $r$ and $L$. No cell of the course shows its gradient.

# %% [markdown]
# ### Exercise 5: an exp and a division (3 points)
#
# Write `exp_div_backward(a, b)` returning `(L, dL_da, dL_db)` as three floats: the forward
# pass node by node, then the bars in reverse order. Derive each local derivative
# yourself; no numerical differentiation. Hidden tests check exactness at $10^{-12}$.
#
# <details><summary>Hint 1</summary>
#
# Order: $a, b, p, q, r, L$. Backward: $\bar L = 1$, then $\bar r$, $\bar q$, $\bar p$,
# $\bar b$, $\bar a$. Which of them receive from two children?
# </details>
#
# <details><summary>Hint 2</summary>
#
# The derivative of $e^{p}$ is $e^{p}$ itself, which the forward pass already holds in
# $q$. For $L = q / r$, treat it as $q \cdot r^{-1}$ and differentiate with respect to each.
# </details>
#
# <details><summary>Hint 3</summary>
#
# $\bar q$ gets one share from $L$ ($\bar L$ times $\partial L/\partial q$) and one from $r$
# ($\bar r$ times 1); $\bar b$ gets one from $p$ and one from $r$.
# </details>

# %% solution id="exp_div_backward"
def exp_div_backward(a, b):
    """For floats a and b, the three floats (L, dL_da, dL_db), by a backward pass.

    L = exp(ab) / (exp(ab) + b); dL_da and dL_db are its partial derivatives.
    """
    ### BEGIN SOLUTION
    p = a * b
    q = np.exp(p)
    r = q + b
    L = q / r
    L_bar = 1.0
    r_bar = L_bar * (-q / r ** 2)
    q_bar = L_bar * (1.0 / r) + r_bar * 1.0
    p_bar = q_bar * q
    a_bar = p_bar * b
    b_bar = p_bar * a + r_bar * 1.0
    return float(L), float(a_bar), float(b_bar)
    ### END SOLUTION

# %% [markdown]
# Try it: at $a = 0$, $b = 1$ you should see $L = 0.5$; then your derivatives next to the
# slopes of $L$ measured by nudging $a$ and then $b$ at $(0.7, -0.4)$.

# %%
print(f"{exp_div_backward(0.0, 1.0)[0]:.6f}")
L_of = lambda a, b: np.exp(a * b) / (np.exp(a * b) + b)  # noqa: E731
print("your (dL_da, dL_db):", *[f"{float(g):.6f}" for g in exp_div_backward(0.7, -0.4)[1:]])
print("slopes of L:        ", f"{(L_of(0.7 + 1e-6, -0.4) - L_of(0.7 - 1e-6, -0.4)) / 2e-6:.6f}",
      f"{(L_of(0.7, -0.4 + 1e-6) - L_of(0.7, -0.4 - 1e-6)) / 2e-6:.6f}")

# %% tests id="exp_div_backward__matches_numerical" points=2
"""exp_div_backward's L and derivatives match the function and a central difference."""
def exp_div_check(point):
    results = bp.checks.call("exp_div_backward", exp_div_backward, point[0], point[1])
    bp.checks.true(isinstance(results, (tuple, list)) and len(results) == 3,
                   "exp_div_backward should return the three values (L, dL_da, dL_db); got "
                   f"{results!r:.100}", "shape")
    L_exact = np.exp(point[0] * point[1]) / (np.exp(point[0] * point[1]) + point[1])
    bp.checks.close(f"L at (a, b) = ({point[0]:g}, {point[1]:g})", float(np.squeeze(results[0])),
                    L_exact)
    bp.checks.gradient(f"(dL_da, dL_db) at (a, b) = ({point[0]:g}, {point[1]:g})",
                       np.array([np.squeeze(r) for r in results[1:]], dtype=float),
                       lambda q: np.exp(q[0] * q[1]) / (np.exp(q[0] * q[1]) + q[1]), point)

for point in (np.array([0.7, -0.4]), np.array([-1.3, 2.5]), np.array([0.5, 0.5])):
    exp_div_check(point)
### BEGIN HIDDEN TESTS
for point in bp.checks.testdata.points(2501, (3, 2), low=0.2, high=1.5):
    exp_div_check(point)
### END HIDDEN TESTS

# %% tests id="exp_div_backward__exact" points=1
"""exp_div_backward is exact, not a finite-difference estimate."""
results = bp.checks.call("exp_div_backward", exp_div_backward, 1.5, -0.2)
bp.checks.true(isinstance(results, (tuple, list)) and len(results) == 3
               and all(np.ndim(r) == 0 for r in results),
               f"exp_div_backward should return three numbers; got {results!r:.100}", "shape")
bp.checks.formula("(dL_da, dL_db) at (a, b) = (1.5, -0.2), to the last digits",
                  np.array([np.squeeze(r) for r in results[1:]], dtype=float),
                  np.array(bp.checks.testdata.expected(bp.graph.exp_div_backward, 1.5, -0.2)[1:]))
### BEGIN HIDDEN TESTS
for a_check, b_check in ((1.5, -0.2), (-0.8, 3.0), (2.0, 0.75)):
    results = bp.checks.call("exp_div_backward", exp_div_backward, a_check, b_check)
    bp.checks.formula(f"(dL_da, dL_db) at hidden (a, b) = ({a_check:g}, {b_check:g})",
                      np.array([np.squeeze(r) for r in results[1:]], dtype=float),
                      np.array(bp.checks.testdata.expected(bp.graph.exp_div_backward,
                                                           a_check, b_check)[1:]))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** With $\partial e^{p}/\partial p = e^{p} = q$,
# $\partial (q/r)/\partial q = 1/r$ and $\partial (q/r)/\partial r = -q/r^2$:
#
# $$\bar r = -\frac{q}{r^2}, \quad \bar q = \frac{1}{r} + \bar r, \quad \bar p = \bar q\, q,
# \quad \bar a = \bar p\, b, \quad \bar b = \bar p\, a + \bar r .$$
#
# Two of those lines add two contributions, $\bar q$ and $\bar b$: forget one and the check
# names a wrong value. The graph, drawn by the package:

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
    bp.explore.graph.draw_graph(bp.graph.exp_div_graph(0.7, -0.4), ax=ax)
    plt.show()

# %% [markdown]
# ## 9. Explore
#
# Move the neuron's weight, bias, input, target and $\lambda$, and watch every node's value
# and bar change. Things to look for: $\bar R$ is always $\lambda$; with $\lambda = 0$,
# $\bar w = \bar z\, x$ exactly; when $\hat y$ is near 0 or 1, $\sigma'$ is tiny and $\bar z$
# almost vanishes even when $\hat y$ is badly wrong (a first sight of vanishing gradients).

# %%
bp.explore.graph.graph_explorer("neuron")

# %% [markdown]
# The same for $J = 3(a + bc)$: $\bar a$ never moves from 3, while $\bar b$ follows $c$ and
# $\bar c$ follows $b$.

# %%
bp.explore.graph.graph_explorer("j")

# %% [markdown]
# ## Summary
#
# - Chain rule: rates multiply along a path and add over paths.
# - A computational graph lists small operations in topological order. The forward pass
#   computes values first to last; the backward pass computes bars
#   $\bar v = \partial L / \partial v$ last to first, starting from $\bar L = 1$.
# - Each node hands its parents $\bar v \cdot$ (local derivative), and a node with several
#   children adds what it receives: `+=`, the multivariable chain rule.
# - The bar of a layer's pre-activation is what notebooks 4 to 7 call its delta,
#   $\delta^l = \partial L / \partial z^l = \bar z^l$ (`dZ` in code).
# - For the regularised neuron: $\bar{\hat y} = (\hat y - t)/N$, $\bar z = \bar{\hat y}\, \sigma'(z)$,
#   $\bar w = \sum_n \bar z_n x_n + \lambda w$, $\bar b = \sum_n \bar z_n$.
# - Any node works as long as you know its local derivatives: $e^{p}$ hands back
#   $\bar q\, q$, a division $q/r$ hands back $\bar L / r$ and $-\bar L\, q / r^2$.
# - Backprop computes every shared quantity once; the naive formula recomputes it in
#   every derivative. All the gradients cost a small multiple (two to three times) of one
#   forward pass.
#
# ## Going further
#
# - Build your own graph with `bp.graph.Graph()` (`input`, `op`, `forward`) and draw it
#   with `bp.explore.graph.draw_graph`: try $L = \sigma(a b) + a^2$.
# - Automatic differentiation libraries (PyTorch's autograd, JAX) record exactly this kind
#   of graph while your code runs and then call the backward pass for you.
# - Next: [**notebook 4**](../04_tanh_network/04_tanh_network.ipynb) does this for a 2-2-1
#   tanh network, one weight at a time, and calls the bar of a pre-activation its delta.
