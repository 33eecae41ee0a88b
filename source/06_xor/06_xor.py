# Backprop Lab, notebook 6: XOR.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 6. XOR
#
# *The smallest problem that needs a hidden layer, and what that layer learns.*
#
# **Estimated time:** 100 to 120 minutes. **Exercises:** 7, worth 21 points
# (two of them are one-point "predict, then run" checkpoints).
#
# **Loss:** half squared error, averaged over the four examples,
# $L = \frac1N \sum_n \tfrac12 (\hat y_n - t_n)^2$ with $N = 4$. The lecture's sum
# ([docs/lectures.md](../../docs/lectures.md))
# $\tfrac12 \sum_n (\hat y_n - t_n)^2$ is $N L = 4L$, and the mean squared error without
# the half, $\frac1N \sum_n (\hat y_n - t_n)^2$, is $2L$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md); where this
# leads: the [course map](../../README.md#course-map) and notebook 7.
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. explain why no single sigmoid unit can compute XOR (section 1), and say what loss
#    a network that answers 0.5 everywhere has
#    ([Checkpoint A](#Checkpoint-A:-the-loss-of-a-shrug-(1-point)));
# 2. derive and write one full-batch gradient-descent step of a 2-2-1 sigmoid network
#    ([Exercise 1](#Exercise-1:-one-gradient-descent-step-(5-points)));
# 3. train it, read the plateau and the escape in its outputs and loss, and explain the
#    plateau ([Exercise 2](#Exercise-2:-training-from-a-seed-(3-points)),
#    [Checkpoint B](#Checkpoint-B:-a-ten-times-larger-step-(1-point)));
# 4. see why one hidden layer can approximate any continuous function (section 5);
# 5. compute the gradients of many networks at once, with a seed axis that no product
#    ever mixes ([Exercise 3](#Exercise-3:-gradients-of-many-networks-at-once-(5-points)));
# 6. measure how often training succeeds over 1000 random initialisations, in one array
#    computation, and tell a slow run from a stuck one
#    ([Exercise 4](#Exercise-4:-the-success-rate-(3-points)));
# 7. derive the gradient of the same network with tanh hidden units
#    ([Exercise 5](#Exercise-5:-transfer:-tanh-hidden-units-(3-points))).
#
# **Prerequisites:** notebook 1 (the squared error), notebook 2 (gradient descent) and
# notebook 5 (the delta rules and backprop on a batch stored as rows).
#
# The checks work as in every notebook: relative error below $10^{-9}$ against an exact
# value, below $10^{-5}$ against a numerical derivative, and a diagnosis when an answer
# is off. Where you derive a gradient, the graded tests also ask for it exactly, to
# $10^{-12}$, which no finite difference reaches here. Graded versions of the checks also
# use inputs you cannot see.

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
if not bp.grading():  # pictures earn no points: the graded run skips them
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
# **The loss.** This notebook uses the course's convention from notebook 3 on: the half
# squared error of each example, averaged over the $N = 4$ examples,
#
# $$L = \frac{1}{N}\sum_{n=1}^{N} \tfrac12 (\hat y_n - t_n)^2 .$$
#
# The lecture this notebook follows ([docs/lectures.md](../../docs/lectures.md)) minimises
# the *sum* $E = \tfrac12\sum_n(\hat y_n - t_n)^2$ instead. It
# is exactly $E = N L = 4L$, so its gradient is 4 times ours, and a learning rate `lr`
# on $E$ takes the step that `4 * lr` takes here. Every learning rate and iteration
# count below is for $L$.
#
# The weights start small and random: every entry of every parameter is drawn from a
# normal distribution with standard deviation 0.5 (`bp.xor.init_params`). Seed 283 is
# the network this notebook follows.
#
# ### Checkpoint A: the loss of a shrug (1 point)
#
# With small weights every unit works near the middle of its sigmoid, and the network
# answers about 0.5 for every input: it shrugs. **What is $L$ for a network that answers
# exactly 0.5 for all four examples?** Replace the two lines under the comment in the
# next cell with one line, `predicted_loss = ...`, your answer as a number, before you
# run the cell after the test. The test cell records any number; the graded version of it
# judges yours.

# %% solution id="predict_plateau_loss"
# Your prediction, a number such as 0.3, in place of the two lines below:
### BEGIN SOLUTION
predicted_loss = 0.125
### END SOLUTION

# %% tests id="predict_plateau_loss__answer" points=1
"""Checkpoint A: the loss of a network that answers 0.5 everywhere: recorded."""
bp.checks.predictions.recorded("predicted_loss", globals())
### BEGIN HIDDEN TESTS
shrug = {name: np.zeros(np.shape(value))
         for name, value in bp.xor.init_params(np.random.default_rng(0)).items()}
bp.checks.predictions.judged("predicted_loss", globals(),
                             bp.xor.loss(shrug, *bp.xor.xor_data()), rel_tol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# Now the network of seed 283:

# %%
params = bp.xor.init_params(np.random.default_rng(283))
for name, value in params.items():
    print(f"{name} {value.shape}:\n{np.round(value, 6)}")
A1, y_hat = bp.xor.forward(params, X)
print("outputs y_hat:", np.round(y_hat.ravel(), 6))
print(f"loss L: {bp.xor.loss(params, X, t):.6f}")

# %% [markdown]
# Every output is within 0.015 of 0.5, and the loss is within 0.0001 of the shrug's:
# each error is about $\pm\frac12$, so each example costs about
# $\tfrac12 \cdot \tfrac14 = \frac18 = 0.125$, and so does their mean. Keep that number in mind: it
# will come back as the height of a plateau.
#
# ### Exercise 1: one gradient-descent step (5 points)
#
# Write `xor_step(params, X, t, lr)` returning `(new_params, loss)`:
#
# - `params` is a dict with keys `"W1"`, `"b1"`, `"W2"`, `"b2"` and the shapes above;
#   `X` has shape `(N, 2)` and `t` shape `(N, 1)` (the graded tests also use other data
#   than the four XOR points);
# - `loss` is $L$ at the parameters you were given (before the step), a `float`;
# - `new_params` is a **new** dict holding, for every name, `params[name]` minus `lr`
#   times the gradient of $L$ with respect to `params[name]` (an array of the same
#   shape); do not change the arrays in `params`;
# - derive the four gradients yourself, with the delta rules of notebook 5 for this
#   network and this loss, and write them with `bp.activations.sigmoid` and NumPy
#   (`bp.xor.xor_step` and `bp.xor.gradients` are switched off in this notebook).
#
# <details><summary>Hint 1</summary>
#
# Work backwards from the loss, one delta per layer, in batch form (one row per
# example): first `dZ2` $= \partial L / \partial Z_2$, shape `(N, 1)`, then
# `dZ1` $= \partial L/\partial Z_1$, shape `(N, 2)`. Each weight gradient then follows
# from its layer's delta and that layer's input, exactly as in notebook 5.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# For `dZ2`: differentiate one example's $\tfrac12(\hat y_n - t_n)^2$ with respect to
# $\hat y_n$, remember the $\frac1N$ of the mean, and multiply by the slope of the output
# sigmoid at $Z_{2,n}$. Notebook 5 showed how to write a sigmoid's slope from its output
# alone.
#
# </details>
#
# <details><summary>Hint 3</summary>
#
# For `dZ1`: the error reaches hidden unit $j$ only through the weight `W2[0, j]`, so
# first carry `dZ2` back through `W2` (a matrix product giving shape `(N, 2)`), then
# multiply entry by entry by each hidden unit's own sigmoid slope, written from `A1`.
# Then `dW1 = dZ1.T @ X`, `db1` sums `dZ1` over the examples, and the same for layer 2
# with `A1` as its input.
#
# </details>

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
        L = mean over the N examples of 1/2 (y_hat - t)**2, before the step.
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    A1 = bp.activations.sigmoid(X @ W1.T + b1)
    y_hat = bp.activations.sigmoid(A1 @ W2.T + b2)
    loss = float(0.5 * np.sum((y_hat - t) ** 2) / N)
    dZ2 = (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = (dZ2 @ W2) * A1 * (1.0 - A1)
    grads = {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    new_params = {name: params[name] - lr * grads[name] for name in params}
    return new_params, loss
    ### END SOLUTION

# %% [markdown]
# Try it on the network of seed 283 with `lr = 0.5`. You should see the loss
# `0.125049` and `W2` moving from `[[ 0.132628 -0.624074]]` to
# `[[ 0.132191 -0.624544]]`: a tiny step, because the gradient is tiny here.

# %%
new_params, loss = xor_step(params, X, t, 0.5)
print(f"loss before the step: {loss:.6f}")
print("W2 before:", np.round(params["W2"], 6), " after:", np.round(new_params["W2"], 6))

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
def xor_case(name, function, keys, seed, init_scale, N=None, *, lr=None, hidden="sigmoid"):
    """What parameter_gradients checks: the gradients function gives for the 2-2-1 network.

    The network is drawn from seed, on the notebook's X and t, or, given N, from seed + 2
    on N examples drawn from seed. With lr, function is a step, and its gradients are
    read back from the step it took.
    """
    data = (X, t) if N is None else bp.checks.fixtures.labelled_points(seed, N)
    params_ = bp.xor.init_params(np.random.default_rng(seed + (0 if N is None else 2)),
                                 init_scale=init_scale)
    if lr is None:
        grads_, label = bp.checks.call(name, function, params_, *data), "grads[{key!r}]"
    else:
        grads_, _ = bp.checks.xor.step_gradients(
            bp.checks.call(name, function, params_, *data, lr), params_, lr)
        label = "(params[{key!r}] - new_params[{key!r}]) / lr"
    return dict(grads=grads_, loss=lambda p, *d: bp.xor.loss(p, *d, hidden=hidden),
                params=params_, data=data, keys=keys, label=label, batch_size=len(data[0]))

bp.checks.fixtures.parameter_gradients(**xor_case("xor_step", xor_step, ("W2", "b2"), 61, 1.5,
                                                  lr=0.5))
### BEGIN HIDDEN TESTS
bp.checks.fixtures.parameter_gradients(**xor_case("xor_step", xor_step, ("W2", "b2"), 621, 1.2,
                                                  5, lr=0.7), where=" on hidden data")
### END HIDDEN TESTS

# %% tests id="xor_step__hidden_layer" points=2
"""The step moves W1 and b1 against a numerical gradient of the loss, and exactly."""
bp.checks.fixtures.parameter_gradients(**xor_case("xor_step", xor_step, ("W1", "b1"), 61, 1.5,
                                                  lr=0.5))
params_check = bp.xor.init_params(np.random.default_rng(64), init_scale=1.5)
# a step of lr = 1024 (a power of two) gives the gradient back to the last few digits
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X, t, 1024.0), params_check, 1024.0)
exact, _ = bp.checks.testdata.expected(bp.xor.gradients, params_check, X, t)
for name in ("W1", "b1"):
    bp.checks.formula(f"(params['{name}'] - new_params['{name}']) / lr, to the last digits",
                      grads[name], exact[name], batch_size=4)
### BEGIN HIDDEN TESTS
bp.checks.fixtures.parameter_gradients(**xor_case("xor_step", xor_step, ("W1", "b1"), 631, 1.2,
                                                  7, lr=0.2), where=" on hidden data")
X_check, t_check = bp.checks.fixtures.labelled_points(631, 7)
params_check = bp.xor.init_params(np.random.default_rng(633), init_scale=1.2)
# a step of lr = 1024 (a power of two) gives the gradient back to the last few digits
grads, _ = bp.checks.xor.step_gradients(
    bp.checks.call("xor_step", xor_step, params_check, X_check, t_check, 1024.0),
    params_check, 1024.0)
exact, _ = bp.checks.testdata.expected(bp.xor.gradients, params_check, X_check, t_check)
for name in bp.xor.PARAMS:
    bp.checks.formula(f"(params['{name}'] - new_params['{name}']) / lr on hidden data",
                      grads[name], exact[name], batch_size=7)
### END HIDDEN TESTS

# %% tests id="xor_step__update" points=1
"""new_params is params - lr * gradient for any lr, and params is left unchanged."""
params_check = bp.xor.init_params(np.random.default_rng(62), init_scale=1.5)
saved = {name: value.copy() for name, value in params_check.items()}
implied = {}
for lr_check in (0.1, 2.0):
    result = bp.checks.call(f"xor_step with lr={lr_check}", xor_step, params_check, X, t, lr_check)
    bp.checks.true(all(np.array_equal(saved[n], params_check[n]) for n in saved),
                   "xor_step changed the arrays in params; build new arrays for new_params "
                   "(params[name] - lr * grad, not params[name] -= ...)", "in-place")
    implied[lr_check], _ = bp.checks.xor.step_gradients(result, params_check, lr_check)
for name in ("W1", "W2"):
    bp.checks.close(f"(params['{name}'] - new_params['{name}']) / lr: lr=2.0 against lr=0.1",
                    implied[2.0][name], implied[0.1][name], tol=1e-7)
    bp.checks.gradient(f"(params['{name}'] - new_params['{name}']) / lr with lr=2.0",
                       implied[2.0][name],
                       lambda value: bp.xor.loss({**params_check, name: value}, X, t),
                       params_check[name], batch_size=4)
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
# **What you just derived.** With $\odot$ the entry-by-entry product, and the sigmoid's
# slope written from its output, $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$:
#
# $$\begin{aligned}
# dZ_2 &= \tfrac{1}{N}(\hat y - t) \odot \hat y\,(1 - \hat y) && (N, 1)\\
# dW_2 &= dZ_2^\top A_1, \qquad db_2 = \textstyle\sum_n dZ_2 && (1, 2),\ (1,)\\
# dZ_1 &= (dZ_2\, W_2) \odot A_1 (1 - A_1) && (N, 2)\\
# dW_1 &= dZ_1^\top X, \qquad db_1 = \textstyle\sum_n dZ_1 && (2, 2),\ (2,)
# \end{aligned}$$
#
# In code, `dZ2 = (y_hat - t) / N * y_hat * (1 - y_hat)` and
# `dZ1 = (dZ2 @ W2) * A1 * (1 - A1)`. The half in the loss cancels the 2 of the square's
# derivative, which is why the course keeps it. The hidden delta is where the slips
# happen: the error reaches a hidden unit only *through* the weight $W_2$ that connects it
# to the output, and it is then scaled by that unit's own slope $A_1(1 - A_1)$.

# %% [markdown]
# ## 3. Training, the plateau and the escape
#
# Training repeats the step. Every run in this notebook is full-batch: each step uses
# all four examples.
#
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
# see the outputs `[0.056 0.938 0.947 0.05 ]` and a final loss of `0.001544`.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    trained, losses = train_xor(283, 0.5, 10_000)
    print("outputs after 10,000 steps:", np.round(bp.xor.forward(trained, X)[1].ravel(), 3))
    print(f"final loss: {losses[-1]:.6f}")

# %% tests id="train_xor__losses" points=1
"""train_xor starts from the seed's parameters, steps against the gradient, records each loss."""
with bp.checks.earlier.blamed("train_xor", globals(), ["xor_step"]):
    _, losses_check = bp.checks.call("train_xor", train_xor, 5, 0.7, 40)
    bp.checks.true(np.shape(losses_check) == (40,),
                   f"losses should have shape (40,) for 40 iterations; got {np.shape(losses_check)}",
                   "shape")
    start = bp.xor.init_params(np.random.default_rng(5))
    bp.checks.close("losses[0] (the loss of init_params(np.random.default_rng(5)))", losses_check[0],
                    bp.xor.loss(start, X, t))
    one_step, _ = bp.checks.call("train_xor", train_xor, 5, 0.7, 1)
    for name in ("W1", "W2"):
        bp.checks.gradient(f"(start['{name}'] - params['{name}']) / lr after one step of train_xor",
                           (start[name] - np.asarray(one_step[name])) / 0.7,
                           lambda value: bp.xor.loss({**start, name: value}, X, t), start[name],
                           batch_size=4)
    bp.checks.close("losses[1] (the loss after one step)", losses_check[1],
                    bp.xor.loss(one_step, X, t))
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("train_xor", globals(), ["xor_step"]):
    _, losses_check = bp.checks.call("train_xor", train_xor, 23, 0.9, 25)
    bp.checks.close("losses for 25 hidden steps from seed 23 with lr 0.9", losses_check,
                    bp.checks.testdata.expected(bp.xor.train_xor, 23, 0.9, 25)[1], tol=1e-7)
### END HIDDEN TESTS

# %% tests id="train_xor__learns" points=2
"""Training from seed 283 learns XOR: all outputs within 0.1 of their targets."""
with bp.checks.earlier.blamed("train_xor", globals(), ["xor_step"]):
    final, _ = bp.checks.call("train_xor", train_xor, 283, 3.0, 2000)
    outputs = bp.xor.forward(final, X)[1].ravel()
    bp.checks.true(np.all(np.abs(outputs - t.ravel()) < 0.1),
                   f"after 2000 steps of lr 3 from seed 283 the outputs are {np.round(outputs, 3)}; "
                   f"every one should be within 0.1 of its target {t.ravel()}", "not-learned")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("train_xor", globals(), ["xor_step"]):
    final, losses_check = bp.checks.call("train_xor", train_xor, 17, 1.3, 300)
    expected_params, expected_losses = bp.checks.testdata.expected(bp.xor.train_xor, 17, 1.3, 300)
    for name in ("W1", "W2", "b2"):
        bp.checks.close(f"params['{name}'] after 300 steps from seed 17 with lr 1.3", final[name],
                        expected_params[name], tol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# **The outputs over training.** The table follows the same network (seed 283,
# `lr = 0.5`) at the iterations the lecture shows. It is read from snapshots that
# `bp.explore.xor.snapshots` saves every 100 iterations.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    snap = bp.explore.xor.snapshots(seed=283, lr=0.5, n_iterations=10_000, every=100)
    print("iteration   (0,0) (0,1) (1,0) (1,1)      loss")
    print("target       0     1     1     0")
    for iteration in (0, 1000, 2000, 3000, 5000, 10_000):
        k = iteration // 100
        outputs = bp.xor.forward({n: v[k] for n, v in snap["params"].items()}, X)[1].ravel()
        print(f"{iteration:9d}   " + " ".join(f"{o:5.2f}" for o in outputs)
              + f"   {snap['losses'][k]:.5f}")

# %% [markdown]
# For 3000 iterations nothing seems to happen: every output stays near 0.5 and the loss
# near the shrug's 0.125. By iteration 5000 the outputs have begun to split apart, and
# by 10,000 all four are within 0.1 of their targets. The loss curve of your own run tells
# the same story: a long flat **plateau** at $L \approx 0.125$, then a fast drop.

# %%
if not bp.grading():
    ax = bp.explore.plotting.plot_loss_curve(losses, label="seed 283, lr 0.5")
    ax.axhline(0.125, color="grey", ls=":", lw=1)
    ax.set(xlabel="iteration", ylabel="loss L", title="The plateau, then the escape")
    plt.show()

# %% [markdown]
# **Why a plateau?** Any four numbers, one per input, split into an *affine* part,
# $a + b_1 x_1 + b_2 x_2$, and a multiple of the XOR pattern
# $s = (+1, -1, -1, +1)$ over the inputs $(0,0), (0,1), (1,0), (1,1)$. No affine function
# has any of the pattern $s$ in it (the two parts are orthogonal), so each part can be
# scored on its own. Call the XOR part of the outputs
# $c = \frac14 \sum_n s_n \hat y_n$. The targets $t = (0, 1, 1, 0)$ are the constant
# $\frac12$ minus $\frac12 s$: their affine part is the constant $0.5$ and their XOR part
# is $-\frac12$. The loss splits the same way, and the XOR part alone costs
#
# $$L \;\ge\; \tfrac12\big(c + \tfrac12\big)^2 ,$$
#
# with equality when the affine part fits, that is when the outputs' affine part is the
# constant 0.5. So while $c$ stays near 0, nothing brings $L$ below $\tfrac12 \cdot
# \tfrac14 = 0.125$: the best affine fit to XOR is the constant 0.5, the shrug.
#
# And $c$ does stay near 0 for a long time. With small weights each hidden unit works on
# the nearly straight middle part of its sigmoid, so over the unit square it is nearly
# an affine function of $x$, and the output, a sigmoid of a small weighted sum of the
# hidden units, is nearly affine too. The cell below prints $c$ along the run: it starts
# at about $10^{-5}$, its size grows three- to fivefold every thousand steps, and only
# when it reaches a few hundredths does the loss visibly fall. The gradient on the plateau is
# small for the same reason (the cell prints its largest entries at the start): the
# affine part already fits, and the part that matters, the growth of $c$, is driven by
# curvatures of sigmoids that small weights barely use.

# %%
if not bp.grading():  # reads snap, which the graded run does not compute
    pattern = np.array([1.0, -1.0, -1.0, 1.0])
    print("iteration    XOR part c    loss L    bound (c + 1/2)^2 / 2")
    for iteration in (0, 1000, 2000, 3000, 4000, 5000, 6000, 10_000):
        k = iteration // 100
        outputs = bp.xor.forward({n: v[k] for n, v in snap["params"].items()}, X)[1].ravel()
        c = pattern @ outputs / 4
        print(f"{iteration:9d}   {c:+.2e}   {snap['losses'][k]:.6f}   {(c + 0.5) ** 2 / 2:.6f}")
    start_gradient = {name: bp.numdiff.gradient(lambda v: bp.xor.loss({**params, name: v}, X, t),
                                                params[name]) for name in ("W1", "W2")}
    for name, value in start_gradient.items():
        print(f"largest |d{name}| at iteration 0 (numerical): {np.max(np.abs(value)):.1e}")

# %% [markdown]
# ### Checkpoint B: a ten times larger step (1 point)
#
# On the plateau the steps are tiny. Suppose you train the same network (seed 283) with
# `lr = 5` instead of 0.5. **How many iterations does it need before its loss first falls
# below 0.05, compared with `lr = 0.5`?**
#
# - `"A"`: about as many;
# - `"B"`: about 10 times fewer;
# - `"C"`: about 100 times fewer;
# - `"D"`: it never gets there: a step this large makes training diverge.
#
# Replace the two lines under the comment with `lr5_answer = "..."`, one of the four
# letters, then run the test and the demo after it. The test cell records any of the
# four; the graded version judges which.

# %% solution id="predict_large_step"
# Your choice, "A", "B", "C" or "D", in place of the two lines below:
### BEGIN SOLUTION
lr5_answer = "B"
### END SOLUTION

# %% tests id="predict_large_step__answer" points=1
"""Checkpoint B: how much sooner lr = 5 leaves the plateau than lr = 0.5: recorded."""
bp.checks.predictions.recorded("lr5_answer", globals(), choices=("A", "B", "C", "D"))
### BEGIN HIDDEN TESTS
escape_check = bp.explore.xor_study.escape_steps(seed=283, lrs=(0.5, 1.0, 2.0, 5.0))
if escape_check[3] < 0:
    right_letter = "D"
else:
    right_letter = "ABC"[int(np.clip(np.round(np.log10(escape_check[0] / escape_check[3])), 0, 2))]
bp.checks.predictions.judged("lr5_answer", globals(), right_letter, choices=("A", "B", "C", "D"))
### END HIDDEN TESTS

# %%
if not bp.grading():  # work that earns no points: the graded run skips it
    escape = bp.explore.xor_study.escape_steps(seed=283, lrs=(0.5, 1.0, 2.0, 5.0))
    for lr_demo, steps in zip((0.5, 1.0, 2.0, 5.0), escape):
        print(f"lr {lr_demo:3.1f}: loss first below 0.05 after {steps:5d} iterations;"
              f"  lr x iterations = {lr_demo * steps:6.0f}")

# %% [markdown]
# Ten times the learning rate, ten times fewer iterations: the product `lr * iterations`
# is nearly the same for every rate in the table. Along the plateau the gradient changes
# slowly, so ten small steps and one step ten times as long land in almost the same
# place: gradient descent follows one path, and the learning rate only sets how fast it
# walks along it. That stays true as long as one step does not overshoot the bends of
# the path; the success study below shows rates from 0.1 to 8.

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
if not bp.grading():
    fig, axes = plt.subplots(2, 2, figsize=(8, 8), layout="constrained")
    for row, k in zip(axes, (0, len(snap["iterations"]) - 1)):
        p = {n: v[k] for n, v in snap["params"].items()}
        bp.explore.xor.draw_boundary(snap["grid"][k], row[0],
                                     title=f"input space, iteration {snap['iterations'][k]}")
        bp.explore.xor.draw_hidden(snap["A1"][k], p["W2"], p["b2"], row[1],
                                   title=f"hidden space, iteration {snap['iterations'][k]}")
    plt.show()

# %% [markdown]
# At iteration 0 the four hidden points sit close together near $(0.5, 0.5)$. At
# iteration 10,000 the two points with target 0, (0,0) and (1,1), land on the same spot
# of hidden space, and the two with target 1 lie on the other side of one line. Each
# hidden unit is itself a sigmoid of a line in input space: in this run one unit is on
# only for (1,0), the other is on for every point except (0,1). Those are the two black
# lines on the left; the output unit combines them into a band.
#
# **Explore.** Move the iteration slider. The training run is computed once when the
# cell runs; the slider only picks a saved snapshot. Watch the boundary stay blurred
# through the plateau and then bend into a band between iterations 4000 and 6000, while
# the hidden points pull apart and the marker on the loss curve drops off the plateau.

# %%
bp.explore.xor.xor_explorer(seed=283, lr=0.5, n_iterations=10_000, every=100)

# %% [markdown]
# ## 5. How much can one hidden layer do?
#
# Two hidden units were enough for XOR. With more of them, one hidden layer can get as
# close as you like to **any continuous function** on a bounded interval: this is the
# *universal approximation theorem* (Cybenko 1989 for sigmoids, Hornik 1991 in general).
# Here is why, for one input and one output, with tanh hidden units and a linear output
# (a 1-H-1 network).
#
# A tanh unit with a large weight $s$ is a smooth **step**: $\tfrac12\big(1 + \tanh(s(x -
# m))\big)$ climbs from 0 to 1 near $x = m$. Cut $[-1, 1]$ into $H$ equal pieces with
# knots $x_0 < x_1 < \dots < x_H$, give unit $k$ its step in the middle of piece $k$, and
# give that step the height $f(x_k) - f(x_{k-1})$ through the output weight. The output
# unit adds the steps to $f(x_0)$, so at each knot the sum is close to $f$ there: a
# staircase through the curve. For a continuous $f$ the stairs shrink as the knots close
# in, and so does the error. `bp.universal.staircase_params` writes these weights down
# (no training); the cell prints the largest error on $[-1, 1]$ as $H$ doubles.

# %%
for H in (2, 4, 8, 16, 32, 64):
    print(f"H = {H:2d} hidden units: largest error for sin(3x) "
          f"{bp.universal.staircase_error('sin(3x)', H):.4f}, for |x| "
          f"{bp.universal.staircase_error('|x|', H):.4f}")

# %% [markdown]
# Each doubling of $H$ halves the error, or a little better. The theorem promises that
# *some* weights exist, not that gradient descent finds them, nor that the number of
# units needed is small: for a wiggly function or many inputs it can be huge. Notebook 7 asks what
# stacking layers buys instead.
#
# **Explore.** Choose the target and the number of hidden units; the faint curves are
# the single steps (shown up to 12 units), the bold one their sum. Make the steps blunt
# (small sharpness) or sharp: where is the error smallest, and why does a sharp step make
# the staircase visible?

# %%
bp.explore.universal.staircase_explorer()

# %% [markdown]
# ## 6. Many networks at once
#
# Seed 283 learned XOR; not every seed does. Some runs stay on the plateau longer than
# any budget you give them; others get two of the four points right and stall on the
# other two. To ask "how often does training succeed?" you train many networks from
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
#   have (what you derived in Exercise 1, for each network);
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


z_demo = np.linspace(-40, 40, 801)
print("same as bp.activations.sigmoid on [-40, 40] to 1e-15:",
      bool(np.max(np.abs(sigmoid(z_demo) - bp.activations.sigmoid(z_demo))) < 1e-15))

# %% solution id="batched_gradients"
def batched_gradients(params, X, t):
    """Gradients of the loss L of S stacked 2-2-1 sigmoid networks.

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
    losses = 0.5 * np.einsum("snk->s", (y_hat - t) ** 2) / N
    dZ2 = (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = np.einsum("snk,skj->snj", dZ2, W2) * A1 * (1.0 - A1)
    grads = {"W1": np.einsum("snj,ni->sji", dZ1, X, optimize=True),
             "b1": np.einsum("snj->sj", dZ1),
             "W2": np.einsum("snk,snj->skj", dZ2, A1),
             "b2": np.einsum("snk->sk", dZ2)}
    return grads, losses
    ### END SOLUTION

# %% [markdown]
# Try it on the three stacked networks. You should see the losses
# `[0.141893 0.129777 0.129821]` and `grads["b2"]` equal to
# `[[ 0.039726] [ 0.023471] [-0.02397 ]]` (one row per network).

# %%
grads_stack, losses_stack = batched_gradients(stack, X, t)
print("losses:", np.round(losses_stack, 6))
print("grads['b2']:\n", np.round(grads_stack["b2"], 6))

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
"""Network s's slice of every batched gradient is the numerical gradient of its own loss."""
stack_check = bp.xor.init_batch(np.random.default_rng(72), 3, init_scale=1.0)
grads_check, _ = bp.checks.call("batched_gradients", batched_gradients, stack_check, X, t)
for s in range(3):
    single = {n: v[s] for n, v in stack_check.items()}
    for name in ("W1", "b1", "W2", "b2"):
        bp.checks.gradient(f"grads['{name}'][{s}]", np.asarray(grads_check[name])[s],
                           lambda value: bp.xor.loss({**single, name: value}, X, t),
                           single[name], batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(721, (6, 2))
t_check = bp.checks.testdata.probabilities(722, (6, 1))[1]
stack_check = bp.xor.init_batch(np.random.default_rng(723), 5, init_scale=1.3)
grads_check, _ = bp.checks.call("batched_gradients", batched_gradients, stack_check,
                                X_check, t_check)
for s in range(5):
    single, _ = bp.checks.testdata.expected(bp.xor.gradients,
                                            {n: v[s] for n, v in stack_check.items()},
                                            X_check, t_check)
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
# Try it with 200 networks and 6000 iterations. You should see `0.28`: after 6000
# steps, 28% of the networks have all four outputs within 0.1.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    rate, y_final = success_rate(200, 0.5, 6000, 0.5, np.random.default_rng(6))
    print("success rate:", rate, " outputs of the first network:", np.round(y_final[0], 3))

# %% tests id="success_rate__outputs" points=1
"""After one step, each network's outputs are those of its own gradient step."""
with bp.checks.earlier.blamed("success_rate", globals(), ["batched_gradients"]):
    n_check, lr_check = 3, 0.5
    rate_check, y_hat_check = bp.checks.call("success_rate", success_rate, n_check, lr_check, 1,
                                         0.5, np.random.default_rng(81))
    start = bp.xor.init_batch(np.random.default_rng(81), n_check, 0.5)
    stepped = {name: value - lr_check * bp.numdiff.gradient(
                   lambda v: float(np.sum(bp.xor.loss({**start, name: v}, X, t))), value)
               for name, value in start.items()}
    bp.checks.close("y_hat after one step (one row per network)", y_hat_check,
                    bp.xor.forward(stepped, X)[1][:, :, 0], tol=1e-7)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("success_rate", globals(), ["batched_gradients"]):
    n_check, lr_check, steps_check = 4, 2.0, 300
    rate_check, y_hat_check = bp.checks.call("success_rate", success_rate, n_check, lr_check, steps_check,
                                         1.0, np.random.default_rng(811))
    start = bp.xor.init_batch(np.random.default_rng(811), n_check, 1.0)
    bp.checks.close("y_hat for 4 hidden networks", y_hat_check,
                    bp.checks.testdata.expected(bp.checks.xor.loop_outputs, start, X, t, lr_check,
                                                steps_check), tol=1e-7)
### END HIDDEN TESTS

# %% tests id="success_rate__rate" points=2
"""The success rate is the fraction of networks whose outputs are all within 0.1."""
with bp.checks.earlier.blamed("success_rate", globals(), ["batched_gradients"]):
    rate_check, y_hat_check = bp.checks.call("success_rate", success_rate, 40, 2.0, 1500, 0.5,
                                         np.random.default_rng(6))
    bp.checks.true(np.ndim(rate_check) == 0, "rate should be one number", "shape")
    bp.checks.true(np.shape(y_hat_check) == (40, 4),
                   f"y_hat should have shape (40, 4); got {np.shape(y_hat_check)}", "shape")
    far = np.max(np.abs(np.asarray(y_hat_check) - t.ravel()), axis=1)
    bp.checks.close("rate for 40 networks, against the fraction of rows of y_hat within 0.1",
                    rate_check, np.mean(far < 0.1), tol=1e-9)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("success_rate", globals(), ["batched_gradients"]):
    rate_check, y_hat_check = bp.checks.call("success_rate", success_rate, 150, 1.5, 1500, 1.0,
                                         np.random.default_rng(822))
    expected_rate, _ = bp.checks.testdata.expected(bp.xor.success_rate, 150, 1.5, 1500, 1.0,
                                                   np.random.default_rng(822))
    bp.checks.close("rate for 150 hidden networks", rate_check, expected_rate, tol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ## 7. How often does XOR get learned?
#
# Now the real question: 1000 random initialisations, `lr = 0.5`, 10,000 iterations,
# all trained at once by your `success_rate`. This is one array computation on arrays
# with a leading axis of 1000; it takes several seconds.

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
# You should see 70.5%. The networks to the right of the dashed line failed, and most of
# them in the same way: their largest error sits just above 0.5. Are they stuck in a
# **local minimum**, a point where every direction goes uphill? For this network the
# answer is known, and it is no: the error surface of the 2-2-1 XOR network has no local
# minimum at finite weights (Hamey 1998; Sprinkhuizen-Kuyper and Boers 1998 and 1999).
# Every point where its gradient vanishes is a saddle, with some direction downhill.
# What holds the failed runs are valleys that keep sloping gently down as the weights
# grow, and never end. The next cell trains the failed networks 20,000 steps more and
# records, every 10,000 steps, the size of all their weights and their loss.

# %%
drift = bp.explore.xor_study.failure_drift(worst >= 0.1) if not bp.grading() else None
if drift is not None:  # several seconds more; the graded run skips it
    print(f"{np.sum(worst >= 0.1)} failed networks, trained on:")
    print("iteration   median size of weights   median loss   loss went down   weights grew")
    for k, step in enumerate(drift["steps"]):
        down = "" if k == 0 else f"{np.mean(drift['losses'][k] < drift['losses'][k - 1]):.0%}"
        grew = "" if k == 0 else f"{np.mean(drift['norms'][k] > drift['norms'][k - 1]):.0%}"
        print(f"{step:9d}   {np.median(drift['norms'][k]):22.2f}   "
              f"{np.median(drift['losses'][k]):11.6f}   {down:>14s}   {grew:>12s}")
    print("still failing:", int(np.sum(drift["losses"][-1] > 0.01)), "networks")
    fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    ax.plot(drift["norms"], drift["losses"], color="C0", alpha=0.15)
    ax.axhline(1 / 16, color="k", ls=":", lw=1)
    ax.set(xlabel="size of all the weights (Euclidean norm)", ylabel="loss L", yscale="log",
           title="Failed runs: the loss creeps down while the weights grow")
    plt.show()

# %% [markdown]
# Every failed network's loss went down in every block, and every one's weights grew:
# none of them is sitting at a minimum. About half of them find their way out within
# the 20,000 extra steps (their loss drops to near 0); most of the rest creep towards
# $L = \frac1{16} = 0.0625$ (dotted), the loss of a network with two outputs right and
# the other two stuck at 0.5: $\frac14 \cdot 2 \cdot \tfrac12 \cdot \tfrac14$. They
# approach such a value only as their weights grow without bound, saturating sigmoids
# where the surface is ever flatter. For gradient descent with a fixed budget that looks
# like a local minimum, but it is a slope too gentle to finish.
#
# **What changes the rate?** The study below trains 200 networks per setting for 10,000
# iterations with the package's batched code, all settings of one kind stacked into one
# array computation, and changes one thing at a time from the setting above: the
# learning rate, the scale of the initial weights, tanh instead of sigmoid in the
# hidden layer, and binary cross-entropy instead of the squared error. It takes several
# seconds, and the graded run skips it (`success_study` then returns `None`).

# %%
rates = bp.explore.xor_study.success_study(n_seeds=200, n_iterations=10_000)
if rates is not None:
    for label, value in rates.items():
        print(f"{label:36s} {value:6.1%}")
    bp.explore.xor_study.plot_success_study(rates)
    plt.show()

# %% [markdown]
# Read the table with the budget in mind: "success" means success *within 10,000
# iterations*.
#
# - A **small learning rate** (0.1) never succeeds in time: the runs are not stuck, they
#   are still crossing the plateau (Checkpoint B: it takes `lr * iterations` of about
#   2800). Larger rates (2 and 8) cross it sooner and succeed more often than 0.5 here.
# - **Tiny initial weights** (scale 0.1) start the XOR part $c$ of the outputs far closer
#   to 0, so the plateau lasts far longer than the budget. **Large initial weights**
#   (scale 2) start many units saturated, where the sigmoid is flat, and far more runs
#   end in the slow valleys above.
# - **tanh hidden units** do a little worse than sigmoid units here (Exercise 5 derives
#   their gradient).
# - **Cross-entropy** removes the output's $\hat y(1 - \hat y)$ factor from $dZ_2$. On
#   the plateau, where $\hat y \approx 0.5$, that factor is $\frac14$, so cross-entropy
#   walks the plateau about as fast as the squared error with a 4 times larger learning
#   rate, and its rate is close to that of lr 2.
#
# Two hundred networks per setting give rates to within a few percent, so differences
# of a few points between bars are noise: the baseline is the setting of the
# 1000-network run above with other random draws, and it gives 74.5% against 70.5%.

# %% [markdown]
# ## 8. Transfer: tanh hidden units
#
# The study above swapped the hidden sigmoids for tanh, $A_1 = \tanh(Z_1)$, keeping the
# sigmoid output unit and the loss $L$. Its gradient is one you have not seen in any cell
# of the course.
#
# ### Exercise 5: transfer: tanh hidden units (3 points)
#
# Write `tanh_gradients(params, X, t)` returning a dict `grads` with the keys
# `"W1"`, `"b1"`, `"W2"`, `"b2"`: the gradient of $L$ with respect to each parameter, in
# that parameter's shape, for the 2-2-1 network
#
# $$A_1 = \tanh(X W_1^\top + b_1), \qquad \hat y = \sigma(A_1 W_2^\top + b_2),
# \qquad L = \frac1N\sum_n \tfrac12(\hat y_n - t_n)^2 ,$$
#
# with `X` of shape `(N, 2)` and `t` of shape `(N, 1)`. Derive it; use NumPy,
# `np.tanh` and `bp.activations.sigmoid` (`bp.xor.tanh_gradients` is switched off here).
#
# <details><summary>Hint 1</summary>
#
# Only one factor of Exercise 1's backward pass depends on the hidden activation. Find
# it, and replace it.
#
# </details>
#
# <details><summary>Hint 2</summary>
#
# The factor is the hidden units' slope, $h'(Z_1)$. Notebook 4 differentiated tanh; as
# for the sigmoid, write its slope from the unit's *output* `A1`, not from `Z1`
# (notebook 4's first classic slip is to mix up the two).
#
# </details>

# %% solution id="tanh_gradients"
def tanh_gradients(params, X, t):
    """Gradient of L for the 2-2-1 network with tanh hidden units and a sigmoid output.

    params holds W1 (2, 2), b1 (2,), W2 (1, 2) and b2 (1,), as for xor_step; X has shape
    (N, 2) and t shape (N, 1). Returns a dict grads with the same four keys, grads[name]
    being dL/dparams[name] in the shape of params[name].
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = len(X)
    A1 = np.tanh(X @ W1.T + b1)
    y_hat = bp.activations.sigmoid(A1 @ W2.T + b2)
    dZ2 = (y_hat - t) / N * y_hat * (1.0 - y_hat)
    dZ1 = (dZ2 @ W2) * (1.0 - A1 ** 2)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    ### END SOLUTION

# %% [markdown]
# Try it on the network of seed 283 with tanh hidden units: you should see
# `grads["b1"]` equal to `[ 0.001932 -0.00514 ]`. The tests compare your gradient with
# central differences of `bp.xor.loss(params, X, t, hidden="tanh")`, the loss of this
# network.

# %%
print("grads['b1']:", np.round(tanh_gradients(params, X, t)["b1"], 6))

# %% tests id="tanh_gradients__output_layer" points=1
"""tanh_gradients: dW2 and db2 match a numerical gradient of the loss."""
bp.checks.fixtures.parameter_gradients(**xor_case("tanh_gradients", tanh_gradients, ("W2", "b2"),
                                                  91, 1.5, hidden="tanh"))
### BEGIN HIDDEN TESTS
bp.checks.fixtures.parameter_gradients(**xor_case("tanh_gradients", tanh_gradients, ("W2", "b2"),
                                                  911, 1.2, 5, hidden="tanh"),
                                       where=" on hidden data")
### END HIDDEN TESTS

# %% tests id="tanh_gradients__hidden_layer" points=1
"""tanh_gradients: dW1 and db1 match a numerical gradient of the loss."""
bp.checks.fixtures.parameter_gradients(**xor_case("tanh_gradients", tanh_gradients, ("W1", "b1"),
                                                  92, 1.5, hidden="tanh"))
### BEGIN HIDDEN TESTS
bp.checks.fixtures.parameter_gradients(**xor_case("tanh_gradients", tanh_gradients, ("W1", "b1"),
                                                  921, 1.4, 6, hidden="tanh"),
                                       where=" on hidden data")
### END HIDDEN TESTS

# %% tests id="tanh_gradients__exact" points=1
"""tanh_gradients returns every gradient in its parameter's shape, and exactly."""
params_check = bp.xor.init_params(np.random.default_rng(93), init_scale=1.0)
grads_check = bp.checks.call("tanh_gradients", tanh_gradients, params_check, X, t)
bp.checks.true(isinstance(grads_check, dict) and set(grads_check) >= set(bp.xor.PARAMS),
               f"tanh_gradients should return a dict with keys {bp.xor.PARAMS}; got "
               f"{type(grads_check).__name__}", "keys")
for name in bp.xor.PARAMS:
    bp.checks.true(np.shape(grads_check[name]) == np.shape(params_check[name]),
                   f"grads['{name}'] should have shape {np.shape(params_check[name])}; got "
                   f"{np.shape(grads_check[name])}", "shape")
exact, _ = bp.checks.testdata.expected(bp.xor.tanh_gradients, params_check, X, t)
for name in bp.xor.PARAMS:
    bp.checks.formula(f"grads['{name}'], to the last digits", grads_check[name], exact[name],
                      batch_size=4)
### BEGIN HIDDEN TESTS
X_check = bp.checks.testdata.points(931, (7, 2), -3.0, 3.0)
t_check = bp.checks.testdata.probabilities(932, (7, 1))[1]
params_check = bp.xor.init_params(np.random.default_rng(933), init_scale=1.3)
grads_check = bp.checks.call("tanh_gradients", tanh_gradients, params_check, X_check, t_check)
exact, _ = bp.checks.testdata.expected(bp.xor.tanh_gradients, params_check, X_check, t_check)
for name in bp.xor.PARAMS:
    bp.checks.formula(f"grads['{name}'] on hidden data", grads_check[name], exact[name],
                      batch_size=7)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Only the hidden slope changes: tanh's slope, written from
# its output, is $1 - \tanh^2(z) = 1 - A_1^2$, so
#
# $$dZ_1 = (dZ_2\, W_2) \odot (1 - A_1^2),$$
#
# in code `dZ1 = (dZ2 @ W2) * (1 - A1**2)` (or `1 - A1*A1`), and everything else is
# Exercise 1's. The
# slope of tanh at 0 is 1, four times the sigmoid's $\frac14$: a signal passes back
# through a tanh unit near 0 four times stronger. Notebook 7 follows that factor through
# many layers.

# %% [markdown]
# ## Summary
#
# - One sigmoid unit draws one line; XOR's classes lie on the two diagonals, so no line
#   separates them. A hidden layer of two units is enough.
# - Loss convention here: $L = \frac1N\sum_n\tfrac12(\hat y_n - t_n)^2$, so
#   $dZ_2 = \frac1N(\hat y - t)\odot\hat y(1-\hat y)$; the hidden delta is
#   $dZ_1 = (dZ_2 W_2)\odot A_1(1 - A_1)$, or $\odot(1 - A_1^2)$ for tanh units.
# - Training from small weights shows a plateau at $L \approx 0.125$, the loss of the best
#   affine fit (the constant 0.5), until the outputs' XOR part grows from nearly 0; then
#   the loss drops. A larger learning rate walks the same path in fewer steps.
# - The hidden layer moves the four points so that the output unit's line separates
#   them: it learns a representation in which the problem is linear. With enough hidden
#   units, one layer approximates any continuous function.
# - Many networks train at once when the parameters carry a leading seed axis; every
#   product must keep that axis in its output, or networks get mixed.
# - Success is not guaranteed: it depends on the seed, the learning rate, the initial
#   scale and the iteration budget. Failed runs are not at local minima (this network
#   has none at finite weights); they creep down valleys while their weights grow.
#
# ## Going further
#
# - Re-run the 1000-network experiment with 20,000 iterations: how many failures were
#   only slow?
# - Give the hidden layer 3 or 4 units (only the shapes of `W1`, `b1` and `W2` change):
#   how does the success rate move? (With three hidden units, a genuine local minimum
#   does exist: Sprinkhuizen-Kuyper and Boers 1999.)
# - Time `success_rate` against a Python loop over 100 networks to see what the seed
#   axis buys.
# - Next: **notebook 7** asks what happens to these gradients when the network is deep.
