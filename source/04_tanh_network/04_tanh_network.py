# Backprop Lab, notebook 4: the 2-2-1 tanh network, forward and backward by hand.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 4. The 2-2-1 tanh network by hand
#
# *Every number of a small network, forward and backward, derived one local derivative at a time.*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 7, worth 19 points.
#
# **Loss:** one example, the half squared error $L = \tfrac12 (\hat y - t)^2$ (the half
# cancels the 2 that differentiating a square brings down).
# Symbols and shapes follow the course's [notation](../../docs/notation.md); one example
# means lower-case names ($z^1$, $a^1$), as everywhere in the course.
# Where this fits: the [course map](../../README.md#course-map); next,
# [notebook 5](../05_delta_rules/05_delta_rules.ipynb).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. run the forward pass of a network with two inputs, two tanh hidden units and one
#    tanh output, naming every intermediate ([Exercise 1](#Exercise-1:-the-forward-pass-(3-points)));
# 2. derive the five local derivatives along the path from one first-layer weight to the
#    loss ([Exercise 2](#Exercise-2:-one-weight,-five-local-derivatives-(3-points)));
# 3. derive the gradient of every weight and bias and compute them in one backward pass
#    ([Exercise 3](#Exercise-3:-the-backward-pass-(6-points)));
# 4. carry the method over to a sigmoid output with cross-entropy
#    ([Exercise 4](#Exercise-4:-a-sigmoid-output-with-cross-entropy-(3-points)));
# 5. recognise the two classic slips of a hand derivation from the checker's diagnosis, and
#    fix them ([Spot the bug](#Spot-the-bug:-the-lecture's-derivation-(2-points))).
#
# **Prerequisites:** notebook 1 (losses, central differences and the tolerance policy:
# $10^{-9}$ against exact values, $10^{-5}$ against numerical derivatives) and notebook 3
# (the chain rule on a computational graph, $\bar v = \partial L / \partial v$).
#
# Every answer is checked by the small test cells under it; a failing check names the
# variable, the entry that is furthest off, both values, and the likely mistake. Two
# checkpoints ask you to predict a number before a cell shows it: commit to an answer
# first, that is where the learning happens.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(4)

# %% [markdown]
# ## 1. The network
#
# Two inputs $x_1, x_2$ feed two hidden units; each hidden unit adds up its weighted
# inputs and squashes the sum with $\tanh$; one output unit does the same with the two
# hidden values. For one example, with column vectors,
#
# $$z^1 = W^1 x + b^1, \qquad a^1 = \tanh(z^1), \qquad
# z^2 = W^2 a^1 + b^2, \qquad \hat y = \tanh(z^2), \qquad L = \tfrac12 (\hat y - t)^2 .$$
#
# $z$ is a **pre-activation** (a weighted sum), $a$ an **activation** (what the unit
# outputs), $t$ the target; superscripts number the layers. A weight matrix has one row
# per unit it feeds, so `W1[j, i]` is the weight **from input $i$ to hidden unit $j$**:
#
# | name | shape | meaning |
# | --- | --- | --- |
# | `x` | `(2,)` | the input $(x_1, x_2)$ |
# | `W1`, `b1` | `(2, 2)`, `(2,)` | first-layer weights and biases |
# | `z1`, `a1` | `(2,)`, `(2,)` | hidden pre-activations and activations |
# | `W2`, `b2` | `(1, 2)`, `(1,)` | output weights and bias |
# | `z2`, `y_hat` | `(1,)`, `(1,)` | output pre-activation and prediction |
#
# The lecture this notebook follows (summarised, with what the course changes, in
# [docs/lectures.md](../../docs/lectures.md)) draws the same network with other letters:
# its $s$ is our $z$, its $z = \tanh(s)$ is our $a$ (and $\hat y$ at the output), its
# target $y$ is our $t$, and its $w^{[1]}_{21}$, read "from $x_2$ to unit 1", is our
# `W1[0, 1]`.
#
# Sections 1 to 3 set the biases to zero, as the lecture does; section 4 brings them back.
# Here is the network with the weights used in the demos:

# %%
params = {"W1": np.array([[0.5, -1.0],
                          [1.5, 0.25]]),
          "b1": np.zeros(2),
          "W2": np.array([[1.0, -0.75]]),
          "b2": np.zeros(1)}
x = np.array([0.8, -0.5])
t = 0.5
if not bp.grading():  # pictures earn no points: the graded run skips them
    bp.explore.net221.draw_network(x, t, params)
    plt.show()

# %% [markdown]
# One hidden unit by hand: unit 1 receives $x_1$ through `W1[0, 0]` and $x_2$ through
# `W1[0, 1]`.

# %%
z1_first = params["W1"][0, 0] * x[0] + params["W1"][0, 1] * x[1]
print(f"z1[0] = {z1_first:.6f}   a1[0] = tanh(z1[0]) = {np.tanh(z1_first):.6f}")

# %% [markdown]
# ### Exercise 1: the forward pass (3 points)
#
# Write `forward(x, params)` returning a dict `cache` of every intermediate:
#
# - `cache["x"]`, the input, shape `(2,)`;
# - `cache["z1"]` and `cache["a1"]`, shape `(2,)`;
# - `cache["z2"]` and `cache["y_hat"]`, shape `(1,)`.
#
# Use the biases in `params` (they are zero for now). Matrix-vector products with `@`;
# `bp.net221.forward` is switched off in this notebook.

# %% solution id="forward"
def forward(x, params):
    """Forward pass of the 2-2-1 tanh network for one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
    params : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,); W1[j, i] is the weight from input i
        to hidden unit j.

    Returns
    -------
    cache : dict
        x (2,), z1 (2,), a1 (2,), z2 (1,), y_hat (1,).
    """
    ### BEGIN SOLUTION
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.tanh(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    y_hat = np.tanh(z2)
    return {"x": x, "z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat}
    ### END SOLUTION

# %% [markdown]
# Try it. You should see `z1 [0.9   1.075]`, `a1 [0.716298 0.791338]`,
# `z2 [0.122795]` and `y_hat [0.122181]`, with `x` passed through unchanged.

# %%
cache = forward(x, params)
for name, value in cache.items():
    print(f"{name:6s}", np.round(np.asarray(value, dtype=float), 6))

# %% tests id="forward__hidden" points=1
"""forward computes the hidden layer, z1 and a1."""
bp.checks.net221.net221_forward(forward, ("z1", "a1"), biases=False)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_forward(forward, ("z1", "a1"), seeds=(411, 412), biases=False,
                                      reference=bp.net221.forward)
### END HIDDEN TESTS

# %% tests id="forward__output" points=1
"""forward computes the output, z2 and y_hat, and keeps x."""
bp.checks.net221.net221_forward(forward, ("x", "z2", "y_hat"), biases=False,
                                required=bp.net221.CACHE_KEYS)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_forward(forward, ("z2", "y_hat"), seeds=(413, 414), biases=False,
                                      reference=bp.net221.forward)
### END HIDDEN TESTS

# %% tests id="forward__biases" points=1
"""forward adds the biases b1 and b2."""
bp.checks.net221.net221_forward(forward, ("z1", "a1", "z2", "y_hat"))
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_forward(forward, ("z1", "a1", "z2", "y_hat"), seeds=(415,),
                                      reference=bp.net221.forward)
### END HIDDEN TESTS

# %% [markdown]
# The loss of one example is the half squared error of its one output. It is given, not
# an exercise; `bp.net221.number` turns an array of one entry (or a list, or a float)
# into a float:

# %%
def loss(y_hat, t):
    """Half squared error 1/2 (y_hat - t)**2 of one prediction, as a float."""
    return 0.5 * (bp.net221.number(y_hat) - t) ** 2


print(f"L = {loss(cache['y_hat'], t):.6f}")

# %% [markdown]
# ## 2. One weight, one chain of local derivatives
#
# How does $L$ change when `W1[0, 0]` moves a little? Follow the path from that weight
# to the loss: `W1[0, 0]` $\to z^1_0 \to a^1_0 \to z^2 \to \hat y \to L$. Each arrow is
# one simple function of the quantity before it, and the chain rule of notebook 3
# multiplies their derivatives:
#
# $$\frac{\partial L}{\partial W^1[j, i]}
# = \underbrace{\frac{\partial L}{\partial \hat y}}_{\texttt{dL\_dy\_hat}}
# \cdot \underbrace{\frac{\partial \hat y}{\partial z^2}}_{\texttt{dy\_hat\_dz2}}
# \cdot \underbrace{\frac{\partial z^2}{\partial a^1_j}}_{\texttt{dz2\_da1}}
# \cdot \underbrace{\frac{\partial a^1_j}{\partial z^1_j}}_{\texttt{da1\_dz1}}
# \cdot \underbrace{\frac{\partial z^1_j}{\partial W^1[j, i]}}_{\texttt{dz1\_dW1}} .$$
#
# (Python counts from 0, so the input the text calls $x_1$ is `x[0]`.) Only the path
# through hidden unit $j$ reaches $L$ from `W1[j, i]`: the other hidden unit does not
# depend on that weight, so there is one product and no sum.
#
# Each factor is the derivative of one line of the forward pass with respect to one
# quantity, every other quantity held fixed. Work each one out on paper before you code.

# %% [markdown]
# ### Exercise 2: one weight, five local derivatives (3 points)
#
# Write `local_derivatives(cache, t, params, j, i)` returning a dict of the five factors
# above for the weight `W1[j, i]`, under the keys `"dL_dy_hat"`, `"dy_hat_dz2"`,
# `"dz2_da1"`, `"da1_dz1"` and `"dz1_dW1"`. Each value is one number: a float, or an
# array of one entry, or a list of one number (so `cache["y_hat"]`, of shape `(1,)`, may
# be used as it is). Take every value you need from `cache` (made by `forward`) and
# `params`; `t` is a float.
# `bp.activations.tanh_grad` is switched off here: the derivative of tanh is yours to find.
#
# <details><summary>Hint 1</summary>
#
# Write each line of the forward pass as a function of the one quantity on the path:
# $L = \tfrac12(\hat y - t)^2$ as a function of $\hat y$; $\hat y = \tanh(z^2)$ as a
# function of $z^2$; $z^2 = W^2[0,0]\,a^1_0 + W^2[0,1]\,a^1_1 + b^2$ as a function of
# $a^1_j$; and so on down to `W1[j, i]`.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\tanh u = \sinh u / \cosh u$ with $\sinh' = \cosh$ and $\cosh' = \sinh$. Use the
# quotient rule, then $\cosh^2 u - \sinh^2 u = 1$: the result can be written with
# $\tanh u$ alone, which the forward pass has already computed (it is $a^1_j$, or $\hat y$).
# </details>
#
# <details><summary>Hint 3</summary>
#
# The linear lines are the easy ones: in a sum $w_0 u_0 + w_1 u_1 + b$, the derivative
# with respect to $u_j$ is its coefficient $w_j$, and with respect to $w_j$ it is $u_j$.
# For the loss, differentiate the square and keep the inner derivative of
# $\hat y - t$ with respect to $\hat y$ (it is $+1$).
# </details>

# %% solution id="local_derivatives"
def local_derivatives(cache, t, params, j, i):
    """The five local derivatives whose product is dL/dW1[j, i].

    Parameters
    ----------
    cache : dict
        x (2,), z1 (2,), a1 (2,), z2 (1,), y_hat (1,), from forward.
    t : float
        The target.
    params : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    j, i : int
        Hidden unit j and input i (0 or 1) of the weight W1[j, i].

    Returns
    -------
    dict of str to float (or array of one entry)
        dL_dy_hat = dL/dy_hat, dy_hat_dz2 = dy_hat/dz2, dz2_da1 = dz2/da1[j],
        da1_dz1 = da1[j]/dz1[j], dz1_dW1 = dz1[j]/dW1[j, i].
    """
    ### BEGIN SOLUTION
    y_hat = cache["y_hat"]
    return {
        "dL_dy_hat": y_hat - t,
        "dy_hat_dz2": 1.0 - y_hat ** 2,
        "dz2_da1": params["W2"][0, j],
        "da1_dz1": 1.0 - cache["a1"][j] ** 2,
        "dz1_dW1": cache["x"][i],
    }
    ### END SOLUTION

# %% [markdown]
# Try it on `W1[0, 0]`. The five factors print one per line, and their product should be
# `-0.144976`, which the last line compares with a central difference of the loss.

# %%
factors = local_derivatives(cache, t, params, 0, 0)
for name, value in factors.items():
    print(f"{name:11s}", bp.net221.describe(value))
print("product, dL/dW1[0, 0]:", bp.net221.describe(bp.net221.product(factors.values())))


def loss_of_W1(W1):
    """The demo network's loss as a function of W1 alone (for central differences)."""
    y_hat = np.tanh(params["W2"] @ np.tanh(W1 @ x + params["b1"]) + params["b2"])
    return loss(y_hat, t)


print("central difference:   ", bp.net221.describe(bp.numdiff.gradient(loss_of_W1, params["W1"])[0, 0]))

# %% tests id="local_derivatives__output_side" points=1
"""local_derivatives: the output-side factors dL_dy_hat and dy_hat_dz2."""
x_check, t_check, params_check, cache_check = bp.checks.net221.net221_case(biases=False)
z2_check = cache_check["z2"]
got = bp.checks.call("local_derivatives(cache, t, params, 0, 0)", local_derivatives,
                    cache_check, t_check, params_check, 0, 0)
bp.checks.true(isinstance(got, dict) and set(bp.net221.FACTOR_KEYS) <= set(got),
              f"local_derivatives should return a dict with keys {list(bp.net221.FACTOR_KEYS)}; "
              f"got {sorted(got) if isinstance(got, dict) else type(got).__name__}", "keys")
numerical = {"dL_dy_hat": bp.numdiff.derivative(lambda y: 0.5 * (y - t_check) ** 2, cache_check["y_hat"]),
             "dy_hat_dz2": bp.numdiff.derivative(np.tanh, z2_check)}
bp.checks.true(not bp.checks.diagnosis.diagnose("dy_hat_dz2", np.squeeze(got["dy_hat_dz2"]),
                                        1.0 - z2_check[0] ** 2).passed,
              "dy_hat_dz2 equals 1 - z2**2: that is the tanh slip. The slope of tanh at z2 is "
              "not 1 - z2**2 (which even turns negative for |z2| > 1): redo the quotient rule "
              "of Hint 2, and write the result with the output of the tanh.", "tanh-slip")
bp.checks.mapping("the output-side factors", got,
                  {key: float(value[0]) for key, value in numerical.items()},
                  tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
for seed in (421, 422):
    x_check, t_check, params_check, cache_check = bp.checks.net221.net221_case(seed)
    got = bp.checks.call("local_derivatives(cache, t, params, 1, 0)", local_derivatives,
                        cache_check, t_check, params_check, 1, 0)
    expected = bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                    params_check, 1, 0)
    bp.checks.mapping("the output-side factors at a hidden point", got,
                      {key: expected[key] for key in ("dL_dy_hat", "dy_hat_dz2")})
### END HIDDEN TESTS

# %% tests id="local_derivatives__hidden_side" points=1
"""local_derivatives: dz2_da1, da1_dz1 and dz1_dW1 for every weight W1[j, i]."""
x_check, t_check, params_check, cache_check = bp.checks.net221.net221_case(biases=False)
z1_check = cache_check["z1"]
got = {(j, i): bp.checks.call(f"local_derivatives(cache, t, params, {j}, {i})", local_derivatives,
                              cache_check, t_check, params_check, j, i)
       for j in range(2) for i in range(2)}
for (j, i), factors_check in got.items():
    bp.checks.true(isinstance(factors_check, dict) and set(bp.net221.FACTOR_KEYS) <= set(factors_check),
                  f"local_derivatives(cache, t, params, {j}, {i}) should return a dict with keys "
                  f"{list(bp.net221.FACTOR_KEYS)}", "keys")
    # each factor is the slope of one line of the forward pass, here by central differences
    numerical = {
        "dz2_da1": bp.numdiff.derivative(
            lambda a: params_check["W2"][0, j] * a + params_check["W2"][0, 1 - j] * np.tanh(z1_check[1 - j]),
            np.tanh(z1_check[j:j + 1]))[0],
        "da1_dz1": bp.numdiff.derivative(np.tanh, z1_check[j:j + 1])[0],
        "dz1_dW1": bp.numdiff.derivative(
            lambda w: w * x_check[i] + params_check["W1"][j, 1 - i] * x_check[1 - i],
            params_check["W1"][j:j + 1, i])[0]}
    bp.checks.true(not bp.checks.diagnosis.diagnose("da1_dz1", np.squeeze(factors_check["da1_dz1"]),
                                            1.0 - z1_check[j] ** 2).passed,
                  f"da1_dz1 for hidden unit {j} equals 1 - z1[{j}]**2: that is the tanh slip. "
                  "The slope of tanh is written with its output a1, not its input z1.", "tanh-slip")
    bp.checks.mapping(f"the hidden-side factors of W1[{j}, {i}]",
                      {key: factors_check[key] for key in numerical}, numerical,
                      tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
x_check, _, params_check, cache_check = bp.checks.net221.net221_case(423)
t_check = -0.4
for j in range(2):
    for i in range(2):
        got = bp.checks.call(f"local_derivatives(cache, t, params, {j}, {i})", local_derivatives,
                            cache_check, t_check, params_check, j, i)
        expected = bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                        params_check, j, i)
        bp.checks.mapping(f"the hidden-side factors of W1[{j}, {i}] at a hidden point", got,
                          {key: expected[key] for key in ("dz2_da1", "da1_dz1", "dz1_dW1")})
### END HIDDEN TESTS

# %% tests id="local_derivatives__product" points=1
"""The products of the factors pass a gradient check of dL/dW1, and are exact."""
x_check, t_check, params_check, cache_check = bp.checks.net221.net221_case(biases=False)
dW1_from_products = np.array([[bp.net221.product(bp.checks.call(
    "local_derivatives", local_derivatives, cache_check, t_check, params_check, j, i).values())
    for i in range(2)] for j in range(2)])
bp.checks.gradient("dW1 built from your products", dW1_from_products,
                  lambda W1: bp.net221.loss_at(x_check, t_check, params_check, "W1", W1),
                  params_check["W1"])
bp.checks.formula("dW1 built from your products, to the last digits", dW1_from_products,
                  bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check,
                                              cache_check)["W1"])
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.points(424, (2,)) * 1.5, 0.7
params_check = bp.net221.init_params(np.random.default_rng(424), biases=False)
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
dW1_from_products = np.array([[bp.net221.product(bp.checks.call(
    "local_derivatives", local_derivatives, cache_check, t_check, params_check, j, i).values())
    for i in range(2)] for j in range(2)])
bp.checks.formula("dW1 built from your products at a hidden point", dW1_from_products,
                  bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check,
                                              cache_check)["W1"])
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# $$\frac{\partial L}{\partial \hat y} = \hat y - t, \qquad
# \frac{\partial \hat y}{\partial z^2} = 1 - \hat y^2, \qquad
# \frac{\partial z^2}{\partial a^1_j} = W^2[0, j], \qquad
# \frac{\partial a^1_j}{\partial z^1_j} = 1 - (a^1_j)^2, \qquad
# \frac{\partial z^1_j}{\partial W^1[j, i]} = x_i .$$
#
# In code: `dL_dy_hat = y_hat - t`, `dy_hat_dz2 = 1 - y_hat**2`, `dz2_da1 = W2[0, j]`,
# `da1_dz1 = 1 - a1[j]**2`, `dz1_dW1 = x[i]`.
# The slope of tanh, $\tanh'(u) = 1 - \tanh^2(u)$, is written with the tanh's **output**,
# which the forward pass has already stored; it is at most 1, at $u = 0$. The half in
# the loss is why the first factor has no 2: $\partial L / \partial \hat y$ is positive
# when the prediction is too high, so a descent step lowers it.

# %% [markdown]
# ### Checkpoint: two hidden units, one input (1 point)
#
# Compare $\partial L/\partial W^1[0, 0]$ (into hidden unit 0) with
# $\partial L/\partial W^1[1, 0]$ (into hidden unit 1), for the demo network. Both come
# from input $x_1$, and three of their five factors are the same. From the values
# `forward` printed ($a^1 = (0.716, 0.791)$) and $W^2 = (1, -0.75)$, predict the ratio of
# their absolute values,
# $|\partial L/\partial W^1[0, 0]| \,/\, |\partial L/\partial W^1[1, 0]|$, to two
# decimals, before the next cells show them. Set `predicted_ratio` to that number; the
# test cell records it, and the graded version judges it.

# %% solution id="predict_unit_ratio"
# Your prediction, a number, in place of the two lines below:
### BEGIN SOLUTION
predicted_ratio = 1.74
### END SOLUTION

# %% tests id="predict_unit_ratio__value" points=1
"""Checkpoint: the ratio of the gradients of the two weights from x_1: recorded."""
bp.checks.predictions.recorded("predicted_ratio", globals())
### BEGIN HIDDEN TESTS
x_check, t_check = np.array([0.8, -0.5]), 0.5
W2_check = np.array([[1.0, -0.75]])


def loss_check(W1):
    return 0.5 * (np.tanh(W2_check @ np.tanh(W1 @ x_check))[0] - t_check) ** 2


gradient_W1 = bp.numdiff.gradient(loss_check, np.array([[0.5, -1.0], [1.5, 0.25]]))
bp.checks.predictions.judged("predicted_ratio", globals(),
                             abs(gradient_W1[0, 0]) / abs(gradient_W1[1, 0]), rel_tol=2e-2)
### END HIDDEN TESTS

# %% [markdown]
# Now the numbers:

# %%
for j in range(2):
    factors_j = local_derivatives(cache, t, params, j, 0)
    product_j = bp.net221.product(factors_j.values())
    print(f"unit {j}: dz2_da1 = {bp.net221.describe(factors_j['dz2_da1'])}, "
          f"da1_dz1 = {bp.net221.describe(factors_j['da1_dz1'])}, "
          f"dL/dW1[{j}, 0] = {bp.net221.describe(product_j)}")

# %% [markdown]
# Unit 0 wins, $|-0.145| / |0.083| = 1.74$, although unit 1's outgoing weight is not much
# smaller ($0.75$ against $1$): unit 1 is more saturated ($a^1_1 = 0.79$), so its tanh is
# flatter ($1 - 0.79^2 = 0.37$ against $0.49$), and the product of the two differing
# factors is $0.49$ against $0.28$, whose ratio is the ratio of the gradients. A unit passes back gradient in proportion to its
# outgoing weight **and** to the slope of its activation: saturated units learn slowly.
#
# ## 3. All the weights at once
#
# Write the four products for `W1` and the two for `W2` side by side and the same
# factors keep coming back. Name the products that recur: the derivative of the loss
# with respect to a layer's pre-activation, the **delta** of that layer (notebook 3's bar,
# $\delta = \bar z$),
#
# $$\delta^2 = \frac{\partial L}{\partial z^2} \quad(\text{shape } (1,)), \qquad
# \delta^1 = \frac{\partial L}{\partial z^1} \quad(\text{shape } (2,)).$$
#
# In code they are `dz2` and `dz1` (one example, lower case). Computing each delta once
# and reusing it for every weight that feeds its layer, instead of redoing all five
# factors for each of the six weights, is what makes backpropagation cheap. How each
# gradient follows from a delta, and how $\delta^1$ follows from $\delta^2$, is
# Exercise 3.
#
# ## 4. Biases
#
# Put the biases back. Nothing else changes: every formula is the same product of local
# derivatives, now evaluated at the values that the biased forward pass produces; a bias
# is one more parameter that enters one pre-activation.

# %% [markdown]
# ### Checkpoint: the sign of one weight's gradient (1 point)
#
# Without computing any number: for the demo network (biases zero, $x = (0.8, -0.5)$,
# $t = 0.5$, $\hat y = 0.122$), is $\partial L / \partial W^1[1, 1]$ positive or negative?
# Multiply the signs of the five factors. Set `sign_dW1_11` to `1` or `-1`; the test cell
# records either, and the graded version judges which.

# %% solution id="predict_sign"
# Your prediction, 1 or -1, in place of the two lines below:
### BEGIN SOLUTION
sign_dW1_11 = -1
### END SOLUTION

# %% tests id="predict_sign__value" points=1
"""Checkpoint: the sign of dL/dW1[1, 1] for the demo network: recorded."""
bp.checks.predictions.recorded("sign_dW1_11", globals(), choices=(1, -1))
### BEGIN HIDDEN TESTS
x_check, t_check = np.array([0.8, -0.5]), 0.5
W2_check = np.array([[1.0, -0.75]])


def loss_check(W1):
    return 0.5 * (np.tanh(W2_check @ np.tanh(W1 @ x_check))[0] - t_check) ** 2


gradient_W1 = bp.numdiff.gradient(loss_check, np.array([[0.5, -1.0], [1.5, 0.25]]))
bp.checks.predictions.judged("sign_dW1_11", globals(), int(np.sign(gradient_W1[1, 1])),
                             choices=(1, -1))
### END HIDDEN TESTS

# %% [markdown]
# The central difference confirms it:

# %%
print("dL/dW1 by central differences:\n", np.round(bp.numdiff.gradient(loss_of_W1, params["W1"]), 6))

# %% [markdown]
# Negative: $\hat y - t < 0$ (the prediction is too low), both tanh slopes are positive,
# $W^2[0, 1] = -0.75 < 0$ and $x_2 = -0.5 < 0$. Three minus signs make a minus, so a
# descent step $W^1[1,1] \leftarrow W^1[1,1] - \text{lr}\cdot(\text{negative})$ **raises** that
# weight. Signs are a quick check of any hand derivation.
#
# ### Exercise 3: the backward pass (6 points)
#
# Write `backward(x, t, params, cache)` returning a dict `grads` with **the same keys as
# `params`**: `grads["W1"]` is $\partial L / \partial W^1$, `grads["b1"]` is
# $\partial L / \partial b^1$, and so on. Each gradient has the shape of what it
# differentiates: `(2, 2)`, `(2,)`, `(1, 2)`, `(1,)`. Use the intermediates in `cache`;
# `t` is a float. Derive the gradients from local derivatives, not by nudging weights:
# the graded tests also compare them with exact backprop at $10^{-12}$, which products of
# local derivatives meet and finite differences do not.
#
# <details><summary>Hint 1</summary>
#
# Start at the output: $\delta^2$ is the product of the first two factors of Exercise 2.
# Every other gradient is a delta times one more local derivative.
# </details>
#
# <details><summary>Hint 2</summary>
#
# `W2[0, j]` enters $z^2$ multiplied by $a^1_j$, and `W1[j, i]` enters $z^1_j$ multiplied
# by $x_i$. A bias enters its pre-activation with coefficient 1. So a weight's gradient is
# (delta of the unit it feeds) times (value at the unit it comes from): a table of all
# those products, row $j$ and column $i$, is an outer product (`np.outer(u, v)` has entry
# `[j, i] = u[j] * v[i]`).
# </details>
#
# <details><summary>Hint 3</summary>
#
# Going down one layer: $\partial L / \partial a^1_j = W^2[0, j]\,\delta^2$ for each
# hidden unit (with a matrix: multiply $\delta^2$ by the **transpose** of $W^2$, which
# turns a `(1,)` into a `(2,)`), then through the tanh of each hidden unit, entry by
# entry, as in Exercise 2.
# </details>

# %% solution id="backward"
def backward(x, t, params, cache):
    """Gradients of L = 1/2 (y_hat - t)**2 with respect to every parameter, for one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
        The input.
    t : float
        Its target.
    params : dict
        The network: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    cache : dict
        What forward(x, params) kept: x, z1, a1, z2, y_hat.

    Returns
    -------
    grads : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,): dL/dW1, dL/db1, dL/dW2, dL/db2.
    """
    ### BEGIN SOLUTION
    y_hat, a1 = cache["y_hat"], cache["a1"]
    dL_dy_hat = y_hat - t
    dz2 = dL_dy_hat * (1.0 - y_hat ** 2)
    dW2 = np.outer(dz2, a1)
    db2 = dz2
    da1 = params["W2"].T @ dz2
    dz1 = da1 * (1.0 - a1 ** 2)
    dW1 = np.outer(dz1, x)
    db1 = dz1
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    ### END SOLUTION

# %% [markdown]
# Try it with biases. You should see `W1 [[-0.139884  0.087428] [ 0.168738 -0.105461]]`,
# `b1 [-0.174855  0.210922]`, `W2 [[-0.389674 -0.316328]]` and `b2 [-0.486788]`. The
# last line, without biases, should repeat the product of Exercise 2, `-0.144976`.

# %%
params_biased = {**params, "b1": np.array([0.2, -0.3]), "b2": np.array([-0.3])}
cache_biased = forward(x, params_biased)
grads = backward(x, t, params_biased, cache_biased)
for name, value in grads.items():
    print(f"{name:3s}", np.round(np.asarray(value, dtype=float), 6))
print("without biases, dL/dW1[0, 0] =",
      bp.net221.describe(np.asarray(backward(x, t, params, cache)["W1"], dtype=float)[0, 0]))

# %% tests id="backward__keys_shapes" points=1
"""backward returns the keys of params, each gradient of its parameter's shape."""
x_check, t_check, params_check, cache_check = bp.checks.net221.net221_case()
bp.checks.layers.keys_and_shapes("backward", bp.checks.call(
    "backward(x, t, params, cache)", backward, x_check, t_check, params_check, cache_check), params_check)
print("grads has the keys and shapes of params.")

# %% tests id="backward__dW2" points=1
"""backward: dL/dW2 passes a gradient check, and is exact."""
bp.checks.net221.net221_gradient(backward, "W2", reference=bp.net221.backward)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_gradient(backward, "W2", seeds=(431, 432, 433), reference=bp.net221.backward)
### END HIDDEN TESTS

# %% tests id="backward__db2" points=1
"""backward: dL/db2 passes a gradient check, and is exact."""
bp.checks.net221.net221_gradient(backward, "b2", reference=bp.net221.backward)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_gradient(backward, "b2", seeds=(434, 435), reference=bp.net221.backward)
### END HIDDEN TESTS

# %% tests id="backward__dW1" points=2
"""backward: dL/dW1 passes a gradient check, and is exact."""
bp.checks.net221.net221_gradient(backward, "W1", reference=bp.net221.backward)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_gradient(backward, "W1", seeds=(436, 437, 438), reference=bp.net221.backward)
### END HIDDEN TESTS

# %% tests id="backward__db1" points=1
"""backward: dL/db1 passes a gradient check, and is exact."""
bp.checks.net221.net221_gradient(backward, "b1", reference=bp.net221.backward)
### BEGIN HIDDEN TESTS
bp.checks.net221.net221_gradient(backward, "b1", seeds=(439, 440), reference=bp.net221.backward)
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# Two deltas and four gradients, each a delta times one more local derivative:
#
# $$\delta^2 = (\hat y - t)(1 - \hat y^2), \qquad
# \frac{\partial L}{\partial W^2} = \delta^2 (a^1)^{\mathsf T}, \qquad
# \frac{\partial L}{\partial b^2} = \delta^2,$$
#
# $$\delta^1 = \big((W^2)^{\mathsf T} \delta^2\big) \odot \big(1 - (a^1)^2\big), \qquad
# \frac{\partial L}{\partial W^1} = \delta^1 x^{\mathsf T}, \qquad
# \frac{\partial L}{\partial b^1} = \delta^1 .$$
#
# In code: `dz2 = (y_hat - t) * (1 - y_hat**2)`, `dW2 = np.outer(dz2, a1)`, `db2 = dz2`,
# `dz1 = (W2.T @ dz2) * (1 - a1**2)`, `dW1 = np.outer(dz1, x)`, `db1 = dz1`.
# $\odot$ is the entrywise product. $\delta^1 x^{\mathsf T}$ is an **outer product**: row
# $j$ belongs to hidden unit $j$, column $i$ to input $i$, the layout of `W1`, so the
# gradient has the shape of what it differentiates. Going down a layer multiplies by the
# **transpose** of the weights: forward, $W^2$ maps two numbers to one; backward,
# $(W^2)^{\mathsf T}$ hands the one delta back to the two units it came from.
# Notebook 5 turns these into rules for any depth and width.
#
# ## 5. Check every gradient, in one loop
#
# Because `grads` has the keys of `params`, one loop checks them all. For each parameter,
# `bp.checks.gradient` nudges every entry up and down by a tiny step, reruns the forward
# pass and compares the central difference of the loss with your gradient (tolerance
# $10^{-5}$). Here the loss is computed by your own `forward`, so this cell checks your
# two functions against each other, at a random point with random weights.

# %%
def loss_with(name, value, x, t, params):
    """The loss computed by your forward, with params[name] replaced by value."""
    return loss(forward(x, {**params, name: value})["y_hat"], t)


x_random, t_random = rng.uniform(-2.0, 2.0, 2), 0.3
params_random = {key: rng.standard_normal(value.shape) for key, value in params.items()}
grads_random = backward(x_random, t_random, params_random, forward(x_random, params_random))
for name in params_random:
    bp.checks.gradient(f"grads[{name!r}]", grads_random[name],
                      lambda value: loss_with(name, value, x_random, t_random, params_random),
                      params_random[name])

# %% [markdown]
# ## 6. Transfer: a sigmoid output with cross-entropy
#
# The same network can answer a yes/no question: replace the output tanh by the sigmoid
# $\sigma(u) = 1/(1 + e^{-u})$, so that $\hat y \in (0, 1)$ is a probability, and score it
# with notebook 1's binary cross-entropy, for a target $t \in [0, 1]$:
#
# $$z^1 = W^1 x + b^1, \quad a^1 = \tanh(z^1), \quad z^2 = W^2 a^1 + b^2, \quad
# \hat y = \sigma(z^2), \quad L = -t \log \hat y - (1 - t) \log(1 - \hat y).$$
#
# No cell of the course shows this network's gradients.
#
# ### Exercise 4: a sigmoid output with cross-entropy (3 points)
#
# Write `backward_sigmoid_bce(x, t, params)` returning the dict of gradients of this $L$
# with respect to `W1`, `b1`, `W2`, `b2`, each of its parameter's shape. Run the forward
# pass yourself inside the function; `bp.activations.sigmoid` is the sigmoid and
# `bp.activations.sigmoid_grad` its slope $\sigma'$, as in notebook 3 (notebook 5 derives
# its formula).
#
# <details><summary>Hint 1</summary>
#
# Only the output end changed. Find the new $\delta^2 = \partial L / \partial z^2$ as
# $\partial L/\partial \hat y$ times $\partial \hat y / \partial z^2$; everything below
# $\delta^2$ is Exercise 3 unchanged.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\partial L / \partial \hat y$ is notebook 1's Exercise 4 for one example: the
# derivative of $-t \log \hat y$ plus that of $-(1 - t) \log(1 - \hat y)$. Multiply it by
# the sigmoid's slope at $z^2$, entry by entry.
# </details>

# %% solution id="backward_sigmoid_bce"
def backward_sigmoid_bce(x, t, params):
    """Gradients of the cross-entropy of the sigmoid-output 2-2-1 network, one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
        The input.
    t : float in [0, 1]
        Its target, a probability.
    params : dict
        The network: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).

    Returns
    -------
    dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,): the gradients of
        L = -t log(y_hat) - (1 - t) log(1 - y_hat), y_hat = sigmoid(z2).
    """
    ### BEGIN SOLUTION
    a1 = np.tanh(params["W1"] @ x + params["b1"])
    z2 = params["W2"] @ a1 + params["b2"]
    y_hat = bp.activations.sigmoid(z2)
    dL_dy_hat = -t / y_hat + (1.0 - t) / (1.0 - y_hat)
    dz2 = dL_dy_hat * bp.activations.sigmoid_grad(z2)
    dz1 = (params["W2"].T @ dz2) * (1.0 - a1 ** 2)
    return {"W1": np.outer(dz1, x), "b1": dz1, "W2": np.outer(dz2, a1), "b2": dz2}
    ### END SOLUTION

# %% [markdown]
# Try it on the demo network with the target $t = 1$: the last line compares your
# `b2` gradient with a central difference of this loss (`bp.net221.bce.loss_at`); both
# should read `-0.469340`.

# %%
grads_bce = backward_sigmoid_bce(x, 1.0, params)
for name, value in grads_bce.items():
    print(f"{name:3s}", np.round(np.asarray(value, dtype=float), 6))
print("central difference for b2:", bp.net221.describe(bp.numdiff.gradient(
    lambda b2: bp.net221.bce.loss_at(x, 1.0, params, "b2", b2), params["b2"])))

# %% tests id="backward_sigmoid_bce__output_layer" points=1
"""backward_sigmoid_bce: dL/dW2 and dL/db2 pass a gradient check."""
x_check, _, params_check, _ = bp.checks.net221.net221_case()
bp.checks.net221.net221_bce_gradients(backward_sigmoid_bce, ("W2", "b2"), x_check, 1.0, params_check)
### BEGIN HIDDEN TESTS
for seed in (441, 442):
    x_check, _, params_check, _ = bp.checks.net221.net221_case(seed)
    bp.checks.net221.net221_bce_gradients(backward_sigmoid_bce, ("W2", "b2"), x_check, float(seed % 2),
                                                params_check, where="at a hidden point")
### END HIDDEN TESTS

# %% tests id="backward_sigmoid_bce__hidden_layer" points=1
"""backward_sigmoid_bce: dL/dW1 and dL/db1 pass a gradient check, for t = 0 and a soft t."""
params_check = {"W1": np.array([[0.3, 0.8], [-1.1, 0.4]]), "b1": np.array([0.1, 0.5]),
                "W2": np.array([[-0.6, 1.3]]), "b2": np.array([0.2])}
for t_check in (0.0, 0.3):
    bp.checks.net221.net221_bce_gradients(backward_sigmoid_bce, ("W1", "b1"), np.array([-1.2, 0.7]),
                                                t_check, params_check, where=f"for t = {t_check}")
### BEGIN HIDDEN TESTS
for seed in (443, 444):
    x_check, _, params_check, _ = bp.checks.net221.net221_case(seed)
    bp.checks.net221.net221_bce_gradients(backward_sigmoid_bce, ("W1", "b1"), x_check, 0.8, params_check,
                                                where="at a hidden point")
### END HIDDEN TESTS

# %% tests id="backward_sigmoid_bce__exact" points=1
"""backward_sigmoid_bce: every gradient is exact, not a finite-difference estimate."""
params_check = {"W1": np.array([[0.9, 0.4], [-0.7, 1.2]]), "b1": np.array([0.0, 0.3]),
                "W2": np.array([[2.0, -1.5]]), "b2": np.array([0.5])}
bp.checks.net221.net221_bce_gradients(backward_sigmoid_bce, params_check, np.array([1.5, -2.0]), 1.0,
                                      params_check, reference=bp.net221.bce.backward)
### BEGIN HIDDEN TESTS
for seed in (445, 446):
    params_check = bp.net221.init_params(np.random.default_rng(seed), scale=1.5)
    bp.checks.net221.net221_bce_gradients(
        backward_sigmoid_bce, params_check, 1.5 * bp.checks.testdata.points(seed, (2,)), float(seed % 2),
        params_check, where="at a hidden point", reference=bp.net221.bce.backward)
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# Only the output delta changed:
#
# $$\delta^2 = \frac{\partial L}{\partial \hat y}\,\sigma'(z^2), \qquad
# \frac{\partial L}{\partial \hat y} = -\frac{t}{\hat y} + \frac{1 - t}{1 - \hat y},$$
#
# in code `dz2 = (-t / y_hat + (1 - t) / (1 - y_hat)) * sigmoid_grad(z2)`; everything
# below the output is Exercise 3 unchanged. The first factor grows without limit as
# $\hat y$ approaches the wrong end, while the second, the sigmoid's slope, shrinks there.
# How the two combine is one of the questions of notebook 5, which derives the sigmoid's
# slope: the answer explains why classifiers train on cross-entropy. (Written as it is
# here, the product divides 0 by 0 once $\hat y$ rounds to exactly 1; notebook 5's form
# does not.)

# %% [markdown]
# ## 7. Spot the bug
#
# The lecture this notebook follows ([docs/lectures.md](../../docs/lectures.md)) derives
# these gradients for the same network, and two of its steps are wrong. Both are slips
# that everyone makes once, so it pays to see what they look like to a gradient checker.
# Here is the lecture's derivation as code, in its letters for the units ($s$ a
# pre-activation, $z = \tanh(s)$ its activation) but with the course's $t$ for the
# target (the lecture writes $y$), the loss of this notebook,
# $L = \tfrac12 (t - z^{[2]})^2$, and zero biases:

# %%
def gradients_as_in_the_lecture(x, t, params):
    """dL/dW1 and dL/dW2 as the lecture derives them (biases zero): two slips inside."""
    W1, W2 = params["W1"], params["W2"]
    s1 = W1 @ x
    z1 = np.tanh(s1)
    z2 = np.tanh(W2[0] @ z1)
    dL_dz2 = t - z2                       # L = 1/2 (t - z2)**2
    dz2_ds2 = 1.0 - z2 ** 2
    dz1_ds1 = 1.0 - s1 ** 2
    dW1, dW2 = np.zeros((2, 2)), np.zeros((1, 2))
    for j in range(2):
        dW2[0, j] = dL_dz2 * dz2_ds2 * z1[j]
        for i in range(2):
            dW1[j, i] = dL_dz2 * dz2_ds2 * W2[0, j] * dz1_ds1[j] * x[i]
    return dW1, dW2


def check_against_numerical(gradients, x, t, params):
    """Gradient-check the pair (dW1, dW2) and print the verdicts, failures included."""
    for name, grad in zip(("W1", "W2"), gradients):
        try:
            bp.checks.gradient(f"d{name}", grad,
                              lambda value: bp.net221.loss_at(x, t, params, name, value),
                              params[name])
        except AssertionError as failure:
            print("FAILED:", failure)


check_against_numerical(gradients_as_in_the_lecture(x, t, params), x, t, params)

# %% [markdown]
# Read the two verdicts. `dW2` does not involve the hidden tanh, so only one slip reaches
# it, and the checker names what it sees in every entry. `dW1` suffers from both slips,
# and they do not combine into one ratio: the checker reports the entry that is furthest
# off, which says little about the cause. Divide instead. The next cell prints, row by
# row (one row per hidden unit), the lecture's `dW1` divided by a central difference: a
# ratio that is the same along a row but differs between the rows points at a factor that
# differs from unit to unit.

# %%
dW1_lecture = gradients_as_in_the_lecture(x, t, params)[0]
dW1_numerical = bp.numdiff.gradient(loss_of_W1, params["W1"])  # section 2's loss, biases zero
for j in range(2):
    print(f"hidden unit {j} (pre-activation {(params['W1'] @ x)[j]:.3f}): lecture's dW1 / "
          f"numerical = {np.round(dW1_lecture[j] / dW1_numerical[j], 3)}")

# %% [markdown]
# ### Spot the bug: the lecture's derivation (2 points)
#
# Write `gradients_fixed(x, t, params)`: the lecture's function above with both slips
# fixed, returning the pair `(dW1, dW2)` of shapes `(2, 2)` and `(1, 2)` (biases are
# zero; ignore `b1` and `b2`). A copy of the function above is a good start.

# %% solution id="gradients_fixed"
def gradients_fixed(x, t, params):
    """dL/dW1 and dL/dW2 of L = 1/2 (t - z2)**2 (biases zero), the lecture's slips fixed.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
        The target.
    params : dict
        W1 (2, 2), W2 (1, 2); the biases are zero.

    Returns
    -------
    dW1 : ndarray of shape (2, 2)
    dW2 : ndarray of shape (1, 2)
    """
    ### BEGIN SOLUTION
    s1 = params["W1"] @ x
    z1 = np.tanh(s1)
    z2 = np.tanh(params["W2"][0] @ z1)
    dL_dz2 = -(t - z2)                    # the inner derivative of (t - z2) is -1
    dz2_ds2 = 1.0 - z2 ** 2
    dz1_ds1 = 1.0 - z1 ** 2               # tanh' written with the tanh's output z1
    dW2 = (dL_dz2 * dz2_ds2 * z1)[None, :]
    dW1 = np.outer(dL_dz2 * dz2_ds2 * params["W2"][0] * dz1_ds1, x)
    return dW1, dW2
    ### END SOLUTION

# %% [markdown]
# Try it: both verdicts should now say "is correct".

# %%
check_against_numerical(gradients_fixed(x, t, params), x, t, params)

# %% tests id="gradients_fixed__dW2" points=1
"""gradients_fixed: dW2 passes a gradient check (the slip that reaches every gradient)."""
x_check, t_check, params_check, _ = bp.checks.net221.net221_case(biases=False)
sign_slip = ("dW2 has the opposite sign in every entry: the slip is still in dL_dz2. "
             "Differentiating 1/2 (t - z2)**2 with respect to z2 brings down (t - z2) AND the "
             "inner derivative of (t - z2) with respect to z2, which is -1. The lecture drops it.")
bp.checks.net221.net221_pair("gradients_fixed", gradients_fixed, "W2", x_check, t_check, params_check,
                                   slips=[(-1.0, sign_slip, "sign")])
### BEGIN HIDDEN TESTS
for seed in (451, 452):
    x_check, _, params_check, _ = bp.checks.net221.net221_case(seed, biases=False)
    bp.checks.net221.net221_pair("gradients_fixed", gradients_fixed, "W2", x_check, -0.3, params_check,
                                       where="at a hidden point", reference=bp.net221.backward)
### END HIDDEN TESTS

# %% tests id="gradients_fixed__dW1" points=1
"""gradients_fixed: dW1 passes a gradient check (the slip inside the hidden layer)."""
x_check, t_check, params_check, _ = bp.checks.net221.net221_case(biases=False)
s1_check = params_check["W1"] @ x_check
slope_ratio = (1.0 - s1_check ** 2) / (1.0 - np.tanh(s1_check) ** 2)
tanh_slip = ("dW1 still uses 1 - s1**2 for the slope of the hidden tanh. tanh'(s) is "
             "1 - tanh(s)**2 = 1 - z**2, written with the OUTPUT z of the tanh. The two "
             "agree only at s = 0, which is why the slip survives a check at zero; for "
             "|s| > 1, 1 - s**2 is even negative, while tanh never slopes down.")
bp.checks.net221.net221_pair("gradients_fixed", gradients_fixed, "W1", x_check, t_check, params_check,
                                   slips=[(sign * slope_ratio[:, None], tanh_slip, "tanh-slip")
                                          for sign in (1.0, -1.0)])
### BEGIN HIDDEN TESTS
for seed in (453, 454):
    x_check, _, params_check, _ = bp.checks.net221.net221_case(seed, biases=False)
    bp.checks.net221.net221_pair("gradients_fixed", gradients_fixed, "W1", x_check, 0.6, params_check,
                                       where="at a hidden point", reference=bp.net221.backward)
### END HIDDEN TESTS

# %% [markdown]
# #### The two slips, explained
#
# 1. **The sign of $\partial L / \partial \hat y$.** For $L = \tfrac12 (t - z)^2$ the
#    lecture writes $\partial L / \partial z = t - z$. The chain rule also brings down the
#    inner derivative of $t - z$ with respect to $z$, which is $-1$, so
#    $\partial L / \partial z = -(t - z) = z - t$: positive when the prediction is too
#    high, as it must be for gradient descent to lower it. A wrong sign in one shared
#    factor flips **every** gradient, and the checker names it: *opposite sign*. A
#    network trained with it climbs the loss.
# 2. **tanh' with the wrong argument.** For a hidden unit the lecture writes
#    $\partial z / \partial s = 1 - s^2$. The derivative of $\tanh$ is
#    $1 - \tanh^2(s) = 1 - z^2$, written with the *output* $z$. At $s = 0$ the two agree,
#    which is why the slip survives a quick check at zero. In the demo the two slips meet
#    in `dW1`, as the ratios printed above show. Hidden unit 1 (row 1) has $s = 1.075$,
#    where $1 - s^2 < 0$: that negative slope cancels the flipped sign of the first slip,
#    so its row has the right sign and is only too small (ratio $+0.42$). Hidden unit 0
#    (row 0, $s = 0.9$) has a positive but too small slope, which leaves the flipped sign
#    in place (ratio $-0.39$): that row holds the entry the checker reported.
#
# The lesson generalises: a **sign** or a **constant factor** in one shared factor shows
# up as the same ratio in every entry downstream, and the checker names it; a mistake in
# a factor that differs from unit to unit (such as the slope of each hidden tanh) leaves
# no common pattern, and the largest mismatch points at the unit to look at.
#
# ## 8. Explore
#
# The diagram below is drawn by *your* `forward` and `backward`. Each edge shows its
# weight `w` and gradient `g`; red edges have a positive gradient (a descent step
# `w -= lr * g` lowers them), blue a negative one; thicker edges carry larger weights.
# Things to try:
#
# - set `x1` to 0: the gradients of the two weights leaving $x_1$ vanish, because
#   their last local derivative is $x_1$;
# - set `t` equal to the prediction: every gradient vanishes at once, because they all
#   share the factor $\hat y - t$;
# - make the first-layer weights large: the hidden units saturate ($a^1 \to \pm 1$),
#   $1 - (a^1)^2 \to 0$, and the gradients of `W1` fade, a first glimpse of notebook 7's
#   vanishing gradients.

# %%
bp.explore.net221.network_explorer(forward, backward)

# %% [markdown]
# ## Summary
#
# - Forward: $z^1 = W^1 x + b^1$, $a^1 = \tanh z^1$, $z^2 = W^2 a^1 + b^2$,
#   $\hat y = \tanh z^2$, $L = \tfrac12(\hat y - t)^2$; keep every intermediate for the
#   backward pass.
# - The derivative of the loss with respect to one weight is the product of the local
#   derivatives along its path to the loss.
# - The deltas $\delta^l = \partial L / \partial z^l$ collect the shared factors:
#   $\delta^2 = (\hat y - t)(1 - \hat y^2)$, $\delta^1 = ((W^2)^{\mathsf T}\delta^2) \odot (1 - (a^1)^2)$;
#   then $\partial L/\partial W^l = \delta^l (a^{l-1})^{\mathsf T}$ and
#   $\partial L/\partial b^l = \delta^l$, with $a^0 = x$.
# - $\tanh'$ is $1 - a^2$ with $a$ the **output**; the inner derivative of $\hat y - t$ sets
#   the sign. A sigmoid output with cross-entropy has
#   $\delta^2 = \partial L/\partial \hat y \cdot \sigma'(z^2)$, which notebook 5 simplifies.
# - A gradient check catches both slips of the lecture; the diagnosis names a flipped
#   sign, and where no single ratio fits, dividing row by row points at the unit to look
#   at.
#
# ## Going further
#
# - Replace the output tanh by a linear output ($\hat y = z^2$): which one factor of every
#   product disappears?
# - With the full squared error $(\hat y - t)^2$, every gradient doubles: the checker
#   would call that "off by a factor of 2". Which loss the course uses is a convention,
#   stated in each header; mixing two of them is the mistake.
# - Next: **notebook 5** turns these formulas into rules for any depth and width, and runs
#   them on a whole batch at once.
