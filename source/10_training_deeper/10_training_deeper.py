# Backprop Lab, notebook 10: training deeper networks.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 10. Training deeper networks
#
# *What deep networks add to backprop: a layer that normalises, steps that remember, and
# the memory a backward pass needs.*
#
# **Estimated time:** 120 minutes. **Exercises:** 10, worth 24 points (two of them are
# one-point "predict, then run" checkpoints).
#
# **Loss:** notebook 9's, the mean over the batch of the softmax cross-entropy,
# $L = \frac1N \sum_n -\log p_{n, y_n}$ with $y_n$ the integer label of example $n$, plus,
# in section 4, an L2 penalty on the weights, $\frac{\lambda}{2}\sum_l \lVert W^l \rVert^2$;
# in section 5, notebook 5's mean half squared error. Symbols and shapes follow the
# course's [notation](../../docs/notation.md): examples are rows, `Z = A_prev @ W.T + b`,
# and a gradient has the shape of what it differentiates. **Course map:**
# [README](../../README.md#course-map); this is the last notebook of the series.
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. say why a batch-normalised column's gradient sums to zero
#    ([Checkpoint A](#Checkpoint-A:-predict,-then-run-(1-point))), and derive the backward
#    pass of batch normalisation in vectorised form
#    ([Exercise 1](#Exercise-1:-the-backward-pass-of-batch-normalisation-(5-points)));
# 2. write the softmax's Jacobian ([Exercise 2](#Exercise-2:-the-softmax's-Jacobian-(2-points))),
#    size what a framework would spend on it
#    ([Checkpoint B](#Checkpoint-B:-predict,-then-run-(1-point))), and compute the
#    vector-Jacobian product instead ([Exercise 3](#Exercise-3:-the-vector-Jacobian-product-(3-points)));
# 3. write momentum and Adam as update rules
#    ([Exercise 4](#Exercise-4:-momentum-(2-points)), [Exercise 5](#Exercise-5:-Adam-(3-points)))
#    and compare them on notebook 9's digits;
# 4. add weight decay to any gradient ([Exercise 6](#Exercise-6:-weight-decay-(2-points)));
# 5. count the memory a backward pass needs
#    ([Exercise 7](#Exercise-7:-what-the-forward-pass-keeps-(2-points))) and say what
#    gradient checkpointing trades for less;
# 6. carry the batch-normalisation derivation over to layer normalisation
#    ([Exercise 8](#Exercise-8:-transfer:-layer-normalisation-(3-points))).
#
# **Prerequisites:** notebook 3 (gradients on a graph, adding over paths), notebook 5 (the
# delta rules on a batch), notebook 7 (why the scale of each layer matters), notebook 8
# (backward rules that take the gradient from above) and notebook 9 (softmax, the digit
# classifier, mini-batch SGD).
#
# ## How the checks work
#
# As in every notebook: a passing check prints one line; a failing one names the mistake
# it recognises (sign, factor of $N$, transposed, wrong shape, ...) with your value and the
# expected one. Gradients are compared with a central difference at a relative tolerance
# of $10^{-5}$, exact values at $10^{-9}$, and a derived formula must also be exact to
# $10^{-12}$. The graded version of each test also tries other shapes, seeds and points.
# A test of an exercise that uses an earlier answer of yours first names that answer if
# it is the one at fault.

# %% setup id="setup"
import time

import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(10)

# %% [markdown]
# ## 1. Batch normalisation
#
# Notebook 7 showed that a deep network trains only while every layer passes signals and
# gradients on at about the same size, and that the initial scale of the weights decides
# whether it does at the start. **Batch normalisation** keeps it so during training too.
# It standardises each pre-activation over the examples of the batch, then lets the
# network choose the scale and shift it wants. For a batch `Z` of shape `(N, n)` (one
# example per row, one feature per column) and each column $j$:
#
# $$\mu_j = \frac1N \sum_n Z_{nj}, \qquad
# v_j = \frac1N \sum_n (Z_{nj} - \mu_j)^2, \qquad
# \hat Z_{nj} = \frac{Z_{nj} - \mu_j}{\sqrt{v_j + \varepsilon}}, \qquad
# Y_{nj} = \gamma_j \hat Z_{nj} + \beta_j ,$$
#
# with learned $\gamma, \beta$ of shape `(n,)` and a small $\varepsilon$ ($10^{-5}$) that
# keeps a constant column from dividing by zero. `bp.normalisation.batch_norm_forward`
# computes it and keeps, for the backward pass, `Z_hat` $= \hat Z$, `inv_std`
# $= 1/\sqrt{v + \varepsilon}$ (shape `(1, n)`) and `gamma`:

# %%
Z_demo = rng.normal(3.0, 5.0, size=(6, 3))
gamma_demo, beta_demo = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
Y_demo, cache_demo = bp.normalisation.batch_norm_forward(Z_demo, gamma_demo, beta_demo)
print("column means of Z:  ", np.round(Z_demo.mean(axis=0), 3))
print("column means of Y:  ", np.round(Y_demo.mean(axis=0), 3), "(beta)")
print("column stds of Y:   ", np.round(Y_demo.std(axis=0), 3), "(gamma, to within eps)")
print("cache:", {key: np.shape(value) for key, value in cache_demo.items()})

# %% [markdown]
# Every entry of $Y$ depends on its own $Z_{nj}$ **and**, through $\mu_j$ and $v_j$, on
# every other entry of its column. That is what makes its backward pass worth deriving:
# $\partial L/\partial Z_{nj}$ collects three paths, not one.
#
# ### Checkpoint A: predict, then run (1 point)
#
# Add the same number $c$ to every entry of one column of `Z`. What happens to `Y`? Use
# your answer to predict, for **any** loss and any batch, the sum over the batch of one
# column of the gradient, $\sum_n \partial L/\partial Z_{nj}$. Set `predicted_column_sum`
# to that number. The test cell records it; the graded version judges it.

# %% solution id="predict_column_sum"
# Your prediction, a number, in place of the two lines below:
### BEGIN SOLUTION
predicted_column_sum = 0.0
### END SOLUTION

# %% tests id="predict_column_sum__value" points=1
"""Checkpoint A: the sum over the batch of a column of dL/dZ under batch norm: recorded."""
bp.checks.predictions.recorded("predicted_column_sum", globals())
### BEGIN HIDDEN TESTS
Z_sum = bp.checks.testdata.points(1001, (5, 3))
G_sum = bp.checks.testdata.points(1002, (5, 3))
dZ_sum = bp.numdiff.gradient(lambda z: float(np.sum(G_sum * bp.normalisation.batch_norm_forward(
    z, np.array([1.5, -0.5, 2.0]), np.zeros(3))[0])), Z_sum)
bp.checks.predictions.judged("predicted_column_sum", globals(), float(dZ_sum.sum(axis=0)[0]),
                             abs_tol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# Now run it: shift the first column by 10, then measure the gradient of a random loss
# $L = \sum G \odot Y$ by central differences and add up each of its columns.

# %%
shifted = Z_demo + np.array([10.0, 0.0, 0.0])
print("largest change of Y:", np.max(np.abs(
    bp.normalisation.batch_norm_forward(shifted, gamma_demo, beta_demo)[0] - Y_demo)))
G_demo = rng.normal(size=Z_demo.shape)
dZ_numerical = bp.numdiff.gradient(lambda z: float(np.sum(
    G_demo * bp.normalisation.batch_norm_forward(z, gamma_demo, beta_demo)[0])), Z_demo)
print("column sums of dL/dZ:", np.round(dZ_numerical.sum(axis=0), 9))

# %% [markdown]
# Shifting a column changes its mean by $c$ and nothing else, so $\hat Z$ and $Y$ do not
# move: the loss is blind to that direction, and its gradient has no component along it,
# $\sum_n \partial L/\partial Z_{nj} = 0$ for every column. (Scaling a column changes
# $Y$ only through the small $\varepsilon$: a second, nearly exact constraint, which your
# formula will show too.)
#
# ### Exercise 1: the backward pass of batch normalisation (5 points)
#
# Write `batch_norm_backward(dY, cache)` returning `(dZ, dgamma, dbeta)`: the gradients
# of $L$ with respect to `Z` (shape `(N, n)`), `gamma` and `beta` (shape `(n,)`), given
# `dY` $= \partial L/\partial Y$ (shape `(N, n)`) and the `cache` of
# `bp.normalisation.batch_norm_forward`. Derive it on paper first, on the graph
# $Z \to (\mu, v) \to \hat Z \to Y$, then write it vectorised: sums over the batch with
# `axis=0`, no loop over examples or features. `bp.normalisation.batch_norm_backward` is
# switched off here.
#
# <details><summary>Hint 1</summary>
#
# `gamma` and `beta` are shared by every row, as a bias is (notebook 5): their gradients
# sum over the examples. And write $\bar{\hat Z} = \partial L / \partial \hat Z$ first:
# $Y = \gamma \hat Z + \beta$ makes it one entrywise product.
# </details>
#
# <details><summary>Hint 2</summary>
#
# With $s_j = 1/\sqrt{v_j + \varepsilon}$, $\hat Z_{nj} = (Z_{nj} - \mu_j)\, s_j$ reaches
# $Z_{nj}$ along three paths: directly, through $\mu_j$ (which every $Z_{mj}$ of the
# column feeds with slope $1/N$) and through $v_j$ (slope $2(Z_{nj} - \mu_j)/N$). Find
# $\bar v_j$ and $\bar \mu_j$ as sums over the column, then add the three contributions.
# </details>
#
# <details><summary>Hint 3</summary>
#
# $\bar v_j = -\tfrac12 s_j^3 \sum_n \bar{\hat Z}_{nj} (Z_{nj} - \mu_j)$, and the path from
# $\mu_j$ through $v_j$ adds nothing, because $\sum_n (Z_{nj} - \mu_j) = 0$. Write every
# $Z_{nj} - \mu_j$ as $\hat Z_{nj} / s_j$ and collect the factor $s_j / N$: what is left
# is $N$ times $\bar{\hat Z}$, minus its column sum, minus $\hat Z$ times a second column
# sum.
# </details>

# %% solution id="batch_norm_backward"
def batch_norm_backward(dY, cache):
    """Gradients of batch normalisation with respect to Z, gamma and beta.

    Parameters
    ----------
    dY : ndarray of shape (N, n)
        dL/dY, the gradient from above.
    cache : dict
        From bp.normalisation.batch_norm_forward: "Z_hat" (N, n), "inv_std" (1, n) and
        "gamma" (n,).

    Returns
    -------
    dZ : ndarray of shape (N, n)
    dgamma, dbeta : ndarray of shape (n,)
    """
    ### BEGIN SOLUTION
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    N = dY.shape[0]
    dbeta = dY.sum(axis=0)
    dgamma = (dY * Z_hat).sum(axis=0)
    dZ_hat = dY * gamma
    dZ = inv_std / N * (N * dZ_hat - dZ_hat.sum(axis=0) - Z_hat * (dZ_hat * Z_hat).sum(axis=0))
    return dZ, dgamma, dbeta
    ### END SOLUTION


# %% [markdown]
# Try it on the demo batch: your `dZ` next to the central difference above (they should
# agree to about 8 digits), and its column sums.

# %%
dZ_yours, dgamma_yours, dbeta_yours = batch_norm_backward(G_demo, cache_demo)
print("largest difference from the central difference:", np.max(np.abs(dZ_yours - dZ_numerical)))
print("column sums of your dZ:", np.round(dZ_yours.sum(axis=0), 12))

# %% tests id="batch_norm_backward__gamma_beta" points=1
"""batch_norm_backward: dgamma and dbeta match central differences."""
def batch_norm_case(seed, N, n):
    """A batch, its parameters, the cache and a gradient from above, drawn from seed."""
    Z_ = bp.checks.testdata.points(seed, (N, n), -3.0, 5.0)
    gamma_, beta_ = bp.checks.testdata.points(seed + 1, (n,)), bp.checks.testdata.points(seed + 2, (n,))
    return Z_, gamma_, beta_, bp.normalisation.batch_norm_forward(Z_, gamma_, beta_)[1], \
        bp.checks.testdata.points(seed + 3, (N, n))


def loss_of_bn(G_, Z_, gamma_, beta_):
    return float(np.sum(G_ * bp.normalisation.batch_norm_forward(Z_, gamma_, beta_)[0]))


def batch_norm_parts(seed, N, n, parts, where=""):
    Z_, gamma_, beta_, cache_, G_ = batch_norm_case(seed, N, n)
    result = bp.checks.call("batch_norm_backward", batch_norm_backward, G_, cache_)
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 3,
                   "batch_norm_backward should return (dZ, dgamma, dbeta); got "
                   f"{type(result).__name__}", "not-a-pair")
    dZ_, dgamma_, dbeta_ = result
    if "gamma" in parts:
        bp.checks.gradient(f"dgamma for N={N}, n={n}{where}", dgamma_,
                           lambda g: loss_of_bn(G_, Z_, g, beta_), gamma_, batch_size=N)
        bp.checks.gradient(f"dbeta for N={N}, n={n}{where}", dbeta_,
                           lambda b: loss_of_bn(G_, Z_, gamma_, b), beta_, batch_size=N)
    if "Z" in parts:
        bp.checks.gradient(f"dZ for N={N}, n={n}{where}", dZ_,
                           lambda z: loss_of_bn(G_, z, gamma_, beta_), Z_, batch_size=N)


batch_norm_parts(1011, 5, 3, ("gamma",))
### BEGIN HIDDEN TESTS
batch_norm_parts(1012, 8, 2, ("gamma",), where=" (hidden)")
### END HIDDEN TESTS

# %% tests id="batch_norm_backward__dZ" points=2
"""batch_norm_backward: dZ matches central differences, for two batches."""
batch_norm_parts(1021, 4, 3, ("Z",))
batch_norm_parts(1022, 6, 2, ("Z",))
_, _, _, cache_check, G_check = batch_norm_case(1021, 4, 3)
bp.checks.close("the column sums of dZ (Checkpoint A)", bp.checks.call(
    "batch_norm_backward", batch_norm_backward, G_check, cache_check)[0].sum(axis=0), np.zeros(3),
    tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
batch_norm_parts(1023, 9, 5, ("Z",), where=" (hidden)")
batch_norm_parts(1024, 2, 4, ("Z",), where=" (hidden)")
### END HIDDEN TESTS

# %% tests id="batch_norm_backward__exact" points=2
"""batch_norm_backward is exact: a formula, not a finite difference."""
Z_check, gamma_check, beta_check, cache_check, G_check = batch_norm_case(1031, 6, 4)
G_check = 300.0 * G_check
bp.checks.formula("dZ for a gradient from above of size 300",
                  bp.checks.call("batch_norm_backward", batch_norm_backward, G_check, cache_check)[0],
                  bp.checks.testdata.expected(bp.normalisation.batch_norm_backward, G_check,
                                              cache_check)[0], batch_size=6)
### BEGIN HIDDEN TESTS
for seed, (N, n) in ((1032, (7, 3)), (1033, (3, 6))):
    Z_check, gamma_check, beta_check, cache_check, G_check = batch_norm_case(seed, N, n)
    mine = bp.checks.call("batch_norm_backward", batch_norm_backward, 40.0 * G_check, cache_check)
    expected = bp.checks.testdata.expected(bp.normalisation.batch_norm_backward, 40.0 * G_check,
                                           cache_check)
    for name, got, want in zip(("dZ", "dgamma", "dbeta"), mine, expected):
        bp.checks.formula(f"{name} (hidden N={N}, n={n})", got, want, batch_size=N)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** With $s = 1/\sqrt{v + \varepsilon}$ per column,
# $\bar{\hat Z} = \bar Y \odot \gamma$ and sums over the batch (axis 0):
#
# $$\bar\beta = \sum_n \bar Y_{n}, \qquad \bar\gamma = \sum_n \bar Y_{n} \odot \hat Z_{n},
# \qquad \bar Z = \frac{s}{N}\Big(N \bar{\hat Z} - \sum_n \bar{\hat Z}_{n}
# - \hat Z \odot \sum_n \bar{\hat Z}_{n} \odot \hat Z_{n}\Big),$$
#
# in code `dZ = inv_std / N * (N * dZ_hat - dZ_hat.sum(axis=0) - Z_hat * (dZ_hat *
# Z_hat).sum(axis=0))`. The middle term removes the part of $\bar{\hat Z}$ along the
# column's shift (Checkpoint A: each column of $\bar Z$ sums to zero), the last the part
# along its scale (so $\sum_n \bar Z_{nj} \hat Z_{nj}$ is zero but for a term in
# $\varepsilon$). That is the price of
# normalising with the batch's own statistics: every example's gradient depends on every
# other example in its batch, and a batch of one has no gradient at all.

# %% [markdown]
# ## 2. The softmax's Jacobian, and why no framework builds it
#
# A **Jacobian** holds every partial derivative of a function's outputs with respect to
# its inputs (notebook 7). For one example, the softmax $p = \operatorname{softmax}(z)$
# maps $K$ logits to $K$ probabilities, so its Jacobian is a $K \times K$ matrix,
# $J_{ij} = \partial p_i / \partial z_j$.
#
# ### Exercise 2: the softmax's Jacobian (2 points)
#
# Derive $\partial p_i/\partial z_j$ from $p_i = e^{z_i} / \sum_k e^{z_k}$, then write
# `softmax_jacobian(z)` returning $J$, shape `(K, K)`, for the logits `z` of shape `(K,)`
# of one example. Make it safe for large logits. `bp.vjp.softmax_jacobian` is switched off
# here.
#
# <details><summary>Hint 1</summary>
#
# Use the quotient rule, and treat $i = j$ and $i \ne j$ separately: $z_j$ appears in the
# numerator only when $i = j$, and in the denominator always. Write each case with $p_i$
# and $p_j$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# Both cases are one formula with the Kronecker delta $\delta_{ij}$ (1 when $i = j$, else
# 0). As a matrix: a diagonal matrix minus an outer product (`np.diag`, `np.outer`).
# </details>

# %% solution id="softmax_jacobian"
def softmax_jacobian(z):
    """The (K, K) Jacobian dp_i/dz_j of p = softmax(z), for the logits z of shape (K,)."""
    ### BEGIN SOLUTION
    e = np.exp(z - np.max(z))
    p = e / e.sum()
    return np.diag(p) - np.outer(p, p)
    ### END SOLUTION


# %% [markdown]
# Try it: at $z = 0$ with $K = 3$ every probability is $\tfrac13$, and you should see
# $\tfrac29 \approx 0.222$ on the diagonal and $-\tfrac19 \approx -0.111$ elsewhere.

# %%
print(np.round(softmax_jacobian(np.zeros(3)), 6))

# %% tests id="softmax_jacobian__numerical" points=1
"""softmax_jacobian matches a numerical Jacobian of the softmax."""
def softmax_of_one(z):
    return bp.checks.testdata.expected(bp.softmax.softmax, z[None, :])[0]


for seed, K in ((1041, 4), (1042, 6)):
    z_check = bp.checks.testdata.points(seed, (K,), -3.0, 3.0)
    bp.checks.close(f"softmax_jacobian(z) for K = {K}",
                    bp.checks.call("softmax_jacobian", softmax_jacobian, z_check),
                    bp.jacobians.numerical_jacobian(softmax_of_one, z_check),
                    tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
z_check = bp.checks.testdata.points(1043, (10,), -4.0, 4.0)
bp.checks.close("softmax_jacobian(z) for a hidden K = 10",
                bp.checks.call("softmax_jacobian", softmax_jacobian, z_check),
                bp.jacobians.numerical_jacobian(softmax_of_one, z_check),
                tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %% tests id="softmax_jacobian__exact" points=1
"""softmax_jacobian is exact, and safe for logits near 800."""
z_check = bp.checks.testdata.points(1044, (5,), -2.0, 2.0) + 800.0
bp.checks.formula("softmax_jacobian(z) for logits near 800",
                  bp.checks.call("softmax_jacobian", softmax_jacobian, z_check),
                  bp.checks.testdata.expected(bp.vjp.softmax_jacobian, z_check))
### BEGIN HIDDEN TESTS
for seed, K in ((1045, 7), (1046, 3)):
    z_check = bp.checks.testdata.points(seed, (K,), -5.0, 5.0) - 600.0 * (seed % 2)
    bp.checks.formula(f"softmax_jacobian(z) (hidden K = {K})",
                      bp.checks.call("softmax_jacobian", softmax_jacobian, z_check),
                      bp.checks.testdata.expected(bp.vjp.softmax_jacobian, z_check))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** $\partial p_i / \partial z_j = p_i(\delta_{ij} - p_j)$, that
# is $J = \operatorname{diag}(p) - p\,p^{\mathsf T}$, in code
# `np.diag(p) - np.outer(p, p)`. Every row sums to zero: adding the same number to every
# logit changes no probability (notebook 9's Checkpoint 1).
#
# A backward pass never needs $J$ itself. The gradient arriving from above,
# $g = \partial L/\partial p$ (one row per example), is turned into
# $\partial L/\partial z_j = \sum_i g_i J_{ij}$: the **vector-Jacobian product** $g^{\mathsf
# T} J$. Notebook 8's backward rules were exactly such products (`grad_out @ B.T` is one),
# each computed without forming the Jacobian. For a batch, forming the Jacobians anyway
# would mean one $K \times K$ matrix per example.
#
# ### Checkpoint B: predict, then run (1 point)
#
# A language model's output layer has $K$ in the tens of thousands; take a modest
# classifier with $K = 1000$ classes and a batch of $N = 64$, in float64 (8 bytes a
# number). How many **megabytes** ($10^6$ bytes) would the batch's softmax Jacobians take?
# Set `predicted_megabytes` to your number. The test cell records it; the graded version
# judges it.

# %% solution id="predict_jacobian_memory"
# Your prediction, a number of megabytes, in place of the two lines below:
### BEGIN SOLUTION
predicted_megabytes = 512.0
### END SOLUTION

# %% tests id="predict_jacobian_memory__value" points=1
"""Checkpoint B: the megabytes of a batch's softmax Jacobians: recorded."""
bp.checks.predictions.recorded("predicted_megabytes", globals())
### BEGIN HIDDEN TESTS
bp.checks.predictions.judged("predicted_megabytes", globals(), bp.vjp.jacobian_bytes(64, 1000) / 1e6,
                             rel_tol=2e-2)
### END HIDDEN TESTS

# %% [markdown]
# Now run it, with `bp.vjp.jacobian_bytes` and, for comparison, the bytes of the batch's
# probabilities themselves:

# %%
print(f"softmax Jacobians of 64 examples, K = 1000: {bp.vjp.jacobian_bytes(64, 1000) / 1e6:.0f} MB")
print(f"the probabilities themselves:               {64 * 1000 * 8 / 1e6:.3f} MB")

# %% [markdown]
# Half a gigabyte, a thousand times the memory of the probabilities, to pass one
# gradient through one layer; with $K = 50{,}000$ it would be over a terabyte. The
# vector-Jacobian product needs none of it.
#
# ### Exercise 3: the vector-Jacobian product (3 points)
#
# Write `softmax_vjp(P, G)` returning $\partial L/\partial Z$, shape `(N, K)`, for a batch
# whose softmax outputs are `P` and whose gradient from above is `G` $= \partial L /
# \partial P$, both of shape `(N, K)`: row $n$ is $g_n^{\mathsf T} J_n$. Derive the row
# from your $J$ and compute it in $O(NK)$ operations, without forming any Jacobian.
# `bp.vjp.softmax_vjp` is switched off here.
#
# <details><summary>Hint 1</summary>
#
# Write $\sum_i g_i\, p_i (\delta_{ij} - p_j)$ as two sums: the $\delta_{ij}$ keeps one
# term of the first; the second has $p_j$ as a common factor.
# </details>
#
# <details><summary>Hint 2</summary>
#
# For a batch, the scalar $\sum_i g_i p_i$ of each row is one number per example:
# `np.sum(G * P, axis=1, keepdims=True)` keeps it as a column that broadcasts along the
# row.
# </details>

# %% solution id="softmax_vjp"
def softmax_vjp(P, G):
    """dL/dZ of shape (N, K), given P = softmax(Z) and G = dL/dP, both of shape (N, K)."""
    ### BEGIN SOLUTION
    return P * (G - np.sum(G * P, axis=1, keepdims=True))
    ### END SOLUTION


# %% [markdown]
# Try it: each row of yours next to that row of $G$ times your Jacobian; they should agree
# to rounding.

# %%
Z_try = rng.normal(size=(3, 4))
P_try, G_try = bp.softmax.softmax(Z_try), rng.normal(size=(3, 4))
print(np.round(softmax_vjp(P_try, G_try), 6))
print(np.round(np.array([G_try[n] @ softmax_jacobian(Z_try[n]) for n in range(3)]), 6))

# %% tests id="softmax_vjp__numerical" points=1
"""softmax_vjp is the gradient of sum(G * softmax(Z)) with respect to Z (central differences)."""
def vjp_case(seed, N, K, where=""):
    Z_ = bp.checks.testdata.points(seed, (N, K), -3.0, 3.0)
    G_ = bp.checks.testdata.points(seed + 1, (N, K))
    P_ = bp.checks.testdata.expected(bp.softmax.softmax, Z_)
    bp.checks.gradient(f"softmax_vjp(P, G) for N={N}, K={K}{where}",
                       bp.checks.call("softmax_vjp", softmax_vjp, P_, G_),
                       lambda z: float(np.sum(G_ * bp.checks.testdata.expected(bp.softmax.softmax, z))),
                       Z_, batch_size=N)


vjp_case(1051, 4, 5)
### BEGIN HIDDEN TESTS
vjp_case(1052, 7, 3, " (hidden)")
### END HIDDEN TESTS

# %% tests id="softmax_vjp__one_row_per_example" points=1
"""softmax_vjp's row n is g_n^T J_n, for each example of a batch."""
Z_check = bp.checks.testdata.points(1053, (5, 6), -2.0, 2.0)
G_check = bp.checks.testdata.points(1054, (5, 6))
P_check = bp.checks.testdata.expected(bp.softmax.softmax, Z_check)
rows = np.array([G_check[n] @ bp.checks.testdata.expected(bp.vjp.softmax_jacobian, Z_check[n])
                 for n in range(5)])
bp.checks.close("softmax_vjp(P, G), against g_n^T J_n row by row",
                bp.checks.call("softmax_vjp", softmax_vjp, P_check, G_check), rows, batch_size=5)
### BEGIN HIDDEN TESTS
Z_check = bp.checks.testdata.points(1055, (3, 9), -4.0, 4.0)
G_check = bp.checks.testdata.points(1056, (3, 9))
P_check = bp.checks.testdata.expected(bp.softmax.softmax, Z_check)
bp.checks.formula("softmax_vjp(P, G) (hidden)",
                  bp.checks.call("softmax_vjp", softmax_vjp, P_check, G_check),
                  bp.checks.testdata.expected(bp.vjp.softmax_vjp, P_check, G_check), batch_size=3)
### END HIDDEN TESTS

# %% tests id="softmax_vjp__large" points=1
"""softmax_vjp for a batch of 64 with K = 1000 classes: exact, with no Jacobian formed."""
Z_check = bp.checks.testdata.points(1057, (64, 1000), -3.0, 3.0)
G_check = bp.checks.testdata.points(1058, (64, 1000))
P_check = bp.checks.testdata.expected(bp.softmax.softmax, Z_check)
started = time.perf_counter()
got = bp.checks.call("softmax_vjp", softmax_vjp, P_check, G_check)
elapsed = time.perf_counter() - started
bp.checks.formula("softmax_vjp(P, G) for N=64, K=1000", got,
                  bp.checks.testdata.expected(bp.vjp.softmax_vjp, P_check, G_check), batch_size=64)
bp.checks.true(elapsed < 2.0, f"softmax_vjp took {elapsed:.1f} s for N=64, K=1000; the product "
               "needs O(N K) operations, a few milliseconds: no K x K matrix is needed", "mismatch")

# %% [markdown]
# **What you just derived.** Row by row,
#
# $$\frac{\partial L}{\partial z_j} = \sum_i g_i\, p_i (\delta_{ij} - p_j)
# = p_j \Big(g_j - \sum_i g_i p_i\Big),$$
#
# in code `P * (G - np.sum(G * P, axis=1, keepdims=True))`: two passes over the batch
# instead of $N$ matrices of $K^2$ numbers. This is what every framework's backward pass
# is made of. `loss.backward()` computes a chain of vector-Jacobian products from the
# scalar loss down, one per operation, and never a Jacobian; computing a full Jacobian
# would take one backward pass per output. The cell below times both on a batch of 64
# with $K = 300$ (the printed times are your machine's):

# %% timing
if not bp.grading():  # a measurement of this machine earns no points: the graded run skips it
    Z_time = rng.normal(size=(64, 300))
    P_time, G_time = bp.softmax.softmax(Z_time), rng.normal(size=(64, 300))
    started = time.perf_counter()
    J_stack = np.stack([softmax_jacobian(z) for z in Z_time])
    through_jacobians = np.einsum("nk,nkj->nj", G_time, J_stack)
    jacobian_ms = 1000 * (time.perf_counter() - started)
    started = time.perf_counter()
    through_vjp = softmax_vjp(P_time, G_time)
    vjp_ms = 1000 * (time.perf_counter() - started)
    print(f"through the Jacobians: {jacobian_ms:7.2f} ms and {J_stack.nbytes / 1e6:.1f} MB")
    print(f"vector-Jacobian product: {vjp_ms:5.2f} ms and {through_vjp.nbytes / 1e6:.3f} MB")
    print("largest difference:", np.max(np.abs(through_jacobians - through_vjp)))

# %% [markdown]
# ## 3. Steps that remember: momentum and Adam
#
# Notebook 9 trained with plain mini-batch SGD, $\theta \leftarrow \theta - \eta\, g$. Two
# things slow it down. In a narrow valley (notebook 2's Booth function) the gradient
# points mostly across the valley, so the steps zig-zag while progress along it is slow.
# And a small batch's gradient is noisy (notebook 1). Both rules below keep a running
# average of past gradients, so that what is consistent from step to step adds up while
# what flips sign cancels.
#
# **Momentum** keeps a velocity $v$ per parameter, starting at zero:
#
# $$v \leftarrow \beta\, v + g, \qquad \theta \leftarrow \theta - \eta\, v ,$$
#
# with $\beta$ around 0.9 (PyTorch's `SGD(momentum=0.9)` does exactly this). Unrolled,
# $v_t = g_t + \beta g_{t-1} + \beta^2 g_{t-2} + \dots$: where the gradient keeps its
# direction, the step grows to $\eta/(1 - \beta)$ times it, ten times a plain step for
# $\beta = 0.9$; where it flips sign, the terms cancel.
#
# ### Exercise 4: momentum (2 points)
#
# Write `momentum_step(params, grads, velocity, lr, beta=0.9)` returning the pair
# `(new_params, new_velocity)`. All three dicts have the same keys (`"W1"`, `"b1"`, ...)
# and shapes; `velocity` holds zeros before the first step (`bp.optimizers.zeros_like`).
# Return new dicts: the caller's must not change. `bp.optimizers.momentum_step` is
# switched off here.

# %% solution id="momentum_step"
def momentum_step(params, grads, velocity, lr, beta=0.9):
    """One step of gradient descent with momentum; returns (new_params, new_velocity)."""
    ### BEGIN SOLUTION
    new_velocity = {key: beta * velocity[key] + grads[key] for key in params}
    new_params = {key: params[key] - lr * new_velocity[key] for key in params}
    return new_params, new_velocity
    ### END SOLUTION


# %% [markdown]
# Try it: a constant gradient of 1 on one parameter. The step grows towards
# $\eta/(1 - \beta) = 1$: you should see the steps `0.1`, `0.19`, `0.271`, ... creep up.

# %%
p_try, v_try = {"w": np.array([0.0])}, {"w": np.array([0.0])}
steps_try = []
for _ in range(8):
    new_p, v_try = momentum_step(p_try, {"w": np.array([1.0])}, v_try, lr=0.1, beta=0.9)
    steps_try.append(round(float(p_try["w"][0] - new_p["w"][0]), 4))
    p_try = new_p
print(steps_try)

# %% tests id="momentum_step__values" points=1
"""momentum_step: three steps of a two-layer network's parameters, against the rule."""
def optimizer_case(seed):
    """Parameters of a 3-4-2 network and three gradients of their shapes, from seed."""
    params_ = bp.mlp.init_params([3, 4, 2], np.random.default_rng(seed))
    grads_ = [{key: bp.checks.testdata.points(seed + k, np.shape(value))
               for key, value in params_.items()} for k in range(1, 4)]
    return params_, grads_


def same_arrays(name, got, want):
    """Each array of the dict got is the one of want with the same key."""
    bp.checks.true(isinstance(got, dict) and set(got) == set(want),
                   f"{name} should be a dict with the keys {sorted(want)}; got "
                   f"{sorted(got) if isinstance(got, dict) else type(got).__name__}", "keys")
    for key in want:
        bp.checks.close(f"{name}[{key!r}]", got[key], want[key])


def compare_steps(name, step, reference, params_, grads_, state, ref_state, **kwargs):
    for k, grads_k in enumerate(grads_, start=1):
        got = bp.checks.call(name, step, params_, grads_k, state, **kwargs)
        want = bp.checks.testdata.expected(reference, params_, grads_k, ref_state, **kwargs)
        bp.checks.true(isinstance(got, (tuple, list)) and len(got) == 2,
                       f"{name} should return a pair; got {type(got).__name__}", "not-a-pair")
        same_arrays(f"new_params after step {k} of {name}", got[0], want[0])
        params_, state, ref_state = want[0], got[1], want[1]
    return state


params_check, grads_check = optimizer_case(1061)
velocity_after = compare_steps("momentum_step", momentum_step, bp.optimizers.momentum_step,
                               params_check, grads_check, bp.optimizers.zeros_like(params_check),
                               bp.optimizers.zeros_like(params_check), lr=0.1, beta=0.9)
### BEGIN HIDDEN TESTS
params_check, grads_check = optimizer_case(1062)
velocity_after = compare_steps("momentum_step", momentum_step, bp.optimizers.momentum_step,
                               params_check, grads_check, bp.optimizers.zeros_like(params_check),
                               bp.optimizers.zeros_like(params_check), lr=0.03, beta=0.5)
### END HIDDEN TESTS

# %% tests id="momentum_step__new_dicts" points=1
"""momentum_step returns new dicts and leaves the caller's params and velocity unchanged."""
params_check, grads_check = optimizer_case(1063)
velocity_check = {key: 0.5 * g for key, g in grads_check[0].items()}
saved = {key: (params_check[key].copy(), velocity_check[key].copy()) for key in params_check}
got = bp.checks.call("momentum_step", momentum_step, params_check, grads_check[1], velocity_check,
                     0.2, 0.8)
for key, (param_before, velocity_before) in saved.items():
    bp.checks.true(np.array_equal(params_check[key], param_before)
                   and np.array_equal(velocity_check[key], velocity_before),
                   f"momentum_step changed params[{key!r}] or velocity[{key!r}] in place: "
                   "return new arrays instead", "in-place")
want = bp.checks.testdata.expected(bp.optimizers.momentum_step, params_check, grads_check[1],
                                   velocity_check, 0.2, 0.8)
same_arrays("new_velocity", got[1], want[1])

# %% [markdown]
# **Adam** (Kingma and Ba, 2015) keeps two running means per parameter, of the gradient
# and of its square, and steps by their ratio:
#
# $$m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
# v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2, \qquad
# \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon},$$
#
# entry by entry, with $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$. Dividing by
# $\sqrt{\hat v}$, the typical size of the gradient, makes every parameter step about
# $\eta$ whatever the scale of its gradient. Because $m$ and $v$ start at zero, they are
# too small at first: after $t$ steps of a constant gradient $g$, $m_t = (1 - \beta_1^t)\,g$.
# The **bias correction** divides it out, $\hat m = m / (1 - \beta_1^t)$ and
# $\hat v = v / (1 - \beta_2^t)$, with $t$ counting the steps from 1.
#
# ### Exercise 5: Adam (3 points)
#
# Write `adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8)` returning
# `(new_params, new_state)`, where `state` is `{"t": steps so far, "m": dict, "v": dict}`
# (`bp.optimizers.adam_state(params)` before the first step: `t = 0` and zeros) and the
# new state has `t + 1` and the new means. Return new dicts. `bp.optimizers.adam_step` is
# switched off here.
#
# <details><summary>Hint 1</summary>
#
# Increment `t` first: the first step uses $t = 1$, so that $1 - \beta_1^t = 0.1$ divides
# the first $m = 0.1 g$ back to $g$. Then every entry of the first step is
# $\eta\, g / (|g| + \epsilon)$: about $\eta$ in the direction of $-g$.
# </details>

# %% solution id="adam_step"
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam; returns (new_params, new_state)."""
    ### BEGIN SOLUTION
    t = state["t"] + 1
    m = {key: beta1 * state["m"][key] + (1.0 - beta1) * grads[key] for key in params}
    v = {key: beta2 * state["v"][key] + (1.0 - beta2) * grads[key] ** 2 for key in params}
    new_params = {}
    for key in params:
        m_hat = m[key] / (1.0 - beta1 ** t)
        v_hat = v[key] / (1.0 - beta2 ** t)
        new_params[key] = params[key] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_params, {"t": t, "m": m, "v": v}
    ### END SOLUTION


# %% [markdown]
# Try it: the first step moves every entry by about `lr`, whatever the size of its
# gradient (here 1000 and 0.01): you should see `[-0.1  0.1]`.

# %%
first_try, state_try = adam_step({"w": np.zeros(2)}, {"w": np.array([1000.0, -0.01])},
                                 bp.optimizers.adam_state({"w": np.zeros(2)}), lr=0.1)
print(np.round(first_try["w"], 6), "t =", state_try["t"])

# %% tests id="adam_step__first_step" points=1
"""adam_step: the first step, with its bias correction, for several parameters."""
params_check, grads_check = optimizer_case(1071)
got = bp.checks.call("adam_step", adam_step, params_check, grads_check[0],
                     bp.optimizers.adam_state(params_check), 0.01)
want = bp.checks.testdata.expected(bp.optimizers.adam_step, params_check, grads_check[0],
                                   bp.optimizers.adam_state(params_check), 0.01)
bp.checks.true(isinstance(got, (tuple, list)) and len(got) == 2,
               f"adam_step should return a pair (new_params, new_state); got {type(got).__name__}",
               "not-a-pair")
same_arrays("new_params after Adam's first step", got[0], want[0])

# %% tests id="adam_step__three_steps" points=1
"""adam_step: three steps in a row, each from the state the previous one returned."""
params_check, grads_check = optimizer_case(1072)
state_after = compare_steps("adam_step", adam_step, bp.optimizers.adam_step, params_check,
                            grads_check, bp.optimizers.adam_state(params_check),
                            bp.optimizers.adam_state(params_check), lr=0.05)
bp.checks.true(isinstance(state_after, dict) and state_after.get("t") == 3,
               "after three steps from t = 0 the state's t should be 3; got "
               f"{state_after.get('t') if isinstance(state_after, dict) else state_after!r:.60}",
               "keys")
### BEGIN HIDDEN TESTS
params_check, grads_check = optimizer_case(1073)
state_after = compare_steps("adam_step", adam_step, bp.optimizers.adam_step, params_check,
                            grads_check, bp.optimizers.adam_state(params_check),
                            bp.optimizers.adam_state(params_check), lr=0.002, beta1=0.8,
                            beta2=0.99)
### END HIDDEN TESTS

# %% tests id="adam_step__state" points=1
"""adam_step returns the new state: t + 1 and the running means; the caller's is unchanged."""
params_check, grads_check = optimizer_case(1074)
state_check = bp.optimizers.adam_state(params_check)
got = bp.checks.call("adam_step", adam_step, params_check, grads_check[0], state_check, 0.01)
want = bp.checks.testdata.expected(bp.optimizers.adam_step, params_check, grads_check[0],
                                   bp.optimizers.adam_state(params_check), 0.01)
bp.checks.true(isinstance(got[1], dict) and got[1].get("t") == 1,
               f"the new state's t should be 1 after the first step; got {got[1]!r:.80}", "keys")
bp.checks.true(state_check["t"] == 0 and all(not np.any(m) for m in state_check["m"].values()),
               "adam_step changed the state it was given: return a new one", "in-place")
same_arrays("the new state's m", got[1]["m"], want[1]["m"])
same_arrays("the new state's v", got[1]["v"], want[1]["v"])

# %% [markdown]
# ### The three rules on the digits
#
# Notebook 9's classifier (64 inputs, 64 ReLU units, 10 classes, He initialisation),
# trained for three epochs on the 1,079 training digits in batches of 32, from the same
# start and in the same order, with **your** rules. `bp.optimizers.train_with` runs the
# loop (notebook 9's, with the update left to the rule) and records, after each epoch,
# the training loss and the validation accuracy.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    splits = bp.digits.load_splits()
    (X_train, y_train), (X_val, y_val) = splits["train"], splits["val"]
    start = bp.classifier.he_init([64, 64, 10], np.random.default_rng(0))
    rules = {
        "SGD, lr 0.1": (bp.optimizers.sgd_rule(0.1), None),
        "momentum, lr 0.1": (lambda p, g, s: momentum_step(p, g, s, 0.1, 0.9),
                             bp.optimizers.zeros_like(start)),
        "momentum, lr 0.01": (lambda p, g, s: momentum_step(p, g, s, 0.01, 0.9),
                              bp.optimizers.zeros_like(start)),
        "Adam, lr 0.01": (lambda p, g, s: adam_step(p, g, s, 0.01),
                          bp.optimizers.adam_state(start)),
    }
    histories = {}
    for name, (rule, state) in rules.items():
        histories[name] = bp.optimizers.train_with(rule, state, start, X_train, y_train,
                                                   X_val, y_val, epochs=3, batch_size=32,
                                                   rng=np.random.default_rng(1))
        print(f"{name:18s} training loss per epoch {np.round(histories[name]['train_loss'], 3)}, "
              f"validation accuracy {histories[name]['val_acc'][-1]:.1%}")

# %% [markdown]
# At the same learning rate of 0.1, momentum ends the three epochs with a far lower
# training loss than SGD. Momentum at 0.01 lands close to SGD at 0.1: with $\beta = 0.9$
# its steps in a steady direction are ten times the learning rate, so most of its gain
# at 0.1 is a larger effective step, which plain SGD at 0.1 does not take. Adam at 0.01,
# with steps of about its learning rate in every parameter whatever the size of the
# gradient, does as well as momentum at 0.1. Which rule wins depends on the problem and
# on how well each learning rate is tuned; the explorer at the end of the notebook shows
# the same rules in Booth's narrow valley.

# %% [markdown]
# ## 4. Weight decay
#
# Notebook 1's L2 regulariser, added to the loss of every weight matrix (never the
# biases, which shift a unit and cannot make it brittle):
#
# $$L_\lambda = L + \frac{\lambda}{2} \sum_l \lVert W^l \rVert^2 .$$
#
# ### Exercise 6: weight decay (2 points)
#
# Derive $\partial L_\lambda / \partial W^l$ from $\partial L / \partial W^l$, then write
# `weight_decay_grads(params, grads, lam)` returning a new dict of gradients of
# $L_\lambda$: the weights are the keys that start with `"W"`; every other gradient is
# returned unchanged. `bp.optimizers.weight_decay_grads` is switched off here.

# %% solution id="weight_decay_grads"
def weight_decay_grads(params, grads, lam):
    """The gradients of L + lam/2 * sum of ||W||^2 over the weights "W..." (not the biases)."""
    ### BEGIN SOLUTION
    return {key: grads[key] + lam * params[key] if key.startswith("W") else grads[key]
            for key in grads}
    ### END SOLUTION


# %% tests id="weight_decay_grads__weights_only" points=1
"""weight_decay_grads adds the penalty's gradient to every weight, and nothing to the biases."""
params_check = bp.mlp.init_params([3, 4, 4, 2], np.random.default_rng(1081))
params_check.update({key: bp.checks.testdata.points(1085, np.shape(value))
                     for key, value in params_check.items() if key.startswith("b")})
grads_check = {key: bp.checks.testdata.points(1082, np.shape(value)) for key, value in params_check.items()}
got = bp.checks.call("weight_decay_grads", weight_decay_grads, params_check, grads_check, 0.3)
same_arrays("weight_decay_grads(params, grads, 0.3)", got,
            bp.checks.testdata.expected(bp.optimizers.weight_decay_grads, params_check,
                                        grads_check, 0.3))

# %% tests id="weight_decay_grads__numerical" points=1
"""With the classifier's gradients, weight_decay_grads is the gradient of L + lam/2 sum ||W||^2."""
params_check = bp.classifier.he_init([5, 6, 3], np.random.default_rng(1083))
params_check.update({"b1": bp.checks.testdata.points(1086, (6,)),
                     "b2": bp.checks.testdata.points(1087, (3,))})
X_check, y_check = bp.checks.testdata.points(1084, (4, 5)), np.array([2, 0, 1, 2])
_, grads_check = bp.classifier.loss_and_grads(params_check, X_check, y_check)
got = bp.checks.call("weight_decay_grads", weight_decay_grads, params_check, grads_check, 0.05)
for key in params_check:
    penalty = 0.025 if key.startswith("W") else 0.0
    loss_of_key = bp.classifier.loss_of(params_check, X_check, y_check, key)
    bp.checks.gradient(f"grads[{key!r}] with lam = 0.05", got[key],
                       lambda value: loss_of_key(value) + penalty * float(np.sum(value ** 2)),
                       params_check[key], batch_size=4)

# %% [markdown]
# **What you just derived.** $\partial L_\lambda/\partial W = \partial L/\partial W +
# \lambda W$, in code `grads[key] + lam * params[key]`. One step of gradient descent then
# reads $W \leftarrow (1 - \eta\lambda)\,W - \eta\,\partial L/\partial W$: before following
# the data, every weight shrinks by the factor $1 - \eta \lambda$, hence the name.
# (For Adam the two are not the same thing: AdamW applies the shrinking directly to the
# weights rather than through the gradient, which Adam would rescale.)
#
# What it does to a network: the run below trains on notebook 9's 150 digits, long
# enough to learn them by heart, with $\lambda = 0$ and $\lambda = 0.01$, and prints the
# size of the first layer's weights and both losses at the end.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    small = bp.classifier.he_init([64, 64, 10], np.random.default_rng(3))
    for lam in (0.0, 0.01):
        decayed = bp.optimizers.train_with(bp.optimizers.sgd_rule(0.5), None, small,
                                           X_train[:150], y_train[:150], X_val[:200], y_val[:200],
                                           epochs=15, batch_size=10, rng=np.random.default_rng(4),
                                           lam=lam)
        print(f"lam = {lam:<4g}: ||W1|| = {np.linalg.norm(decayed['params']['W1']):5.2f}, "
              f"training loss {decayed['train_loss'][-1]:.4f}, "
              f"validation loss {decayed['val_loss'][-1]:.4f}")

# %% [markdown]
# The decay keeps the weights smaller, about half the size here, and the network further
# from fitting its 150 digits exactly: a training loss ten times higher. It does not
# follow that the network does better on digits it has not seen. In this run the
# validation loss rises too: $\lambda = 0.01$ is more decay than this problem wants.
# Like the learning rate, $\lambda$ is a setting to tune on the validation set, and a
# smaller one may help where this one hurts.

# %% [markdown]
# ## 5. The memory of the backward pass
#
# Backprop is cheap in arithmetic (notebook 3: all the gradients for two to three times
# the cost of the forward pass), but not in memory. Each layer's backward step needs
# values its forward step computed: the layer's input $A^{l-1}$ for $\partial L/\partial
# W^l$, and its pre-activation $Z^l$ for $h'(Z^l)$. So the forward pass keeps them, in
# notebook 5's cache: `A0`, then `Z1`, `A1`, ..., `ZL`, `AL`, each of shape
# `(N, n_l)`, until the backward pass has used them.
#
# ### Exercise 7: what the forward pass keeps (2 points)
#
# Write `kept_for_backward(sizes, N)` returning the number of **bytes** of that cache for
# a network of widths `sizes = [n_0, n_1, ..., n_L]` and a batch of `N` examples, in
# float64 (8 bytes a number). `bp.memory.kept_for_backward` is switched off here.

# %% solution id="kept_for_backward"
def kept_for_backward(sizes, N):
    """Bytes of A0 and every Z{l}, A{l} of a batch of N examples, in float64."""
    ### BEGIN SOLUTION
    return 8 * N * (sizes[0] + 2 * sum(sizes[1:]))
    ### END SOLUTION


# %% tests id="kept_for_backward__measured" points=1
"""kept_for_backward equals the bytes of a real cache, measured with nbytes."""
for sizes_check, N_check in (([3, 4, 4, 2], 5), ([64, 32, 10], 16)):
    params_check = bp.mlp.init_params(sizes_check, np.random.default_rng(1091))
    _, cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check,
                                                 bp.checks.testdata.points(1092, (N_check, sizes_check[0])))
    bp.checks.close(f"kept_for_backward({sizes_check}, {N_check})",
                    bp.checks.call("kept_for_backward", kept_for_backward, sizes_check, N_check),
                    float(bp.memory.cache_bytes(cache_check)), batch_size=N_check)
### BEGIN HIDDEN TESTS
sizes_check = [10, 7, 7, 7, 3]
params_check = bp.mlp.init_params(sizes_check, np.random.default_rng(1093))
_, cache_check = bp.checks.testdata.expected(bp.mlp.forward, params_check,
                                             bp.checks.testdata.points(1094, (9, 10)))
bp.checks.close("kept_for_backward (hidden)",
                bp.checks.call("kept_for_backward", kept_for_backward, sizes_check, 9),
                float(bp.memory.cache_bytes(cache_check)), batch_size=9)
### END HIDDEN TESTS

# %% tests id="kept_for_backward__grows" points=1
"""kept_for_backward grows with the batch and the depth; the weights' bytes do not grow with N."""
for sizes_check, N_check in (([784] + [512] * 10 + [10], 128), ([2, 3, 1], 1)):
    bp.checks.close(f"kept_for_backward({len(sizes_check) - 1} layers, N = {N_check})",
                    bp.checks.call("kept_for_backward", kept_for_backward, sizes_check, N_check),
                    float(bp.checks.testdata.expected(bp.memory.kept_for_backward, sizes_check,
                                                      N_check)), batch_size=N_check)
### BEGIN HIDDEN TESTS
bp.checks.close("kept_for_backward (hidden, a deep and wide network)",
                bp.checks.call("kept_for_backward", kept_for_backward, [100] * 33, 256),
                float(bp.checks.testdata.expected(bp.memory.kept_for_backward, [100] * 33, 256)),
                batch_size=256)
### END HIDDEN TESTS

# %% [markdown]
# **What you just counted.** $8 N \big(n_0 + 2\sum_{l \ge 1} n_l\big)$ bytes, in code
# `8 * N * (sizes[0] + 2 * sum(sizes[1:]))`: linear in the batch size and in the depth.
# The weights, $\sum_l n_l (n_{l-1} + 1)$ numbers, do not depend on $N$ at all. For 16
# layers of 512 units:

# %%
sizes_demo = [512] * 17
weights_mb = 8 * sum(n * (m + 1) for m, n in zip(sizes_demo, sizes_demo[1:])) / 1e6
for batch in (64, 512, 4096):
    print(f"batch of {batch:4d}: weights {weights_mb:5.1f} MB, activations kept for the "
          f"backward pass {kept_for_backward(sizes_demo, batch) / 1e6:6.1f} MB")

# %% [markdown]
# From a few hundred examples a batch on, the activations, not the weights, fill the
# memory.

# %% [markdown]
# **Gradient checkpointing** trades arithmetic for memory. The forward pass keeps only
# the input of every $k$-th layer (the checkpoints) and throws the rest away. The
# backward pass goes segment by segment from the top: it recomputes a segment's forward
# pass from its checkpoint, backpropagates through it, and frees it. At any moment it
# holds the checkpoints plus one segment, about $L/k + k$ layers instead of $L$ (least
# near $k = \sqrt L$), and it computes most of the forward pass twice.
# `bp.memory.checkpointed_grads` does exactly that for a ReLU network; the cell measures
# the bytes it holds at most, with `nbytes`, and counts the layer forward passes, for a
# network of 36 layers:

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    deep_sizes = [64] * 37
    deep = bp.mlp.init_params(deep_sizes, np.random.default_rng(5))
    deep = {key: value * (np.sqrt(2.0) if key.startswith("W") else 1.0)
            for key, value in deep.items()}
    X_deep, t_deep = rng.normal(size=(128, 64)), rng.normal(size=(128, 64))
    plain, plain_cost = bp.memory.checkpointed_grads(deep, X_deep, t_deep, every=1)
    print(f"every layer kept: {plain_cost['peak_bytes'] / 1e6:5.2f} MB, "
          f"{plain_cost['layer_forwards']} layer forward passes")
    for every in (2, 6, 12):
        grads, cost = bp.memory.checkpointed_grads(deep, X_deep, t_deep, every=every)
        difference = max(np.max(np.abs(grads[key] - plain[key])) for key in plain)
        print(f"a checkpoint every {every:2d} layers: {cost['peak_bytes'] / 1e6:5.2f} MB, "
              f"{cost['layer_forwards']} layer forward passes, largest difference {difference:.1e}")

# %% [markdown]
# The gradients are the same, to rounding, and the memory falls to a fraction, least
# near $k = 6 = \sqrt{36}$; the price is up to a second forward pass. Frameworks offer it
# as a switch (PyTorch's `torch.utils.checkpoint`), used when a large model does not
# otherwise fit.

# %% [markdown]
# ## 6. Transfer: layer normalisation
#
# Batch normalisation mixes the examples of a batch, which is awkward for a batch of
# one or for sequences of different lengths. **Layer normalisation** standardises each
# example (row) over its $n$ features instead:
#
# $$\mu_n = \frac1n \sum_j Z_{nj}, \qquad v_n = \frac1n \sum_j (Z_{nj} - \mu_n)^2, \qquad
# \hat Z_{nj} = \frac{Z_{nj} - \mu_n}{\sqrt{v_n + \varepsilon}}, \qquad
# Y_{nj} = \gamma_j \hat Z_{nj} + \beta_j ,$$
#
# with $\gamma, \beta$ still one per feature. `bp.normalisation.layer_norm_forward`
# computes it; its cache holds `Z_hat`, `inv_std` of shape `(N, 1)` (one per example)
# and `gamma`. No cell of the course shows its backward pass.
#
# ### Exercise 8: transfer: layer normalisation (3 points)
#
# Write `layer_norm_backward(dY, cache)` returning `(dZ, dgamma, dbeta)`, shapes `(N, n)`,
# `(n,)`, `(n,)`, vectorised. `bp.normalisation.layer_norm_backward` is switched off here.
#
# <details><summary>Hint 1</summary>
#
# Redo Exercise 1's derivation: which entries share a mean and a variance now? And which
# entries share $\gamma_j$ and $\beta_j$?
# </details>

# %% solution id="layer_norm_backward"
def layer_norm_backward(dY, cache):
    """Gradients of layer normalisation with respect to Z, gamma and beta.

    Arguments as for batch_norm_backward, with the cache of
    bp.normalisation.layer_norm_forward ("inv_std" of shape (N, 1)).
    """
    ### BEGIN SOLUTION
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    n = dY.shape[1]
    dbeta = dY.sum(axis=0)
    dgamma = (dY * Z_hat).sum(axis=0)
    dZ_hat = dY * gamma
    dZ = inv_std / n * (n * dZ_hat - dZ_hat.sum(axis=1, keepdims=True)
                        - Z_hat * (dZ_hat * Z_hat).sum(axis=1, keepdims=True))
    return dZ, dgamma, dbeta
    ### END SOLUTION


# %% tests id="layer_norm_backward__numerical" points=2
"""layer_norm_backward: dZ, dgamma and dbeta match central differences."""
def layer_norm_parts(seed, N, n, where=""):
    Z_ = bp.checks.testdata.points(seed, (N, n), -3.0, 5.0)
    gamma_, beta_ = bp.checks.testdata.points(seed + 1, (n,)), bp.checks.testdata.points(seed + 2, (n,))
    G_ = bp.checks.testdata.points(seed + 3, (N, n))
    cache_ = bp.normalisation.layer_norm_forward(Z_, gamma_, beta_)[1]

    def loss_of_ln(z, g, b):
        return float(np.sum(G_ * bp.normalisation.layer_norm_forward(z, g, b)[0]))

    result = bp.checks.call("layer_norm_backward", layer_norm_backward, G_, cache_)
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 3,
                   "layer_norm_backward should return (dZ, dgamma, dbeta); got "
                   f"{type(result).__name__}", "not-a-pair")
    bp.checks.gradient(f"dZ for N={N}, n={n}{where}", result[0],
                       lambda z: loss_of_ln(z, gamma_, beta_), Z_, batch_size=N)
    bp.checks.gradient(f"dgamma for N={N}, n={n}{where}", result[1],
                       lambda g: loss_of_ln(Z_, g, beta_), gamma_, batch_size=N)
    bp.checks.gradient(f"dbeta for N={N}, n={n}{where}", result[2],
                       lambda b: loss_of_ln(Z_, gamma_, b), beta_, batch_size=N)


layer_norm_parts(1101, 4, 5)
layer_norm_parts(1102, 3, 2)
### BEGIN HIDDEN TESTS
layer_norm_parts(1103, 6, 7, " (hidden)")
layer_norm_parts(1104, 1, 4, " (hidden, one example)")
### END HIDDEN TESTS

# %% tests id="layer_norm_backward__exact" points=1
"""layer_norm_backward is exact: a formula, not a finite difference."""
Z_check = bp.checks.testdata.points(1105, (5, 6), -3.0, 5.0)
gamma_check, beta_check = bp.checks.testdata.points(1106, (6,)), bp.checks.testdata.points(1107, (6,))
cache_check = bp.normalisation.layer_norm_forward(Z_check, gamma_check, beta_check)[1]
G_check = 250.0 * bp.checks.testdata.points(1108, (5, 6))
bp.checks.formula("dZ for a gradient from above of size 250",
                  bp.checks.call("layer_norm_backward", layer_norm_backward, G_check, cache_check)[0],
                  bp.checks.testdata.expected(bp.normalisation.layer_norm_backward, G_check,
                                              cache_check)[0], batch_size=5)
### BEGIN HIDDEN TESTS
Z_check = bp.checks.testdata.points(1109, (4, 9), -2.0, 2.0)
cache_check = bp.normalisation.layer_norm_forward(Z_check, np.ones(9), np.zeros(9))[1]
G_check = 30.0 * bp.checks.testdata.points(1110, (4, 9))
mine = bp.checks.call("layer_norm_backward", layer_norm_backward, G_check, cache_check)
expected = bp.checks.testdata.expected(bp.normalisation.layer_norm_backward, G_check, cache_check)
for name, got, want in zip(("dZ", "dgamma", "dbeta"), mine, expected):
    bp.checks.formula(f"{name} (hidden)", got, want, batch_size=4)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** The same formula with the roles of the axes swapped for the
# statistics: with $s_n = 1/\sqrt{v_n + \varepsilon}$ per example and sums over the
# features (axis 1, `keepdims=True`),
#
# $$\bar Z = \frac{s}{n}\Big(n \bar{\hat Z} - \sum_j \bar{\hat Z}_{\cdot j}
# - \hat Z \odot \sum_j \bar{\hat Z}_{\cdot j} \hat Z_{\cdot j}\Big),$$
#
# while $\bar\gamma$ and $\bar\beta$ still sum over the examples, which share them. Each
# example's gradient now depends only on that example, so a batch of one works.

# %% [markdown]
# ## 7. Explore
#
# Gradient descent, momentum and Adam from one start in Booth's narrow valley (notebook
# 2), with the learning rates and momentum's $\beta$ on sliders. Things to try: raise
# plain descent's learning rate towards 0.11, where it starts to zig-zag across the valley,
# and see momentum get along it at a rate where descent is still crawling; set $\beta = 0$
# and momentum is plain descent again; give Adam a learning rate of 2 and watch its steps
# stay about that long until the end, where it cannot settle as precisely.

# %%
bp.explore.optimizers.optimizer_explorer()

# %% [markdown]
# ## Summary
#
# - Batch normalisation standardises each feature over the batch; its backward pass has
#   three paths to every entry, and in vectorised form
#   $\bar Z = \frac{s}{N}(N\bar{\hat Z} - \sum_n \bar{\hat Z} - \hat Z \odot \sum_n
#   \bar{\hat Z}\odot\hat Z)$; each column of $\bar Z$ sums to zero. Layer normalisation
#   is the same derivation over the features of each example.
# - The softmax's Jacobian is $\operatorname{diag}(p) - p\,p^{\mathsf T}$, but a backward
#   pass needs only the vector-Jacobian product $p \odot (g - g \cdot p)$: $O(K)$ per
#   example instead of $O(K^2)$. Every framework's backward pass is a chain of such
#   products.
# - Momentum averages gradients over steps ($\eta/(1 - \beta)$ in a steady direction);
#   Adam divides a bias-corrected mean of the gradient by the root of a mean of its
#   square, so each parameter steps about $\eta$.
# - Weight decay adds $\lambda W$ to every weight's gradient: each step shrinks the
#   weights by $1 - \eta\lambda$ before following the data.
# - A backward pass needs every layer's input and pre-activation:
#   $8N(n_0 + 2\sum n_l)$ bytes, linear in batch and depth. Checkpointing keeps every
#   $k$-th and recomputes the rest: about $L/k + k$ layers held, for one more forward pass.
#
# ## Going further
#
# - At test time batch normalisation cannot use the batch's statistics; frameworks keep
#   running averages of $\mu$ and $v$ during training and use those instead.
# - AdamW (Loshchilov and Hutter, 2019) decouples weight decay from Adam's rescaling.
# - Forward-mode differentiation computes Jacobian-vector products, $J u$, one input
#   direction at a time: the dual of this notebook's vector-Jacobian products.
# - Revisit notebook 9 with what you have here: add a batch-normalised hidden layer,
#   train with Adam, and compare the learning curves.
