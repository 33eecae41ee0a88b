# Backprop Lab, notebook 1: loss functions and numerical derivatives.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 1. Loss functions
#
# *How wrong is a prediction, and which way should it move?*
#
# **Estimated time:** 60 to 75 minutes. **Exercises:** 5, worth 14 points.
#
# **Loss:** this notebook defines them: per-example losses $\ell$, and the loss of a dataset as their mean, $L = \frac1N \sum_n \ell_n$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. compute the mean squared error of a batch of predictions ([Exercise 1](#Exercise-1:-mean-squared-error-(3-points)));
# 2. derive its gradient with respect to the predictions and code it ([Exercise 2](#Exercise-2:-the-gradient-of-the-MSE-(3-points)));
# 3. compute binary cross-entropy without ever taking `log(0)` ([Exercise 3](#Exercise-3:-binary-cross-entropy,-safely-(3-points)));
# 4. derive and code the gradient of cross-entropy ([Exercise 4](#Exercise-4:-the-gradient-of-cross-entropy-(2-points)));
# 5. estimate a derivative with a central difference and explain why the step size
#    cannot be made as small as you like ([Exercise 5](#Exercise-5:-the-central-difference-(3-points))).
#
# **Prerequisites:** NumPy arrays, slicing and broadcasting; derivatives of
# polynomials, of $\log$ and of quotients.
#
# ## How the checks work
#
# Every exercise is followed by small test cells. Each one prints a line when your
# answer passes and otherwise tells you what is wrong: a flipped sign, a factor of 2,
# a wrong shape, a transposed matrix, a missing term, or simply the entry that is
# furthest off, with your value and the expected one.
#
# Answers are compared by **relative error**,
# $|\text{yours} - \text{expected}| \,/\, \max(|\text{yours}|, |\text{expected}|, 10^{-6})$,
# entry by entry. Against an exact value an answer passes below $10^{-9}$; against a
# numerical derivative (which you will build in this notebook) below $10^{-5}$. The
# same policy holds in every notebook of the course. The graded version of each test
# also tries points you cannot see, so make your code right, not just the visible
# example.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(1)

# %% [markdown]
# ## 1. One example, then a whole dataset
#
# A model turns an input $x$ into a prediction $\hat y$. A **loss** $\ell(\hat y, t)$
# scores that prediction against the target $t$: zero when they agree, larger the
# worse the miss. Training needs one number for the whole dataset of $N$ examples,
# and the course always uses the **mean of the per-example losses**:
#
# $$L = \frac{1}{N} \sum_{n=1}^{N} \ell(\hat y_n, t_n).$$
#
# The mean rather than the sum keeps $L$ on the same scale whatever $N$ is, so a
# learning rate that works for a batch of 10 also works for a batch of 1000.
#
# Predictions and targets are arrays of shape `(N,)` (one output per example) or
# `(N, n_out)` (several outputs per example, one example per row).

# %%
y_hat = np.array([0.9, 0.2, 0.6])
t = np.array([1.0, 0.0, 1.0])
per_example = (y_hat - t) ** 2
print("per-example squared errors:", per_example)
print("dataset loss (their mean): ", per_example.mean())

# %% [markdown]
# ## 2. Squared error, half squared error, mean squared error
#
# For one example with outputs $k = 1, \dots, n_\text{out}$ the **squared error** is
# $\ell = \sum_k (\hat y_k - t_k)^2$; its mean over the dataset is the **mean squared
# error** (MSE):
#
# $$L_\text{MSE} = \frac{1}{N} \sum_{n=1}^{N} \sum_{k} (\hat y_{nk} - t_{nk})^2 .$$
#
# Many texts use the **half** squared error $\tfrac12 (\hat y - t)^2$ instead. The
# half changes nothing about where the minimum is; it is there so that the derivative
# comes out clean: $\frac{d}{d\hat y} \tfrac12(\hat y - t)^2 = \hat y - t$, the plain
# error, with no stray 2. Forgetting which version you are differentiating is the most
# common way to be off by a factor of 2.
#
# With several outputs per example, notice the order of operations: sum over the
# outputs of one example, then average over examples. `np.mean` over the whole array
# would also divide by $n_\text{out}$.

# %%
Y_hat = np.array([[0.5, 1.0], [2.0, 0.0]])
T = np.array([[0.0, 1.0], [1.0, 1.0]])
print("per-example losses:        ", ((Y_hat - T) ** 2).sum(axis=1))
print("mean of per-example losses:", ((Y_hat - T) ** 2).sum(axis=1).mean())
print("np.mean of every entry:    ", np.mean((Y_hat - T) ** 2), "(half as much: it divides by N * n_out)")

# %% [markdown]
# ### Exercise 1: mean squared error (3 points)
#
# Write `mse(y_hat, t)`: the mean over examples of the per-example squared error.
#
# - `y_hat` and `t` have the same shape, `(N,)` or `(N, n_out)`;
# - return a Python `float`;
# - use NumPy only (`bp.losses.mse` is switched off in this notebook).

# %% solution id="mse"
def mse(y_hat, t):
    """Mean squared error of a batch of predictions.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
        Predictions, one example per row.
    t : ndarray of the shape of y_hat
        Targets.

    Returns
    -------
    float
        (1/N) * sum over examples n and outputs k of (y_hat[n, k] - t[n, k])**2.
    """
    ### BEGIN SOLUTION
    y_hat = np.asarray(y_hat, dtype=float)
    t = np.asarray(t, dtype=float)
    return float(np.sum((y_hat - t) ** 2) / len(y_hat))
    ### END SOLUTION

# %% [markdown]
# Try it. You should see `0.07` for the three predictions above, and `1.125` for the
# two-output batch.

# %%
print(mse(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])))
print(mse(Y_hat, T))

# %% tests id="mse__one_output" points=1
"""mse of a batch with one output per example."""
y_hat_check = np.array([0.9, 0.2, 0.6, -1.0])
t_check = np.array([1.0, 0.0, 1.0, 0.5])
bp.checks.close("mse(y_hat, t)", bp.checks.call("mse", mse, y_hat_check, t_check),
               bp.checks.testdata.expected(bp.losses.mse, y_hat_check, t_check), batch_size=4)
### BEGIN HIDDEN TESTS
for seed in (101, 102):
    y_hat_check, t_check = bp.checks.testdata.batch(seed, (7,))
    bp.checks.close("mse(y_hat, t) on a hidden batch of 7",
                   bp.checks.call("mse", mse, y_hat_check, t_check),
                   bp.checks.testdata.expected(bp.losses.mse, y_hat_check, t_check), batch_size=7)
### END HIDDEN TESTS

# %% tests id="mse__several_outputs" points=1
"""mse sums over outputs and averages over examples."""
bp.checks.close("mse(Y_hat, T) for 2 examples with 2 outputs",
               bp.checks.call("mse", mse, Y_hat, T), bp.checks.testdata.expected(bp.losses.mse, Y_hat, T),
               batch_size=2)
### BEGIN HIDDEN TESTS
y_hat_check, t_check = bp.checks.testdata.batch(103, (5, 3))
bp.checks.close("mse(y_hat, t) on a hidden (5, 3) batch",
               bp.checks.call("mse", mse, y_hat_check, t_check),
               bp.checks.testdata.expected(bp.losses.mse, y_hat_check, t_check), batch_size=5)
### END HIDDEN TESTS

# %% tests id="mse__returns_float" points=1
"""mse returns one number."""
value = bp.checks.call("mse", mse, np.array([1.0, 2.0]), np.array([0.0, 0.0]))
bp.checks.true(np.ndim(value) == 0,
              f"mse should return a single number; it returned shape {np.shape(value)}", "shape")
bp.checks.close("mse([1, 2], [0, 0])", value, 2.5)

# %% [markdown]
# ## 3. The gradient of the MSE
#
# Gradient descent needs $\partial L / \partial \hat y$: how the loss changes when one
# prediction moves. Only one term of the double sum contains $\hat y_{nk}$, so
#
# $$\frac{\partial L_\text{MSE}}{\partial \hat y_{nk}} = \frac{1}{N} \cdot 2(\hat y_{nk} - t_{nk}) .$$
#
# Three things to notice. The gradient has **the shape of what it differentiates**:
# one entry per prediction, shape `(N,)` or `(N, n_out)`. Its sign points *uphill*:
# where $\hat y > t$ it is positive, so a step against it lowers $\hat y$. And the
# $1/N$ from the mean survives into every entry.

# %% [markdown]
# ### Exercise 2: the gradient of the MSE (3 points)
#
# Write `mse_grad(y_hat, t)` returning $\partial L_\text{MSE} / \partial \hat y$, an
# array of the shape of `y_hat`. Use the formula above: the graded tests also compare your
# gradient with the exact one at a tolerance of $10^{-12}$, which a formula meets and a
# finite-difference estimate of the gradient does not.

# %% solution id="mse_grad"
def mse_grad(y_hat, t):
    """Gradient of the mean squared error with respect to the predictions.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
    t : ndarray of the shape of y_hat

    Returns
    -------
    ndarray of the shape of y_hat
        2 * (y_hat - t) / N.
    """
    ### BEGIN SOLUTION
    y_hat = np.asarray(y_hat, dtype=float)
    t = np.asarray(t, dtype=float)
    return 2.0 * (y_hat - t) / len(y_hat)
    ### END SOLUTION

# %% [markdown]
# Try it: for the three predictions of section 1 you should see
# `[-0.066667  0.133333 -0.266667]`.

# %%
print(mse_grad(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])))

# %% tests id="mse_grad__shape" points=1
"""mse_grad has the shape of y_hat."""
grad = bp.checks.call("mse_grad", mse_grad, Y_hat, T)
bp.checks.true(np.shape(grad) == Y_hat.shape,
              f"mse_grad(Y_hat, T) should have shape {Y_hat.shape}, like Y_hat; "
              f"got {np.shape(grad)}", "shape")

# %% tests id="mse_grad__matches_numerical" points=2
"""mse_grad matches a central-difference gradient of the MSE."""
y_hat_check = np.array([0.9, 0.2, 0.6, -1.0])
t_check = np.array([1.0, 0.0, 1.0, 0.5])
bp.checks.gradient("mse_grad(y_hat, t)", bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                  lambda y: bp.losses.mse(y, t_check), y_hat_check, batch_size=4)
### BEGIN HIDDEN TESTS
for seed, shape in ((201, (6,)), (202, (4, 3))):
    y_hat_check, t_check = bp.checks.testdata.batch(seed, shape)
    bp.checks.gradient(f"mse_grad(y_hat, t) on a hidden {shape} batch",
                      bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                      lambda y: bp.losses.mse(y, t_check), y_hat_check, batch_size=shape[0])
y_hat_check, t_check = bp.checks.testdata.batch(203, (5, 2), scale=1e4)
bp.checks.formula("mse_grad(y_hat, t) on a hidden batch of large values",
                 bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                 bp.checks.testdata.expected(bp.losses.mse_grad, y_hat_check, t_check), batch_size=5)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Binary cross-entropy
#
# When the target is a label, 0 or 1, and the prediction is a probability
# $\hat y \in (0, 1)$ (the output of a sigmoid), the natural loss is the **binary
# cross-entropy**, the negative log-probability the model gave to the right answer:
#
# $$\ell_\text{BCE}(\hat y, t) = -\big[\, t \log \hat y + (1 - t) \log(1 - \hat y) \,\big],
# \qquad L_\text{BCE} = \frac{1}{N} \sum_{n} \sum_k \ell_\text{BCE}(\hat y_{nk}, t_{nk}).$$
#
# A confident wrong answer is punished without limit: $-\log \hat y \to \infty$ as
# $\hat y \to 0$ when $t = 1$. On a computer that limit is a problem. A sigmoid in
# float64 really does return exactly `0.0` or `1.0` for inputs beyond about 37, and
# then `np.log(0.0)` is `-inf`, and `0 * -inf` is `nan`:

# %%
p = np.array([1.0, 0.0])
with np.errstate(divide="ignore", invalid="ignore"):
    print("naive per-example BCE for t = 1, 0:", -(np.array([1.0, 0.0]) * np.log(p)
                                                   + np.array([0.0, 1.0]) * np.log(1 - p)))

# %% [markdown]
# Both examples are predicted *perfectly*, yet the naive formula returns `nan`. The
# standard cure is to **clip** the prediction into $[\varepsilon, 1 - \varepsilon]$
# before taking logs, with $\varepsilon = 10^{-12}$: a perfect prediction then costs
# about $10^{-12}$ and a perfectly wrong one about $-\log 10^{-12} \approx 27.6$,
# finite and still huge. (In notebook 5 you will meet the even better cure: compute the
# loss from the sigmoid's *input* and never form $\hat y$ at all.)

# %% [markdown]
# ### Exercise 3: binary cross-entropy, safely (3 points)
#
# Write `bce(y_hat, t, eps=1e-12)`: clip `y_hat` into `[eps, 1 - eps]` (try
# `np.clip`), then return the mean over examples of the per-example cross-entropy
# (summed over outputs), as a `float`. It must give no warning and no `nan` when
# `y_hat` holds exact zeros and ones.

# %% solution id="bce"
def bce(y_hat, t, eps=1e-12):
    """Binary cross-entropy of predicted probabilities, safe at 0 and 1.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
        Predicted probabilities in [0, 1].
    t : ndarray of the shape of y_hat
        Targets in [0, 1].
    eps : float
        Predictions are clipped into [eps, 1 - eps] before any log.

    Returns
    -------
    float
        -(1/N) * sum of t log(y_hat) + (1 - t) log(1 - y_hat).
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1.0 - eps)
    t = np.asarray(t, dtype=float)
    return float(-np.sum(t * np.log(p) + (1.0 - t) * np.log(1.0 - p)) / len(p))
    ### END SOLUTION

# %% [markdown]
# Try it: `0.693147` (that is $\log 2$: a coin flip) and then a number near `1e-12`.

# %%
print(bce(np.array([0.5, 0.5]), np.array([0.0, 1.0])))
print(bce(np.array([1.0, 0.0]), np.array([1.0, 0.0])))

# %% tests id="bce__value" points=1
"""bce of a batch of probabilities."""
y_hat_check = np.array([0.9, 0.2, 0.6, 0.35])
t_check = np.array([1.0, 0.0, 1.0, 0.0])
expected = bp.checks.testdata.expected(bp.losses.bce, y_hat_check, t_check)
bp.checks.close("bce(y_hat, t)", bp.checks.call("bce", bce, y_hat_check, t_check), expected,
               batch_size=4)
### BEGIN HIDDEN TESTS
y_hat_check, t_check = bp.checks.testdata.probabilities(301, (6, 2))
expected = bp.checks.testdata.expected(bp.losses.bce, y_hat_check, t_check)
bp.checks.close("bce(y_hat, t) on a hidden (6, 2) batch",
               bp.checks.call("bce", bce, y_hat_check, t_check), expected, batch_size=6)
### END HIDDEN TESTS

# %% tests id="bce__safe" points=2
"""bce is finite and warning-free at predictions of exactly 0 and 1."""
perfect = bp.checks.call("bce on perfect predictions [1, 0]", bce,
                        np.array([1.0, 0.0]), np.array([1.0, 0.0]))
bp.checks.true(np.isfinite(perfect) and 0.0 <= perfect < 1e-9,
              f"bce of perfect predictions should be about 1e-12; got {perfect}", "non-finite")
awful = bp.checks.call("bce on perfectly wrong predictions [0, 1]", bce,
                      np.array([0.0, 1.0]), np.array([1.0, 0.0]))
bp.checks.true(np.isfinite(awful) and abs(awful - 27.631) < 1e-3,
              "bce of perfectly wrong predictions should be about -log(1e-12) = 27.631 "
              f"(clip y_hat into [eps, 1 - eps]); got {awful}", "non-finite")

# %% [markdown]
# ## 5. The gradient of cross-entropy
#
# Differentiate one term, using $\frac{d}{dp}\log p = 1/p$ and
# $\frac{d}{dp}\log(1-p) = -1/(1-p)$:
#
# $$\frac{\partial L_\text{BCE}}{\partial \hat y_{nk}}
# = -\frac{1}{N}\left[\frac{t}{\hat y} - \frac{1 - t}{1 - \hat y}\right]
# = \frac{1}{N}\,\frac{\hat y - t}{\hat y\,(1 - \hat y)} .$$
#
# The denominator $\hat y(1-\hat y)$ is exactly the derivative of the sigmoid. Hold on to
# that: in notebook 5 it cancels and leaves the famous $\hat y - t$.

# %% [markdown]
# ### Exercise 4: the gradient of cross-entropy (2 points)
#
# Write `bce_grad(y_hat, t, eps=1e-12)` returning $\partial L_\text{BCE} / \partial \hat y$,
# the shape of `y_hat`, evaluated at the clipped prediction. As for the MSE, the graded
# tests compare it with the exact gradient at $10^{-12}$: derive it.

# %% solution id="bce_grad"
def bce_grad(y_hat, t, eps=1e-12):
    """Gradient of the binary cross-entropy with respect to the predictions.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, n_out)
    t : ndarray of the shape of y_hat
    eps : float

    Returns
    -------
    ndarray of the shape of y_hat
        (p - t) / (p (1 - p) N) with p = y_hat clipped into [eps, 1 - eps].
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1.0 - eps)
    t = np.asarray(t, dtype=float)
    return (p - t) / (p * (1.0 - p) * len(p))
    ### END SOLUTION

# %% [markdown]
# Try it: `[ 1. -1.]`.

# %%
print(bce_grad(np.array([0.5, 0.5]), np.array([0.0, 1.0])))

# %% tests id="bce_grad__matches_numerical" points=2
"""bce_grad matches a central-difference gradient of the cross-entropy."""
y_hat_check = np.array([0.9, 0.2, 0.6, 0.35])
t_check = np.array([1.0, 0.0, 1.0, 0.0])
bp.checks.gradient("bce_grad(y_hat, t)", bp.checks.call("bce_grad", bce_grad, y_hat_check, t_check),
                  lambda y: bp.losses.bce(y, t_check), y_hat_check, batch_size=4)
### BEGIN HIDDEN TESTS
y_hat_check, t_check = bp.checks.testdata.probabilities(401, (5, 3))
bp.checks.gradient("bce_grad(y_hat, t) on a hidden (5, 3) batch",
                  bp.checks.call("bce_grad", bce_grad, y_hat_check, t_check),
                  lambda y: bp.losses.bce(y, t_check), y_hat_check, batch_size=5)
y_hat_check = np.array([[1e-4, 3e-3, 0.02], [0.3, 0.5, 0.9]])
t_check = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
bp.checks.formula("bce_grad(y_hat, t) on hidden predictions from 1e-4 to 0.9",
                 bp.checks.call("bce_grad", bce_grad, y_hat_check, t_check),
                 bp.checks.testdata.expected(bp.losses.bce_grad, y_hat_check, t_check), batch_size=2)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. A regulariser is a loss on the weights
#
# Large weights make a model brittle. An **L2 regulariser** adds a price for them to the
# data loss, $L = L_\text{data} + \frac{\lambda}{2}\sum_i w_i^2$, and its gradient is
# simply $\lambda w$ (the $\frac12$ again makes it clean). Every weight's gradient gains
# that extra term; leaving it out is a classic mistake the checks will name. Here is the
# package's version, checked numerically the way you will check your own code:

# %%
w = np.array([[0.5, -1.0], [2.0, 0.25]])
lam = 0.1
print("penalty:", bp.losses.l2_penalty(w, lam))
print("gradient lam * w:\n", bp.losses.l2_penalty_grad(w, lam))

# %% [markdown]
# ## 7. Numerical derivatives
#
# How do you know a derivative you derived by hand is right? Compare it with the
# definition. The **forward difference** $\frac{f(x+h) - f(x)}{h}$ is what the definition
# suggests, but Taylor's theorem shows it is only first-order accurate:
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \tfrac{h}{2} f''(x) + O(h^2).$$
#
# The **central difference** subtracts the expansions at $x+h$ and $x-h$; the $f''$
# terms cancel and the error is second order:
#
# $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \tfrac{h^2}{6} f'''(x) + O(h^4).$$
#
# Halving $h$ therefore divides the forward error by 2 but the central error by 4.

# %% [markdown]
# ### Exercise 5: the central difference (3 points)
#
# Write `central_difference(f, x, h)`: the central-difference estimate of $f'$ at every
# point of the array `x`, for an elementwise function `f` such as `np.sin`. Call `f` on
# whole arrays (two calls in all), not in a loop over points.

# %% solution id="central_difference"
def central_difference(f, x, h=1e-5):
    """Central-difference derivative of an elementwise function.

    Parameters
    ----------
    f : callable
        Elementwise: maps an array to an array of the same shape.
    x : ndarray of any shape
        Points at which to estimate f'.
    h : float
        Step size, positive.

    Returns
    -------
    ndarray of the shape of x
        (f(x + h) - f(x - h)) / (2 h).
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2.0 * h)
    ### END SOLUTION

# %% [markdown]
# Try it: the derivative of $\sin$ at $0$ and $\pi/3$ is $\cos$, so `[1.  0.5]`.

# %%
print(central_difference(np.sin, np.array([0.0, np.pi / 3])))

# %% tests id="central_difference__accuracy" points=1
"""central_difference of sin is close to cos."""
x_check = np.linspace(-2.0, 2.0, 9)
estimate = bp.checks.call("central_difference", central_difference, np.sin, x_check, 1e-5)
bp.checks.close("central_difference(np.sin, x, 1e-5)", estimate, np.cos(x_check), tol=1e-8)
### BEGIN HIDDEN TESTS
x_check = np.linspace(-1.0, 3.0, 6).reshape(2, 3)
estimate = bp.checks.call("central_difference", central_difference, np.exp, x_check, 1e-5)
bp.checks.close("central_difference(np.exp, x, 1e-5) on a hidden (2, 3) grid", estimate,
               np.exp(x_check), tol=1e-8)
### END HIDDEN TESTS

# %% tests id="central_difference__second_order" points=2
"""central_difference is second order: halving h divides the error by 4."""
x_check = np.array([0.3, 1.1, 2.0])
errors = [np.abs(bp.checks.call("central_difference", central_difference, np.sin, x_check, h)
                 - np.cos(x_check)) for h in (1e-2, 5e-3)]
ratio = errors[0] / errors[1]
bp.checks.true(np.all(np.abs(ratio - 4.0) < 0.2),
              f"Halving h divided your error by {np.round(ratio, 2)} at x = {x_check}, "
              "not by 4. A ratio of 2 is a forward difference (first order); "
              "use (f(x + h) - f(x - h)) / (2h).", "first-order")

# %% [markdown]
# ## 8. How small should the step be?
#
# The formulas above say: smaller $h$, smaller error. A computer disagrees. Each value
# of $f$ carries a round-off error of about $\varepsilon |f|$, with machine epsilon
# $\varepsilon \approx 2.2 \times 10^{-16}$ in float64, and the difference quotient
# divides it by $h$. The total error of the central difference is roughly
#
# $$\underbrace{\tfrac{h^2}{6}|f'''|}_{\text{truncation}} + \underbrace{\tfrac{\varepsilon |f|}{h}}_{\text{round-off}},$$
#
# smallest near $h \approx \varepsilon^{1/3} \approx 6 \times 10^{-6}$ (the dashed line),
# where the error is about $10^{-11}$. For the forward difference the best step is
# near $\sqrt{\varepsilon} \approx 10^{-8}$, and the error there is only about
# $10^{-8}$. This plot uses your function.

# %%
steps = np.logspace(-14, -1, 40)
x0 = 1.0
central_errors = [abs(central_difference(np.sin, np.array([x0]), h)[0] - np.cos(x0)) for h in steps]
forward_errors = [abs((np.sin(x0 + h) - np.sin(x0)) / h - np.cos(x0)) for h in steps]
bp.explore.plotting.plot_error_vs_step(steps, {"forward difference": forward_errors,
                                       "central difference": central_errors})
plt.show()

# %% [markdown]
# The course's checker uses exactly this: a central difference with
# $h = \varepsilon^{1/3}\max(|x|, 1)$, which is why its tolerance is $10^{-5}$ and not
# $10^{-12}$. Where it can, it uses an exact reference instead and tightens the
# tolerance to $10^{-9}$.
#
# ## 9. Explore
#
# Move the prediction and the target. The red line is the tangent: its slope is the
# gradient you coded. Watch the cross-entropy's slope explode as a prediction
# approaches the wrong end, while the squared error's slope never exceeds 2. That
# steepness is what makes cross-entropy learn fast from confident mistakes.

# %%
bp.explore.losses.loss_explorer()

# %% [markdown]
# ## Summary
#
# - A dataset's loss is the **mean** of per-example losses, so every gradient carries $1/N$.
# - MSE gradient: $2(\hat y - t)/N$; with the half squared error, $(\hat y - t)/N$.
# - Cross-entropy punishes confident mistakes without limit; clip, or better, work from
#   logits, to keep it finite. Its gradient is $(\hat y - t)/(\hat y(1-\hat y)N)$.
# - A gradient has the shape of what it differentiates.
# - A central difference is second order; its best step in float64 is about $10^{-5}$,
#   balancing truncation against round-off.
#
# ## Going further
#
# - The **complex-step** derivative $\operatorname{Im} f(x + ih)/h$ has no subtraction, so
#   no round-off loss: try `bp.numdiff.complex_step_derivative(np.sin, x)` with
#   $h = 10^{-30}$.
# - Richardson extrapolation combines two central differences into a fourth-order one.
# - Next: **notebook 2** puts gradients to work, descending Booth's function.
