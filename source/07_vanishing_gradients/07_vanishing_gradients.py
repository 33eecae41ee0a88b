# Backprop Lab, notebook 7: vanishing and exploding gradients.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 7. Vanishing and exploding gradients
#
# *Beyond the core: why depth multiplies, what a good initial scale buys, and what depth
# is for.*
#
# **Estimated time:** 80 to 100 minutes. **Exercises:** 7, worth 15 points
# (two of them are one-point "predict, then run" checkpoints).
#
# **Loss:** half squared error, averaged over the examples,
# $L = \frac{1}{N} \sum_n \tfrac12 \lVert \hat y_n - t_n \rVert^2$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md); where this
# leads: the [course map](../../README.md#course-map).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. derive the Jacobian of one layer and check it numerically
#    ([Exercise 1](#Exercise-1:-the-Jacobian-of-one-layer-(3-points)));
# 2. compose layer Jacobians into the Jacobian of a whole network, in the right order
#    ([Exercise 2](#Exercise-2:-the-Jacobian-of-a-stack-of-layers-(3-points)));
# 3. estimate how fast a chain of sigmoid layers shrinks a derivative
#    ([Checkpoint A](#Checkpoint-A:-ten-sigmoid-layers-(1-point))), and bound how much one
#    sigmoid layer can stretch a gradient
#    ([Exercise 3](#Exercise-3:-the-largest-factor-of-a-sigmoid-layer-(2-points)));
# 4. measure the gradient norm of every layer of a deep network
#    ([Exercise 4](#Exercise-4:-gradient-norms,-layer-by-layer-(2-points))), predict which
#    initial scale makes it vanish
#    ([Checkpoint B](#Checkpoint-B:-the-scale-that-vanishes-(1-point))), and explain how
#    tanh, ReLU and the initial scale change the picture;
# 5. say what depth buys (many more pieces from the same number of units) and what it
#    costs (section 7);
# 6. derive the Jacobian of a residual block, and see why it keeps gradients alive
#    ([Exercise 5](#Exercise-5:-transfer:-a-residual-block-(3-points))).
#
# **Prerequisites:** notebook 5 (the delta rules; `bp.mlp`) and notebook 6's tanh units.
# Matrix norms are introduced here: $\|v\|$ is the Euclidean length of a vector,
# $\|A\|_2$ the largest factor by which the matrix $A$ stretches any vector (its largest
# singular value, also written $\sigma_{\max}(A)$, `np.linalg.norm(A, 2)`), and $\|A\|_F$
# the square root of the sum of its squared entries.
#
# ## How the checks work
#
# As in every notebook: a passing check prints one line; a failing one names the mistake
# it recognises, with your value and the expected one. Numerical derivatives are compared
# at a relative tolerance of $10^{-5}$, exact values at $10^{-9}$; where you derive a
# Jacobian, the graded tests also ask for it exactly, to $10^{-12}$, which no finite
# difference reaches here. The graded tests also use shapes and seeds you cannot see.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(7)

# %% [markdown]
# ## 1. Backprop is a product of Jacobians
#
# Take one example and a layer $a = h(z)$ with $z = W a_{prev} + b$. How does each output
# move when one input moves a little? The **Jacobian** of the layer collects all these
# slopes in one matrix:
#
# $$J = \frac{\partial a}{\partial a_{prev}}, \qquad
# J_{ji} = \frac{\partial a_j}{\partial (a_{prev})_i}, \qquad \text{shape } (n_{out}, n_{in}):$$
#
# row $j$ says how output $j$ responds to each input. A small change $\Delta a_{prev}$ of
# the input changes the output by about $J\, \Delta a_{prev}$.
#
# ### Exercise 1: the Jacobian of one layer (3 points)
#
# Write `layer_jacobian(W, z, activation)` returning the Jacobian $J$ above, shape
# `(n_out, n_in)`, for `W` of shape `(n_out, n_in)`, the pre-activation `z` of shape
# `(n_out,)` and `activation` one of `"sigmoid"`, `"tanh"`, `"relu"`. Derive it, then
# write it with NumPy; `bp.activations.ACTIVATIONS[activation]` is the pair
# `(h, h_grad)`, where `h_grad(z)` is the slope $h'$ at each entry of `z`.
#
# <details><summary>Hint 1</summary>
#
# Write one output on its own: $a_j = h(z_j)$ with $z_j = \sum_k W_{jk} (a_{prev})_k + b_j$.
# Which of the inputs does $z_j$ depend on, and with what slope?
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# Chain rule: $\partial a_j / \partial (a_{prev})_i = h'(z_j) \cdot \partial z_j / \partial
# (a_{prev})_i$. The first factor depends on the row $j$ only; the second is one entry
# of `W`.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# So row $j$ of $J$ is row $j$ of `W`, multiplied by one number. NumPy broadcasting does
# that for all rows at once if that number comes as a column, of shape `(n_out, 1)`.
#
# </details>

# %% solution id="layer_jacobian"
def layer_jacobian(W, z, activation):
    """Jacobian da/da_prev of a layer a = h(W a_prev + b), at one example.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)
    z : ndarray of shape (n_out,)
        Pre-activation W a_prev + b.
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (n_out, n_in)
        Entry [j, i] is the derivative of output a[j] with respect to input a_prev[i].
    """
    ### BEGIN SOLUTION
    h_grad = bp.activations.ACTIVATIONS[activation][1]
    return h_grad(z)[:, None] * W
    ### END SOLUTION


# %% [markdown]
# Try it. `bp.jacobians.numerical_jacobian(f, a)` moves one input of `f` at a time by a
# central-difference step and records how every output moves, one column per input. Your
# Jacobian and the numerical one should agree to about 9 digits.

# %%
W_try = np.array([[1.0, -2.0, 0.0], [2.0, 1.0, 4.0]])
b_try, a_try = np.array([0.5, -1.0]), np.array([0.3, 0.1, -0.2])
for activation_try in ("sigmoid", "tanh"):
    h_try = bp.activations.ACTIVATIONS[activation_try][0]
    print(activation_try, "yours:\n", np.round(layer_jacobian(W_try, W_try @ a_try + b_try,
                                                              activation_try), 6))
    print("numerical:\n", np.round(bp.jacobians.numerical_jacobian(
        lambda a: h_try(W_try @ a + b_try), a_try), 6))

# %% tests id="layer_jacobian__sigmoid" points=1
"""layer_jacobian of a sigmoid layer matches central differences."""
bp.checks.jacobians.layer_jacobian(layer_jacobian, "sigmoid",
                                   *bp.checks.jacobians.layer_case(71, 3, 4))
bp.checks.jacobians.layer_jacobian(layer_jacobian, "sigmoid",
                                   *bp.checks.jacobians.layer_case(71, 3, 4),
                                   where="to the last digits", reference=bp.jacobians.layer_jacobian)
### BEGIN HIDDEN TESTS
bp.checks.jacobians.layer_jacobian(layer_jacobian, "sigmoid", *bp.checks.jacobians.layer_case(74, 4, 4),
                                   where="for a hidden square W", reference=bp.jacobians.layer_jacobian)
### END HIDDEN TESTS

# %% tests id="layer_jacobian__tanh" points=1
"""layer_jacobian of a tanh layer matches central differences."""
bp.checks.jacobians.layer_jacobian(layer_jacobian, "tanh",
                                   *bp.checks.jacobians.layer_case(77, 2, 3))
### BEGIN HIDDEN TESTS
bp.checks.jacobians.layer_jacobian(layer_jacobian, "tanh", *bp.checks.jacobians.layer_case(80, 3, 3),
                                   where="for a hidden square W", reference=bp.jacobians.layer_jacobian)
### END HIDDEN TESTS

# %% tests id="layer_jacobian__relu" points=1
"""layer_jacobian of a ReLU layer: rows of W for active units, zeros for the others."""
W_check = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
bp.checks.jacobians.layer_jacobian(layer_jacobian, "relu", W_check, np.array([0.0, -0.5, 0.4]),
                                   np.array([0.5, 0.5]))
### BEGIN HIDDEN TESTS
bp.checks.jacobians.layer_jacobian(layer_jacobian, "relu", *bp.checks.jacobians.layer_case(83, 4, 2),
                                   where="for a hidden (4, 2) W")
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Input $i$ reaches output $j$ only through $z_j$, with slope
# $W_{ji}$, and then through $h$, with slope $h'(z_j)$:
#
# $$J = \operatorname{diag}\big(h'(z)\big)\, W, \qquad J_{ji} = h'(z_j)\, W_{ji}:$$
#
# each row of $W$ scaled by its unit's slope, in NumPy `h_grad(z)[:, None] * W`, without
# ever building the diagonal matrix.
#
# **A stack of layers.** Now put $L$ layers one after the other, $a^0 = x$,
# $a^l = h(W^l a^{l-1} + b^l)$, with Jacobians $J^1, \dots, J^L$. How does the last output
# $a^L$ respond to the input $a^0$?
#
# ### Exercise 2: the Jacobian of a stack of layers (3 points)
#
# Write `input_output_jacobian(params, x, activation)` returning $\partial a^L /
# \partial a^0$, shape `(n_L, n_0)`, at one input `x` of shape `(n_0,)`, for the network
# `params` (`"W1", "b1", ..., "WL", "bL"`, as in notebook 5) with `activation` in
# **every** layer, the last one included. Use your `layer_jacobian`; walk forward through
# the layers, computing each $z^l$ and $a^l$.
#
# <details><summary>Hint 1</summary>
#
# Follow a small change $\Delta x$ of the input through two layers: what does layer 1 make
# of it, and then what does layer 2 make of *that*?
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# Layer 1 turns $\Delta x$ into $J^1 \Delta x$; layer 2 turns that into
# $J^2 (J^1 \Delta x)$. Matrix products do not commute, so the order matters.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# Keep a running product `J`, starting from `np.eye(n_0)` (no layer yet: the input
# responds to itself one for one). After each layer, `J` must be the Jacobian of that
# layer's output with respect to `x`; the newest layer acts last.
#
# </details>

# %% solution id="input_output_jacobian"
def input_output_jacobian(params, x, activation):
    """Jacobian da^L/da^0 of a stack of layers at one input.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL"; W{l} of shape (n_l, n_{l-1}).
    x : ndarray of shape (n_0,)
    activation : {"sigmoid", "tanh", "relu"}
        The activation of every layer.

    Returns
    -------
    ndarray of shape (n_L, n_0)
        Entry [k, i] is the derivative of the last layer's output k with respect to x[i].
    """
    ### BEGIN SOLUTION
    h = bp.activations.ACTIVATIONS[activation][0]
    L = len(params) // 2
    a = x
    J = np.eye(len(x))
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ a + params[f"b{l}"]
        J = layer_jacobian(params[f"W{l}"], z, activation) @ J
        a = h(z)
    return J
    ### END SOLUTION


# %% [markdown]
# Try it on a 3-4-2 tanh network: you should see a matrix of shape `(2, 3)`, next to a
# numerical one.

# %%
params_try, X_try, _ = bp.mlp.example_problem([3, 4, 2], 1, seed=0)
print(np.round(input_output_jacobian(params_try, X_try[0], "tanh"), 6))
print(np.round(bp.jacobians.numerical_jacobian(
    lambda a: bp.mlp.forward(params_try, a[None, :], hidden="tanh", output="tanh")[0][0],
    X_try[0]), 6))

# %% tests id="input_output_jacobian__two_layers" points=1
"""input_output_jacobian of a 3-4-2 tanh network matches central differences."""
with bp.checks.earlier.blamed("input_output_jacobian", globals(), ["layer_jacobian"]):
    params_check, X_check, _ = bp.mlp.example_problem([3, 4, 2], 1, 86)
    bp.checks.jacobians.map_jacobian("input_output_jacobian", input_output_jacobian, params_check,
                                     X_check[0], "tanh")
    bp.checks.jacobians.map_jacobian("input_output_jacobian", input_output_jacobian, params_check,
                                     X_check[0], "tanh", where="to the last digits",
                                     reference=bp.jacobians.input_output_jacobian)

# %% tests id="input_output_jacobian__deep" points=2
"""input_output_jacobian of deeper sigmoid and ReLU networks matches central differences."""
with bp.checks.earlier.blamed("input_output_jacobian", globals(), ["layer_jacobian"]):
    for sizes, activation_check, seed in (([2, 5, 3, 4, 3], "sigmoid", 87), ([4, 3, 3, 2], "relu", 88)):
        params_check, X_check, _ = bp.mlp.example_problem(sizes, 1, seed)
        bp.checks.jacobians.map_jacobian("input_output_jacobian", input_output_jacobian, params_check,
                                         X_check[0], activation_check,
                                         where=f"for {'-'.join(map(str, sizes))}")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("input_output_jacobian", globals(), ["layer_jacobian"]):
    for sizes, activation_check, seed in (([3, 3, 3, 3, 3, 3], "tanh", 89), ([1, 4, 2], "sigmoid", 90)):
        params_check, X_check, _ = bp.mlp.example_problem(sizes, 1, seed)
        bp.checks.jacobians.map_jacobian("input_output_jacobian", input_output_jacobian, params_check,
                                         X_check[0], activation_check,
                                         where=f"for a hidden {'-'.join(map(str, sizes))} network",
                                         reference=bp.jacobians.input_output_jacobian)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** The chain rule multiplies the Jacobians, the last layer on
# the **left**, because it acts last:
#
# $$\frac{\partial a^L}{\partial a^0} = J^L J^{L-1} \cdots J^1 .$$
#
# Backprop runs the same product the other way. The hidden delta rule of notebook 5,
# $\delta^l = \big((W^{l+1})^T \delta^{l+1}\big) \odot h'(z^l)$, applied again and again,
# gives
#
# $$\frac{\partial L}{\partial a^l} = (J^{l+1})^T (J^{l+2})^T \cdots (J^L)^T
# \frac{\partial L}{\partial a^L}.$$
#
# The gradient reaching layer $l$ has been multiplied by one Jacobian for every layer
# above it. Products of many factors tend to do one of two things: shrink towards zero
# or blow up. That is the whole story of this notebook.

# %% [markdown]
# ## 2. How large can one factor be?
#
# Start with the simplest deep network: **one unit per layer**, $a^l = \sigma(w\, a^{l-1})$,
# the same weight $w$ everywhere. Every Jacobian is a number, $w\,\sigma'(z^l)$, and the
# derivative of the whole chain is their product,
#
# $$\frac{\partial a^L}{\partial a^0} = \prod_{l=1}^{L} w\, \sigma'(z^l).$$
#
# ### Checkpoint A: ten sigmoid layers (1 point)
#
# Take $w = 1$, start from $a^0 = 0.5$, and stack $L = 10$ layers. **About how large is
# $\partial a^{10} / \partial a^0$?** Answer with its base-10 logarithm (for example
# `-3` for about $10^{-3}$): replace the two lines under the comment in the next cell with
# `predicted_log10 = ...`. The test cell records any number; the graded version judges
# it, and within 1 of the true value counts as right.

# %% solution id="predict_chain_factor"
# Your prediction, the base-10 logarithm as a number, in place of the two lines below:
### BEGIN SOLUTION
predicted_log10 = -6
### END SOLUTION

# %% tests id="predict_chain_factor__answer" points=1
"""Checkpoint A: the order of magnitude of a 10-layer sigmoid chain's derivative: recorded."""
bp.checks.predictions.recorded("predicted_log10", globals())
### BEGIN HIDDEN TESTS
a_chain, chain = 0.5, 1.0
for _ in range(10):
    chain *= float(bp.activations.sigmoid_grad(np.array(a_chain)))
    a_chain = float(bp.activations.sigmoid(np.array(a_chain)))
bp.checks.predictions.judged("predicted_log10", globals(), np.log10(chain), abs_tol=1.0)
### END HIDDEN TESTS

# %%
for w in (1.0, 4.0, 8.0):
    a, product, products = 0.5, 1.0, []
    for _ in range(20):
        z = w * a
        product *= w * bp.activations.sigmoid_grad(np.array(z))
        a = bp.activations.sigmoid(np.array(z))
        products.append(float(product))
    print(f"w = {w}: derivative after 5, 10, 20 layers:",
          " ".join(f"{products[d - 1]:.1e}" for d in (5, 10, 20)),
          f"  (bound (|w|/4)^20 = {(abs(w) / 4) ** 20:.1e})")

# %% [markdown]
# With $w = 1$, ten layers shrink the derivative to about $3.5 \times 10^{-7}$. The reason is
# the sigmoid's slope: $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is at most $\frac14$ (at
# $z = 0$), so every factor is at most $|w|/4$ and
#
# $$\Big|\frac{\partial a^L}{\partial a^0}\Big| \le \Big(\frac{|w|}{4}\Big)^L .$$
#
# With $|w| < 4$ the derivative shrinks at least geometrically. A larger $w$ does not
# rescue it: large weights make $|z|$ large, where $\sigma'$ is tiny, so with $w = 8$ the
# chain shrinks even faster than with $w = 4$, far below its bound.
#
# With many units per layer the same question has a matrix answer: how much can
# $\operatorname{diag}(\sigma'(z))\,W$ stretch a vector, whatever $z$ is?
#
# ### Exercise 3: the largest factor of a sigmoid layer (2 points)
#
# Write `sigmoid_layer_bound(W)` returning, as a `float`, the largest factor by which the
# Jacobian of a sigmoid layer with weights `W` can stretch a vector, over every possible
# pre-activation `z`: the largest value of $\|\operatorname{diag}(\sigma'(z))\, W\|_2$. The
# tests check that your number is a bound (no `z` they try stretches more) and that it is
# reached. Derive it.
#
# <details><summary>Hint 1</summary>
#
# For matrices, $\|AB\|_2 \le \|A\|_2 \|B\|_2$: stretching by $B$ and then by $A$ stretches
# by at most the product. What is the largest stretch of a diagonal matrix?
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# A diagonal matrix stretches by at most its largest entry (in size). How large can an
# entry $\sigma'(z_j)$ be, and for which $z_j$?
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# The bound is the largest possible slope times the stretch of `W`. It is reached when
# every slope takes its largest value at once, at one and the same `z`; the stretch of
# `W` is `np.linalg.norm(W, 2)`.
#
# </details>

# %% solution id="sigmoid_layer_bound"
def sigmoid_layer_bound(W):
    """Largest possible ||diag(sigmoid'(z)) W||_2 over all z.

    W is the weight matrix of a sigmoid layer, of shape (n_out, n_in). The answer is a
    float: the largest factor by which that layer's Jacobian can stretch a vector,
    whatever the pre-activation z is.
    """
    ### BEGIN SOLUTION
    return float(np.linalg.norm(W, 2) / 4.0)
    ### END SOLUTION


# %% [markdown]
# Try it: for `W = [[3, 0], [0, -1]]` you should see `0.75`, and for a 3 by 3 matrix of
# ones also `0.75`, although its largest entry is only 1.

# %%
print(sigmoid_layer_bound(np.array([[3.0, 0.0], [0.0, -1.0]])))
print(sigmoid_layer_bound(np.ones((3, 3))))


def sigmoid_stretches(W, n_points, seed):
    """Stretch ||J||_2 of a sigmoid layer's numerical Jacobian at z = 0 and at random z."""
    rng_z = np.random.default_rng(seed)
    a = rng_z.uniform(-1, 1, W.shape[1])
    stretches = []
    for z in [np.zeros(W.shape[0])] + list(rng_z.uniform(-4, 4, (n_points, W.shape[0]))):
        b = z - W @ a  # the bias that puts the layer at this z
        J = bp.jacobians.numerical_jacobian(lambda a_: bp.activations.sigmoid(W @ a_ + b), a)
        stretches.append(np.linalg.norm(J, 2))
    return np.array(stretches)

# %% tests id="sigmoid_layer_bound__holds" points=1
"""sigmoid_layer_bound is a bound: no z tried stretches more."""
W_check = bp.checks.testdata.points(96, (4, 3))
bound = bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check)
bp.checks.true(np.ndim(bound) == 0, f"sigmoid_layer_bound should return one number; got shape "
               f"{np.shape(bound)}", "shape")
stretches = sigmoid_stretches(W_check, 50, 97)
bp.checks.true(np.max(stretches) <= float(bound) * (1 + 1e-6),
               f"sigmoid_layer_bound(W) = {float(bound):.6g} is not a bound: the Jacobian "
               f"stretches a vector by {np.max(stretches):.6g} at some z.", "mismatch")
### BEGIN HIDDEN TESTS
for shape, seed in (((4, 2), 93), ((1, 3), 94), ((5, 5), 95)):
    W_check = bp.checks.testdata.points(seed, shape)
    bound = bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check)
    bp.checks.true(np.max(sigmoid_stretches(W_check, 30, seed)) <= float(bound) * (1 + 1e-6),
                   f"sigmoid_layer_bound(W) = {float(bound):.6g} is not a bound for a hidden "
                   f"{shape} W", "mismatch")
### END HIDDEN TESTS

# %% tests id="sigmoid_layer_bound__reached" points=1
"""sigmoid_layer_bound is reached: it equals the largest stretch found."""
for shape, seed in (((3, 3), 91), ((2, 5), 92)):
    W_check = bp.checks.testdata.points(seed, shape)
    bp.checks.close(f"sigmoid_layer_bound(W) for a {shape} W, against the largest stretch",
                    bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check),
                    np.max(sigmoid_stretches(W_check, 20, seed)),
                    tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
for shape, seed in (((4, 2), 93), ((1, 3), 94), ((5, 5), 95)):
    W_check = bp.checks.testdata.points(seed, shape)
    bp.checks.close(f"sigmoid_layer_bound(W) for a hidden {shape} W",
                    bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check),
                    bp.checks.testdata.expected(bp.jacobians.sigmoid_layer_bound, W_check))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** The stretch of the Jacobian is at most the stretch of the
# diagonal factor times the stretch of $W$, and the diagonal factor stretches by its
# largest slope, at most $\frac14$:
#
# $$\big\|\operatorname{diag}(\sigma'(z))\, W\big\|_2 \le \max_j \sigma'(z_j)\, \|W\|_2
# \le \tfrac14\, \sigma_{\max}(W),$$
#
# reached at $z = 0$, where every slope is $\frac14$ and the Jacobian is $W/4$. In code,
# `np.linalg.norm(W, 2) / 4`. The largest *entry* of $W$ is not enough (the matrix of
# ones shows it). If every layer has $\sigma_{\max}(W^l) < 4$, then every sigmoid layer
# multiplies the norm of any gradient passing back through it by at most
# $\sigma_{\max}(W^l)/4 < 1$, and the gradient at layer $l$ is at most
# $\prod_{k > l} \sigma_{\max}(W^k)/4$ times the gradient at the output.

# %% [markdown]
# ## 3. Tanh and ReLU
#
# The three activations differ exactly in the slope that enters every Jacobian:
#
# | activation | $h'(z)$ | largest slope |
# | --- | --- | --- |
# | sigmoid | $\sigma(z)(1-\sigma(z))$ | $\frac14$, at $z = 0$ |
# | tanh | $1 - \tanh^2 z$ | $1$, at $z = 0$ |
# | ReLU | $1$ if $z > 0$, else $0$ | $1$, for every active unit |
#
# A tanh layer working near $z = 0$ is almost linear and passes $W$ through unchanged,
# so tanh loses a factor of 4 less per layer than the sigmoid. A ReLU layer passes the
# gradient of every active unit with slope exactly 1 and blocks the others. Neither
# bounds the product by anything below 1: with large weights the product of Jacobians
# grows with depth and the gradient **explodes**. What decides the outcome is the scale
# of the weights.

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    z_grid = np.linspace(-5, 5, 401)
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    for name, (h_fn, h_grad_fn) in bp.activations.ACTIVATIONS.items():
        ax.plot(z_grid, h_grad_fn(z_grid), label=f"{name}'")
    ax.set(xlabel="z", ylabel="h'(z)", title="The slope each layer multiplies by")
    ax.legend()
    plt.show()

# %% [markdown]
# ## 4. Measuring the gradient, layer by layer
#
# To see vanishing gradients, measure them. Take a deep network of equal widths, random
# data `X` and targets `t`, hidden layers with the activation under study, a **linear**
# output layer, and the loss $L = \frac{1}{N}\sum_n \tfrac12\|\hat y_n - t_n\|^2$ (in
# `bp.mlp` this is `output="identity"` and `loss="half_mse"`). Then compare
# $\|\partial L/\partial W^l\|_F$ across layers.
#
# ### Exercise 4: gradient norms, layer by layer (2 points)
#
# Write `gradient_norms(params, X, t, activation)` returning an array of shape `(L,)`
# whose entry `l - 1` is the Frobenius norm of $\partial L/\partial W^l$, **first layer
# first**. Use `bp.mlp.loss_and_grads(params, X, t, hidden=..., output="identity",
# loss="half_mse")`, which returns `(loss, grads)` with `grads["W1"]` the gradient of
# `W1`, and `np.linalg.norm`, which gives the Frobenius norm of a matrix.

# %% solution id="gradient_norms"
def gradient_norms(params, X, t, activation):
    """Frobenius norm of dL/dW^l for l = 1..L.

    Parameters
    ----------
    params : dict
        A deep network, keys "W1", "b1", ..., "WL", "bL".
    X : ndarray of shape (N, n_0)
        A batch of inputs.
    t : ndarray of shape (N, n_L)
        Its targets.
    activation : {"sigmoid", "tanh", "relu"}
        Activation of the hidden layers; the output layer is linear.

    Returns
    -------
    ndarray of shape (L,)
        Entry l - 1 is ||dL/dW^l||_F, for the loss half_mse.
    """
    ### BEGIN SOLUTION
    _, grads = bp.mlp.loss_and_grads(params, X, t, hidden=activation, output="identity",
                                     loss="half_mse")
    L = len(params) // 2
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, L + 1)])
    ### END SOLUTION


# %% [markdown]
# Try it on a sigmoid network of depth 8 and width 16 (weights of variance $1/n_{in}$,
# from `bp.jacobians.deep_network`): the norms should grow by orders of magnitude from
# the first layer to the last, from about `1e-04` to a few units.

# %%
params_sig = bp.jacobians.deep_network(depth=8, width=16, gain=1.0, rng=rng)
X_sig, t_sig = rng.standard_normal((32, 16)), rng.standard_normal((32, 16))
print(" ".join(f"{norm:.1e}" for norm in gradient_norms(params_sig, X_sig, t_sig, "sigmoid")))

# %% tests id="gradient_norms__shape" points=1
"""gradient_norms returns one norm per layer."""
params_check = bp.jacobians.deep_network(5, 6, 1.0, np.random.default_rng(98), n_in=3)
X_check, t_check = bp.checks.testdata.batch(99, (7, 3))[0], bp.checks.testdata.batch(100, (7, 6))[0]
norms = bp.checks.call("gradient_norms", gradient_norms, params_check, X_check, t_check, "tanh")
bp.checks.true(np.shape(norms) == (5,),
               f"gradient_norms should return shape (5,) for a network of 5 layers; "
               f"got {np.shape(norms)}", "shape")

# %% tests id="gradient_norms__values" points=1
"""gradient_norms equals the norms of bplab.mlp's gradients, first layer first."""
for activation_check, seed in (("sigmoid", 101), ("relu", 102)):
    params_check = bp.jacobians.deep_network(6, 5, 1.5, np.random.default_rng(seed), n_in=4)
    X_check = bp.checks.testdata.batch(seed, (8, 4))[0]
    t_check = bp.checks.testdata.batch(seed + 1, (8, 5))[0]
    grads_check = bp.mlp.loss_and_grads(params_check, X_check, t_check, hidden=activation_check,
                                        output="identity", loss="half_mse")[1]
    bp.checks.close(f"gradient_norms(params, X, t, {activation_check!r})",
                    bp.checks.call("gradient_norms", gradient_norms, params_check, X_check,
                                   t_check, activation_check),
                    np.array([np.linalg.norm(grads_check[f"W{l}"]) for l in range(1, 7)]))
### BEGIN HIDDEN TESTS
for activation_check, seed, depth_check in (("tanh", 103, 3), ("sigmoid", 104, 9)):
    params_check = bp.jacobians.deep_network(depth_check, 4, 2.0, np.random.default_rng(seed))
    X_check, t_check = bp.checks.testdata.batch(seed, (5, 4))
    bp.checks.close(f"gradient_norms on a hidden {depth_check}-layer {activation_check} network",
                    bp.checks.call("gradient_norms", gradient_norms, params_check, X_check,
                                   t_check, activation_check),
                    bp.checks.testdata.expected(bp.jacobians.gradient_norms, params_check, X_check,
                                                t_check, activation_check))
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Depth, activation and initial scale
#
# Now the experiment. Depth 20, width 32, weights drawn with variance
# $\text{gain}^2 / n_{in}$ for four gains, $\operatorname{Var}(W) = 0.25/n_{in}$, $1/n_{in}$,
# $2/n_{in}$ and $4/n_{in}$, for each activation. Each curve will be one network; the
# vertical axis is logarithmic, so a straight falling line is exponential decay towards
# the input.
#
# ### Checkpoint B: the scale that vanishes (1 point)
#
# Think of the **tanh** panel. **Which of the four variances gives the smallest gradient
# in the first layer, $\|\partial L / \partial W^1\|$?** Replace the two lines under the
# comment with `vanishing_variance = ...`, one of `0.25`, `1`, `2`, `4` (the number
# before $/n_{in}$), then run the test, which records your choice (the graded version
# judges it), and the experiment.

# %% solution id="predict_vanishing_scale"
# Your choice, 0.25, 1, 2 or 4, in place of the two lines below:
### BEGIN SOLUTION
vanishing_variance = 0.25
### END SOLUTION

# %% tests id="predict_vanishing_scale__answer" points=1
"""Checkpoint B: the initial scale at which a deep tanh network's first gradient is smallest."""
bp.checks.predictions.recorded("vanishing_variance", globals(), choices=(0.25, 1, 2, 4))
### BEGIN HIDDEN TESTS
X_vanish = np.random.default_rng(70).standard_normal((32, 32))
t_vanish = np.random.default_rng(71).standard_normal((32, 32))
first_layer = {}
for variance in (0.25, 1.0, 2.0, 4.0):
    params_vanish = bp.jacobians.deep_network(20, 32, np.sqrt(variance), np.random.default_rng(0))
    grads_vanish = bp.mlp.loss_and_grads(params_vanish, X_vanish, t_vanish, hidden="tanh",
                                         output="identity", loss="half_mse")[1]
    first_layer[variance] = np.linalg.norm(grads_vanish["W1"])
bp.checks.predictions.judged("vanishing_variance", globals(),
                             min(first_layer, key=first_layer.get), choices=(0.25, 1, 2, 4))
### END HIDDEN TESTS

# %%
X_exp = np.random.default_rng(70).standard_normal((32, 32))
t_exp = np.random.default_rng(71).standard_normal((32, 32))
if not bp.grading():
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), layout="constrained", sharey=True)
    for ax, activation_exp in zip(axes, ("sigmoid", "tanh", "relu")):
        for variance in (0.25, 1.0, 2.0, 4.0):
            params_exp = bp.jacobians.deep_network(20, 32, np.sqrt(variance),
                                                   np.random.default_rng(0))
            norms_exp = gradient_norms(params_exp, X_exp, t_exp, activation_exp)
            ax.semilogy(np.arange(1, 21), np.maximum(norms_exp, 1e-30), "o-", ms=3,
                        label=f"Var(W) = {variance:g}/n_in")
        ax.set(title=activation_exp, xlabel="layer l", ylim=(1e-16, 1e8))
    axes[0].set_ylabel("||dL/dW^l||")
    axes[0].legend(fontsize=7)
    plt.show()

# %% [markdown]
# What the three panels show:
#
# - **sigmoid**: at every scale the gradient falls by orders of magnitude towards the
#   input. The first layers of a deep sigmoid network barely learn; this is why deep
#   networks were long thought untrainable.
# - **tanh**: with variance $1/n_{in}$ the gradient is of order one in every layer. With
#   smaller weights (the answer to Checkpoint B, $0.25/n_{in}$) the signal dies on the way
#   forward, each layer also shrinks the gradient on the way back, and the gradient is
#   tiny everywhere; with larger ones it grows towards the input.
# - **ReLU**: each curve is flat, but its height depends enormously on the scale. Per
#   example, $\partial L/\partial W^l = \delta^l (a^{l-1})^T$ has the norm
#   $\|\delta^l\|\,\|a^{l-1}\|$. With $\operatorname{Var}(W) = g^2/n_{in}$ a ReLU layer
#   multiplies the mean square of the forward signal by $g^2/2$ (it switches half its
#   units off), and the backward delta gets the same factor per layer on its way down.
#   Layer $l$'s gradient collects $l - 1$ forward factors and $L - l$ backward ones:
#   always $L - 1$, so the layer drops out, and every layer's gradient has a size of
#   about $(g^2/2)^{(L-1)/2}\,\|\delta^L\|\,\|x\|$. At $2/n_{in}$ the factor is 1. At
#   $1/n_{in}$ the output dies away, $\delta^L = (\hat y - t)/N$ tends to $-t/N$, and the
#   gradient shrinks like $2^{-L/2}$ as the network gets deeper. At $4/n_{in}$ the
#   output itself grows like $2^{L/2}$, and $\delta^L$ with it, so the gradient grows
#   like $2^{L/2} \cdot 2^{L/2} = 2^L$: it doubles with every layer added. Vanishing and
#   exploding is about depth, and here it hits every layer at once.
#
# The cell below measures it: for ReLU networks of depths 4 to 20 (width 64, two networks
# each), the slope of $\log_2 \|\partial L/\partial W^l\|$ against the depth, from
# `bp.depth.depth_slope`. The theory says $-\frac12$, $0$ and $+1$ per layer.

# %%
if not bp.grading():  # work that earns no points: the graded run skips it
    for variance in (1.0, 2.0, 4.0):
        slope = bp.depth.depth_slope("relu", np.sqrt(variance), width=64)
        print(f"ReLU, Var(W) = {variance:g}/n_in: log2 of the gradient changes by {slope:+.2f} "
              "per layer of depth")

# %% [markdown]
# ## 6. Choosing the initial scale
#
# Why those two variances? A pre-activation $z_j = \sum_i W_{ji} a_i$ sums $n_{in}$
# independent terms, so with zero-mean weights
# $\operatorname{Var}(z_j) = n_{in} \operatorname{Var}(W)\, \mathbb{E}[a_i^2]$. To keep
# signals (and, by the same argument run backwards, gradients) at the same size from
# layer to layer, make $n_{in} \operatorname{Var}(W)\, \mathbb{E}[a^2] \approx
# \operatorname{Var}(z)$ of the layer before:
#
# - **tanh** is close to the identity near 0, so $\mathbb{E}[a^2] \approx \operatorname{Var}(z)$
#   and $\operatorname{Var}(W) = 1/n_{in}$, the fan-in scale of LeCun initialisation
#   (LeCun et al., 1998). Glorot and Bengio's (2010) "Xavier" initialisation averages
#   fan-in and fan-out, $2/(n_{in} + n_{out})$, which keeps the backward pass's scale as
#   well; for a square layer the two are the same.
# - **ReLU** sets half of its inputs to zero, so $\mathbb{E}[a^2] = \operatorname{Var}(z)/2$
#   and the weights must make up the factor 2: $\operatorname{Var}(W) = 2/n_{in}$
#   (He initialisation).
# - **sigmoid** has no such scale: its slope is at most $\frac14$ and its output is not
#   centred at zero, so no variance keeps both signals and gradients alive.

# %% [markdown]
# ## 7. Deep versus shallow: what depth buys, and what it costs
#
# Notebook 6 showed that one hidden layer can approximate any continuous function, given
# enough units. Why go deep, then? Because some functions need **far fewer units** when
# the layers are stacked. Take the "tent" $g(u) = 2\,\text{relu}(u) - 4\,\text{relu}(u -
# \tfrac12)$: on $[0, 1]$ it rises from 0 to 1 and falls back, two linear pieces from two
# ReLU units. Feeding $g$ into itself folds the interval again: $g(g(u))$ has 4 pieces,
# and $L$ layers of 2 units each draw $2^L$ pieces, a sawtooth (`bp.depth.sawtooth_params`
# builds that network). A single hidden layer of ReLU units on one input draws at most one
# bend per unit, so it needs $2^L - 1$ units for the same sawtooth: the deep network's
# $2L$ units against exponentially many.

# %%
x_saw = np.linspace(0, 1, 2049)
print("layers   hidden units   linear pieces   units one hidden layer needs")
curves = {}
for depth_saw in (1, 2, 3, 4, 6):
    curves[depth_saw] = bp.mlp.forward(bp.depth.sawtooth_params(depth_saw), x_saw[:, None],
                                       hidden="relu", output="identity")[0][:, 0]
    pieces = bp.depth.count_pieces(x_saw, curves[depth_saw])
    print(f"{depth_saw:6d}   {2 * depth_saw:12d}   {pieces:13d}   {pieces - 1:28d}")
if not bp.grading():
    fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
    for depth_saw in (1, 2, 3, 4):
        ax.plot(x_saw, curves[depth_saw] + 1.2 * (depth_saw - 1), label=f"{depth_saw} layers")
    ax.set(xlabel="u", yticks=[], title="Each layer folds the interval once more")
    ax.legend(fontsize=8, loc="upper right")
    plt.show()

# %% [markdown]
# What depth costs is the rest of this notebook: every layer adds a Jacobian to the
# product that carries the gradient back, so a deep network trains only if each factor
# stays close to 1 in size, through the activation (tanh or ReLU rather than sigmoid),
# the initial scale (LeCun or Glorot for tanh, He for ReLU) and, in practice,
# architecture. Depth also makes the
# computation sequential: layer $l$ waits for layer $l-1$, forward and backward.
#
# ## 8. Explore
#
# Set the depth and the initial scale (the gain, $\operatorname{Var}(W) =
# \text{gain}^2/n_{in}$) and choose the activation. The chosen activation is drawn bold,
# the other two dashed. For each activation, look for a gain at which the curve is level
# and moves least when you change the depth. For tanh (between 1 and 1.3) and ReLU (near
# 1.4) the height then changes by a factor of ten or twenty over thirty layers, while
# other gains move it by many orders of magnitude; for the sigmoid no gain works. (The
# network is only 16 units wide, so the curves are noisy; wider networks follow the
# theory more closely.)

# %%
bp.explore.depth.depth_explorer()

# %% [markdown]
# ## 9. Transfer: a residual block
#
# Networks of a hundred layers and more train well in practice because most of their
# layers are **residual blocks**: the block adds its input back to what its branch
# computes,
#
# $$y = x + W_2\, h(W_1 x + b_1) + b_2,$$
#
# with `x` of shape `(n,)`, `W1` of shape `(m, n)`, `b1` `(m,)`, `W2` `(n, m)` and `b2`
# `(n,)`, so that `y` has the shape of `x`.
#
# ### Exercise 5: transfer: a residual block (3 points)
#
# Write `residual_jacobian(params, x, activation)` returning $\partial y / \partial x$ of
# shape `(n, n)`, for `params` a dict with the keys `"W1"`, `"b1"`, `"W2"`, `"b2"`, and
# `activation` one of `"sigmoid"`, `"tanh"`, `"relu"`. Derive it, with what you derived in
# Exercises 1 and 2 (`bp.residual.residual_jacobian` is switched off in this notebook;
# `bp.residual.residual_forward(params, x, activation)` computes `y`).
#
# <details><summary>Hint 1</summary>
#
# $y$ is a sum of three terms. The Jacobian of a sum is the sum of the Jacobians; what
# is the Jacobian of the term $x$ alone?
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The branch $W_2 h(W_1 x + b_1) + b_2$ is a stack of two layers: one with the
# activation, then one linear layer (slope 1). Exercise 2 multiplies such layers'
# Jacobians.
#
# </details>

# %% solution id="residual_jacobian"
def residual_jacobian(params, x, activation):
    """Jacobian dy/dx of the residual block y = x + W2 h(W1 x + b1) + b2.

    Parameters
    ----------
    params : dict
        W1 (m, n), b1 (m,), W2 (n, m), b2 (n,).
    x : ndarray of shape (n,)
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (n, n)
        Entry [k, i] is the derivative of y[k] with respect to x[i].
    """
    ### BEGIN SOLUTION
    h_grad = bp.activations.ACTIVATIONS[activation][1]
    z = params["W1"] @ x + params["b1"]
    return np.eye(len(x)) + params["W2"] @ (h_grad(z)[:, None] * params["W1"])
    ### END SOLUTION


# %% [markdown]
# Try it on a block with a branch of zeros: you should see the identity, since such a
# block passes its input through unchanged.

# %%
zero_branch = {"W1": np.zeros((4, 3)), "b1": np.zeros(4), "W2": np.zeros((3, 4)),
               "b2": np.zeros(3)}
print(residual_jacobian(zero_branch, np.array([0.5, -1.0, 2.0]), "tanh"))


def residual_problem(seed, n, m, scale=1.0):
    """A residual block's parameters and an input, from a seed."""
    rng_block = np.random.default_rng(seed)
    return ({"W1": scale * rng_block.standard_normal((m, n)), "b1": rng_block.standard_normal(m),
             "W2": scale * rng_block.standard_normal((n, m)), "b2": rng_block.standard_normal(n)},
            rng_block.standard_normal(n))

# %% tests id="residual_jacobian__tanh" points=1
"""residual_jacobian of a tanh block matches central differences."""
bp.checks.jacobians.map_jacobian("residual_jacobian", residual_jacobian, *residual_problem(51, 3, 4),
                                 "tanh")
### BEGIN HIDDEN TESTS
bp.checks.jacobians.map_jacobian("residual_jacobian", residual_jacobian, *residual_problem(511, 5, 2),
                                 "tanh", where="for a hidden (5, 2) block")
### END HIDDEN TESTS

# %% tests id="residual_jacobian__other_activations" points=1
"""residual_jacobian of sigmoid and ReLU blocks, with a narrow and a wide branch."""
for activation_check, (n_check, m_check), seed in (("sigmoid", (2, 5), 52), ("relu", (4, 3), 53)):
    block_check, x_check = residual_problem(seed, n_check, m_check)
    bp.checks.jacobians.map_jacobian("residual_jacobian", residual_jacobian, block_check, x_check,
                                     activation_check, where=f"n={n_check}, m={m_check}")

# %% tests id="residual_jacobian__exact" points=1
"""residual_jacobian has shape (n, n) and is exact."""
block_check, x_check = residual_problem(54, 3, 2)
J_check = bp.checks.call("residual_jacobian", residual_jacobian, block_check, x_check, "tanh")
bp.checks.true(np.shape(J_check) == (3, 3),
               f"residual_jacobian should have shape (n, n) = (3, 3); got {np.shape(J_check)}",
               "shape")
bp.checks.jacobians.map_jacobian("residual_jacobian", residual_jacobian, block_check, x_check,
                                 "tanh", where="to the last digits",
                                 reference=bp.residual.residual_jacobian)
### BEGIN HIDDEN TESTS
for activation_check, seed in (("tanh", 541), ("sigmoid", 542)):
    block_check, x_check = residual_problem(seed, 4, 6, scale=1.5)
    bp.checks.jacobians.map_jacobian("residual_jacobian", residual_jacobian, block_check, x_check,
                                     activation_check, where="for a hidden block",
                                     reference=bp.residual.residual_jacobian)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** The identity path contributes $I$, and the branch is two
# layers, so by Exercises 1 and 2
#
# $$\frac{\partial y}{\partial x} = I + W_2\, \operatorname{diag}\big(h'(z)\big)\, W_1,
# \qquad z = W_1 x + b_1,$$
#
# in code `np.eye(n) + W2 @ (h_grad(z)[:, None] * W1)`. Backprop through the block
# multiplies a gradient by the transpose, $I + W_1^T \operatorname{diag}(h'(z)) W_2^T$:
# the gradient arrives **unchanged** along the identity, plus whatever the branch adds.
# When the branch is small, each factor is close to $I$ rather than close to a shrinking
# matrix, and the product over many blocks neither vanishes nor explodes quickly. The
# cell below multiplies 30 Jacobians of plain tanh layers, and 30 of residual blocks
# built from the same weights, and prints the stretch $\|\cdot\|_2$ of each product.

# %%
rng_blocks = np.random.default_rng(8)
plain, residual = np.eye(16), np.eye(16)
x_plain = x_res = rng_blocks.standard_normal(16)
for _ in range(30):  # weights of variance 0.25 / n_in: small, as in Checkpoint B
    W_a = 0.5 / np.sqrt(16) * rng_blocks.standard_normal((16, 16))
    W_b = 0.5 / np.sqrt(16) * rng_blocks.standard_normal((16, 16))
    plain = layer_jacobian(W_a, W_a @ x_plain, "tanh") @ plain
    x_plain = np.tanh(W_a @ x_plain)
    block = {"W1": W_a, "b1": np.zeros(16), "W2": W_b, "b2": np.zeros(16)}
    residual = residual_jacobian(block, x_res, "tanh") @ residual
    x_res = bp.residual.residual_forward(block, x_res, "tanh")
print(f"30 plain tanh layers:  stretch of the product {np.linalg.norm(plain, 2):.1e}")
print(f"30 residual blocks:    stretch of the product {np.linalg.norm(residual, 2):.2f}")

# %% [markdown]
# ## Summary
#
# - One layer's Jacobian is $\operatorname{diag}(h'(z))\,W$; a network's is the product
#   $J^L \cdots J^1$, and backprop multiplies a gradient by the transposes in the other
#   order.
# - A product of many factors shrinks or grows exponentially with depth: gradients
#   **vanish** or **explode**.
# - Each sigmoid layer multiplies the norm of a gradient by at most
#   $\sigma_{\max}(W)/4$: below 1 unless the weights are large, and large weights
#   saturate the sigmoid.
# - tanh (slope up to 1) and ReLU (slope 0 or 1) keep gradients alive if the weights
#   have the right scale: $\operatorname{Var}(W) = 1/n_{in}$ for tanh, $2/n_{in}$ for ReLU.
#   For ReLU at $4/n_{in}$ every gradient doubles with each layer added.
# - Depth buys expressiveness cheaply (a sawtooth of $2^L$ pieces from $2L$ units) and
#   costs a long product of Jacobians; residual blocks, with Jacobians $I + \dots$, make
#   that product tame.
#
# ## Going further
#
# - **Normalisation layers** (batch or layer normalisation) rescale activations during
#   training instead of relying on the initial scale alone.
# - **Gradient clipping** caps the norm of an exploding gradient before the update; it is
#   standard for recurrent networks, which are deep in time: the same $W$ multiplied at
#   every step. There its largest singular value below 1 (with slopes at most 1) is
#   enough for gradients to vanish, but it is only a bound: a $W$ whose largest singular
#   value is above 1 can still make them vanish (its powers shrink when its eigenvalues
#   are small), so whether they explode depends on more than that one number.
# - Try the experiment of section 5 with a wider network: the curves become smoother,
#   because sums over more units are closer to their expectation.
# - The sawtooth argument is Telgarsky's (2016): some functions that a deep ReLU network
#   computes with few units need exponentially many in a shallow one.
