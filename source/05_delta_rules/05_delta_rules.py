# Backprop Lab, notebook 5: delta rules and vectorised backprop.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 5. Delta rules: vectorised backprop
#
# *One rule per layer, one matrix product per rule, any depth, a whole batch at once.*
#
# **Estimated time:** 100 to 120 minutes. **Exercises:** 12, worth 30 points.
#
# **Loss:** the mean over the batch of the half squared error,
# $L = \frac1N \sum_n \tfrac12 \lVert \hat y_n - t_n \rVert^2$, or of the binary
# cross-entropy, $L = -\frac1N \sum_{n,k} \big[t_{nk} \log \hat y_{nk} + (1 - t_{nk}) \log(1 - \hat y_{nk})\big]$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md): lower case
# ($z^l$, $a^l$) for one example, upper case (`Z`, `A`) for a batch, and
# $\delta^l = \partial L / \partial z^l$ (`dZ` for a batch). Where this fits: the
# [course map](../../README.md#course-map); previous,
# [notebook 4](../04_tanh_network/04_tanh_network.ipynb); next,
# [notebook 6](../06_xor/06_xor.ipynb).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. derive the slope of the sigmoid and spot a sign slip in it
#    ([Exercise 1](#Exercise-1:-the-slope-of-the-sigmoid-(2-points)));
# 2. compute a dense layer's pre-activations for a whole batch in one matrix product
#    ([Exercise 2](#Exercise-2:-a-dense-layer,-forward-(2-points)));
# 3. derive the three gradients of a dense layer for a batch, and say why the backward
#    pass multiplies by $W$ transposed
#    ([Exercise 3](#Exercise-3:-a-dense-layer,-backward-(5-points)));
# 4. derive the delta of a sigmoid output layer for the half squared error and for
#    cross-entropy ([Exercise 4](#Exercise-4:-the-output-delta-(3-points)));
# 5. run a network of any depth forward and backward with the delta rules
#    ([Exercise 5](#Exercise-5:-forward-through-any-depth-(2-points)),
#    [Exercise 6](#Exercise-6:-backward-through-any-depth-(8-points)));
# 6. carry the rules over to leaky-ReLU hidden layers and a linear output
#    ([Exercise 7](#Exercise-7:-leaky-ReLU-layers-and-a-linear-output-(3-points)));
# 7. find and fix three slips of the lecture this notebook follows (the three "Spot the
#    bug" items; [docs/lectures.md](../../docs/lectures.md) summarises that lecture).
#
# **Prerequisites:** notebook 1 (losses, the central difference, the tolerance policy),
# notebook 3 (the chain rule on a graph) and notebook 4 (a 2-2-1 network by hand, its
# deltas). Matrix products and transposes in NumPy.
#
# ## How the checks work
#
# As in every notebook: each test cell prints a line when your answer passes, and
# otherwise names the mistake it recognises (sign, factor of $N$, transposed, wrong
# shape, ...) with your value and the expected one. Gradients are compared with a
# central difference at a relative tolerance of $10^{-5}$; exact values at $10^{-9}$;
# the graded version of each test also tries other shapes and seeds, and checks that a
# derived gradient is exact ($10^{-12}$), which a finite difference is not.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(5)

# %% [markdown]
# ## 1. A network, layer by layer
#
# Number the layers $l = 1, \dots, L$, with the input as layer 0: $a^0 = x$. For one
# example, each layer takes the previous layer's output $a^{l-1}$ (a column of $n_{l-1}$
# numbers) and computes
#
# $$z^l = W^l a^{l-1} + b^l, \qquad a^l = h(z^l),$$
#
# where $W^l$ has shape $(n_l, n_{l-1})$, $b^l$ has $n_l$ entries and $h$ acts entry by
# entry. The entry $w^l_{ji}$ = `W[j, i]` is the weight **from** unit $i$ of layer $l-1$
# **to** unit $j$ of layer $l$ (the lecture's $w_{ji}^l$; where a text reads $w_{ij}$ as
# "from $i$ to $j$", it is the same weight). The output is $\hat y = a^L$.
#
# `bp.mlp.init_params` builds such a network as a dictionary; here is a 2-3-1 one.

# %%
params = bp.mlp.init_params([2, 3, 1], rng)
for key, value in params.items():
    print(f"{key}: shape {value.shape}")

# %% [markdown]
# ## 2. The sigmoid and its slope
#
# The course's squashing function for outputs that are probabilities is the logistic
# sigmoid,
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# which maps every real number into $(0, 1)$, with $\sigma(0) = \tfrac12$ and
# $\sigma(-z) = 1 - \sigma(z)$. `bp.activations.sigmoid` computes it without overflow.
# Backprop through a sigmoid unit needs its slope $\sigma'(z)$, and you will derive it.

# %%
z_plot = np.linspace(-6.0, 6.0, 241)
if not bp.grading():
    fig, ax = plt.subplots(figsize=(5.5, 3))
    ax.plot(z_plot, bp.activations.sigmoid(z_plot))
    ax.axhline(0.5, color="0.8", lw=0.8)
    ax.set(xlabel="z", ylabel="sigmoid(z)", title="the logistic sigmoid")
    plt.show()

# %% [markdown]
# ### Exercise 1: the slope of the sigmoid (2 points)
#
# Write `sigmoid_prime(z)` returning $\sigma'(z) = d\sigma/dz$ at every entry of the array
# `z` (any shape), as an array of the same shape. Derive it by hand first; it must be
# exact, not a finite difference, and it must give no warning for $|z|$ up to 40.
# `bp.activations.sigmoid` is available; `bp.activations.sigmoid_grad` is switched off
# here.
#
# <details><summary>Hint 1</summary>
#
# Write $\sigma(z) = (1 + e^{-z})^{-1}$ and use the chain rule: the power rule outside,
# the derivative of $1 + e^{-z}$ inside. Mind the sign of the derivative of $e^{-z}$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# You should reach $e^{-z} / (1 + e^{-z})^2$. Split it as
# $\frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}$: the first factor is $\sigma(z)$;
# what is the second in terms of $\sigma(z)$? (Add and subtract 1 in its numerator.)
# </details>

# %% solution id="sigmoid_prime"
def sigmoid_prime(z):
    """The sigmoid's slope d sigma / dz, entry by entry.

    Parameters
    ----------
    z : ndarray
        Pre-activations, of any shape.

    Returns
    -------
    ndarray
        The slope at each entry of z, in an array shaped like z.
    """
    ### BEGIN SOLUTION
    s = bp.activations.sigmoid(z)
    return s * (1.0 - s)
    ### END SOLUTION


# %% [markdown]
# Try it. You should see `[0.045177 0.196612 0.196612 0.045177]`: the slope is
# symmetric about 0.

# %%
print(sigmoid_prime(np.array([-3.0, -1.0, 1.0, 3.0])))

# %% tests id="sigmoid_prime__values" points=1
"""sigmoid_prime matches a central difference of the sigmoid, entry by entry."""
z_check = np.array([[-3.0, -1.0, 0.0], [0.5, 2.0, 4.5]])
slope = bp.checks.call("sigmoid_prime(z)", sigmoid_prime, z_check)
bp.checks.true(np.shape(slope) == z_check.shape,
              f"sigmoid_prime(z) should have the shape of z, {z_check.shape}; got {np.shape(slope)}",
              "shape")
bp.checks.derivative("sigmoid_prime(z)", slope, bp.activations.sigmoid, z_check)
### BEGIN HIDDEN TESTS
z_check = bp.checks.testdata.points(501, (7,), -8.0, 8.0)
bp.checks.derivative("sigmoid_prime(z) at hidden points",
                     bp.checks.call("sigmoid_prime(z)", sigmoid_prime, z_check),
                     bp.activations.sigmoid, z_check)
### END HIDDEN TESTS

# %% tests id="sigmoid_prime__exact" points=1
"""sigmoid_prime is exact, with no warning, up to |z| = 40."""
z_check = np.array([-40.0, -25.0, 25.0, 40.0])
slope = bp.checks.call("sigmoid_prime(z)", sigmoid_prime, z_check)
bp.checks.true(np.all(np.isfinite(slope)) and np.all(np.asarray(slope) >= 0),
              f"sigmoid_prime should be finite and never negative; got {slope}", "non-finite")
bp.checks.true(np.all(np.asarray(slope) < 1e-10),
              f"far from 0 the sigmoid is flat: its slope at |z| >= 25 is below 1e-10; got {slope}",
              "mismatch")
z_check = np.array([[-2.75, -0.5, 0.125], [1.5, 3.25, 5.0]])
bp.checks.formula("sigmoid_prime(z) at six points",
                  bp.checks.call("sigmoid_prime(z)", sigmoid_prime, z_check),
                  bp.checks.testdata.expected(bp.activations.sigmoid_grad, z_check))
### BEGIN HIDDEN TESTS
z_check = bp.checks.testdata.points(502, (3, 4), -6.0, 6.0)
bp.checks.formula("sigmoid_prime(z) at hidden points",
                  bp.checks.call("sigmoid_prime(z)", sigmoid_prime, z_check),
                  bp.checks.testdata.expected(bp.activations.sigmoid_grad, z_check))
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,\big(1 - \sigma(z)\big),$$
#
# in code `s = sigmoid(z); s * (1 - s)`, or `sigmoid(z) * (1 - sigmoid(z))`. Like tanh's slope in notebook 4, it is written
# with the unit's **output**: with $a = \sigma(z)$ stored by the forward pass, the slope
# is $a(1 - a)$, no exponential needed. Careful: that is $\sigma'$ evaluated **at $z$**;
# feeding $a$ to the function, $\sigma'(a)$, is a different number and a classic slip.

# %% [markdown]
# ### Checkpoint: the steepest slope (1 point)
#
# What is the **largest** value $\sigma'(z)$ takes, over all real $z$? Predict it from the
# formula you just derived, before the next cell plots it. Set `max_sigma_prime` to a
# number; the test cell records it, and the graded version judges it.

# %% solution id="predict_sigma_max"
# Your prediction, a number, in place of the two lines below:
### BEGIN SOLUTION
max_sigma_prime = 0.25
### END SOLUTION

# %% tests id="predict_sigma_max__value" points=1
"""Checkpoint: the largest value of the sigmoid's slope: recorded."""
bp.checks.predictions.recorded("max_sigma_prime", globals())
### BEGIN HIDDEN TESTS
z_check = np.linspace(-10.0, 10.0, 20001)
steepest = float(np.max(bp.numdiff.derivative(bp.activations.sigmoid, z_check)))
bp.checks.predictions.judged("max_sigma_prime", globals(), steepest,
                             rel_tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %%
if not bp.grading():
    fig, ax = plt.subplots(figsize=(5.5, 3))
    ax.plot(z_plot, sigmoid_prime(z_plot))
    ax.set(xlabel="z", ylabel="sigmoid'(z)", title="the slope of the sigmoid")
    plt.show()
print(f"largest slope on the grid: {np.max(sigmoid_prime(z_plot)):.6f} at z = "
      f"{z_plot[np.argmax(sigmoid_prime(z_plot))]:.2f}")

# %% [markdown]
# The slope peaks at $z = 0$, where $\sigma = \tfrac12$ and $\sigma' = \tfrac12 \cdot \tfrac12 = \tfrac14$:
# the product $a(1 - a)$ of two numbers that add up to 1 is largest when they are equal.
# So the slopes of a sigmoid layer scale the gradient passing through it by at most
# $\tfrac14$; the layer's weights scale it again, by up to their largest singular value
# $\sigma_{\max}(W)$, so one layer can shrink or grow it by at most $\sigma_{\max}(W)/4$.
# Whether many such layers make the gradient vanish depends on the weights as much as on
# the slopes: notebook 7 is about exactly that.
#
# ### Spot the bug: a stray minus (1 point)
#
# The lecture derives the slope like this: "$\sigma(z) = (1 + e^{-z})^{-1}$, so
# $\sigma'(z) = -(1 + e^{-z})^{-2} \cdot e^{-z}$". As code, with the checker's verdict:

# %%
def sigmoid_prime_as_in_the_lecture(z):
    """The lecture's slope of the sigmoid, written with the exponential."""
    return -np.exp(-z) / (1.0 + np.exp(-z)) ** 2


try:
    bp.checks.derivative("the lecture's sigmoid slope", sigmoid_prime_as_in_the_lecture(z_plot),
                         bp.activations.sigmoid, z_plot)
except AssertionError as failure:
    print("FAILED:", failure)

# %% [markdown]
# Write `sigmoid_prime_fixed(z)`: the lecture's function with the slip fixed, still
# written with the exponential (inputs with $|z| \le 40$).

# %% solution id="sigmoid_prime_fixed"
def sigmoid_prime_fixed(z):
    """The lecture's slope of the sigmoid, written with the exponential, slip fixed."""
    ### BEGIN SOLUTION
    return np.exp(-z) / (1.0 + np.exp(-z)) ** 2
    ### END SOLUTION


# %% tests id="sigmoid_prime_fixed__values" points=1
"""sigmoid_prime_fixed matches a central difference of the sigmoid."""
z_check = np.array([-2.5, -0.5, 0.0, 1.0, 3.0])
slope = bp.checks.call("sigmoid_prime_fixed(z)", sigmoid_prime_fixed, z_check)
bp.checks.true(not bp.checks.diagnosis.diagnose("sigmoid_prime_fixed", -np.asarray(slope, dtype=float),
                                        bp.numdiff.derivative(bp.activations.sigmoid, z_check),
                                        tol=bp.checks.diagnosis.NUMERICAL_TOL).passed,
              "the slope is still negative everywhere, but the sigmoid only ever rises. The "
              "power rule gives -(1 + e^{-z})^{-2}, and the derivative of the inside, "
              "1 + e^{-z}, is -e^{-z}: the lecture forgets this inner minus, and the two minus "
              "signs cancel.", "sign")
bp.checks.derivative("sigmoid_prime_fixed(z)", slope, bp.activations.sigmoid, z_check)
### BEGIN HIDDEN TESTS
z_check = bp.checks.testdata.points(503, (2, 3), -10.0, 10.0)
bp.checks.derivative("sigmoid_prime_fixed(z) at hidden points",
                     bp.checks.call("sigmoid_prime_fixed(z)", sigmoid_prime_fixed, z_check),
                     bp.activations.sigmoid, z_check)
### END HIDDEN TESTS

# %% [markdown]
# The slip: $\frac{d}{dz} e^{-z} = -e^{-z}$, not $e^{-z}$. With the power rule's own minus,
# $\sigma'(z) = -(1 + e^{-z})^{-2} \cdot (-e^{-z}) = e^{-z}/(1 + e^{-z})^2 > 0$. A sigmoid
# that only rises cannot have a negative slope: the checker saw the opposite sign in
# every entry, and a network trained with it would climb its loss through every sigmoid.

# %% [markdown]
# ## 3. A batch of examples, and the delta of a layer
#
# Looping over examples in Python is slow. NumPy code processes a **batch** of $N$
# examples at once, stacked as the **rows** of a matrix: `A_prev` has shape
# `(N, n_in)`, row $n$ being $(a^{l-1}_n)^{\mathsf T}$. Transposing $z_n = W a_n + b$ and
# stacking the rows gives the batched forward pass of a dense layer,
#
# $$Z = A_{prev} W^{\mathsf T} + b \qquad (\texttt{Z = A\_prev @ W.T + b}, \text{ shape } (N, n_{out})),$$
#
# with $b$ added to every row (NumPy's broadcasting).
#
# Backprop is organised around one quantity per layer, the **delta**: how the loss
# changes with that layer's pre-activations. For a batch it is a matrix of the shape of
# $Z$,
#
# $$\texttt{dZ}[n, j] = \frac{\partial L}{\partial Z_{nj}} = (\delta^l_n)_j ,$$
#
# row $n$ holding the delta of example $n$. With a mean loss $L = \frac1N \sum_n \ell_n$,
# the $\frac1N$ is part of every entry of `dZ`. Once a layer's `dZ` is known, its own
# gradients, and the gradient handed down to the layer below, are one step away: that
# step is Exercise 3.

# %% [markdown]
# ### Exercise 2: a dense layer, forward (2 points)
#
# Write `dense_forward(A_prev, W, b)` returning the pre-activations `Z` of shape
# `(N, n_out)` for `A_prev` of shape `(N, n_in)`, `W` of shape `(n_out, n_in)` and `b` of
# shape `(n_out,)`. One line of NumPy, no loop (`bp.layers.dense_forward` is switched off
# in this notebook).

# %% solution id="dense_forward"
def dense_forward(A_prev, W, b):
    """Pre-activations of a dense layer for a batch.

    Parameters
    ----------
    A_prev : ndarray of shape (N, n_in)
        Inputs, one example per row.
    W : ndarray of shape (n_out, n_in)
    b : ndarray of shape (n_out,)

    Returns
    -------
    Z : ndarray of shape (N, n_out)
        Row n is W @ A_prev[n] + b.
    """
    ### BEGIN SOLUTION
    return A_prev @ W.T + b
    ### END SOLUTION


# %% [markdown]
# Try it. With two examples and the weights below you should see
# `[[ 1.5  2.  -1. ]` and ` [ 3.5  0.  -1. ]]`.

# %%
A_try = np.array([[1.0, 2.0], [3.0, 0.0]])
W_try = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
b_try = np.array([0.5, 0.0, -1.0])
print(dense_forward(A_try, W_try, b_try))

# %% tests id="dense_forward__shape" points=1
"""dense_forward returns one row per example and one column per output."""
A_check, W_check, b_check = (bp.checks.testdata.points(11, (4, 3)), bp.checks.testdata.points(12, (2, 3)),
                             bp.checks.testdata.points(13, (2,)))
Z_check = bp.checks.call("dense_forward", dense_forward, A_check, W_check, b_check)
bp.checks.true(np.shape(Z_check) == (4, 2),
              f"dense_forward(A_prev, W, b) with A_prev (4, 3) and W (2, 3) should have shape "
              f"(4, 2), that is (N, n_out); got {np.shape(Z_check)}", "shape")

# %% tests id="dense_forward__values" points=1
"""dense_forward computes every row W @ a_n + b."""
A_check, W_check, b_check = (bp.checks.testdata.points(11, (4, 3)), bp.checks.testdata.points(12, (2, 3)),
                             bp.checks.testdata.points(13, (2,)))
rows = np.array([W_check @ a_n + b_check for a_n in A_check])
bp.checks.close("dense_forward(A_prev, W, b)",
               bp.checks.call("dense_forward", dense_forward, A_check, W_check, b_check), rows)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((14, (1, 2, 3)), (15, (6, 3, 3))):
    A_check, W_check, b_check = (bp.checks.testdata.points(seed, (N, n_in)),
                                 bp.checks.testdata.points(seed + 100, (n_out, n_in)),
                                 bp.checks.testdata.points(seed + 200, (n_out,)))
    bp.checks.close(f"dense_forward on a hidden batch with N={N}, n_in={n_in}, n_out={n_out}",
                   bp.checks.call("dense_forward", dense_forward, A_check, W_check, b_check),
                   bp.checks.testdata.expected(bp.layers.dense_forward, A_check, W_check, b_check))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3: a dense layer, backward (5 points)
#
# Write `dense_backward(dZ, A_prev, W)` returning the tuple `(dA_prev, dW, db)` for a
# batch, given the layer's deltas:
#
# - `dZ`: shape `(N, n_out)`, $\partial L/\partial Z$ (the $1/N$ is already inside);
# - `dA_prev` $= \partial L/\partial A_{prev}$, shape `(N, n_in)`;
# - `dW` $= \partial L/\partial W$, shape `(n_out, n_in)`;
# - `db` $= \partial L/\partial b$, shape `(n_out,)`.
#
# Derive them; no loop over examples in the answer.
#
# <details><summary>Hint 1</summary>
#
# Write one entry of the forward pass: $Z_{nj} = \sum_i W_{ji} A_{ni} + b_j$. Which
# entries of $Z$ does the weight $W_{ji}$ appear in? The bias $b_j$? The input $A_{ni}$?
# The chain rule sums over every entry of $Z$ that a quantity appears in.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $W_{ji}$ appears in $Z_{nj}$ for **every** example $n$ (the weights are shared by the
# batch), with coefficient $A_{ni}$; $A_{ni}$ appears in $Z_{nj}$ for every output $j$,
# with coefficient $W_{ji}$. So
# $\partial L / \partial W_{ji} = \sum_n \texttt{dZ}[n, j]\, A_{ni}$ and
# $\partial L / \partial A_{ni} = \sum_j \texttt{dZ}[n, j]\, W_{ji}$.
# </details>
#
# <details><summary>Hint 3</summary>
#
# A sum over a shared index is a matrix product: $(PQ)_{ji} = \sum_n P_{jn} Q_{ni}$. Which
# matrices, transposed or not, put the summed index in the middle? Check the shapes
# against the list above.
# </details>

# %% solution id="dense_backward"
def dense_backward(dZ, A_prev, W):
    """Gradients of a dense layer for a batch, given the deltas dZ.

    Parameters
    ----------
    dZ : ndarray of shape (N, n_out)
        dL/dZ, one example per row.
    A_prev : ndarray of shape (N, n_in)
        The layer's inputs, one example per row.
    W : ndarray of shape (n_out, n_in)
        The layer's weights.

    Returns
    -------
    tuple (dA_prev, dW, db)
        dL/dA_prev of shape (N, n_in), dL/dW of shape (n_out, n_in) and dL/db of
        shape (n_out,).
    """
    ### BEGIN SOLUTION
    dA_prev = dZ @ W
    dW = dZ.T @ A_prev
    db = dZ.sum(axis=0)
    return dA_prev, dW, db
    ### END SOLUTION


# %% [markdown]
# Try it. For one example with delta `[[1, -1]]`, input `[[2, 3, 4]]` and the weights
# below you should see `dA_prev = [[-1.  1.  0.]]`, `dW` with rows `[2, 3, 4]` and
# `[-2, -3, -4]`, and `db = [ 1. -1.]`.

# %%
dA_try, dW_try, db_try = dense_backward(np.array([[1.0, -1.0]]), np.array([[2.0, 3.0, 4.0]]),
                                        np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
print("dA_prev =", dA_try)
print("dW =\n", dW_try)
print("db =", db_try)

# %% [markdown]
# The graded tests use a trick worth knowing: for the scalar $L = \sum_{n,k} G_{nk} Z_{nk}$
# with a fixed random matrix $G$, the deltas are exactly $\partial L/\partial Z = G$. So
# `dense_backward(G, A_prev, W)` must return the gradient of that $L$, which a central
# difference can check for each of `W`, `b` and `A_prev`.

# %% tests id="dense_backward__dW" points=2
"""dense_backward: dW matches a central-difference gradient."""
bp.checks.layers.dense_backward_part(dense_backward, "dW", 21, 4, 3, 2)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((25, (1, 2, 3)), (26, (5, 3, 3))):
    bp.checks.layers.dense_backward_part(dense_backward, "dW", seed, N, n_in, n_out,
                                         where="hidden", reference=bp.layers.dense_backward)
### END HIDDEN TESTS

# %% tests id="dense_backward__db" points=1
"""dense_backward: db matches a central-difference gradient (one entry per output)."""
bp.checks.layers.dense_backward_part(dense_backward, "db", 21, 4, 3, 2)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((27, (1, 2, 3)), (28, (6, 2, 2))):
    bp.checks.layers.dense_backward_part(dense_backward, "db", seed, N, n_in, n_out,
                                         where="hidden", reference=bp.layers.dense_backward)
### END HIDDEN TESTS

# %% tests id="dense_backward__dA_prev" points=2
"""dense_backward: dA_prev matches a central-difference gradient."""
bp.checks.layers.dense_backward_part(dense_backward, "dA_prev", 21, 4, 3, 2)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((29, (1, 3, 2)), (30, (5, 3, 3))):
    bp.checks.layers.dense_backward_part(dense_backward, "dA_prev", seed, N, n_in, n_out,
                                         where="hidden", reference=bp.layers.dense_backward)
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# $$\texttt{dA\_prev} = \texttt{dZ}\, W, \qquad \texttt{dW} = \texttt{dZ}^{\mathsf T} A_{prev},
# \qquad \texttt{db} = \textstyle\sum_n \texttt{dZ}[n, :],$$
#
# in code `dA_prev = dZ @ W`, `dW = dZ.T @ A_prev`, `db = dZ.sum(axis=0)`. Per example,
# with column vectors, the same three rules read
#
# | per example (columns) | batch (rows) | shape |
# | --- | --- | --- |
# | $\partial L/\partial W = \sum_n \delta_n a_n^{\mathsf T}$ | `dW = dZ.T @ A_prev` | `(n_out, n_in)` |
# | $\partial L/\partial b = \sum_n \delta_n$ | `db = dZ.sum(axis=0)` | `(n_out,)` |
# | $\partial L/\partial a_n = W^{\mathsf T} \delta_n$ | `dA_prev = dZ @ W` | `(N, n_in)` |
#
# One weight: $\partial L / \partial w_{ji} = \sum_n \delta_{n,j}\, a_{n,i}$, the delta at
# its destination times the activity at its source, summed over the examples. Two things
# are new compared with notebook 4: the weights and the bias are **shared** by all
# examples, so their gradients **sum** over the batch (`dZ.T @ A_prev` is that sum of
# outer products), and the $\frac1N$ of the mean loss is already inside `dZ`, so no
# layer divides by $N$ again. The backward pass multiplies by $W$ where the forward pass
# (in row form) multiplies by $W^{\mathsf T}$: per example, $W$ maps $n_{in}$ numbers to
# $n_{out}$, and $W^{\mathsf T}$ carries the $n_{out}$ deltas back to the $n_{in}$ units
# they came from.
#
# ### The batch is the per-example formulas, stacked
#
# This cell computes every quantity twice on a batch of 4: once with your batched
# functions, once by looping over the examples with the column-vector formulas and
# stacking (or summing) the results. All four lines should say `True`.

# %%
N_demo, n_in_demo, n_out_demo = 4, 3, 2
A_demo = rng.standard_normal((N_demo, n_in_demo))
W_demo = rng.standard_normal((n_out_demo, n_in_demo))
b_demo = rng.standard_normal(n_out_demo)
dZ_demo = rng.standard_normal((N_demo, n_out_demo))

Z_rows = dense_forward(A_demo, W_demo, b_demo)
dA_rows, dW_rows, db_rows = dense_backward(dZ_demo, A_demo, W_demo)

z_cols, dW_sum, db_sum, da_cols = [], np.zeros_like(W_demo), np.zeros((n_out_demo, 1)), []
for n in range(N_demo):
    a_n = A_demo[n].reshape(-1, 1)               # column (n_in, 1)
    delta_n = dZ_demo[n].reshape(-1, 1)          # column (n_out, 1)
    z_cols.append(W_demo @ a_n + b_demo.reshape(-1, 1))
    dW_sum += delta_n @ a_n.T                    # outer product, one per example
    db_sum += delta_n
    da_cols.append(W_demo.T @ delta_n)           # back through W transposed

print("Z       = stacked z_n^T:          ", np.allclose(Z_rows, np.hstack(z_cols).T))
print("dW      = sum of delta_n a_n^T:   ", np.allclose(dW_rows, dW_sum))
print("db      = sum of delta_n:         ", np.allclose(db_rows, db_sum.ravel()))
print("dA_prev = stacked (W^T delta_n)^T:", np.allclose(dA_rows, np.hstack(da_cols).T))

# %% [markdown]
# ### Spot the bug: a sum over the wrong index (1 point)
#
# The lecture writes the gradient reaching unit $j$ of layer $l-1$ as
# $\partial L/\partial a^{l-1}_j = \sum_i w^l_{ji}\, \delta^l_j$. Taken literally, for one
# example (so `delta` has shape `(n_out,)`), and run on a square layer where the shapes
# happen to fit:

# %%
def da_prev_as_in_the_lecture(W, delta):
    """dL/da for the layer's input, one example, summed as the lecture writes it."""
    n_out, n_in = W.shape
    da_prev = np.zeros(n_in)
    for j in range(n_in):                              # unit j of layer l-1
        da_prev[j] = sum(W[j, i] * delta[j] for i in range(n_out))
    return da_prev


W_square = np.array([[0.5, -1.0, 0.25], [1.5, 0.3, -0.6], [-0.2, 0.8, 1.1]])
a_square, delta_square = np.array([0.4, -1.2, 0.9]), np.array([0.3, -0.5, 0.2])
try:
    bp.checks.gradient("the lecture's dL/da_prev", da_prev_as_in_the_lecture(W_square, delta_square),
                       lambda a: float(delta_square @ (W_square @ a)), a_square)
except AssertionError as failure:
    print("FAILED:", failure)

# %% [markdown]
# Write `da_prev_fixed(W, delta)`: the lecture's loop with the sum fixed, returning
# $\partial L/\partial a^{l-1}$ of shape `(n_in,)` for `W` of shape `(n_out, n_in)` and
# `delta` of shape `(n_out,)`, for any shapes, square or not. Keep the loops (no `@`):
# the point is which index the sum runs over.

# %% solution id="da_prev_fixed"
def da_prev_fixed(W, delta):
    """dL/da for the layer's input, one example: the lecture's loop, summed correctly."""
    ### BEGIN SOLUTION
    n_out, n_in = W.shape
    # unit i of layer l-1 reaches the loss through every unit j of layer l that it feeds
    return np.array([sum(W[j, i] * delta[j] for j in range(n_out)) for i in range(n_in)])
    ### END SOLUTION


# %% tests id="da_prev_fixed__values" points=1
"""da_prev_fixed: dL/da_prev for a square and a non-square layer."""
for W_check, delta_check in ((np.array([[0.5, -1.0, 0.25], [1.5, 0.3, -0.6], [-0.2, 0.8, 1.1]]),
                              np.array([0.3, -0.5, 0.2])),
                             (np.array([[0.7, -0.4, 1.2], [-1.1, 0.6, 0.3]]), np.array([0.9, -0.4]))):
    a_check = np.linspace(-1.0, 1.0, W_check.shape[1])
    got = bp.checks.call(f"da_prev_fixed(W, delta) with W of shape {W_check.shape}", da_prev_fixed,
                        W_check, delta_check)
    if W_check.shape[0] == W_check.shape[1]:
        bp.checks.true(not bp.checks.diagnosis.diagnose("da_prev", got,
                                                delta_check * W_check.sum(axis=1)).passed,
                      "da_prev is still the lecture's sum: for unit i of layer l-1, add up the "
                      "paths from a_i to every unit j of layer l, w_ji delta_j summed over j "
                      "(the units the weight column W[:, i] feeds), not over i.", "transposed")
    bp.checks.gradient(f"da_prev_fixed(W, delta) with W of shape {W_check.shape}", got,
                      lambda a: float(delta_check @ (W_check @ a)), a_check)
### BEGIN HIDDEN TESTS
for seed, (n_out, n_in) in ((511, (4, 2)), (512, (3, 3))):
    W_check, delta_check = bp.checks.testdata.points(seed, (n_out, n_in)), bp.checks.testdata.points(seed + 1, (n_out,))
    bp.checks.close(f"da_prev_fixed(W, delta) (hidden: W of shape {(n_out, n_in)})",
                   bp.checks.call("da_prev_fixed", da_prev_fixed, W_check, delta_check),
                   W_check.T @ delta_check)
### END HIDDEN TESTS

# %% [markdown]
# The slip: the left side names a unit of layer $l-1$, so the sum must run over the other
# index, the units $j$ of layer $l$ that the unit feeds:
# $\partial L/\partial a^{l-1}_i = \sum_j w^l_{ji}\,\delta^l_j = \big((W^l)^{\mathsf T}\delta^l\big)_i$.
# The lecture's sum over $i$ gives $\delta_j \sum_i w_{ji}$: row sums of $W$ scaled by the
# unit's own delta, a number that has nothing to do with the paths from $a^{l-1}_j$. On a
# square layer the shapes fit and nothing crashes: only a gradient check shows it.

# %% [markdown]
# ## 4. The output delta
#
# From now on the output layer is a sigmoid, $\hat Y = \sigma(Z^L)$ entry by entry, and
# the loss is a mean over the batch, either of the half squared error or of the binary
# cross-entropy (see the header). Backprop starts at the output: its delta
# $\partial L / \partial Z^L$ is what every other layer's delta is built from.
#
# ### Exercise 4: the output delta (3 points)
#
# Write `output_delta(Z, t, loss)` returning $\partial L / \partial Z$ for a **sigmoid**
# output layer, where `Z` (the output pre-activations) and `t` (the targets) have shape
# `(N, n_out)` and `loss` is `"half_mse"` or `"bce"`. The result has the shape of `Z`.
# Use `bp.activations.sigmoid` and your `sigmoid_prime`.
#
# <details><summary>Hint 1</summary>
#
# Each $Z_{nk}$ reaches the loss through one prediction only, $\hat y_{nk} = \sigma(Z_{nk})$,
# so $\partial L / \partial Z_{nk} = \dfrac{\partial L}{\partial \hat y_{nk}}\,\sigma'(Z_{nk})$:
# one multiplication entry by entry, no sum.
# </details>
#
# <details><summary>Hint 2</summary>
#
# For the half squared error, differentiate $\frac1N \sum_n \tfrac12 \sum_k (\hat y_{nk} - t_{nk})^2$
# with respect to one $\hat y_{nk}$: only one term of the double sum depends on it. For
# cross-entropy, notebook 1 found
# $\partial L / \partial \hat y = \dfrac{\hat y - t}{\hat y (1 - \hat y) N}$.
# </details>
#
# <details><summary>Hint 3</summary>
#
# For cross-entropy, write $\sigma'(Z)$ with the output, $\hat y (1 - \hat y)$, and
# multiply: something cancels. Computing the simplified form is also safer: where
# $\hat y$ rounds to exactly 0 or 1, the long form divides 0 by 0.
# </details>

# %% solution id="output_delta"
def output_delta(Z, t, loss="half_mse"):
    """Delta dL/dZ of a sigmoid output layer, for a loss averaged over the batch.

    Parameters
    ----------
    Z : ndarray of shape (N, n_out)
        Pre-activations of the output layer.
    t : ndarray of shape (N, n_out)
        Targets.
    loss : {"half_mse", "bce"}

    Returns
    -------
    ndarray of shape (N, n_out)
        dL/dZ, the deltas of the output layer.
    """
    ### BEGIN SOLUTION
    N = Z.shape[0]
    y_hat = bp.activations.sigmoid(Z)
    if loss == "bce":
        return (y_hat - t) / N
    dL_dy_hat = (y_hat - t) / N
    dA_dZ = sigmoid_prime(Z)
    return dL_dy_hat * dA_dZ
    ### END SOLUTION


# %% [markdown]
# Try it with three examples, one output each: `"half_mse"` should give the column
# `-0.005782, -0.041667, 0.014345` and `"bce"` the column `-0.327338, -0.166667, 0.317525`.

# %%
Z_out = np.array([[-4.0], [0.0], [3.0]])
t_out = np.array([[1.0], [1.0], [0.0]])
print(output_delta(Z_out, t_out, "half_mse"))
print(output_delta(Z_out, t_out, "bce"))

# %% tests id="output_delta__half_mse" points=1
"""output_delta with loss 'half_mse' matches a central-difference gradient."""
with bp.checks.earlier.blamed("output_delta", globals(), ["sigmoid_prime"]):
    bp.checks.layers.sigmoid_output_delta(output_delta, bp.checks.testdata.points(31, (4, 2)),
                                          bp.checks.testdata.probabilities(32, (4, 2))[0], "half_mse")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("output_delta", globals(), ["sigmoid_prime"]):
    for seed, shape in ((310, (6, 3)), (311, (5, 1))):
        bp.checks.layers.sigmoid_output_delta(
            output_delta, bp.checks.testdata.points(seed, shape, -4.0, 4.0),
            bp.checks.testdata.probabilities(seed + 1, shape)[1], "half_mse",
            where=f"on a hidden {shape} batch", reference=bp.mlp.output_delta)
### END HIDDEN TESTS

# %% tests id="output_delta__bce" points=1
"""output_delta with loss 'bce' matches a central-difference gradient."""
with bp.checks.earlier.blamed("output_delta", globals(), ["sigmoid_prime"]):
    Z_check, t_check = bp.checks.testdata.points(35, (4, 2)), bp.checks.testdata.probabilities(36, (4, 2))[1]
    bp.checks.layers.sigmoid_output_delta(output_delta, Z_check, t_check, "bce")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("output_delta", globals(), ["sigmoid_prime"]):
    for seed, shape in ((350, (6, 3)), (351, (5, 1))):
        Z_check = bp.checks.testdata.points(seed, shape, -4.0, 4.0)
        t_check = bp.checks.testdata.probabilities(seed + 1, shape)[1]
        bp.checks.layers.sigmoid_output_delta(output_delta, Z_check, t_check, "bce",
                                              where=f"on a hidden {shape} batch",
                                              reference=bp.mlp.output_delta)
### END HIDDEN TESTS

# %% tests id="output_delta__saturated" points=1
"""output_delta on one example whose outputs saturate (sigmoid(40) is exactly 1.0), for both losses."""
with bp.checks.earlier.blamed("output_delta", globals(), ["sigmoid_prime"]):
    for loss_check in ("half_mse", "bce"):
        bp.checks.layers.sigmoid_output_delta(output_delta, np.array([[-12.0, 40.0, 0.5]]),
                                              np.array([[1.0, 0.0, 1.0]]), loss_check, where="for N = 1")

# %% [markdown]
# #### What you just derived
#
# $$\delta^L = \frac{\partial L}{\partial \hat Y} \odot \sigma'(Z^L), \qquad
# \text{half squared error: } \delta^L = \frac{\hat Y - T}{N} \odot \hat Y \odot (1 - \hat Y), \qquad
# \text{cross-entropy: } \delta^L = \frac{\hat Y - T}{N},$$
#
# in code `(y_hat - t) / N * y_hat * (1 - y_hat)` and `(y_hat - t) / N`. For
# cross-entropy, $\partial L/\partial \hat y = \frac{\hat y - t}{\hat y(1 - \hat y)N}$ and the
# sigmoid's slope $\hat y(1 - \hat y)$ cancel and leave the error $\hat y - t$ over $N$:
# the shortcut holds **only** for a sigmoid output with cross-entropy (notebook 4's
# transfer exercise computed the same product for one example without simplifying it).
# With the squared error the factor $\hat y(1 - \hat y)$ stays.
#
# ### Checkpoint: how much harder? (1 point)
#
# Take one example with one output, confidently wrong: $z = -6$, so
# $\hat y = \sigma(-6) \approx 0.00247$, while $t = 1$. By what factor is its delta under
# cross-entropy larger, in absolute value, than under the half squared error? Work it out
# from the two deltas above (three significant digits are enough) and set
# `predicted_factor` to it before running the comparison below; the test cell records it,
# and the graded version judges it.

# %% solution id="predict_delta_ratio"
# Your prediction, a number, in place of the two lines below:
### BEGIN SOLUTION
predicted_factor = 405.0
### END SOLUTION

# %% tests id="predict_delta_ratio__value" points=1
"""Checkpoint: how many times larger cross-entropy's delta is at z = -6, t = 1: recorded."""
bp.checks.predictions.recorded("predicted_factor", globals())
### BEGIN HIDDEN TESTS
z_check, t_check = np.array([[-6.0]]), np.array([[1.0]])
slopes = {name: abs(float(bp.numdiff.gradient(
    lambda z: bp.mlp.mean_loss(bp.activations.sigmoid(z), t_check, name, Z=z), z_check)[0, 0]))
    for name in ("half_mse", "bce")}
bp.checks.predictions.judged("predicted_factor", globals(), slopes["bce"] / slopes["half_mse"],
                             rel_tol=2e-2)
### END HIDDEN TESTS

# %%
Z_wrong, t_wrong = np.array([[-6.0], [-4.0], [0.0], [3.0]]), np.array([[1.0], [1.0], [1.0], [0.0]])
delta_half = output_delta(Z_wrong, t_wrong, "half_mse").ravel()
delta_bce = output_delta(Z_wrong, t_wrong, "bce").ravel()
print("z:                 ", Z_wrong.ravel())
print("half squared error:", np.round(delta_half, 6))
print("cross-entropy:     ", np.round(delta_bce, 6))
print("cross-entropy / half squared error:", np.round(delta_bce / delta_half, 1))

# %% [markdown]
# At $z = -6$ cross-entropy pushes about 405 times harder, at $z = -4$ about 57 times.
# Under the squared error the delta carries $\hat y(1 - \hat y)$, which is tiny exactly
# when the sigmoid saturates,
# whether it is right or badly wrong: a confidently wrong sigmoid unit learns slowly.
# Cross-entropy's delta is just the error $(\hat y - t)/N$, largest when the prediction is
# most wrong. That is why classifiers with a sigmoid (or softmax) output train on
# cross-entropy.

# %% [markdown]
# ## 5. Any depth: the two delta rules
#
# Put Exercises 3 and 4 together and the whole backward pass follows. The output rule
# is Exercise 4. For a hidden layer $l$: `dense_backward` of layer $l+1$ hands down
# $\partial L / \partial A^l$ = `dA_prev`, and $A^l = h(Z^l)$ entry by entry, so one more
# entrywise product with the slope of the activation, **evaluated at $Z^l$**, gives the
# delta of layer $l$. Per example and in row form:
#
# $$\delta^l = \big((W^{l+1})^{\mathsf T} \delta^{l+1}\big) \odot h'(z^l)
# \qquad\Longleftrightarrow\qquad
# \texttt{dZ} = (\texttt{dZ\_next @ W\_next}) \odot h'(\texttt{Z}).$$
#
# This is the hidden delta rule: each step backwards multiplies by a transposed weight
# matrix and by the slopes of one layer's activations, exactly the "upstream gradient
# times local derivative" of notebook 3's graphs, where now every node is a whole layer.
#
# A network is a loop over layers. The backward pass needs every layer's input
# $A^{l-1}$ (for $dW^l$) and pre-activation $Z^l$ (for $h'(Z^l)$), so the forward pass
# keeps them in a **cache**, a dictionary with the keys `"A0"` (the input `X`), and
# `"Z1"`, `"A1"`, ..., `"ZL"`, `"AL"`. The parameters are the dictionary of section 1,
# `{"W1", "b1", ..., "WL", "bL"}`, so `L = len(params) // 2`. Hidden layers use the
# activation named by `activation`, `"sigmoid"` or `"tanh"`; the output layer is always a
# sigmoid. These two dictionaries hold each activation and its slope (the tanh slope is
# notebook 4's; the sigmoid's is your Exercise 1):

# %%
def tanh_prime(z):
    """Slope of tanh at every entry of z (notebook 4)."""
    return 1.0 - np.tanh(z) ** 2


ACTIVATION = {"sigmoid": bp.activations.sigmoid, "tanh": np.tanh}
SLOPE = {"sigmoid": sigmoid_prime, "tanh": tanh_prime}
print(ACTIVATION["tanh"](np.array([0.0, 1.0])), SLOPE["tanh"](np.array([0.0, 1.0])))

# %% [markdown]
# ### Exercise 5: forward through any depth (2 points)
#
# Write `mlp_forward(params, X, activation)` returning `(y_hat, cache)`: `y_hat` of shape
# `(N, n_L)` and the cache described above. Use your `dense_forward`.

# %% solution id="mlp_forward"
def mlp_forward(params, X, activation="tanh"):
    """Forward pass of a network of any depth on a batch.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL"; W{l} of shape (n_l, n_{l-1}), b{l} of shape (n_l,).
    X : ndarray of shape (N, n_0)
    activation : {"sigmoid", "tanh"}
        Activation of the hidden layers; the output layer is a sigmoid.

    Returns
    -------
    y_hat : ndarray of shape (N, n_L)
    cache : dict
        "A0" (= X), and "Z{l}", "A{l}" of shape (N, n_l) for l = 1..L.
    """
    ### BEGIN SOLUTION
    h = ACTIVATION[activation]
    L = len(params) // 2
    cache = {"A0": X}
    A = X
    for l in range(1, L + 1):
        Z = dense_forward(A, params[f"W{l}"], params[f"b{l}"])
        A = bp.activations.sigmoid(Z) if l == L else h(Z)
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = A
    return A, cache
    ### END SOLUTION


# %% [markdown]
# Try it on a 3-4-4-2 network: you should see `y_hat` of shape `(5, 2)` and the cache
# keys `['A0', 'Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3']` (in any order).

# %%
params_deep, X_deep, t_deep = bp.mlp.example_problem([3, 4, 4, 2], 5, seed=0)
y_hat_deep, cache_deep = mlp_forward(params_deep, X_deep, "tanh")
print(y_hat_deep.shape, list(cache_deep))

# %% tests id="mlp_forward__output" points=1
"""mlp_forward: y_hat of 2-3-2 and 3-4-4-2 networks."""
with bp.checks.earlier.blamed("mlp_forward", globals(), ["dense_forward"]):
    for sizes, activation_check, seed in (([2, 3, 2], "tanh", 41), ([3, 4, 4, 2], "sigmoid", 42)):
        params_check, X_check, _, cache_expected = bp.mlp.example_cache(sizes, 5, seed,
                                                                        hidden=activation_check)
        result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, activation_check)
        bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2,
                      "mlp_forward should return a pair (y_hat, cache); "
                      f"got {type(result).__name__}", "shape")
        bp.checks.close(f"y_hat from mlp_forward ({'-'.join(map(str, sizes))}, {activation_check})",
                       result[0], cache_expected[f"A{len(sizes) - 1}"])
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("mlp_forward", globals(), ["dense_forward"]):
    for sizes, activation_check, seed in (([1, 5, 3, 3, 1], "tanh", 43), ([2, 2, 1], "sigmoid", 44)):
        params_check, X_check, _ = bp.mlp.example_problem(sizes, 3, seed)
        result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, activation_check)
        bp.checks.close(f"y_hat from mlp_forward (hidden {'-'.join(map(str, sizes))}, {activation_check})",
                       result[0], bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check,
                                                       hidden=activation_check)[0])
### END HIDDEN TESTS

# %% tests id="mlp_forward__cache" points=1
"""mlp_forward: the cache holds A0 and every layer's Z and A."""
with bp.checks.earlier.blamed("mlp_forward", globals(), ["dense_forward"]):
    params_check, X_check, _, cache_expected = bp.mlp.example_cache([3, 4, 4, 2], 5, 45,
                                                                    hidden="tanh")
    result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, "tanh")
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], dict),
                  "mlp_forward should return a pair (y_hat, cache) with cache a dict", "shape")
    for key in ("A0", "Z1", "A1", "Z2", "A2", "Z3", "A3"):
        bp.checks.true(key in result[1], f"the cache should have the key {key!r}; "
                      f"it has {sorted(result[1])}", "keys")
        bp.checks.close(f"cache[{key!r}]", result[1][key], cache_expected[key])

# %% [markdown]
# ### Exercise 6: backward through any depth (8 points)
#
# Write `mlp_backward(params, cache, t, activation, loss)` returning a dict of gradients
# with **the same keys as `params`**: `grads["W1"]` is $\partial L/\partial W^1$, and so on,
# each of the shape of its parameter. `cache` is what the forward pass returns (the tests
# give you a correct one), `t` has shape `(N, n_L)`, `activation` is the hidden
# activation and `loss` is `"half_mse"` or `"bce"`. Use your `output_delta`,
# `dense_backward` and the `SLOPE` dictionary: start with $\delta^L$ from `output_delta`,
# then for $l = L, L-1, \dots, 1$ let `dense_backward` give layer $l$'s gradients and,
# unless $l = 1$, apply the hidden delta rule to get the delta of layer $l-1$.

# %% solution id="mlp_backward"
def mlp_backward(params, cache, t, activation="tanh", loss="half_mse"):
    """Gradients of the mean loss with respect to every parameter of the network.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL".
    cache : dict
        From the forward pass: "A0", "Z1", "A1", ..., "ZL", "AL".
    t : ndarray of shape (N, n_L)
    activation : {"sigmoid", "tanh"}
        Activation of the hidden layers (the output layer is a sigmoid).
    loss : {"half_mse", "bce"}

    Returns
    -------
    dict
        The keys of params; grads["W{l}"] = dL/dW{l} has the shape of W{l}.
    """
    ### BEGIN SOLUTION
    h_grad = SLOPE[activation]
    L = len(params) // 2
    grads = {}
    dZ = output_delta(cache[f"Z{L}"], t, loss)
    for l in range(L, 0, -1):
        dA_prev, grads[f"W{l}"], grads[f"b{l}"] = dense_backward(dZ, cache[f"A{l - 1}"],
                                                                 params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * h_grad(cache[f"Z{l - 1}"])
    return grads
    ### END SOLUTION


# %% [markdown]
# Try it: the loop below compares each of your gradients for the 3-4-4-2 network with a
# central difference; every line should say "is correct".

# %%
grads_deep = mlp_backward(params_deep, cache_deep, t_deep, "tanh", "half_mse")
for key in params_deep:
    bp.checks.gradient(f"grads[{key!r}]", grads_deep[key],
                      bp.mlp.loss_of(params_deep, X_deep, t_deep, key, hidden="tanh",
                                     loss="half_mse"),
                      params_deep[key])

# %% tests id="mlp_backward__keys_and_shapes" points=1
"""mlp_backward returns one gradient per parameter, each of its parameter's shape."""
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    params_check, X_check, t_check, cache_check = bp.mlp.example_cache([3, 4, 4, 2], 5, 50,
                                                                       hidden="tanh")
    bp.checks.layers.keys_and_shapes(
        "mlp_backward", bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check,
                                       "tanh", "half_mse"), params_check)

# %% tests id="mlp_backward__output_layer" points=2
"""mlp_backward: dW2 and db2 of a 2-2-1 sigmoid network with the half squared error."""
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [2, 2, 1], 4, 51, "sigmoid", "half_mse",
                                         ("W2", "b2"))
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [2, 3, 2], 1, 52, "tanh", "bce", ("W2", "b2"),
                                         reference=bp.mlp.backward)
### END HIDDEN TESTS

# %% tests id="mlp_backward__first_layer" points=2
"""mlp_backward: dW1 and db1 of a 2-3-2 tanh network with the half squared error."""
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [2, 3, 2], 4, 53, "tanh", "half_mse", ("W1", "b1"))
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [3, 2, 1], 1, 54, "sigmoid", "half_mse",
                                         ("W1", "b1"), reference=bp.mlp.backward)
### END HIDDEN TESTS

# %% tests id="mlp_backward__deep" points=2
"""mlp_backward: every gradient of a 3-4-4-2 tanh network with cross-entropy, exactly."""
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [3, 4, 4, 2], 5, 55, "tanh", "bce")
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [3, 4, 4, 2], 5, 55, "tanh", "bce",
                                         reference=bp.mlp.backward)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [2, 5, 3, 3, 2], 3, 56, "tanh", "half_mse",
                                         reference=bp.mlp.backward)
### END HIDDEN TESTS

# %% tests id="mlp_backward__sigmoid_bce" points=1
"""mlp_backward: every gradient of a 2-3-3-1 sigmoid network with cross-entropy."""
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [2, 3, 3, 1], 6, 57, "sigmoid", "bce")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("mlp_backward", globals(),
                              ["sigmoid_prime", "dense_backward", "output_delta"]):
    bp.checks.mlp.mlp_backward_gradients(mlp_backward, [3, 3, 2, 2], 4, 58, "sigmoid", "bce",
                                         reference=bp.mlp.backward)
### END HIDDEN TESTS

# %% [markdown]
# ### Spot the bug: the first layer's input (1 point)
#
# The lecture writes the weight rule of every layer in one notation, $h$ for the output of
# a unit: $\partial L/\partial w_{kj} = \delta_k h_j$ for the output layer, and
# $\partial L/\partial w_{ji} = \delta_j h_i$ for the layer below. Taken literally for a
# network with one hidden layer, one example and zero biases (sigmoid units, half squared
# error), and run on a 3-3-2 network, where the shapes happen to fit:

# %%
def gradients_as_in_the_lecture(x, t, params):
    """dL/dW1 and dL/dW2 of one example (sigmoid layers, zero biases), as the lecture writes them."""
    W1, W2 = params["W1"], params["W2"]
    h = bp.activations.sigmoid(W1 @ x)
    o = bp.activations.sigmoid(W2 @ h)
    delta_k = (o - t) * o * (1.0 - o)
    delta_j = (W2.T @ delta_k) * h * (1.0 - h)
    dW2 = np.outer(delta_k, h)                    # delta_k h_j
    dW1 = np.outer(delta_j, h)                    # delta_j h_i
    return dW1, dW2


def half_squared_error_of(x, t, params):
    """The loss of one example for the lecture's network (zero biases)."""
    o = bp.activations.sigmoid(params["W2"] @ bp.activations.sigmoid(params["W1"] @ x))
    return 0.5 * float(np.sum((o - t) ** 2))


params_lecture = {"W1": np.array([[0.6, -1.1, 0.4], [0.9, 0.3, -0.7], [-0.5, 1.2, 0.8]]),
                "W2": np.array([[1.3, -0.6, 0.2], [-0.4, 0.9, 1.1]])}
x_lecture, t_lecture = np.array([1.5, -0.8, 0.3]), np.array([1.0, 0.0])
dW1_lecture, dW2_lecture = gradients_as_in_the_lecture(x_lecture, t_lecture, params_lecture)
for name, grad in (("W1", dW1_lecture), ("W2", dW2_lecture)):
    try:
        bp.checks.gradient(f"the lecture's d{name}", grad,
                           lambda value: half_squared_error_of(x_lecture, t_lecture,
                                                               {**params_lecture, name: value}),
                           params_lecture[name])
    except AssertionError as failure:
        print("FAILED:", failure)

# %% [markdown]
# Write `gradients_lecture_fixed(x, t, params)`: the lecture's function with the slip fixed,
# returning `(dW1, dW2)` for any layer widths (`params` holds `W1` and `W2`; the biases
# are zero).

# %% solution id="gradients_lecture_fixed"
def gradients_lecture_fixed(x, t, params):
    """dL/dW1 and dL/dW2 of one example (sigmoid layers, zero biases), slip fixed."""
    ### BEGIN SOLUTION
    h = bp.activations.sigmoid(params["W1"] @ x)
    o = bp.activations.sigmoid(params["W2"] @ h)
    delta_k = (o - t) * o * (1.0 - o)
    delta_j = (params["W2"].T @ delta_k) * h * (1.0 - h)
    dW1 = np.outer(delta_j, x)                    # delta_j x_i: layer 1's source is the input
    return dW1, np.outer(delta_k, h)
    ### END SOLUTION


# %% tests id="gradients_lecture_fixed__dW1" points=1
"""gradients_lecture_fixed: dW1 of a 3-3-2 and a 2-3-1 network passes a gradient check."""
cases = (({"W1": np.array([[0.6, -1.1, 0.4], [0.9, 0.3, -0.7], [-0.5, 1.2, 0.8]]),
           "W2": np.array([[1.3, -0.6, 0.2], [-0.4, 0.9, 1.1]])},
          np.array([1.5, -0.8, 0.3]), np.array([1.0, 0.0])),
         ({"W1": np.array([[0.7, -0.2], [-1.3, 0.5], [0.4, 0.9]]), "W2": np.array([[0.8, -1.0, 0.6]])},
          np.array([-0.6, 1.4]), np.array([1.0])))
for params_check, x_check, t_check in cases:
    result = bp.checks.call("gradients_lecture_fixed(x, t, params)", gradients_lecture_fixed,
                           x_check, t_check, params_check)
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2,
                  f"gradients_lecture_fixed should return a pair (dW1, dW2); got {type(result).__name__}",
                  "shape")
    h_check = bp.activations.sigmoid(params_check["W1"] @ x_check)
    numerical = bp.numdiff.gradient(
        lambda W1: 0.5 * float(np.sum((bp.activations.sigmoid(
            params_check["W2"] @ bp.activations.sigmoid(W1 @ x_check)) - t_check) ** 2)),
        params_check["W1"])
    if np.shape(result[0]) == numerical.shape and h_check.shape == x_check.shape:
        row_scale = numerical / np.where(x_check == 0, 1.0, x_check)
        bp.checks.true(not bp.checks.diagnosis.diagnose("dW1", result[0], row_scale * h_check).passed,
                      "dW1 still multiplies each hidden delta by the hidden activations h. "
                      "The weight W1[j, i] comes from input i: what flows along it is x_i, so "
                      "its gradient is delta_j x_i; h_i is what the NEXT layer's weights see.",
                      "mismatch")
    bp.checks.close(f"dW1 for W1 of shape {params_check['W1'].shape}", result[0], numerical,
                   tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
for seed, sizes in ((521, (4, 4, 2)), (522, (2, 5, 3))):
    params_check, x_rows, t_rows = bp.mlp.example_problem(list(sizes), 1, seed)
    params_check = {"W1": params_check["W1"], "b1": np.zeros(sizes[1]),
                    "W2": params_check["W2"], "b2": np.zeros(sizes[2])}
    result = bp.checks.call("gradients_lecture_fixed(x, t, params)", gradients_lecture_fixed,
                           x_rows[0], t_rows[0], {"W1": params_check["W1"], "W2": params_check["W2"]})
    cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, x_rows, hidden="sigmoid")[1]
    exact = bp.checks.testdata.expected(bp.mlp.backward, params_check, cache_check, t_rows,
                                        loss="half_mse")
    bp.checks.close(f"dW1 (hidden: sizes {sizes})", result[0], exact["W1"])
    bp.checks.close(f"dW2 (hidden: sizes {sizes})", result[1], exact["W2"])
### END HIDDEN TESTS

# %% [markdown]
# The slip: a weight's gradient is the delta at its destination times the value at its
# **source**. For the first layer the source is the input, so
# $\partial L/\partial w^1_{ji} = \delta^1_j x_i$, as in `dW = dZ.T @ A_prev` with
# `A_prev = A0 = X`. The lecture's uniform "$\delta_j h_i$" silently shifts the source one
# layer up. With three inputs and three hidden units the shapes fit and nothing
# crashes; `dW2` is right, so a check of the output layer alone would pass too.
#
# ## 6. Transfer: leaky-ReLU layers and a linear output
#
# Two changes no cell of the course has shown. Hidden layers use the **leaky ReLU**
# (`bp.activations.leaky_relu`), which lets a little gradient through for negative inputs,
#
# $$h(z) = \begin{cases} z & z > 0 \\ 0.1\, z & z \le 0 \end{cases},$$
#
# and the output is **linear**, $\hat Y = Z^L$ (a regression network), scored with the
# mean half squared error $L = \frac1N \sum_n \tfrac12 \lVert \hat y_n - t_n \rVert^2$.
#
# ### Exercise 7: leaky-ReLU layers and a linear output (3 points)
#
# Write `leaky_grads(params, X, t)` returning the dict of gradients of that $L$ with
# respect to every parameter (the keys of `params`, each of its parameter's shape), for a
# network of any depth: `X` of shape `(N, n_0)`, `t` of shape `(N, n_L)`. Run the forward
# pass inside the function; your `dense_forward` and `dense_backward` are welcome.
# `bp.activations.leaky_relu_grad` is switched off here. (At $z = 0$ exactly, use the
# slope $0.1$; the tests never land there.)
#
# <details><summary>Hint 1</summary>
#
# Only two things change: the output delta (the output activation is now the identity,
# whose slope is 1) and the slope $h'$ in the hidden delta rule. Work out each on paper.
# </details>
#
# <details><summary>Hint 2</summary>
#
# The leaky ReLU is linear on each side of 0; its slope is a constant on each side.
# `np.where(condition, a, b)` picks `a` where the condition holds and `b` elsewhere.
# </details>

# %% solution id="leaky_grads"
def leaky_grads(params, X, t):
    """Gradients of the mean half squared error of a leaky-ReLU network with a linear output.

    Parameters
    ----------
    params : dict
        The weights and biases "W1", "b1", ..., "WL", "bL" of the network.
    X : ndarray of shape (N, n_0)
        The inputs, one example per row.
    t : ndarray of shape (N, n_L)
        The targets.

    Returns
    -------
    dict
        The keys of params, each gradient of its parameter's shape.
    """
    ### BEGIN SOLUTION
    L = len(params) // 2
    N = X.shape[0]
    A, cache = X, {"A0": X}
    for l in range(1, L + 1):
        Z = dense_forward(A, params[f"W{l}"], params[f"b{l}"])
        A = Z if l == L else bp.activations.leaky_relu(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    grads = {}
    dZ = (A - t) / N
    for l in range(L, 0, -1):
        dA_prev, grads[f"W{l}"], grads[f"b{l}"] = dense_backward(dZ, cache[f"A{l - 1}"],
                                                                 params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * np.where(cache[f"Z{l - 1}"] > 0, 1.0, 0.1)
    return grads
    ### END SOLUTION


# %% [markdown]
# Try it on a 3-4-2 network; the loop compares every gradient with a central difference.

# %%
params_leaky, X_leaky, t_leaky = bp.mlp.example_problem([3, 4, 2], 5, seed=7)
grads_leaky = leaky_grads(params_leaky, X_leaky, t_leaky)
for key in params_leaky:
    bp.checks.gradient(f"grads[{key!r}]", grads_leaky[key],
                      bp.mlp.loss_of(params_leaky, X_leaky, t_leaky, key, hidden="leaky_relu",
                                     output="identity", loss="half_mse"),
                      params_leaky[key])

# %% tests id="leaky_grads__output_layer" points=1
"""leaky_grads: the output layer's gradients of a 2-4-1 network."""
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    LEAKY_NETWORK = {"hidden": "leaky_relu", "output": "identity", "loss": "half_mse"}
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [2, 4, 1], 6, 61, ("W2", "b2"),
                                    **LEAKY_NETWORK)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [3, 5, 2], 4, 62, ("W2", "b2"),
                                    **LEAKY_NETWORK, reference=bp.mlp.loss_and_grads)
### END HIDDEN TESTS

# %% tests id="leaky_grads__hidden_layers" points=1
"""leaky_grads: every hidden layer's gradients of a 3-5-4-2 network."""
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    LEAKY_NETWORK = {"hidden": "leaky_relu", "output": "identity", "loss": "half_mse"}
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [3, 5, 4, 2], 5, 63,
                                    ("W1", "b1", "W2", "b2"), **LEAKY_NETWORK)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [2, 6, 3, 3, 1], 7, 64,
                                    ("W1", "b1", "W2", "b2"), **LEAKY_NETWORK,
                                    reference=bp.mlp.loss_and_grads)
### END HIDDEN TESTS

# %% tests id="leaky_grads__exact" points=1
"""leaky_grads: every gradient of a 4-3-3 network, and exactness (hidden)."""
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    LEAKY_NETWORK = {"hidden": "leaky_relu", "output": "identity", "loss": "half_mse"}
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [4, 3, 3], 8, 65, **LEAKY_NETWORK)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("leaky_grads", globals(), ["dense_forward", "dense_backward"]):
    bp.checks.mlp.problem_gradients("leaky_grads", leaky_grads, [3, 4, 4, 2], 6, 66, **LEAKY_NETWORK,
                                    reference=bp.mlp.loss_and_grads)
### END HIDDEN TESTS

# %% [markdown]
# #### What you just derived
#
# With a linear output and the mean half squared error, the output delta is the error
# itself, $\delta^L = (\hat Y - T)/N$ (`dZ = (y_hat - t) / N`): the identity's slope is 1.
# The leaky ReLU's slope is $h'(z) = 1$ for $z > 0$ and $0.1$ otherwise
# (`np.where(Z > 0, 1.0, 0.1)`), so the hidden delta rule passes the gradient unchanged
# through active units and scaled by 0.1 through the others, never exactly 0, unlike
# the plain ReLU, whose inactive units pass nothing back. Everything else is the same
# loop: the delta rules do not care which activation or loss they are given, only about
# its slope.
#
# ## 7. Explore
#
# A 2-4-4-1 tanh network with a sigmoid output, on the first $N$ examples of a fixed
# batch; this explorer scores it with the full squared error (twice the half squared
# error: the same curve, drawn twice as tall). The slider sets one weight, `W2[0, 0]`. On the left, the
# blue curve is the loss as that weight alone varies; the red line is the tangent whose
# slope is the backprop gradient `dW2[0, 0]`: it touches the curve wherever you put the
# weight. On the right, the size (Frobenius norm) of each layer's gradient. Things to
# try: find a weight where the slope is zero (a minimum or a maximum along this one
# direction) and see that the other layers' gradients are not zero there; change $N$
# and watch the curve move (a different batch is a different loss).

# %%
bp.explore.depth.weight_explorer()

# %% [markdown]
# ## Summary
#
# - $\sigma(z) = 1/(1 + e^{-z})$ and $\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le \tfrac14$,
#   written with the output and evaluated at $z$.
# - The delta of a layer is $\delta^l = \partial L/\partial z^l$ (`dZ` for a batch). Output
#   rule: $\delta^L = \partial L/\partial \hat y \odot h'(z^L)$; for a sigmoid output with
#   cross-entropy, $\delta^L = (\hat y - t)/N$. Hidden rule:
#   $\delta^l = \big((W^{l+1})^{\mathsf T} \delta^{l+1}\big) \odot h'(z^l)$.
# - Weight and bias gradients: $\partial L/\partial W^l = \delta^l (a^{l-1})^{\mathsf T}$,
#   $\partial L/\partial b^l = \delta^l$; on a batch of rows `dW = dZ.T @ A_prev`,
#   `db = dZ.sum(axis=0)`, `dA_prev = dZ @ W`. Shared parameters sum their gradients over
#   the batch, and the $1/N$ of a mean loss enters once, at the output.
# - Three slips to recognise: a stray minus in $\sigma'$ (opposite sign everywhere), a sum
#   over the wrong index in $\partial L/\partial a^{l-1}$, and the first layer's source
#   taken as $h$ instead of $x$. Square layers hide the last two from the shapes; a
#   gradient check does not.
#
# ## Going further
#
# - A bias is a weight from a unit whose output is always 1: append a 1 to every input
#   (`bp.layers.append_ones`) and the column $b$ to $W$ (`bp.layers.fold_bias`), and the
#   weight rule covers the bias, the last column of the weight gradient being `db`. The
#   course keeps $W$ and $b$ apart, as most libraries do.
# - `bp.mlp` holds the course's version of what you wrote (`forward`, `backward`,
#   `loss_and_grads`, `step`), with ReLU, leaky ReLU and a linear output as well.
#   Notebook 6 uses it to train a network on XOR.
# - Each backward step multiplies by $W^{\mathsf T}$ and by $h'(z)$. Multiply many of them
#   and the product can shrink or grow exponentially with depth: that is notebook 7,
#   vanishing and exploding gradients.
