# Backprop Lab, notebook 6: XOR.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 6. XOR
#
# *The smallest problem that needs a hidden layer, and what that layer learns.*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 4, worth 16 points.
#
# **Loss:** the mean over the four examples of the squared error, $L = \frac14 \sum_n (\hat y_n - t_n)^2$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. explain why no single sigmoid unit can compute XOR (section 1);
# 2. write one full-batch gradient-descent step of a 2-2-1 sigmoid network
#    ([Exercise 1](#Exercise-1:-one-gradient-descent-step-(5-points)));
# 3. train it, and read the plateau and the escape in its outputs and loss
#    ([Exercise 2](#Exercise-2:-training-from-a-seed-(3-points)));
# 4. compute the gradients of many networks at once, with a seed axis that no product
#    ever mixes ([Exercise 3](#Exercise-3:-gradients-of-many-networks-at-once-(5-points)));
# 5. measure how often training succeeds over 1000 random initialisations, in one array
#    computation ([Exercise 4](#Exercise-4:-the-success-rate-(3-points))).
#
# **Prerequisites:** notebook 1 (mean squared error), notebook 2 (gradient descent) and
# notebook 5 (the delta rules and backprop on a batch stored as rows).
#
# The checks work as in every notebook: relative error below $10^{-9}$ against an exact
# value, below $10^{-5}$ against a numerical derivative, and a diagnosis when an answer
# is off. Graded versions of the checks also use inputs you cannot see.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(6)

# %% [markdown]
# ## 1. Why one layer cannot
#
# XOR ("exclusive or") outputs 1 when exactly one of its two inputs is 1:
#
# | $x_1$ | $x_2$ | $t$ |
# |---|---|---|
# | 0 | 0 | 0 |
# | 0 | 1 | 1 |
# | 1 | 0 | 1 |
# | 1 | 1 | 0 |
#
# A single sigmoid unit computes $\hat y = \sigma(w_1 x_1 + w_2 x_2 + b)$ and says "1"
# where $\hat y > 0.5$, that is where $w_1 x_1 + w_2 x_2 + b > 0$: on one side of a
# straight line. Suppose some line worked. The two points with target 1 need
# $w_2 + b > 0$ and $w_1 + b > 0$; adding them, $w_1 + w_2 + 2b > 0$. The two points
# with target 0 need $b < 0$ and $w_1 + w_2 + b < 0$; adding them,
# $w_1 + w_2 + 2b < 0$. Both cannot hold, so **no line separates the red points from
# the blue ones**. Look at the picture: the two classes sit on the two diagonals.

# %%
X, t = bp.xor.xor_data()
print("X =\n", X)
print("t =", t.ravel())
ax = bp.explore.xor.draw_points()
ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5))
plt.show()

# %% [markdown]
# ## 2. A 2-2-1 sigmoid network
#
# Two hidden sigmoid units give the output unit two lines to combine. With the four
# examples stored as rows of `X` (shape `(4, 2)`) and the course's shapes, `W1` `(2, 2)`,
# `b1` `(2,)`, `W2` `(1, 2)`, `b2` `(1,)`, the forward pass is
#
# $$Z_1 = X W_1^\top + b_1,\quad A_1 = \sigma(Z_1),\quad
# Z_2 = A_1 W_2^\top + b_2,\quad \hat y = \sigma(Z_2),$$
#
# with `Z1` and `A1` of shape `(4, 2)` and `Z2` and `y_hat` of shape `(4, 1)`.
#
# **The loss.** This notebook uses the course's convention, the mean over the $N = 4$
# examples of the squared error:
#
# $$L = \frac{1}{N}\sum_{n=1}^{N} (\hat y_n - t_n)^2 .$$
#
# The lecture notes use the *sum* of *half* squared errors, $\tfrac12\sum_n(\hat y_n - t_n)^2$,
# whose gradient is twice ours ($\hat y - t$ against $\tfrac{2}{4}(\hat y - t)$). The
# same learning rate therefore takes steps half as long here, and every iteration count
# below is for our convention.
#
# The weights start small and random: every entry of every parameter is drawn from a
# normal distribution with standard deviation 0.5 (`bp.xor.init_params`). Seed 283 is
# the network this notebook follows.

# %%
params = bp.xor.init_params(np.random.default_rng(283))
for name, value in params.items():
    print(f"{name} {value.shape}:\n{value}")
A1, y_hat = bp.xor.forward(params, X)
print("outputs y_hat:", y_hat.ravel())
print("loss L:", bp.xor.loss(params, X, t))

# %% [markdown]
# Every output is close to 0.5 and the loss is close to $0.25$: with small weights the
# hidden units sit near the middle of the sigmoid, and so does the output.
#
# **The gradient.** The delta rules of notebook 5 give, with $\odot$ the elementwise
# product and $\sigma'(Z) = \sigma(Z)(1 - \sigma(Z))$:
#
# $$\begin{aligned}
# dZ_2 &= \tfrac{2}{N}(\hat y - t) \odot \hat y\,(1 - \hat y) && (4, 1)\\
# dW_2 &= dZ_2^\top A_1, \qquad db_2 = \textstyle\sum_n dZ_2 && (1, 2),\ (1,)\\
# dA_1 &= dZ_2\, W_2 && (4, 2)\\
# dZ_1 &= dA_1 \odot A_1 (1 - A_1) && (4, 2)\\
# dW_1 &= dZ_1^\top X, \qquad db_1 = \textstyle\sum_n dZ_1 && (2, 2),\ (2,)
# \end{aligned}$$
#
# The hidden delta is where the slips happen: the error reaches a hidden unit only
# *through* the weight $W_2$ that connects it to the output, and it is then scaled by
# that unit's own slope $A_1(1 - A_1)$. One step of gradient descent moves every
# parameter against its gradient: $\theta \leftarrow \theta - \text{lr}\,\partial L/\partial\theta$.

# %% [markdown]
# ### Exercise 1: one gradient-descent step (5 points)
#
# Write `xor_step(params, X, t, lr)` returning `(new_params, loss)`:
#
# - `params` is a dict with keys `"W1"`, `"b1"`, `"W2"`, `"b2"` and the shapes above;
#   `X` has shape `(N, 2)` and `t` shape `(N, 1)` (the graded tests also use other data
#   than the four XOR points);
# - `loss` is $L$ at the parameters you were given (before the step), a `float`;
# - `new_params` is a **new** dict holding `params[name] - lr * dL/dparams[name]` for
#   every name; do not change the arrays in `params`;
# - use `bp.activations.sigmoid` and NumPy (`bp.xor.xor_step` and `bp.xor.gradients`
#   are switched off in this notebook).

# %% solution id="xor_step"
def xor_step(params, X, t, lr):
    """One full-batch gradient-descent step of a 2-2-1 sigmoid network.

    Parameters
    ----------
    params : dict of str to ndarray
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    X : ndarray of shape (N, 2)
    t : ndarray of shape (N, 1)
    lr : float

    Returns
    -------
    new_params : dict of str to ndarray
        Same keys and shapes: params[name] - lr * dL/dparams[name].
    loss : float
        L = mean over the N examples of (y_hat - t)**2, before the step.
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    A1 = bp.activations.sigmoid(X @ W1.T + b1)
    y_hat = bp.activations.sigmoid(A1 @ W2.T + b2)
    loss = float(np.sum((y_hat - t) ** 2) / N)
    dZ2 = 2.0 * (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = (dZ2 @ W2) * A1 * (1.0 - A1)
    grads = {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    new_params = {name: params[name] - lr * grads[name] for name in params}
    return new_params, loss
    ### END SOLUTION

# %% [markdown]
# Try it on the network of seed 283 with `lr = 0.5`. You should see the loss
# `0.250099` and `W2` moving from `[[ 0.132628 -0.624074]]` to
# `[[ 0.131755 -0.625014]]`: a tiny step, because the gradient is tiny here.

# %%
new_params, loss = xor_step(params, X, t, 0.5)
print("loss before the step:", loss)
print("W2 before:", params["W2"], " after:", new_params["W2"])

# %% tests id="xor_step__loss" points=1
"""xor_step returns the loss before the step."""
params_check = bp.xor.init_params(np.random.default_rng(61), init_scale=1.5)
result = bp.checks.call("xor_step", xor_step, params_check, X, t, 0.5)
_, loss_check = bp.checks.xor.step_gradients(result, params_check, 0.5)
bp.checks.close("loss returned by xor_step", loss_check, bp.xor.loss(params_check, X, t),
               batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(611, (6, 2))
t_check = bp.checks.testdata.probabilities(612, (6, 1))[1]
params_check = bp.xor.init_params(np.random.default_rng(613), init_scale=1.0)
result = bp.checks.call("xor_step", xor_step, params_check, X_check, t_check, 0.3)
_, loss_check = bp.checks.xor.step_gradients(result, params_check, 0.3)
bp.checks.close("loss returned by xor_step on 6 hidden examples", loss_check,
               bp.xor.loss(params_check, X_check, t_check), batch_size=6)
### END HIDDEN TESTS

# %% tests id="xor_step__output_layer" points=1
"""The step moves W2 and b2 against a numerical gradient of the loss."""
params_check = bp.xor.init_params(np.random.default_rng(61), init_scale=1.5)
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X, t, 0.5), params_check, 0.5)
for name in ("W2", "b2"):
    bp.checks.gradient(f"(params['{name}'] - new_params['{name}']) / lr", grads[name],
                      lambda value: bp.xor.loss({**params_check, name: value}, X, t),
                      params_check[name], batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(621, (5, 2))
t_check = bp.checks.testdata.probabilities(622, (5, 1))[1]
params_check = bp.xor.init_params(np.random.default_rng(623), init_scale=1.2)
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X_check, t_check, 0.7), params_check, 0.7)
for name in ("W2", "b2"):
    bp.checks.gradient(f"(params['{name}'] - new_params['{name}']) / lr on hidden data",
                      grads[name],
                      lambda value: bp.xor.loss({**params_check, name: value}, X_check, t_check),
                      params_check[name], batch_size=5)
### END HIDDEN TESTS

# %% tests id="xor_step__hidden_layer" points=2
"""The step moves W1 and b1 against a numerical gradient of the loss."""
params_check = bp.xor.init_params(np.random.default_rng(61), init_scale=1.5)
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X, t, 0.5), params_check, 0.5)
for name in ("W1", "b1"):
    bp.checks.gradient(f"(params['{name}'] - new_params['{name}']) / lr", grads[name],
                      lambda value: bp.xor.loss({**params_check, name: value}, X, t),
                      params_check[name], batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(631, (7, 2))
t_check = bp.checks.testdata.probabilities(632, (7, 1))[1]
params_check = bp.xor.init_params(np.random.default_rng(633), init_scale=1.2)
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X_check, t_check, 0.2), params_check, 0.2)
for name in ("W1", "b1"):
    bp.checks.gradient(f"(params['{name}'] - new_params['{name}']) / lr on hidden data",
                      grads[name],
                      lambda value: bp.xor.loss({**params_check, name: value}, X_check, t_check),
                      params_check[name], batch_size=7)
### END HIDDEN TESTS

# %% tests id="xor_step__update" points=1
"""new_params is params - lr * gradient for any lr, and params is left unchanged."""
params_check = bp.xor.init_params(np.random.default_rng(62), init_scale=1.5)
saved = {name: value.copy() for name, value in params_check.items()}
expected_grads, _ = bp.checks.testdata.expected(bp.xor.gradients, params_check, X, t)
for lr_check in (0.1, 2.0):
    result = bp.checks.call(f"xor_step with lr={lr_check}", xor_step, params_check, X, t, lr_check)
    bp.checks.true(all(np.array_equal(saved[n], params_check[n]) for n in saved),
                  "xor_step changed the arrays in params; build new arrays for new_params "
                  "(params[name] - lr * grad, not params[name] -= ...)", "in-place")
    grads, _ = bp.checks.xor.step_gradients(result, params_check, lr_check)
    for name in ("W1", "W2"):
        bp.checks.close(f"(params['{name}'] - new_params['{name}']) / lr with lr={lr_check}",
                       grads[name], expected_grads[name], tol=1e-7)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(641, (3, 2))
t_check = bp.checks.testdata.probabilities(642, (3, 1))[1]
params_check = bp.xor.init_params(np.random.default_rng(643), init_scale=1.0)
expected_grads, _ = bp.checks.testdata.expected(bp.xor.gradients, params_check, X_check, t_check)
result = bp.checks.call("xor_step with lr=0.05", xor_step, params_check, X_check, t_check, 0.05)
grads, _ = bp.checks.xor.step_gradients(result, params_check, 0.05)
for name in ("b1", "b2"):
    bp.checks.close(f"(params['{name}'] - new_params['{name}']) / lr on hidden data",
                   grads[name], expected_grads[name], tol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Training, the plateau and the escape
#
# Training repeats the step. Every run in this notebook is full-batch: each step uses
# all four examples.

# %% [markdown]
# ### Exercise 2: training from a seed (3 points)
#
# Write `train_xor(seed, lr, n_iterations)` returning `(params, losses)`:
#
# - start from `bp.xor.init_params(np.random.default_rng(seed))` on the data
#   `X, t = bp.xor.xor_data()`;
# - take `n_iterations` steps with your `xor_step`;
# - `losses` has shape `(n_iterations,)`; `losses[i]` is the loss returned by step `i`
#   (so `losses[0]` is the loss of the initial parameters);
# - `params` are the parameters after the last step.

# %% solution id="train_xor"
def train_xor(seed, lr, n_iterations):
    """Train a 2-2-1 sigmoid network on XOR by full-batch gradient descent.

    Parameters
    ----------
    seed : int
        Seed of the generator that draws the initial parameters.
    lr : float
    n_iterations : int

    Returns
    -------
    params : dict of str to ndarray
        The parameters after n_iterations steps.
    losses : ndarray of shape (n_iterations,)
        The loss before each step.
    """
    ### BEGIN SOLUTION
    X, t = bp.xor.xor_data()
    params = bp.xor.init_params(np.random.default_rng(seed))
    losses = np.zeros(n_iterations)
    for i in range(n_iterations):
        params, losses[i] = xor_step(params, X, t, lr)
    return params, losses
    ### END SOLUTION

# %% [markdown]
# Try it: 10,000 steps with `lr = 0.5` from seed 283 take a second or two. You should
# see outputs near `[0.029 0.968 0.973 0.025]` and a final loss near `0.0008`.

# %%
trained, losses = train_xor(283, 0.5, 10_000)
print("outputs after 10,000 steps:", bp.xor.forward(trained, X)[1].ravel())
print("final loss:", losses[-1])

# %% tests id="train_xor__losses" points=1
"""train_xor records the loss before each step, starting from the seed's parameters."""
_, losses_check = bp.checks.call("train_xor", train_xor, 5, 0.5, 40)
bp.checks.true(np.shape(losses_check) == (40,),
              f"losses should have shape (40,) for 40 iterations; got {np.shape(losses_check)}",
              "shape")
start = bp.xor.init_params(np.random.default_rng(5))
bp.checks.close("losses[0] (the loss of init_params(np.random.default_rng(5)))", losses_check[0],
               bp.xor.loss(start, X, t))
bp.checks.close("losses", losses_check, bp.checks.testdata.expected(bp.xor.train_xor, 5, 0.5, 40)[1],
               tol=1e-7)
### BEGIN HIDDEN TESTS
_, losses_check = bp.checks.call("train_xor", train_xor, 23, 0.9, 25)
bp.checks.close("losses for 25 hidden steps from seed 23 with lr 0.9", losses_check,
               bp.checks.testdata.expected(bp.xor.train_xor, 23, 0.9, 25)[1], tol=1e-7)
### END HIDDEN TESTS

# %% tests id="train_xor__learns" points=2
"""Training from seed 283 with lr 0.5 learns XOR: all outputs within 0.1 of their targets."""
final, _ = bp.checks.call("train_xor", train_xor, 283, 0.5, 10_000)
outputs = bp.xor.forward(final, X)[1].ravel()
bp.checks.true(np.all(np.abs(outputs - t.ravel()) < 0.1),
              f"after 10,000 steps from seed 283 the outputs are {np.round(outputs, 3)}; "
              f"every one should be within 0.1 of its target {t.ravel()}", "not-learned")
### BEGIN HIDDEN TESTS
final, losses_check = bp.checks.call("train_xor", train_xor, 17, 1.3, 300)
expected_params, expected_losses = bp.checks.testdata.expected(bp.xor.train_xor, 17, 1.3, 300)
for name in ("W1", "W2", "b2"):
    bp.checks.close(f"params['{name}'] after 300 steps from seed 17 with lr 1.3", final[name],
                   expected_params[name], tol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# **The outputs over training.** The table follows the same network (seed 283,
# `lr = 0.5`) at the iterations the lecture notes show. It is read from snapshots that
# `bp.explore.xor.snapshots` saves every 100 iterations.

# %%
snap = bp.explore.xor.snapshots(seed=283, lr=0.5, n_iterations=10_000, every=100)
print("iteration   (0,0) (0,1) (1,0) (1,1)      loss")
print("target       0     1     1     0")
for iteration in (0, 1000, 2000, 3000, 5000, 10_000):
    k = iteration // 100
    outputs = bp.xor.forward({n: v[k] for n, v in snap["params"].items()}, X)[1].ravel()
    print(f"{iteration:9d}   " + " ".join(f"{o:5.2f}" for o in outputs)
          + f"   {snap['losses'][k]:.5f}")

# %% [markdown]
# For 2000 iterations nothing seems to happen: every output stays near 0.5. Then, between
# iterations 2000 and 3000, the outputs split towards their targets, and by 5000 they
# are within 0.1. The loss curve of your own run shows the same story as a long flat
# **plateau** near $L = 0.25$ followed by a fast drop.

# %%
ax = bp.explore.plotting.plot_loss_curve(losses, label="seed 283, lr 0.5")
ax.axhline(0.25, color="grey", ls=":", lw=1)
ax.set(xlabel="iteration", ylabel="loss L", title="The plateau, then the escape")
plt.show()

# %% [markdown]
# Why a plateau? With small weights both hidden units respond almost the same way to
# the four inputs, and the best the output can do with them is the constant 0.5, which
# costs exactly $L = 0.25$. Near that point the gradient is small (you saw entries of
# order $10^{-4}$ in Exercise 1), so progress is slow. The small differences between
# the two hidden units grow step by step until the units specialise; then the gradient
# becomes large and the loss falls quickly.

# %% [markdown]
# ## 4. What the hidden layer learns
#
# Left: the network's output over the input square, with its decision boundary
# ($\hat y = 0.5$, black). Right: the four points as the hidden layer sees them, at
# $A_1 = (a_1, a_2)$, and the line where the output unit gives 0.5,
# $W_2 a + b_2 = 0$. The output unit is a single sigmoid unit, so in hidden space its
# boundary is a straight line. After training, the hidden layer has moved the four
# points so that a line **does** separate them.

# %%
fig, axes = plt.subplots(2, 2, figsize=(8, 8), layout="constrained")
for row, k in zip(axes, (0, len(snap["iterations"]) - 1)):
    p = {n: v[k] for n, v in snap["params"].items()}
    bp.explore.xor.draw_boundary(snap["grid"][k], row[0],
                                 title=f"input space, iteration {snap['iterations'][k]}")
    bp.explore.xor.draw_hidden(snap["A1"][k], p["W2"], p["b2"], row[1],
                               title=f"hidden space, iteration {snap['iterations'][k]}")
plt.show()

# %% [markdown]
# At iteration 0 the four hidden points lie almost on top of each other. At iteration
# 10,000 the two points with target 0, (0,0) and (1,1), land on the same spot of hidden
# space, and the two with target 1 lie on the other side of one line. Each hidden unit
# is itself a sigmoid of a line in input space: in this run one unit is on only for
# (1,0), the other is on for every point except (0,1). Those are the two black lines on
# the left; the output unit combines them into a band.
#
# **Explore.** Move the iteration slider. The training run is computed once when the
# cell runs; the slider only picks a saved snapshot. Watch the boundary stay blurred
# through the plateau and then bend into a band between iterations 2000 and 3000, while
# the hidden points pull apart and the marker on the loss curve drops off the plateau.

# %%
bp.explore.xor.xor_explorer(seed=283, lr=0.5, n_iterations=10_000, every=100)

# %% [markdown]
# ## 5. Many networks at once
#
# Seed 283 learned XOR; not every seed does. Some runs stay on the plateau longer than
# any budget you give them; others settle in a **local minimum** where one or two points
# stay wrong. To ask "how often does training succeed?" you train many networks from
# different random starts. A Python loop over 1000 networks would call NumPy a million
# times for tiny arrays. Instead, **stack** the parameters of S networks along a new
# leading axis, the *seed axis*: `W1` of shape `(S, 2, 2)`, `b1` `(S, 2)`, `W2`
# `(S, 1, 2)`, `b2` `(S, 1)`. Every activation gets the same leading axis: `A1` is
# `(S, 4, 2)` and `y_hat` is `(S, 4, 1)`. One NumPy call then does the work of S
# networks.
#
# `np.einsum` states the products with a letter per axis. Network `s`'s first layer,
# $Z_1[s] = X\, W_1[s]^\top + b_1[s]$, is
#
# ```python
# Z1 = np.einsum("ni,sji->snj", X, W1) + b1[:, None, :]
# ```
#
# `n` is the example, `i` the input, `j` the hidden unit, and a letter that appears in
# the inputs but not in the output is summed over. The rule that keeps networks apart:
# **`s` must appear in the output of every product**. If it is missing from the output,
# the product sums over networks and mixes them; if two different operands carry
# different seed letters, each network is multiplied by every other one's weights.
# Matrix products broadcast over leading axes too, so `X @ W1.transpose(0, 2, 1)` is the
# same product. `bp.xor.forward` accepts stacked parameters:

# %%
stack = bp.xor.init_batch(np.random.default_rng(0), 3)
print({name: value.shape for name, value in stack.items()})
A1_stack, y_hat_stack = bp.xor.forward(stack, X)
print("A1:", A1_stack.shape, " y_hat:", y_hat_stack.shape)
print("network 1 alone gives the same outputs:",
      np.allclose(y_hat_stack[1], bp.xor.forward({n: v[1] for n, v in stack.items()}, X)[1]))

# %% [markdown]
# ### Exercise 3: gradients of many networks at once (5 points)
#
# Write `batched_gradients(params, X, t)` returning `(grads, losses)` for S stacked
# networks:
#
# - `params` has the stacked shapes above; `X` is `(N, 2)` and `t` is `(N, 1)`, shared
#   by every network;
# - `grads` is a dict with the keys of `params`, each gradient the shape of its stacked
#   parameter, and `grads[name][s]` exactly the gradient that network `s` alone would
#   have (the formulas of section 2, for each network);
# - `losses` has shape `(S,)`: the loss $L$ of each network;
# - no Python loop over networks.
#
# Speed matters here, because Exercise 4 calls this function 10,000 times on stacks of
# 1000 networks. Three things keep each call fast:
#
# - the sigmoid below, $\sigma(z) = \tfrac12\big(1 + \tanh(z/2)\big)$, is the same
#   function as `bp.activations.sigmoid` in one NumPy call, safe for every $z$
#   (the package's version checks its input first, which costs more than the arithmetic
#   on arrays this small);
# - `np.einsum(..., optimize=True)` lets NumPy use a fast matrix product for the two
#   products with `X`;
# - sums over examples, which run along axis 1 (axis 0 is the seed axis), are fastest
#   as einsums too: `np.einsum("snj->sj", dZ1)` is `dZ1.sum(axis=1)`.

# %%
def sigmoid(z):
    """Logistic sigmoid, (1 + tanh(z / 2)) / 2: no overflow, one NumPy call."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


print("largest difference from bp.activations.sigmoid on [-40, 40]:",
      np.max(np.abs(sigmoid(np.linspace(-40, 40, 801))
                    - bp.activations.sigmoid(np.linspace(-40, 40, 801)))))

# %% solution id="batched_gradients"
def batched_gradients(params, X, t):
    """Gradients of the mean squared error of S stacked 2-2-1 sigmoid networks.

    Parameters
    ----------
    params : dict of str to ndarray
        W1 (S, 2, 2), b1 (S, 2), W2 (S, 1, 2), b2 (S, 1).
    X : ndarray of shape (N, 2)
    t : ndarray of shape (N, 1)

    Returns
    -------
    grads : dict of str to ndarray
        Each the shape of its stacked parameter; grads[name][s] is network s's gradient.
    losses : ndarray of shape (S,)
        Each network's loss.
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    A1 = sigmoid(np.einsum("ni,sji->snj", X, W1, optimize=True) + b1[:, None, :])
    y_hat = sigmoid(np.einsum("snj,skj->snk", A1, W2) + b2[:, None, :])
    losses = np.einsum("snk->s", (y_hat - t) ** 2) / N
    dZ2 = 2.0 * (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = np.einsum("snk,skj->snj", dZ2, W2) * A1 * (1.0 - A1)
    grads = {"W1": np.einsum("snj,ni->sji", dZ1, X, optimize=True),
             "b1": np.einsum("snj->sj", dZ1),
             "W2": np.einsum("snk,snj->skj", dZ2, A1),
             "b2": np.einsum("snk->sk", dZ2)}
    return grads, losses
    ### END SOLUTION

# %% [markdown]
# Try it on the three stacked networks. You should see the losses
# `[0.283787 0.259553 0.259642]` and `grads["b2"]` equal to
# `[[ 0.079452] [ 0.046941] [-0.047941]]` (one row per network).

# %%
grads_stack, losses_stack = batched_gradients(stack, X, t)
print("losses:", losses_stack)
print("grads['b2']:\n", grads_stack["b2"])

# %% tests id="batched_gradients__shapes" points=1
"""Every stacked gradient has the shape of its parameter; losses has shape (S,)."""
stack_check = bp.xor.init_batch(np.random.default_rng(71), 3, init_scale=1.0)
grads_check, losses_check = bp.checks.call("batched_gradients", batched_gradients,
                                          stack_check, X, t)
for name, value in stack_check.items():
    bp.checks.true(np.shape(grads_check[name]) == value.shape,
                  f"grads['{name}'] should have shape {value.shape}, like params['{name}']; "
                  f"got {np.shape(grads_check[name])}", "shape")
bp.checks.true(np.shape(losses_check) == (3,),
              f"losses should have shape (3,), one per network; got {np.shape(losses_check)}",
              "shape")

# %% tests id="batched_gradients__per_seed" points=2
"""Network s's slice of every batched gradient equals its own single-network gradient."""
stack_check = bp.xor.init_batch(np.random.default_rng(72), 3, init_scale=1.0)
grads_check, _ = bp.checks.call("batched_gradients", batched_gradients, stack_check, X, t)
for s in range(3):
    single, _ = bp.checks.testdata.expected(bp.xor.gradients,
                                     {n: v[s] for n, v in stack_check.items()}, X, t)
    for name in ("W1", "b1", "W2", "b2"):
        bp.checks.close(f"grads['{name}'][{s}]", np.asarray(grads_check[name])[s], single[name],
                       batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(721, (6, 2))
t_check = bp.checks.testdata.probabilities(722, (6, 1))[1]
stack_check = bp.xor.init_batch(np.random.default_rng(723), 5, init_scale=1.3)
grads_check, _ = bp.checks.call("batched_gradients", batched_gradients, stack_check,
                               X_check, t_check)
for s in range(5):
    single, _ = bp.checks.testdata.expected(bp.xor.gradients,
                                     {n: v[s] for n, v in stack_check.items()}, X_check, t_check)
    for name in ("W1", "b1", "W2", "b2"):
        bp.checks.close(f"grads['{name}'][{s}] on hidden data", np.asarray(grads_check[name])[s],
                       single[name], batch_size=6)
### END HIDDEN TESTS

# %% tests id="batched_gradients__numerical" points=1
"""The stacked gradient matches a numerical gradient of the sum of the networks' losses."""
stack_check = bp.xor.init_batch(np.random.default_rng(73), 2, init_scale=1.0)
grads_check, _ = bp.checks.call("batched_gradients", batched_gradients, stack_check, X, t)
for name in ("W1", "W2"):
    bp.checks.gradient(f"grads['{name}']", grads_check[name],
                      lambda value: float(np.sum(bp.xor.loss({**stack_check, name: value}, X, t))),
                      stack_check[name], batch_size=4)

# %% tests id="batched_gradients__losses" points=1
"""losses holds each network's loss."""
stack_check = bp.xor.init_batch(np.random.default_rng(74), 4, init_scale=1.0)
_, losses_check = bp.checks.call("batched_gradients", batched_gradients, stack_check, X, t)
bp.checks.close("losses", losses_check, bp.xor.loss(stack_check, X, t), batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(741, (5, 2))
t_check = bp.checks.testdata.probabilities(742, (5, 1))[1]
stack_check = bp.xor.init_batch(np.random.default_rng(743), 6, init_scale=0.8)
_, losses_check = bp.checks.call("batched_gradients", batched_gradients, stack_check,
                                X_check, t_check)
bp.checks.close("losses on hidden data", losses_check, bp.xor.loss(stack_check, X_check, t_check),
               batch_size=5)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4: the success rate (3 points)
#
# Write `success_rate(n_seeds, lr, n_iterations, init_scale, rng)` returning
# `(rate, y_hat)`:
#
# - draw `params = bp.xor.init_batch(rng, n_seeds, init_scale)` (use the `rng` given)
#   and train all the networks together on `X, t = bp.xor.xor_data()`: `n_iterations`
#   updates `params[name] - lr * grads[name]` with your `batched_gradients`;
# - `y_hat` has shape `(n_seeds, 4)`: every network's four outputs after training
#   (`bp.xor.forward(params, X)` returns them with shape `(n_seeds, 4, 1)`);
# - a network **succeeds** when all four outputs are within 0.1 of their targets;
#   `rate` is the fraction that succeed, a `float`;
# - a loop over iterations is fine; no loop over networks.

# %% solution id="success_rate"
def success_rate(n_seeds, lr, n_iterations, init_scale, rng):
    """Fraction of random initialisations from which gradient descent learns XOR.

    Parameters
    ----------
    n_seeds : int
        Number of networks S, trained together.
    lr : float
    n_iterations : int
    init_scale : float
        Standard deviation of the initial parameters.
    rng : numpy.random.Generator

    Returns
    -------
    rate : float
        Fraction of networks whose outputs all end within 0.1 of their targets.
    y_hat : ndarray of shape (n_seeds, 4)
        Every network's outputs after training.
    """
    ### BEGIN SOLUTION
    X, t = bp.xor.xor_data()
    params = bp.xor.init_batch(rng, n_seeds, init_scale)
    for _ in range(n_iterations):
        grads, _ = batched_gradients(params, X, t)
        params = {name: params[name] - lr * grads[name] for name in params}
    y_hat = bp.xor.forward(params, X)[1][:, :, 0]
    success = np.all(np.abs(y_hat - t[:, 0]) < 0.1, axis=1)
    return float(np.mean(success)), y_hat
    ### END SOLUTION

# %% [markdown]
# Try it with 200 networks and 3000 iterations. You should see `0.28`: after 3000
# steps, 28% of the networks have all four outputs within 0.1.

# %%
rate, y_final = success_rate(200, 0.5, 3000, 0.5, np.random.default_rng(6))
print("success rate:", rate, " outputs of the first network:", y_final[0])

# %% tests id="success_rate__outputs" points=1
"""Each network's outputs equal those of the same network trained on its own."""
n_check, lr_check, steps_check = 3, 0.5, 200
rate_check, y_check = bp.checks.call("success_rate", success_rate, n_check, lr_check, steps_check,
                                    0.5, np.random.default_rng(81))
start = bp.xor.init_batch(np.random.default_rng(81), n_check, 0.5)
bp.checks.close("y_hat (one row per network)", y_check,
               bp.checks.testdata.expected(bp.checks.xor.loop_outputs, start, X, t, lr_check,
                                    steps_check), tol=1e-7)
### BEGIN HIDDEN TESTS
n_check, lr_check, steps_check = 4, 2.0, 300
rate_check, y_check = bp.checks.call("success_rate", success_rate, n_check, lr_check, steps_check,
                                    1.0, np.random.default_rng(811))
start = bp.xor.init_batch(np.random.default_rng(811), n_check, 1.0)
bp.checks.close("y_hat for 4 hidden networks", y_check,
               bp.checks.testdata.expected(bp.checks.xor.loop_outputs, start, X, t, lr_check,
                                    steps_check), tol=1e-7)
### END HIDDEN TESTS

# %% tests id="success_rate__rate" points=2
"""The success rate agrees with an independent computation (criterion: all within 0.1)."""
rate_check, y_check = bp.checks.call("success_rate", success_rate, 200, 0.5, 3000, 0.5,
                                    np.random.default_rng(6))
expected_rate, _ = bp.checks.testdata.expected(bp.xor_batch.success_rate, 200, 0.5, 3000, 0.5,
                                        np.random.default_rng(6))
bp.checks.true(np.ndim(rate_check) == 0, "rate should be one number", "shape")
bp.checks.close("rate for 200 networks, lr 0.5, 3000 iterations", rate_check, expected_rate,
               tol=1e-9)
### BEGIN HIDDEN TESTS
rate_check, y_check = bp.checks.call("success_rate", success_rate, 150, 1.5, 1500, 1.0,
                                    np.random.default_rng(822))
expected_rate, _ = bp.checks.testdata.expected(bp.xor_batch.success_rate, 150, 1.5, 1500, 1.0,
                                        np.random.default_rng(822))
bp.checks.close("rate for 150 hidden networks", rate_check, expected_rate, tol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. How often does XOR get learned?
#
# Now the real question: 1000 random initialisations, `lr = 0.5`, 10,000 iterations,
# all trained at once by your `success_rate`. This is one array computation on arrays
# with a leading axis of 1000; it takes a few seconds.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    rate, y_final = success_rate(1000, 0.5, 10_000, 0.5, np.random.default_rng(6))
    worst = np.max(np.abs(y_final - t.ravel()), axis=1)
    print(f"success rate over 1000 initialisations: {rate:.1%}")
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    ax.hist(worst, bins=np.linspace(0, 1, 41))
    ax.axvline(0.1, color="k", ls="--", lw=1)
    ax.set(xlabel="largest |y_hat - t| of a network after training", ylabel="networks",
           title="Most networks end within 0.1 of every target; some do not")
    plt.show()

# %% [markdown]
# You should see 84.8%: about 85% of the networks learn XOR within 10,000 iterations.
# The networks to the right of the dashed line failed: some are still on the plateau
# (errors near 0.5), others sit in a local minimum with one or two points wrong.
#
# **What changes the rate?** The study below trains 200 networks per setting for 10,000
# iterations with the package's batched code, all settings of one kind stacked into one
# array computation, and changes one thing at a time from the setting above: the
# learning rate, the scale of the initial weights, tanh instead of sigmoid in the
# hidden layer, and binary cross-entropy instead of the squared error. It takes several
# seconds, and the graded run skips it (`success_study` then returns `None`).

# %%
rates = bp.explore.xor.success_study(n_seeds=200, n_iterations=10_000)
if rates is not None:
    for label, value in rates.items():
        print(f"{label:36s} {value:6.1%}")
    bp.explore.xor.plot_success_study(rates)
    plt.show()

# %% [markdown]
# Read the table with the budget in mind: "success" means success *within 10,000
# iterations*.
#
# - A **small learning rate** (0.1) almost never succeeds in time: the runs are not
#   stuck, they are still crossing the plateau. Larger rates (2 and 8) cross it sooner
#   and succeed at least as often as 0.5 here.
# - **Tiny initial weights** (scale 0.1) start the hidden units almost identical, so
#   the plateau lasts much longer. **Large initial weights** (scale 2) start many units
#   saturated, where the sigmoid is flat, and far more runs end in a **local minimum**.
# - **tanh hidden units** do not help in this setting: more runs end in a local minimum
#   than with sigmoid units. **Cross-entropy** removes the output's
#   $\hat y(1 - \hat y)$ factor ($dZ_2 = (\hat y - t)/N$), which speeds up the end of
#   training, but it does not rescue runs headed for a local minimum, so its rate is
#   close to the baseline.
#
# Most failures that remain are genuine local minima: training the failed networks
# four times longer rescues only a few of them, and in almost all the rest two of the
# four outputs sit on the wrong side of 0.5. Two hundred networks per setting give
# rates to within a few percent, so differences of a few points between bars are noise.

# %% [markdown]
# ## Summary
#
# - One sigmoid unit draws one line; XOR's classes lie on the two diagonals, so no line
#   separates them. A hidden layer of two units is enough.
# - Loss convention here: $L = \frac1N\sum_n(\hat y_n - t_n)^2$, so
#   $dZ_2 = \frac2N(\hat y - t)\odot\hat y(1-\hat y)$; the hidden delta is
#   $dZ_1 = (dZ_2 W_2)\odot A_1(1 - A_1)$.
# - Training from small weights shows a plateau near $L = 0.25$ (every output 0.5)
#   before the hidden units specialise and the loss drops.
# - The hidden layer moves the four points so that the output unit's line separates
#   them: it learns a representation in which the problem is linear.
# - Many networks train at once when the parameters carry a leading seed axis; every
#   product must keep that axis in its output, or networks get mixed.
# - Success is not guaranteed: it depends on the seed, the learning rate, the initial
#   scale and the iteration budget.
#
# ## Going further
#
# - Re-run the 1000-network experiment with 20,000 iterations: which failures were only
#   slow, and which are real local minima?
# - Give the hidden layer 3 or 4 units (only the shapes of `W1`, `b1` and `W2` change):
#   how does the success rate move?
# - Time `success_rate` against a Python loop over 100 networks to see what the seed
#   axis buys.
# - Next: **notebook 7** asks what happens to these gradients when the network is deep.
