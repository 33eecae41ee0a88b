# Backprop Lab, notebook 5: delta rules and vectorised backprop.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 5. Delta rules: vectorised backprop
#
# *One rule per layer, one matrix product per rule, any depth, a whole batch at once.*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 5, worth 20 points.
#
# **Loss:** the mean over the batch of the squared error, $L = \frac1N \sum_n \lVert \hat y_n - t_n \rVert^2$, or of binary cross-entropy.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. compute a dense layer's pre-activations for a whole batch in one matrix product
#    ([Exercise 1](#Exercise-1:-a-dense-layer,-forward-(2-points)));
# 2. derive and code the three gradients of a dense layer, and say why the backward pass
#    multiplies by $W$ transposed ([Exercise 2](#Exercise-2:-a-dense-layer,-backward-(5-points)));
# 3. compute the delta of a sigmoid output layer for squared error and for cross-entropy,
#    and use the shortcut $\delta = (\hat y - t)/N$ only where it holds
#    ([Exercise 3](#Exercise-3:-the-output-delta-(3-points)));
# 4. run a network of any depth forward, keeping what the backward pass needs
#    ([Exercise 4](#Exercise-4:-forward-through-any-depth-(2-points)));
# 5. backpropagate through it with the hidden delta rule and check every gradient
#    numerically ([Exercise 5](#Exercise-5:-backward-through-any-depth-(8-points))).
#
# **Prerequisites:** notebook 1 (losses, the central difference, the tolerance policy),
# notebook 3 (the chain rule on a graph) and notebook 4 (a 2-2-1 network by hand).
# Matrix products and transposes in NumPy.
#
# ## How the checks work
#
# As in every notebook: each test cell prints a line when your answer passes, and
# otherwise names the mistake it recognises (sign, factor of $N$, transposed, wrong
# shape, ...) with your value and the expected one. Gradients are compared with a
# central difference at a relative tolerance of $10^{-5}$; exact values at $10^{-9}$.
# The graded version of each test also tries other shapes and seeds.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(5)

# %% [markdown]
# ## 1. A network, layer by layer
#
# Number the layers $l = 1, \dots, L$, with the input as layer 0: $a^0 = x$. Each layer
# takes the previous layer's output $a^{l-1}$ (a column vector of $n_{l-1}$ numbers) and
# computes
#
# $$z^l = W^l a^{l-1} + b^l, \qquad a^l = h(z^l),$$
#
# where $W^l$ has shape $(n_l, n_{l-1})$, $b^l$ has $n_l$ entries and $h$ acts entry by
# entry. The entry $w^l_{ji}$ = `W[j, i]` is the weight **from** node $i$ of layer $l-1$
# **to** node $j$ of layer $l$. The output is $\hat y = a^L$.
#
# `bp.mlp.init_params` builds such a network as a dictionary; here is a 2-3-1 one.

# %%
params = bp.mlp.init_params([2, 3, 1], rng)
for key, value in params.items():
    print(f"{key}: shape {value.shape}")

# %% [markdown]
# ## 2. The delta of a layer
#
# Backprop is organised around one quantity per layer, the **delta**: how the loss
# changes with that layer's pre-activations,
#
# $$\delta^l_j = \frac{\partial L}{\partial z^l_j}, \qquad \delta^l \text{ has the shape of } z^l.$$
#
# Once $\delta^l$ is known, the layer's own gradients are one step away. The weight
# $w^l_{ji}$ appears in a single pre-activation,
# $z^l_j = \sum_i w^l_{ji} a^{l-1}_i + b^l_j$, so it reaches the loss only through
# $z^l_j$, and $\partial z^l_j / \partial w^l_{ji} = a^{l-1}_i$:
#
# $$\frac{\partial L}{\partial w^l_{ji}} = \delta^l_j \, a^{l-1}_i
# \quad\Longleftrightarrow\quad
# \frac{\partial L}{\partial W^l} = \delta^l \, (a^{l-1})^T,
# \qquad
# \frac{\partial L}{\partial b^l} = \delta^l .$$
#
# The outer product $\delta^l (a^{l-1})^T$ has shape $(n_l, n_{l-1})$, the shape of $W^l$,
# as a gradient must. A weight learns in proportion to the error signal at its
# destination and the activity at its source.

# %% [markdown]
# ## 3. Two delta rules
#
# **Output layer.** $a^L = h(z^L)$ entry by entry, so each $z^L_j$ reaches the loss only
# through $a^L_j$:
#
# $$\delta^L = \frac{\partial L}{\partial a^L} \odot h'(z^L),$$
#
# where $\odot$ is the entrywise product.
#
# **Hidden layer.** $z^l_j$ reaches the loss through $a^l_j$, and $a^l_j$ feeds every
# pre-activation of the next layer, $z^{l+1}_k = \sum_j w^{l+1}_{kj} a^l_j + b^{l+1}_k$.
# The multivariable chain rule sums over those paths:
#
# $$\frac{\partial L}{\partial a^l_j} = \sum_k \delta^{l+1}_k \, w^{l+1}_{kj}
# = \big((W^{l+1})^T \delta^{l+1}\big)_j,
# \qquad
# \delta^l = \big((W^{l+1})^T \delta^{l+1}\big) \odot h'(z^l).$$
#
# **The backward pass multiplies by $W$ transposed.** Forward, $W^{l+1}$ maps $n_l$
# numbers to $n_{l+1}$; backward, $(W^{l+1})^T$ carries $n_{l+1}$ deltas back to the
# $n_l$ nodes they came from. The shapes leave no other choice.
#
# **Which argument goes into $h'$.** The derivative is evaluated at $z^l$, the input of the
# activation. For the sigmoid $\sigma'(z) = \sigma(z)(1 - \sigma(z)) = a(1 - a)$: the
# second form is only a cheap way to compute $\sigma'(z)$ from the stored output. Writing
# `bp.activations.sigmoid_grad(a)`, which is $\sigma'(a)$, is a different number and a
# classic slip.

# %% [markdown]
# Here are both rules on one example, with column vectors exactly as in the formulas: a
# 2-3-1 network with sigmoid everywhere and the squared error
# $L = (\hat y - t)^2$ (one example, so the mean is that one term). The last line checks
# $\partial L / \partial W^1$ against a central difference.

# %%
x = np.array([[0.5], [-1.0]])            # shape (2, 1): one example as a column
t_one = np.array([[1.0]])
W1, b1 = params["W1"], params["b1"].reshape(-1, 1)
W2, b2 = params["W2"], params["b2"].reshape(-1, 1)
sigma = bp.activations.sigmoid

z1 = W1 @ x + b1
a1 = sigma(z1)
z2 = W2 @ a1 + b2
a2 = sigma(z2)                           # y_hat

delta2 = 2 * (a2 - t_one) * a2 * (1 - a2)        # output rule: dL/da2 times sigma'(z2)
delta1 = (W2.T @ delta2) * a1 * (1 - a1)         # hidden rule: back through W2 transposed
dW2, db2 = delta2 @ a1.T, delta2
dW1, db1 = delta1 @ x.T, delta1
print("delta2 shape", delta2.shape, " delta1 shape", delta1.shape, " dW1 shape", dW1.shape)


def loss_of_W1(W1_trial):
    a1_trial = sigma(W1_trial @ x + b1)
    return float(((sigma(W2 @ a1_trial + b2) - t_one) ** 2).sum())


bp.checks.gradient("dW1 from the delta rules", dW1, loss_of_W1, W1)

# %% [markdown]
# ## 4. Folding the bias into the weights
#
# A bias is a weight from a node whose output is always 1. Append a constant 1 to
# $a^{l-1}$ and the column $b^l$ to $W^l$:
#
# $$z^l = W^l a^{l-1} + b^l = \begin{bmatrix} W^l & b^l \end{bmatrix}
# \begin{bmatrix} a^{l-1} \\ 1 \end{bmatrix}.$$
#
# The weight rule then covers the bias too: the gradient of $[W^l \; b^l]$ is
# $\delta^l [a^{l-1}; 1]^T$, whose last column is $\delta^l \cdot 1 = \delta^l$, the bias
# rule. `bp.layers.fold_bias` and `bp.layers.append_ones` do the bookkeeping (for a batch
# of rows).

# %%
Wb1 = bp.layers.fold_bias(W1, params["b1"])          # shape (3, 3): [W1 | b1]
x_with_one = bp.layers.append_ones(x.T).T            # shape (3, 1): [x; 1]
print("z1 both ways equal:", np.allclose(Wb1 @ x_with_one, z1))
dWb1 = delta1 @ x_with_one.T
print("last column of d[W1 | b1] equals db1:", np.allclose(dWb1[:, -1:], db1),
      "; the rest equals dW1:", np.allclose(dWb1[:, :-1], dW1))

# %% [markdown]
# Folding is tidy on paper. In code the course keeps `W` and `b` apart, as most libraries
# do, because a separate bias is easier to initialise, regularise (usually it is not) and
# read.
#
# ## 5. From one example to a batch
#
# Looping over examples in Python is slow. NumPy code processes a **batch** of $N$
# examples at once, stacked as the **rows** of a matrix: `A_prev` has shape
# `(N, n_in)`, row $n$ being $(a^{l-1}_n)^T$. Transposing the per-example formulas and
# stacking them gives the batched ones:
#
# | per example (columns) | batch (rows) | shape |
# | --- | --- | --- |
# | $z_n = W a_n + b$ | `Z = A_prev @ W.T + b` | `(N, n_out)` |
# | $\partial L/\partial W = \sum_n \delta_n a_n^T$ | `dW = dZ.T @ A_prev` | `(n_out, n_in)` |
# | $\partial L/\partial b = \sum_n \delta_n$ | `db = dZ.sum(axis=0)` | `(n_out,)` |
# | $\partial L/\partial a_n = W^T \delta_n$ | `dA_prev = dZ @ W` | `(N, n_in)` |
#
# Here `dZ` holds the deltas $\delta_n^T$ as rows. Two things are new. The weights and
# the bias are shared by all examples, so **their gradients sum** over the batch (the
# matrix product `dZ.T @ A_prev` is that sum of outer products). And with a mean loss
# $L = \frac1N \sum_n \ell_n$ the factor $\frac1N$ enters once, in the output delta, and
# travels backwards inside every `dZ`; no layer divides by $N$ again.

# %% [markdown]
# ### Exercise 1: a dense layer, forward (2 points)
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
"""dense_forward computes A_prev @ W.T + b."""
A_check, W_check, b_check = (bp.checks.testdata.points(11, (4, 3)), bp.checks.testdata.points(12, (2, 3)),
                             bp.checks.testdata.points(13, (2,)))
bp.checks.close("dense_forward(A_prev, W, b)",
               bp.checks.call("dense_forward", dense_forward, A_check, W_check, b_check),
               bp.checks.testdata.expected(bp.layers.dense_forward, A_check, W_check, b_check))
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
# ### Exercise 2: a dense layer, backward (5 points)
#
# Write `dense_backward(dZ, A_prev, W)` returning the tuple `(dA_prev, dW, db)` for a batch:
#
# - `dZ`: shape `(N, n_out)`, the deltas $\partial L/\partial Z$ of this layer (the $1/N$
#   is already inside);
# - `dA_prev` $= \partial L/\partial A_{prev}$, shape `(N, n_in)`;
# - `dW` $= \partial L/\partial W$, shape `(n_out, n_in)`;
# - `db` $= \partial L/\partial b$, shape `(n_out,)`.
#
# Use the table of section 5; no loop over examples.

# %% solution id="dense_backward"
def dense_backward(dZ, A_prev, W):
    """Gradients of a dense layer for a batch, given the deltas dZ.

    Parameters
    ----------
    dZ : ndarray of shape (N, n_out)
        dL/dZ, one example per row.
    A_prev : ndarray of shape (N, n_in)
    W : ndarray of shape (n_out, n_in)

    Returns
    -------
    dA_prev : ndarray of shape (N, n_in)
    dW : ndarray of shape (n_out, n_in)
    db : ndarray of shape (n_out,)
    """
    ### BEGIN SOLUTION
    dA_prev = dZ @ W
    dW = dZ.T @ A_prev
    db = dZ.sum(axis=0)
    return dA_prev, dW, db
    ### END SOLUTION


# %% [markdown]
# Try it. For one example with delta `[[1, -1]]` and input `[[2, 3, 4]]` you should see
# `dA_prev = [[-1.  1.  0.]]`, `dW` with rows `[2, 3, 4]` and `[-2, -3, -4]`, and
# `db = [ 1. -1.]`.

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
A_check, W_check, b_check, G_check = (bp.checks.testdata.points(21, (4, 3)), bp.checks.testdata.points(22, (2, 3)),
                                      bp.checks.testdata.points(23, (2,)), bp.checks.testdata.points(24, (4, 2)))
result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 3,
              "dense_backward should return a tuple of three arrays (dA_prev, dW, db); "
              f"got {type(result).__name__}", "shape")
bp.checks.gradient("dW from dense_backward", result[1],
                  lambda W_: np.sum(G_check * bp.layers.dense_forward(A_check, W_, b_check)),
                  W_check, batch_size=4)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((25, (1, 2, 3)), (26, (5, 3, 3))):
    A_check, W_check = bp.checks.testdata.points(seed, (N, n_in)), bp.checks.testdata.points(seed + 1, (n_out, n_in))
    b_check, G_check = bp.checks.testdata.points(seed + 2, (n_out,)), bp.checks.testdata.points(seed + 3, (N, n_out))
    result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
    bp.checks.gradient(f"dW from dense_backward (hidden: N={N}, n_in={n_in}, n_out={n_out})",
                      result[1],
                      lambda W_: np.sum(G_check * bp.layers.dense_forward(A_check, W_, b_check)),
                      W_check, batch_size=N)
### END HIDDEN TESTS

# %% tests id="dense_backward__db" points=1
"""dense_backward: db matches a central-difference gradient (summed over the batch)."""
A_check, W_check, b_check, G_check = (bp.checks.testdata.points(21, (4, 3)), bp.checks.testdata.points(22, (2, 3)),
                                      bp.checks.testdata.points(23, (2,)), bp.checks.testdata.points(24, (4, 2)))
result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 3,
              "dense_backward should return a tuple of three arrays (dA_prev, dW, db); "
              f"got {type(result).__name__}", "shape")
bp.checks.gradient("db from dense_backward", result[2],
                  lambda b_: np.sum(G_check * bp.layers.dense_forward(A_check, W_check, b_)),
                  b_check, batch_size=4)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((27, (1, 2, 3)), (28, (6, 2, 2))):
    A_check, W_check = bp.checks.testdata.points(seed, (N, n_in)), bp.checks.testdata.points(seed + 1, (n_out, n_in))
    b_check, G_check = bp.checks.testdata.points(seed + 2, (n_out,)), bp.checks.testdata.points(seed + 3, (N, n_out))
    result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
    bp.checks.gradient(f"db from dense_backward (hidden: N={N}, n_in={n_in}, n_out={n_out})",
                      result[2],
                      lambda b_: np.sum(G_check * bp.layers.dense_forward(A_check, W_check, b_)),
                      b_check, batch_size=N)
### END HIDDEN TESTS

# %% tests id="dense_backward__dA_prev" points=2
"""dense_backward: dA_prev matches a central-difference gradient."""
A_check, W_check, b_check, G_check = (bp.checks.testdata.points(21, (4, 3)), bp.checks.testdata.points(22, (2, 3)),
                                      bp.checks.testdata.points(23, (2,)), bp.checks.testdata.points(24, (4, 2)))
result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 3,
              "dense_backward should return a tuple of three arrays (dA_prev, dW, db); "
              f"got {type(result).__name__}", "shape")
bp.checks.gradient("dA_prev from dense_backward", result[0],
                  lambda A_: np.sum(G_check * bp.layers.dense_forward(A_, W_check, b_check)),
                  A_check, batch_size=4)
### BEGIN HIDDEN TESTS
for seed, (N, n_in, n_out) in ((29, (1, 3, 2)), (30, (5, 3, 3))):
    A_check, W_check = bp.checks.testdata.points(seed, (N, n_in)), bp.checks.testdata.points(seed + 1, (n_out, n_in))
    b_check, G_check = bp.checks.testdata.points(seed + 2, (n_out,)), bp.checks.testdata.points(seed + 3, (N, n_out))
    result = bp.checks.call("dense_backward", dense_backward, G_check, A_check, W_check)
    bp.checks.gradient(f"dA_prev from dense_backward (hidden: N={N}, n_in={n_in}, n_out={n_out})",
                      result[0],
                      lambda A_: np.sum(G_check * bp.layers.dense_forward(A_, W_check, b_check)),
                      A_check, batch_size=N)
### END HIDDEN TESTS

# %% [markdown]
# ### The batch is the per-example formulas, stacked
#
# This cell computes every quantity twice on a batch of 4: once with your batched
# functions, once by looping over the examples with the column-vector formulas of
# sections 2 and 3 and stacking (or summing) the results. All four lines should say
# `True`.

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
# ## 6. The output delta, and the cross-entropy shortcut
#
# From now on the output layer is a sigmoid, $\hat y = \sigma(z^L)$, and the loss is a
# mean over the batch. The output rule $\delta^L = \partial L/\partial \hat y \odot
# \sigma'(z^L)$ gives, with $\sigma'(z) = \hat y (1 - \hat y)$:
#
# - **squared error** $L = \frac1N \sum_n \sum_k (\hat y_{nk} - t_{nk})^2$:
#   $\quad\delta^L = \frac{2}{N} (\hat y - t) \odot \hat y (1 - \hat y)$;
# - **binary cross-entropy**: notebook 1 found
#   $\partial L/\partial \hat y = \frac{1}{N}\frac{\hat y - t}{\hat y (1 - \hat y)}$, and the
#   denominator cancels against $\sigma'$:
#
# $$\delta^L = \frac{\hat y - t}{N}.$$
#
# The shortcut holds **only** for a sigmoid output with cross-entropy. With squared error
# the factor $\hat y(1 - \hat y)$ stays, and it is small whenever the output saturates
# near 0 or 1: a confidently wrong sigmoid unit under squared error learns slowly, under
# cross-entropy it does not. The demo compares the long way and the shortcut.

# %%
Z_out = np.array([[-4.0], [0.0], [3.0]])
t_out = np.array([[1.0], [1.0], [0.0]])
y_out = bp.activations.sigmoid(Z_out)
long_way = bp.checks.testdata.expected(bp.losses.bce_grad, y_out, t_out) * y_out * (1 - y_out)
shortcut = (y_out - t_out) / len(Z_out)
print("dL/dy_hat * sigma'(z):", long_way.ravel())
print("(y_hat - t) / N:      ", shortcut.ravel())
print("squared error delta:  ", (2 * (y_out - t_out) / len(Z_out) * y_out * (1 - y_out)).ravel())

# %% [markdown]
# The first example ($z = -4$, target 1) is badly wrong. Its cross-entropy delta is
# about $-0.33$; its squared-error delta is about $-0.011$, thirty times weaker.

# %% [markdown]
# ### Exercise 3: the output delta (3 points)
#
# Write `output_delta(Z, t, loss)` returning $\delta^L = \partial L / \partial Z$ for a
# **sigmoid** output layer, where `Z` and `t` have shape `(N, n_out)` and `loss` is
# `"mse"` (mean over examples of the squared error summed over outputs, as in notebook 1)
# or `"bce"` (binary cross-entropy, use the shortcut). The result has the shape of `Z`.
# `bp.activations.sigmoid` and `bp.activations.sigmoid_grad` (which takes $z$) are
# available.

# %% solution id="output_delta"
def output_delta(Z, t, loss="mse"):
    """Delta dL/dZ of a sigmoid output layer, for a loss averaged over the batch.

    Parameters
    ----------
    Z : ndarray of shape (N, n_out)
        Pre-activations of the output layer.
    t : ndarray of shape (N, n_out)
        Targets.
    loss : {"mse", "bce"}

    Returns
    -------
    ndarray of shape (N, n_out)
        2 (y_hat - t) / N * sigma'(Z) for "mse"; (y_hat - t) / N for "bce".
    """
    ### BEGIN SOLUTION
    N = Z.shape[0]
    y_hat = bp.activations.sigmoid(Z)
    if loss == "bce":
        return (y_hat - t) / N
    dL_dy_hat = 2.0 * (y_hat - t) / N
    dA_dZ = bp.activations.sigmoid_grad(Z)
    return dL_dy_hat * dA_dZ
    ### END SOLUTION


# %% [markdown]
# Try it with the three examples above: `"mse"` should give the column
# `-0.011563, -0.083333, 0.028689` and `"bce"` the column `-0.327338, -0.166667, 0.317525`.

# %%
print(output_delta(Z_out, t_out, "mse"))
print(output_delta(Z_out, t_out, "bce"))

# %% tests id="output_delta__mse" points=1
"""output_delta with squared error matches a central-difference gradient."""
Z_check = bp.checks.testdata.points(31, (4, 2))
t_check = bp.checks.testdata.probabilities(32, (4, 2))[0]
bp.checks.gradient("output_delta(Z, t, 'mse')",
                  bp.checks.call("output_delta", output_delta, Z_check, t_check, "mse"),
                  lambda z: bp.losses.mse(bp.activations.sigmoid(z), t_check), Z_check,
                  batch_size=4)
### BEGIN HIDDEN TESTS
Z_check = bp.checks.testdata.points(33, (6, 3), -3.0, 3.0)
t_check = bp.checks.testdata.probabilities(34, (6, 3))[1]
bp.checks.gradient("output_delta(Z, t, 'mse') on a hidden (6, 3) batch",
                  bp.checks.call("output_delta", output_delta, Z_check, t_check, "mse"),
                  lambda z: bp.losses.mse(bp.activations.sigmoid(z), t_check), Z_check,
                  batch_size=6)
### END HIDDEN TESTS

# %% tests id="output_delta__bce" points=1
"""output_delta with cross-entropy matches a central-difference gradient."""
Z_check = bp.checks.testdata.points(35, (4, 2))
t_check = bp.checks.testdata.probabilities(36, (4, 2))[1]
bp.checks.gradient("output_delta(Z, t, 'bce')",
                  bp.checks.call("output_delta", output_delta, Z_check, t_check, "bce"),
                  lambda z: bp.losses.bce(bp.activations.sigmoid(z), t_check), Z_check,
                  batch_size=4)
### BEGIN HIDDEN TESTS
Z_check = bp.checks.testdata.points(37, (5, 1), -3.0, 3.0)
t_check = bp.checks.testdata.probabilities(38, (5, 1))[1]
bp.checks.gradient("output_delta(Z, t, 'bce') on a hidden (5, 1) batch",
                  bp.checks.call("output_delta", output_delta, Z_check, t_check, "bce"),
                  lambda z: bp.losses.bce(bp.activations.sigmoid(z), t_check), Z_check,
                  batch_size=5)
### END HIDDEN TESTS

# %% tests id="output_delta__one_example" points=1
"""output_delta on a batch of one example, for both losses."""
Z_check = np.array([[1.5, -0.5]])
t_check = np.array([[0.0, 1.0]])
for loss_check, loss_fn in (("mse", bp.losses.mse), ("bce", bp.losses.bce)):
    bp.checks.gradient(f"output_delta(Z, t, {loss_check!r}) for N = 1",
                      bp.checks.call("output_delta", output_delta, Z_check, t_check, loss_check),
                      lambda z: loss_fn(bp.activations.sigmoid(z), t_check), Z_check)

# %% [markdown]
# ## 7. Any depth: the forward pass
#
# A network is a loop over layers. The backward pass will need every layer's input
# $A^{l-1}$ (for $dW^l$) and pre-activation $Z^l$ (for $h'(Z^l)$), so the forward pass
# keeps them in a **cache**, a dictionary with the keys `"A0"` (the input `X`), and
# `"Z1"`, `"A1"`, ..., `"ZL"`, `"AL"`.
#
# The parameters are the dictionary of section 1, `{"W1", "b1", ..., "WL", "bL"}`, so
# `L = len(params) // 2`. Hidden layers use the activation named by `activation`,
# `"sigmoid"` or `"tanh"`; the output layer is always a sigmoid.
# `bp.activations.ACTIVATIONS[name]` is the pair `(h, h_grad)` of that activation and
# its derivative (a function of $z$):

# %%
h, h_grad = bp.activations.ACTIVATIONS["tanh"]
print(h(np.array([0.0, 1.0])), h_grad(np.array([0.0, 1.0])))

# %% [markdown]
# ### Exercise 4: forward through any depth (2 points)
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
    h = bp.activations.ACTIVATIONS[activation][0]
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
params_deep, X_deep, t_deep = bp.mlp_problems.example_problem([3, 4, 4, 2], 5, seed=0)
y_hat_deep, cache_deep = mlp_forward(params_deep, X_deep, "tanh")
print(y_hat_deep.shape, list(cache_deep))

# %% tests id="mlp_forward__output" points=1
"""mlp_forward: y_hat of 2-3-2 and 3-4-4-2 networks."""
for sizes, activation_check, seed in (([2, 3, 2], "tanh", 41), ([3, 4, 4, 2], "sigmoid", 42)):
    params_check, X_check, _ = bp.mlp_problems.example_problem(sizes, 5, seed)
    result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, activation_check)
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2,
                  "mlp_forward should return a pair (y_hat, cache); "
                  f"got {type(result).__name__}", "shape")
    bp.checks.close(f"y_hat from mlp_forward ({'-'.join(map(str, sizes))}, {activation_check})",
                   result[0], bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check,
                                                   hidden=activation_check)[0])
### BEGIN HIDDEN TESTS
for sizes, activation_check, seed in (([1, 5, 3, 3, 1], "tanh", 43), ([2, 2, 1], "sigmoid", 44)):
    params_check, X_check, _ = bp.mlp_problems.example_problem(sizes, 3, seed)
    result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, activation_check)
    bp.checks.close(f"y_hat from mlp_forward (hidden {'-'.join(map(str, sizes))}, {activation_check})",
                   result[0], bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check,
                                                   hidden=activation_check)[0])
### END HIDDEN TESTS

# %% tests id="mlp_forward__cache" points=1
"""mlp_forward: the cache holds A0 and every layer's Z and A."""
params_check, X_check, _ = bp.mlp_problems.example_problem([3, 4, 4, 2], 5, 45)
result = bp.checks.call("mlp_forward", mlp_forward, params_check, X_check, "tanh")
bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], dict),
              "mlp_forward should return a pair (y_hat, cache) with cache a dict", "shape")
cache_expected = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
for key in ("A0", "Z1", "A1", "Z2", "A2", "Z3", "A3"):
    bp.checks.true(key in result[1], f"the cache should have the key {key!r}; "
                  f"it has {sorted(result[1])}", "keys")
    bp.checks.close(f"cache[{key!r}]", result[1][key], cache_expected[key])

# %% [markdown]
# ## 8. Any depth: the backward pass
#
# With the cache in hand, backprop is one loop from the output layer down:
#
# 1. $\delta^L$ = `output_delta(ZL, t, loss)`;
# 2. for $l = L, L-1, \dots, 1$:
#    `dA_prev, dW{l}, db{l} = dense_backward(dZ, A{l-1}, W{l})`, and unless $l = 1$,
#    the hidden delta rule in row form, `dZ = dA_prev * h_grad(Z{l-1})`.
#
# Each step is "upstream gradient times local derivative", exactly as on the
# computational graphs of notebook 3; only now every node is a whole layer.
#
# ### Exercise 5: backward through any depth (8 points)
#
# Write `mlp_backward(params, cache, t, activation, loss)` returning a dict of gradients
# with **the same keys as `params`**: `grads["W1"]` is $\partial L/\partial W^1$, and so on,
# each of the shape of its parameter. `cache` is what the forward pass returns (the tests
# give you a correct one), `t` has shape `(N, n_L)`, `activation` is the hidden
# activation and `loss` is `"mse"` or `"bce"`. Use your `output_delta` and
# `dense_backward`.

# %% solution id="mlp_backward"
def mlp_backward(params, cache, t, activation="tanh", loss="mse"):
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
    loss : {"mse", "bce"}

    Returns
    -------
    dict
        The keys of params; grads["W{l}"] = dL/dW{l} has the shape of W{l}.
    """
    ### BEGIN SOLUTION
    h_grad = bp.activations.ACTIVATIONS[activation][1]
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
grads_deep = mlp_backward(params_deep, cache_deep, t_deep, "tanh", "mse")
for key in params_deep:
    bp.checks.gradient(f"grads[{key!r}]", grads_deep[key],
                      bp.mlp_problems.loss_of(params_deep, X_deep, t_deep, key, hidden="tanh"),
                      params_deep[key])

# %% tests id="mlp_backward__keys_and_shapes" points=1
"""mlp_backward returns one gradient per parameter, each of its parameter's shape."""
params_check, X_check, t_check = bp.mlp_problems.example_problem([3, 4, 4, 2], 5, 50)
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check, "tanh", "mse")
bp.checks.true(isinstance(grads, dict) and set(grads) == set(params_check),
              "mlp_backward should return a dict with the keys of params, "
              f"{sorted(params_check)}; got "
              f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}", "keys")
for key in params_check:
    bp.checks.true(np.shape(grads[key]) == params_check[key].shape,
                  f"grads[{key!r}] should have the shape of params[{key!r}], "
                  f"{params_check[key].shape}; got {np.shape(grads[key])}", "shape")

# %% tests id="mlp_backward__output_layer" points=2
"""mlp_backward: dW2 and db2 of a 2-2-1 sigmoid network with squared error."""
params_check, X_check, t_check = bp.mlp_problems.example_problem([2, 2, 1], 4, 51)
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="sigmoid")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check,
                      "sigmoid", "mse")
for key in ("W2", "b2"):
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (2-2-1, sigmoid, mse, N=4)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key,
                                              hidden="sigmoid"),
                      params_check[key], batch_size=4)
### BEGIN HIDDEN TESTS
params_check, X_check, t_check = bp.mlp_problems.example_problem([2, 3, 2], 1, 52, loss="bce")
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check, "tanh", "bce")
for key in ("W2", "b2"):
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (hidden: 2-3-2, tanh, bce, N=1)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key, hidden="tanh",
                                              loss="bce"), params_check[key])
### END HIDDEN TESTS

# %% tests id="mlp_backward__first_layer" points=2
"""mlp_backward: dW1 and db1 of a 2-3-2 tanh network with squared error."""
params_check, X_check, t_check = bp.mlp_problems.example_problem([2, 3, 2], 4, 53)
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check, "tanh", "mse")
for key in ("W1", "b1"):
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (2-3-2, tanh, mse, N=4)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key, hidden="tanh"),
                      params_check[key], batch_size=4)
### BEGIN HIDDEN TESTS
params_check, X_check, t_check = bp.mlp_problems.example_problem([3, 2, 1], 1, 54)
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="sigmoid")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check,
                      "sigmoid", "mse")
for key in ("W1", "b1"):
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (hidden: 3-2-1, sigmoid, mse, N=1)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key,
                                              hidden="sigmoid"),
                      params_check[key])
### END HIDDEN TESTS

# %% tests id="mlp_backward__deep" points=2
"""mlp_backward: every gradient of a 3-4-4-2 tanh network with cross-entropy."""
params_check, X_check, t_check = bp.mlp_problems.example_problem([3, 4, 4, 2], 5, 55, loss="bce")
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check, "tanh", "bce")
for key in params_check:
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (3-4-4-2, tanh, bce, N=5)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key, hidden="tanh",
                                              loss="bce"), params_check[key], batch_size=5)
### BEGIN HIDDEN TESTS
params_check, X_check, t_check = bp.mlp_problems.example_problem([2, 5, 3, 3, 2], 3, 56)
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="tanh")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check, "tanh", "mse")
for key in params_check:
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (hidden: 2-5-3-3-2, tanh, mse, N=3)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key, hidden="tanh"),
                      params_check[key], batch_size=3)
grads_exact = bp.checks.testdata.expected(bp.mlp.backward, params_check, cache_check, t_check, loss="mse")
for key in params_check:
    bp.checks.close(f"grads[{key!r}] (hidden: 2-5-3-3-2) against exact backprop, to 1e-9",
                   grads[key], grads_exact[key])
### END HIDDEN TESTS

# %% tests id="mlp_backward__sigmoid_bce" points=1
"""mlp_backward: every gradient of a 2-3-3-1 sigmoid network with cross-entropy."""
params_check, X_check, t_check = bp.mlp_problems.example_problem([2, 3, 3, 1], 6, 57, loss="bce")
cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check, X_check, hidden="sigmoid")[1]
grads = bp.checks.call("mlp_backward", mlp_backward, params_check, cache_check, t_check,
                      "sigmoid", "bce")
for key in params_check:
    bp.checks.true(isinstance(grads, dict) and key in grads,
                  f"mlp_backward should return a dict with the key {key!r}", "keys")
    bp.checks.gradient(f"grads[{key!r}] (2-3-3-1, sigmoid, bce, N=6)", grads[key],
                      bp.mlp_problems.loss_of(params_check, X_check, t_check, key,
                                              hidden="sigmoid", loss="bce"),
                      params_check[key], batch_size=6)

# %% [markdown]
# ## 9. Explore
#
# A 2-4-4-1 tanh network with a sigmoid output and squared error, on the first $N$
# examples of a fixed batch. The slider sets one weight, `W2[0, 0]`. On the left, the
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
# - The delta of a layer is $\delta^l = \partial L/\partial z^l$. Output rule:
#   $\delta^L = \partial L/\partial a^L \odot h'(z^L)$. Hidden rule:
#   $\delta^l = \big((W^{l+1})^T \delta^{l+1}\big) \odot h'(z^l)$, with $h'$ evaluated at $z$.
# - Weight and bias gradients: $\partial L/\partial W^l = \delta^l (a^{l-1})^T$,
#   $\partial L/\partial b^l = \delta^l$; a folded bias is a weight on a constant 1.
# - The backward pass multiplies by $W$ transposed.
# - On a batch of rows: `Z = A_prev @ W.T + b`, `dW = dZ.T @ A_prev`,
#   `db = dZ.sum(axis=0)`, `dA_prev = dZ @ W`; shared parameters sum their gradients over
#   the batch, and the $1/N$ of a mean loss enters once, at the output.
# - A sigmoid output with cross-entropy has $\delta^L = (\hat y - t)/N$; with squared error
#   the factor $\hat y(1-\hat y)$ remains and slows learning when the output saturates.
#
# ## Going further
#
# - `bp.mlp` holds the course's version of what you wrote (`forward`, `backward`,
#   `loss_and_grads`, `step`), with ReLU and a linear output as well. Notebook 6 uses it
#   to train a network on XOR.
# - Each backward step multiplies by $W^T$ and by $h'(z)$. Multiply many of them and the
#   product can shrink or grow exponentially with depth: that is notebook 7, vanishing and
#   exploding gradients.
# - A softmax output with categorical cross-entropy has the same shortcut,
#   $\delta^L = (\hat y - t)/N$ for one-hot targets. Derive it.
