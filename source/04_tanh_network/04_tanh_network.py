# Backprop Lab, notebook 4: the 2-2-1 tanh network, forward and backward by hand.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 4. The 2-2-1 tanh network by hand
#
# *Every number of a small network, forward and backward, and the two slips everyone makes once.*
#
# **Estimated time:** 60 to 75 minutes. **Exercises:** 3, worth 12 points.
#
# **Loss:** one example, squared error $L = (\hat y - t)^2$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. run the forward pass of a network with two inputs, two tanh hidden units and one
#    tanh output, naming every intermediate ([Exercise 1](#Exercise-1:-the-forward-pass-(3-points)));
# 2. write the derivative of the loss with respect to one first-layer weight as a product
#    of five local derivatives ([Exercise 2](#Exercise-2:-one-weight,-five-local-derivatives-(3-points)));
# 3. compute the gradient of every weight and bias in one backward pass, and check it
#    against a numerical gradient ([Exercise 3](#Exercise-3:-the-backward-pass-(6-points)));
# 4. recognise the two classic slips of a hand derivation from the checker's diagnosis
#    ([Spot the bug](#6.-Spot-the-bug)).
#
# **Prerequisites:** notebook 1 (squared error, central differences and the tolerance
# policy: $10^{-9}$ against exact values, $10^{-5}$ against numerical derivatives) and
# notebook 3 (the chain rule on a computational graph).
#
# Every answer is checked by the small test cells under it; a failing check names the
# variable, the entry that is furthest off, both values, and the likely mistake.

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
# $$Z_1 = W_1 x + b_1, \qquad A_1 = \tanh(Z_1), \qquad
# Z_2 = W_2 A_1 + b_2, \qquad \hat y = \tanh(Z_2), \qquad L = (\hat y - t)^2 .$$
#
# $Z$ is a **pre-activation** (a weighted sum), $A$ an **activation** (what the unit
# outputs), $t$ the target. The shapes follow the course's one convention: a weight
# matrix has one row per unit it feeds, so `W1[j, i]` is the weight **from input $i$ to
# hidden unit $j$**:
#
# | name | shape | meaning |
# | --- | --- | --- |
# | `x` | `(2,)` | the input $(x_1, x_2)$ |
# | `W1`, `b1` | `(2, 2)`, `(2,)` | first-layer weights and biases |
# | `Z1`, `A1` | `(2,)`, `(2,)` | hidden pre-activations and activations |
# | `W2`, `b2` | `(1, 2)`, `(1,)` | output weights and bias |
# | `Z2`, `y_hat` | `(1,)`, `(1,)` | output pre-activation and prediction |
#
# The lecture notes draw the same network with other letters: their $s$ is our $Z$,
# their $z$ is our $A$ (and $\hat y$ at the output), and their target $y$ is our $t$.
#
# Sections 1 to 3 set the biases to zero, as the lecture notes do; section 4 brings
# them back. Here is the network with the weights used in the demos:

# %%
params = {"W1": np.array([[0.5, -1.0],
                          [1.5, 0.25]]),
          "b1": np.zeros(2),
          "W2": np.array([[1.0, -0.75]]),
          "b2": np.zeros(1)}
x = np.array([0.8, -0.5])
t = 0.5
bp.explore.net221.draw_network(x, t, params)
plt.show()

# %% [markdown]
# One hidden unit by hand: unit 1 receives $x_1$ through `W1[0, 0]` and $x_2$ through
# `W1[0, 1]`.

# %%
Z1_first = params["W1"][0, 0] * x[0] + params["W1"][0, 1] * x[1]
print("Z1[0] =", Z1_first, "  A1[0] = tanh(Z1[0]) =", np.tanh(Z1_first))

# %% [markdown]
# ### Exercise 1: the forward pass (3 points)
#
# Write `forward(x, params)` returning a dict `cache` of every intermediate:
#
# - `cache["x"]`, the input, shape `(2,)`;
# - `cache["Z1"]` and `cache["A1"]`, shape `(2,)`;
# - `cache["Z2"]` and `cache["y_hat"]`, shape `(1,)`.
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
        x (2,), Z1 (2,), A1 (2,), Z2 (1,), y_hat (1,).
    """
    ### BEGIN SOLUTION
    Z1 = params["W1"] @ x + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    y_hat = np.tanh(Z2)
    return {"x": x, "Z1": Z1, "A1": A1, "Z2": Z2, "y_hat": y_hat}
    ### END SOLUTION

# %% [markdown]
# Try it. You should see `Z1 [0.9   1.075]`, `A1 [0.716298 0.791338]`,
# `Z2 [0.122795]` and `y_hat [0.122181]`, with `x` passed through unchanged.

# %%
cache = forward(x, params)
for name, value in cache.items():
    print(f"{name:6s}", value)

# %% tests id="forward__hidden" points=1
"""forward computes the hidden layer, Z1 and A1."""
x_check = np.array([0.8, -0.5])
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
                "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
cache_check = bp.checks.call("forward(x, params)", forward, x_check, params_check)
bp.checks.true(isinstance(cache_check, dict) and {"Z1", "A1"} <= set(cache_check),
              "forward should return a dict with keys 'x', 'Z1', 'A1', 'Z2', 'y_hat'; got "
              f"{sorted(cache_check) if isinstance(cache_check, dict) else type(cache_check).__name__}",
              "keys")
expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
bp.checks.true(not bp.checks.diagnosis.diagnose("Z1", cache_check["Z1"], params_check["W1"].T @ x_check).passed,
              "cache['Z1'] equals W1.T @ x: W1[j, i] is the weight from input i to hidden unit j, "
              "so row j of W1 holds the weights into unit j and Z1 = W1 @ x + b1.", "transposed")
for key in ("Z1", "A1"):
    bp.checks.close(f"cache[{key!r}]", cache_check[key], expected[key])
### BEGIN HIDDEN TESTS
for seed in (411, 412):
    x_check = bp.checks.testdata.points(seed, (2,))
    params_check = bp.net221.init_params(np.random.default_rng(seed), biases=False)
    cache_check = bp.checks.call("forward(x, params)", forward, x_check, params_check)
    expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    for key in ("Z1", "A1"):
        bp.checks.close(f"cache[{key!r}] at a hidden point", cache_check[key], expected[key])
### END HIDDEN TESTS

# %% tests id="forward__output" points=1
"""forward computes the output, Z2 and y_hat, and keeps x."""
x_check = np.array([0.8, -0.5])
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
                "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
cache_check = bp.checks.call("forward(x, params)", forward, x_check, params_check)
bp.checks.true(isinstance(cache_check, dict) and set(bp.net221.CACHE_KEYS) <= set(cache_check),
              "forward should return a dict with keys 'x', 'Z1', 'A1', 'Z2', 'y_hat'; got "
              f"{sorted(cache_check) if isinstance(cache_check, dict) else type(cache_check).__name__}",
              "keys")
expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
for key in ("x", "Z2"):
    bp.checks.close(f"cache[{key!r}]", cache_check[key], expected[key])
bp.checks.true(not bp.checks.diagnosis.diagnose("y_hat", cache_check["y_hat"], expected["Z2"]).passed,
              "cache['y_hat'] equals Z2: the output unit applies tanh too, y_hat = tanh(Z2).",
              "missing-activation")
bp.checks.close("cache['y_hat']", cache_check["y_hat"], expected["y_hat"])
### BEGIN HIDDEN TESTS
for seed in (413, 414):
    x_check = bp.checks.testdata.points(seed, (2,))
    params_check = bp.net221.init_params(np.random.default_rng(seed), biases=False)
    cache_check = bp.checks.call("forward(x, params)", forward, x_check, params_check)
    expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    for key in ("Z2", "y_hat"):
        bp.checks.close(f"cache[{key!r}] at a hidden point", cache_check[key], expected[key])
### END HIDDEN TESTS

# %% tests id="forward__biases" points=1
"""forward adds the biases b1 and b2."""
x_check = np.array([0.8, -0.5])
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.call("forward(x, params) with biases", forward, x_check, params_check)
expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
for key in ("Z1", "A1", "Z2", "y_hat"):
    bp.checks.close(f"cache[{key!r}] with biases", cache_check[key], expected[key])
### BEGIN HIDDEN TESTS
x_check = bp.checks.testdata.points(415, (2,))
params_check = bp.net221.init_params(np.random.default_rng(415))
cache_check = bp.checks.call("forward(x, params) with biases", forward, x_check, params_check)
expected = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
for key in ("Z1", "A1", "Z2", "y_hat"):
    bp.checks.close(f"cache[{key!r}] with biases at a hidden point", cache_check[key],
                   expected[key])
### END HIDDEN TESTS

# %% [markdown]
# The loss of one example is the squared error of its one output. It is given, not an
# exercise:

# %%
def loss(y_hat, t):
    """Squared error (y_hat - t)**2 of one prediction, as a float."""
    return float(np.sum((y_hat - t) ** 2))


print("L =", loss(cache["y_hat"], t))

# %% [markdown]
# ## 2. One weight, one chain of local derivatives
#
# How does $L$ change when `W1[0, 0]` moves a little? Follow the path from that weight
# to the loss: `W1[0, 0]` $\to Z_{1,0} \to A_{1,0} \to Z_2 \to \hat y \to L$. Each arrow
# is one simple function, and the chain rule multiplies their derivatives:
#
# $$\frac{\partial L}{\partial W_1[j, i]}
# = \underbrace{\frac{\partial L}{\partial \hat y}}_{\texttt{dL\_dy\_hat}}
# \cdot \underbrace{\frac{\partial \hat y}{\partial Z_2}}_{\texttt{dy\_hat\_dZ2}}
# \cdot \underbrace{\frac{\partial Z_2}{\partial A_{1,j}}}_{\texttt{dZ2\_dA1}}
# \cdot \underbrace{\frac{\partial A_{1,j}}{\partial Z_{1,j}}}_{\texttt{dA1\_dZ1}}
# \cdot \underbrace{\frac{\partial Z_{1,j}}{\partial W_1[j, i]}}_{\texttt{dZ1\_dW1}} .$$
#
# Each factor is a derivative you already know:
#
# - $L = (\hat y - t)^2$, so $\partial L / \partial \hat y = 2(\hat y - t)$: positive when
#   the prediction is too high.
# - $\hat y = \tanh(Z_2)$ and $\tanh'(Z) = 1 - \tanh^2(Z)$, so
#   $\partial \hat y / \partial Z_2 = 1 - \hat y^2$: the derivative of tanh is written
#   with its **output**, which the forward pass has already computed.
# - $Z_2 = W_2[0, 0] A_{1,0} + W_2[0, 1] A_{1,1} + b_2$, so
#   $\partial Z_2 / \partial A_{1,j} = W_2[0, j]$.
# - $A_{1,j} = \tanh(Z_{1,j})$, so $\partial A_{1,j} / \partial Z_{1,j} = 1 - A_{1,j}^2$.
# - $Z_{1,j} = W_1[j, 0]\, x_0 + W_1[j, 1]\, x_1 + b_{1,j}$, so
#   $\partial Z_{1,j} / \partial W_1[j, i] = x_i$.
#
# (Python counts from 0, so the input the text calls $x_1$ is `x[0]`.) Only the path
# through hidden unit $j$ reaches $L$ from `W1[j, i]`: the other hidden unit does not
# depend on that weight, so there is one product and no sum.

# %% [markdown]
# ### Exercise 2: one weight, five local derivatives (3 points)
#
# Write `local_derivatives(cache, t, params, j, i)` returning a dict of five floats, the
# factors above for the weight `W1[j, i]`, under the keys `"dL_dy_hat"`,
# `"dy_hat_dZ2"`, `"dZ2_dA1"`, `"dA1_dZ1"` and `"dZ1_dW1"`. Take every value you need
# from `cache` (made by `forward`) and `params`; `t` is a float.

# %% solution id="local_derivatives"
def local_derivatives(cache, t, params, j, i):
    """The five local derivatives whose product is dL/dW1[j, i].

    Parameters
    ----------
    cache : dict
        x (2,), Z1 (2,), A1 (2,), Z2 (1,), y_hat (1,), from forward.
    t : float
        The target.
    params : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    j, i : int
        Hidden unit j and input i (0 or 1) of the weight W1[j, i].

    Returns
    -------
    dict of str to float
        dL_dy_hat, dy_hat_dZ2, dZ2_dA1, dA1_dZ1, dZ1_dW1.
    """
    ### BEGIN SOLUTION
    y_hat = float(cache["y_hat"][0])
    return {
        "dL_dy_hat": 2.0 * (y_hat - t),
        "dy_hat_dZ2": 1.0 - y_hat ** 2,
        "dZ2_dA1": float(params["W2"][0, j]),
        "dA1_dZ1": 1.0 - float(cache["A1"][j]) ** 2,
        "dZ1_dW1": float(cache["x"][i]),
    }
    ### END SOLUTION

# %% [markdown]
# Try it on `W1[0, 0]`. You should see `dL_dy_hat -0.755638`, `dy_hat_dZ2 0.985072`,
# `dZ2_dA1 1.000000`, `dA1_dZ1 0.486917`, `dZ1_dW1 0.800000`, and their product
# `-0.289952`.

# %%
factors = local_derivatives(cache, t, params, 0, 0)
for name, value in factors.items():
    print(f"{name:11s} {value:.6f}")
print("product, dL/dW1[0, 0]:", round(np.prod(list(factors.values())), 6))

# %% tests id="local_derivatives__output_side" points=1
"""local_derivatives: the output-side factors dL_dy_hat and dy_hat_dZ2."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
                "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
got = bp.checks.call("local_derivatives(cache, t, params, 0, 0)", local_derivatives,
                    cache_check, t_check, params_check, 0, 0)
bp.checks.true(isinstance(got, dict) and set(bp.net221.FACTOR_KEYS) <= set(got),
              f"local_derivatives should return a dict with keys {list(bp.net221.FACTOR_KEYS)}; "
              f"got {sorted(got) if isinstance(got, dict) else type(got).__name__}", "keys")
expected = bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                params_check, 0, 0)
bp.checks.close("dL_dy_hat", got["dL_dy_hat"], expected["dL_dy_hat"])
bp.checks.true(not bp.checks.diagnosis.diagnose("dy_hat_dZ2", got["dy_hat_dZ2"],
                                        1.0 - cache_check["Z2"][0] ** 2).passed,
              "dy_hat_dZ2 equals 1 - Z2**2: the derivative of tanh is 1 - tanh(Z2)**2, "
              "written with the output of the tanh, not its input.", "tanh-slip")
bp.checks.close("dy_hat_dZ2", got["dy_hat_dZ2"], expected["dy_hat_dZ2"])
### BEGIN HIDDEN TESTS
for seed in (421, 422):
    x_check = bp.checks.testdata.points(seed, (2,))
    t_check = float(bp.checks.testdata.points(seed + 50, (), -0.9, 0.9))
    params_check = bp.net221.init_params(np.random.default_rng(seed))
    cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    got = bp.checks.call("local_derivatives(cache, t, params, 1, 0)", local_derivatives,
                        cache_check, t_check, params_check, 1, 0)
    expected = bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                    params_check, 1, 0)
    for key in ("dL_dy_hat", "dy_hat_dZ2"):
        bp.checks.close(f"{key} at a hidden point", got[key], expected[key])
### END HIDDEN TESTS

# %% tests id="local_derivatives__hidden_side" points=1
"""local_derivatives: dZ2_dA1, dA1_dZ1 and dZ1_dW1 for every weight W1[j, i]."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
                "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
got = [[bp.checks.call(f"local_derivatives(cache, t, params, {j}, {i})", local_derivatives,
                      cache_check, t_check, params_check, j, i) for i in range(2)] for j in range(2)]
expected = [[bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                  params_check, j, i) for i in range(2)] for j in range(2)]
slipped = np.array([[1.0 - cache_check["Z1"][j] ** 2] * 2 for j in range(2)])
for key in ("dZ2_dA1", "dA1_dZ1", "dZ1_dW1"):
    # one 2 x 2 table per factor: row j, column i, like W1
    table = np.array([[got[j][i][key] for i in range(2)] for j in range(2)])
    if key == "dA1_dZ1":
        bp.checks.true(not bp.checks.diagnosis.diagnose(key, table, slipped).passed,
                      "dA1_dZ1 equals 1 - Z1[j]**2: the derivative of tanh is "
                      "1 - tanh(Z1[j])**2 = 1 - A1[j]**2, written with the output A1 of the "
                      "tanh, not its input Z1.", "tanh-slip")
    bp.checks.close(f"{key} for W1[j, i] (row j, column i)", table,
                   np.array([[expected[j][i][key] for i in range(2)] for j in range(2)]))
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.points(423, (2,)), -0.4
params_check = bp.net221.init_params(np.random.default_rng(423))
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
got = [[bp.checks.call(f"local_derivatives(cache, t, params, {j}, {i})", local_derivatives,
                      cache_check, t_check, params_check, j, i) for i in range(2)] for j in range(2)]
expected = [[bp.checks.testdata.expected(bp.net221.local_derivatives, cache_check, t_check,
                                  params_check, j, i) for i in range(2)] for j in range(2)]
for key in ("dZ2_dA1", "dA1_dZ1", "dZ1_dW1"):
    bp.checks.close(f"{key} for W1[j, i] at a hidden point",
                   np.array([[got[j][i][key] for i in range(2)] for j in range(2)]),
                   np.array([[expected[j][i][key] for i in range(2)] for j in range(2)]))
### END HIDDEN TESTS

# %% tests id="local_derivatives__product" points=1
"""The products of the factors pass a gradient check of dL/dW1."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
                "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
dW1_from_products = np.array([[np.prod([float(v) for v in bp.checks.call(
    "local_derivatives", local_derivatives, cache_check, t_check, params_check, j, i).values()])
    for i in range(2)] for j in range(2)])
bp.checks.gradient("dW1 built from your products", dW1_from_products,
                  lambda W1: bp.net221.loss_at(x_check, t_check, params_check, "W1", W1),
                  params_check["W1"])
### BEGIN HIDDEN TESTS
x_check, t_check = bp.checks.testdata.points(424, (2,)), 0.7
params_check = bp.net221.init_params(np.random.default_rng(424), biases=False)
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
dW1_from_products = np.array([[np.prod([float(v) for v in bp.checks.call(
    "local_derivatives", local_derivatives, cache_check, t_check, params_check, j, i).values()])
    for i in range(2)] for j in range(2)])
bp.checks.gradient("dW1 built from your products at a hidden point", dW1_from_products,
                  lambda W1: bp.net221.loss_at(x_check, t_check, params_check, "W1", W1),
                  params_check["W1"])
### END HIDDEN TESTS

# %% [markdown]
# ## 3. All the weights at once: share the upstream factor
#
# Write the four products for `W1` and the two for `W2` side by side and the same
# factors keep coming back. The first two are common to **every** weight; give their
# product a name, the gradient with respect to the output's pre-activation:
#
# $$dZ_2 = \frac{\partial L}{\partial Z_2} = 2(\hat y - t)\,(1 - \hat y^2).$$
#
# Then the output weights need one more factor, $\partial Z_2 / \partial W_2[0, j] = A_{1,j}$:
#
# $$dW_2[0, j] = dZ_2\, A_{1,j}, \qquad\text{that is}\qquad dW_2 = dZ_2\, A_1^{\mathsf T}
# \quad(\text{shape } (1, 2)).$$
#
# Going one layer down, the gradient reaching hidden unit $j$ is
# $dA_{1,j} = W_2[0, j]\, dZ_2$, that is $dA_1 = W_2^{\mathsf T} dZ_2$ (backward passes
# multiply by the **transpose** of the weights), and through the tanh,
#
# $$dZ_1 = dA_1 \odot (1 - A_1^2), \qquad dW_1 = dZ_1\, x^{\mathsf T}
# \quad(\text{shape } (2, 2),\ dW_1[j, i] = dZ_{1,j}\, x_i).$$
#
# $\odot$ is the entrywise product. $dZ_1\,x^{\mathsf T}$ is an **outer product**
# (`np.outer(dZ1, x)` for 1-d arrays): row $j$ belongs to hidden unit $j$, column $i$ to
# input $i$, exactly the layout of `W1`. Computing $dZ_2$ once and reusing it, instead of
# redoing all five factors for each of the six weights, is what makes backpropagation
# cheap.

# %% [markdown]
# ## 4. Biases
#
# Put the biases back. A bias enters its pre-activation with coefficient 1,
# $\partial Z_{1,j} / \partial b_{1,j} = 1$ and $\partial Z_2 / \partial b_2 = 1$, so
#
# $$db_2 = dZ_2, \qquad db_1 = dZ_1 .$$
#
# Nothing else changes: the weight formulas are the same products, now evaluated at
# the values the biased forward pass produces.

# %% [markdown]
# ### Exercise 3: the backward pass (6 points)
#
# Write `backward(x, t, params, cache)` returning a dict `grads` with **the same keys as
# `params`**: `grads["W1"]` is $\partial L / \partial W_1$, `grads["b1"]` is
# $\partial L / \partial b_1$, and so on. Each gradient has the shape of what it
# differentiates: `(2, 2)`, `(2,)`, `(1, 2)`, `(1,)`. Use the intermediates in `cache`;
# `t` is a float. Build the gradients from the local derivatives, not by nudging weights:
# the graded tests also compare them with exact backprop at $10^{-12}$, which products of
# local derivatives meet and finite differences do not.

# %% solution id="backward"
def backward(x, t, params, cache):
    """Gradients of L = (y_hat - t)**2 with respect to every parameter, for one example.

    Parameters
    ----------
    x : ndarray of shape (2,)
    t : float
    params : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    cache : dict
        x, Z1, A1, Z2, y_hat from forward(x, params).

    Returns
    -------
    grads : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,): dL/dW1, dL/db1, dL/dW2, dL/db2.
    """
    ### BEGIN SOLUTION
    y_hat, A1 = cache["y_hat"], cache["A1"]
    dL_dy_hat = 2.0 * (y_hat - t)
    dZ2 = dL_dy_hat * (1.0 - y_hat ** 2)
    dW2 = np.outer(dZ2, A1)
    db2 = dZ2
    dA1 = params["W2"].T @ dZ2
    dZ1 = dA1 * (1.0 - A1 ** 2)
    dW1 = np.outer(dZ1, x)
    db1 = dZ1
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    ### END SOLUTION

# %% [markdown]
# Try it with biases. You should see `W1 [[-0.279768  0.174855] [ 0.337475 -0.210922]]`,
# `b1 [-0.34971   0.421844]`, `W2 [[-0.779347 -0.632657]]` and `b2 [-0.973577]`. The
# last line, without biases, should repeat the product of Exercise 2, `-0.289952...`.

# %%
params_biased = {**params, "b1": np.array([0.2, -0.3]), "b2": np.array([-0.3])}
cache_biased = forward(x, params_biased)
grads = backward(x, t, params_biased, cache_biased)
for name, value in grads.items():
    print(f"{name:3s}", value)
print("without biases, dL/dW1[0, 0] =", backward(x, t, params, cache)["W1"][0, 0])

# %% tests id="backward__keys_shapes" points=1
"""backward returns the keys of params, each gradient of its parameter's shape."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                            params_check, cache_check)
bp.checks.true(isinstance(grads_check, dict) and set(grads_check) == set(params_check),
              "backward should return a dict with the keys of params, "
              f"{sorted(params_check)}; got "
              f"{sorted(grads_check) if isinstance(grads_check, dict) else type(grads_check).__name__}",
              "keys")
for key, value in params_check.items():
    bp.checks.true(np.shape(grads_check[key]) == value.shape,
                  f"grads[{key!r}] should have shape {value.shape}, like params[{key!r}]; "
                  f"got {np.shape(grads_check[key])}", "shape")
print("grads has the keys and shapes of params.")

# %% tests id="backward__dW2" points=1
"""backward: dL/dW2 passes a gradient check."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                            params_check, cache_check)
bp.checks.true(isinstance(grads_check, dict) and "W2" in grads_check,
              "backward should return a dict with the key 'W2' (dL/dW2)", "keys")
bp.checks.gradient("grads['W2']", grads_check["W2"],
                  lambda W2: bp.net221.loss_at(x_check, t_check, params_check, "W2", W2),
                  params_check["W2"])
### BEGIN HIDDEN TESTS
for seed in (431, 432, 433):
    x_check, t_check = bp.checks.testdata.points(seed, (2,)), float(bp.checks.testdata.points(seed + 50, (), -0.9, 0.9))
    params_check = bp.net221.init_params(np.random.default_rng(seed))
    cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                                params_check, cache_check)
    expected = bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check, cache_check)
    bp.checks.formula("grads['W2'] at a hidden point", grads_check["W2"], expected["W2"])
### END HIDDEN TESTS

# %% tests id="backward__db2" points=1
"""backward: dL/db2 passes a gradient check."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                            params_check, cache_check)
bp.checks.true(isinstance(grads_check, dict) and "b2" in grads_check,
              "backward should return a dict with the key 'b2' (dL/db2)", "keys")
bp.checks.true(not bp.checks.diagnosis.diagnose("b2", grads_check["b2"], np.zeros((1,))).passed,
              "grads['b2'] is all zeros, but the loss does change with b2: a bias enters "
              "its pre-activation with coefficient 1, so db2 = dZ2.", "zeros")
bp.checks.gradient("grads['b2']", grads_check["b2"],
                  lambda b2: bp.net221.loss_at(x_check, t_check, params_check, "b2", b2),
                  params_check["b2"])
### BEGIN HIDDEN TESTS
for seed in (434, 435):
    x_check, t_check = bp.checks.testdata.points(seed, (2,)), float(bp.checks.testdata.points(seed + 50, (), -0.9, 0.9))
    params_check = bp.net221.init_params(np.random.default_rng(seed))
    cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                                params_check, cache_check)
    expected = bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check, cache_check)
    bp.checks.formula("grads['b2'] at a hidden point", grads_check["b2"], expected["b2"])
### END HIDDEN TESTS

# %% tests id="backward__dW1" points=2
"""backward: dL/dW1 passes a gradient check (W1[j, i] is from input i to hidden unit j)."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                            params_check, cache_check)
bp.checks.true(isinstance(grads_check, dict) and "W1" in grads_check,
              "backward should return a dict with the key 'W1' (dL/dW1)", "keys")
bp.checks.gradient("grads['W1']", grads_check["W1"],
                  lambda W1: bp.net221.loss_at(x_check, t_check, params_check, "W1", W1),
                  params_check["W1"])
### BEGIN HIDDEN TESTS
for seed in (436, 437, 438):
    x_check, t_check = bp.checks.testdata.points(seed, (2,)), float(bp.checks.testdata.points(seed + 50, (), -0.9, 0.9))
    params_check = bp.net221.init_params(np.random.default_rng(seed))
    cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                                params_check, cache_check)
    expected = bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check, cache_check)
    bp.checks.formula("grads['W1'] at a hidden point", grads_check["W1"], expected["W1"])
### END HIDDEN TESTS

# %% tests id="backward__db1" points=1
"""backward: dL/db1 passes a gradient check."""
x_check, t_check = np.array([0.8, -0.5]), 0.5
params_check = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.array([0.2, -0.3]),
                "W2": np.array([[1.0, -0.75]]), "b2": np.array([-0.3])}
cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                            params_check, cache_check)
bp.checks.true(isinstance(grads_check, dict) and "b1" in grads_check,
              "backward should return a dict with the key 'b1' (dL/db1)", "keys")
bp.checks.true(not bp.checks.diagnosis.diagnose("b1", grads_check["b1"], np.zeros((2,))).passed,
              "grads['b1'] is all zeros, but the loss does change with b1: a bias enters "
              "its pre-activation with coefficient 1, so db1 = dZ1.", "zeros")
bp.checks.gradient("grads['b1']", grads_check["b1"],
                  lambda b1: bp.net221.loss_at(x_check, t_check, params_check, "b1", b1),
                  params_check["b1"])
### BEGIN HIDDEN TESTS
for seed in (439, 440):
    x_check, t_check = bp.checks.testdata.points(seed, (2,)), float(bp.checks.testdata.points(seed + 50, (), -0.9, 0.9))
    params_check = bp.net221.init_params(np.random.default_rng(seed))
    cache_check = bp.checks.testdata.expected(bp.net221.forward, x_check, params_check)
    grads_check = bp.checks.call("backward(x, t, params, cache)", backward, x_check, t_check,
                                params_check, cache_check)
    expected = bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check, cache_check)
    bp.checks.formula("grads['b1'] at a hidden point", grads_check["b1"], expected["b1"])
### END HIDDEN TESTS

# %% [markdown]
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
# ## 6. Spot the bug
#
# The lecture notes derive these same gradients on their slides, and two of their steps
# are wrong. Both are slips that everyone makes once, so it pays to see what they look
# like to a gradient checker. In the notes' letters ($s$ a pre-activation, $z = \tanh(s)$,
# target $y$, loss $(y - z)^2$) they write:
#
# 1. **tanh' with the wrong argument.** For a hidden unit the notes write
#    $\partial z / \partial s = 1 - s^2$. The derivative of $\tanh$ is $1 - \tanh^2(s) = 1 - z^2$:
#    it is written with the *output* $z$, not the input $s$. At $s = 0$ the two agree
#    ($z = s = 0$), which is why the slip survives a quick check at zero; for $|s| > 1$,
#    $1 - s^2$ is even negative, while the true slope of tanh never is.
# 2. **The sign of $\partial L / \partial z$.** For $L = (y - z)^2$ the notes write
#    $\partial L / \partial z = 2(y - z)$. The inner derivative of $y - z$ with respect
#    to $z$ is $-1$, so $\partial L / \partial z = -2(y - z) = 2(z - y)$: positive when the
#    prediction is too high, as it must be for gradient descent to lower it.
#
# Here is the notes' derivation transcribed as it stands, entry by entry, with a switch
# for each slip (biases zero, our `W[j, i]` layout):

# %%
def gradients_as_in_the_notes(x, y, params, fix_tanh=False, fix_sign=False):
    """dL/dW1 and dL/dW2 following the lecture notes' slides, slips and all."""
    W1, W2 = params["W1"], params["W2"]
    s1 = W1 @ x
    z1 = np.tanh(s1)
    z2 = np.tanh(W2[0] @ z1)
    dL_dz2 = -2.0 * (y - z2) if fix_sign else 2.0 * (y - z2)      # slip 2 unless fixed
    dz2_ds2 = 1.0 - z2 ** 2
    dz1_ds1 = 1.0 - z1 ** 2 if fix_tanh else 1.0 - s1 ** 2        # slip 1 unless fixed
    dW1, dW2 = np.zeros((2, 2)), np.zeros((1, 2))
    for j in range(2):
        dW2[0, j] = dL_dz2 * dz2_ds2 * z1[j]
        for i in range(2):
            dW1[j, i] = dL_dz2 * dz2_ds2 * W2[0, j] * dz1_ds1[j] * x[i]
    return dW1, dW2


def check_against_numerical(dW1, dW2):
    """Gradient-check both matrices and print the verdicts, failures included."""
    for name, grad in (("W1", dW1), ("W2", dW2)):
        try:
            bp.checks.gradient(f"d{name}", grad,
                              lambda value: bp.net221.loss_at(x, t, params, name, value),
                              params[name])
        except AssertionError as failure:
            print("FAILED:", failure)

# %% [markdown]
# Both slips, as on the slides. `dW2` involves no hidden tanh, so it only suffers from
# the sign, and the checker names it: *opposite sign in every entry*. `dW1` suffers from
# both; no simple pattern is left, so the checker reports the entry that is furthest
# off.

# %%
check_against_numerical(*gradients_as_in_the_notes(x, t, params))

# %% [markdown]
# Fix the sign. `dW2` passes now. `dW1` still fails, and the worst entry is in row 1,
# hidden unit 2, whose pre-activation is $Z_{1,1} = 1.075$: there $1 - s^2 < 0$, so the
# slipped gradient even has the wrong sign, while in row 0 ($s = 0.9$) it is merely too
# small.

# %%
check_against_numerical(*gradients_as_in_the_notes(x, t, params, fix_sign=True))
Z1_demo = params["W1"] @ x
print("Z1 =", Z1_demo, "  1 - Z1**2 =", 1 - Z1_demo ** 2, "  1 - tanh(Z1)**2 =", 1 - np.tanh(Z1_demo) ** 2)

# %% [markdown]
# Fix the tanh slip alone and keep the wrong sign: now every entry of both matrices is
# exactly the negative of the truth, and the diagnosis says so. With both fixes,
# everything passes.

# %%
check_against_numerical(*gradients_as_in_the_notes(x, t, params, fix_tanh=True))
print("--- both slips fixed ---")
check_against_numerical(*gradients_as_in_the_notes(x, t, params, fix_tanh=True, fix_sign=True))

# %% [markdown]
# The lesson generalises: a **sign** or a **constant factor** in one shared factor shows
# up as the same ratio in every entry downstream, and the checker names it; a mistake in
# a factor that differs from unit to unit (such as the slope of each hidden tanh) leaves
# no common pattern, and the largest mismatch points at the unit to look at.
#
# ## 7. Explore
#
# The diagram below is drawn by *your* `forward` and `backward`. Each edge shows its
# weight `w` and gradient `g`; red edges have a positive gradient (a descent step
# `w -= lr * g` lowers them), blue a negative one; thicker edges carry larger weights.
# Things to try:
#
# - set `x1` to 0: the gradients of the two weights leaving $x_1$ vanish, because
#   $\partial Z_{1,j} / \partial W_1[j, 0] = x_1$;
# - set `t` equal to the prediction: every gradient vanishes at once, because they all
#   share the factor $2(\hat y - t)$;
# - make the first-layer weights large: the hidden units saturate ($A_1 \to \pm 1$),
#   $1 - A_1^2 \to 0$, and the gradients of `W1` fade, a first glimpse of notebook 7's
#   vanishing gradients.

# %%
bp.explore.net221.network_explorer(forward, backward)

# %% [markdown]
# ## Summary
#
# - Forward: $Z_1 = W_1 x + b_1$, $A_1 = \tanh Z_1$, $Z_2 = W_2 A_1 + b_2$,
#   $\hat y = \tanh Z_2$, $L = (\hat y - t)^2$; keep every intermediate for the backward pass.
# - The derivative of the loss with respect to one weight is the product of the local
#   derivatives along its path to the loss.
# - Backward: $dZ_2 = 2(\hat y - t)(1 - \hat y^2)$, $dW_2 = dZ_2 A_1^{\mathsf T}$,
#   $db_2 = dZ_2$, $dZ_1 = (W_2^{\mathsf T} dZ_2) \odot (1 - A_1^2)$,
#   $dW_1 = dZ_1 x^{\mathsf T}$, $db_1 = dZ_1$.
# - $\tanh'$ is $1 - A^2$ with $A$ the **output**; $\partial (\hat y - t)^2 / \partial \hat y = 2(\hat y - t)$.
# - A gradient check catches both slips; the diagnosis names a flipped sign and points
#   at the worst entry otherwise.
#
# ## Going further
#
# - Replace the output tanh by a linear output ($\hat y = Z_2$): which one factor of every
#   product disappears?
# - Use the half squared error $\tfrac12(\hat y - t)^2$: which factor changes, and how
#   would the checker describe the gradients of this notebook against it?
# - Next: **notebook 5** names $dZ$ the *delta* of a layer, turns these formulas into
#   rules for any depth and width, and runs them on a whole batch at once.
