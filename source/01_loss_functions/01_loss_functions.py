# Backprop Lab, notebook 1: loss functions and numerical derivatives.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 1. Loss functions
#
# *How wrong is a prediction, and which way should it move?*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 8, worth 20 points.
#
# **Loss:** this notebook defines them: per-example losses $\ell$, and the loss of a dataset as their mean, $L = \frac1N \sum_n \ell_n$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md); the
# [course map](../../README.md#course-map) lists every notebook, and the next one is
# [notebook 2](../02_gradient_descent/02_gradient_descent.ipynb).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. compute the mean squared error of a batch of predictions ([Exercise 1](#Exercise-1:-mean-squared-error-(3-points)));
# 2. derive its gradient with respect to the predictions, and code it ([Exercise 2](#Exercise-2:-the-gradient-of-the-MSE-(3-points)));
# 3. compute binary cross-entropy without ever taking `log(0)` ([Exercise 3](#Exercise-3:-binary-cross-entropy,-safely-(3-points)));
# 4. derive the gradient of cross-entropy ([Exercise 4](#Exercise-4:-the-gradient-of-cross-entropy-(3-points)));
# 5. estimate a derivative with a central difference and explain why the step size
#    cannot be made as small as you like ([Exercise 5](#Exercise-5:-the-central-difference-(3-points)),
#    [Checkpoint](#Checkpoint:-the-best-step-(1-point)));
# 6. derive the gradient of a loss you have not met before ([Exercise 6](#Exercise-6:-the-log-cosh-loss-(3-points))).
#
# **Prerequisites:** NumPy arrays, slicing and broadcasting; derivatives of
# polynomials, of $\log$ and of quotients; the chain rule for one variable.
#
# ## How the checks work
#
# Every exercise is followed by small test cells. Each one prints a line when your
# answer passes and otherwise tells you what is wrong: a flipped sign, a factor of 2,
# a wrong shape, a transposed matrix, a missing term, an answer of all zeros, or simply
# the entry that is furthest off, with your value and the expected one.
#
# Answers are compared by **relative error**,
# $|\text{yours} - \text{expected}| \,/\, \max(|\text{yours}|, |\text{expected}|, \text{floor})$,
# entry by entry. Against an exact value an answer passes below $10^{-9}$, with a floor
# of $10^{-6}$. Against a numerical derivative (which you will build in this notebook) it
# passes below $10^{-5}$, and there the floor of each entry comes from the numerical
# derivative's own error: an entry passes when it is within $10^{-5}$ of the expected
# value relatively, or within the error the numerical derivative itself may make.
# Section 8 explains that error. Where you derive a gradient, hidden tests also check
# that it is exact, to $10^{-12}$. The same policy holds in every notebook of the
# course. The graded version of each test also tries points you cannot see, so make
# your code right, not just the visible example.
#
# **Checkpoints** ask you to predict a number before a demo shows it: write your
# prediction, run its test cell, then read on. Each is worth one point.

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
# The mean rather than the sum keeps $L$, and its slope, on the same scale whatever $N$
# is: the slope of a sum over 1000 examples is about 100 times that of a sum over 10, so
# a learning rate tuned for one would be a hundred times off for the other. The mean does
# not make a batch of 10 and a batch of 1000 interchangeable, though. A small batch's
# slope is a noisier estimate of the whole dataset's, so a rate that suits a batch of
# 1000 can be too large for a batch of 10 (notebook 9 trains on small batches). The cell
# below measures both effects for a one-weight model $\hat y = w x$ at $w = 0$, on 200
# random batches of each size: the slope of the loss in $w$, its average over the
# batches and how much it varies from batch to batch.

# %%
slope_rng = np.random.default_rng(0)
x_pool = slope_rng.normal(size=100_000)
t_pool = 2.0 * x_pool + slope_rng.normal(size=x_pool.size)
for size in (10, 1000):
    slopes = {"sum": [], "mean": []}
    for _ in range(200):
        rows = slope_rng.integers(0, x_pool.size, size)
        for name, reduce in (("sum", np.sum), ("mean", np.mean)):
            loss_of_w = lambda w: reduce((w * x_pool[rows] - t_pool[rows]) ** 2)  # noqa: E731
            slopes[name].append((loss_of_w(1e-6) - loss_of_w(-1e-6)) / 2e-6)
    print(f"batches of {size:4d}: slope of the sum {np.mean(slopes['sum']):8.1f}, "
          f"slope of the mean {np.mean(slopes['mean']):5.2f}, varying by "
          f"{np.std(slopes['mean']):.2f} from batch to batch")

# %% [markdown]
# The sum's slope grows a hundredfold with the batch; the mean's is about $-4$ for both
# sizes, but it varies about ten times as much from batch to batch of 10 as of 1000 (the
# spread of a mean falls like $1/\sqrt N$).
#
# **Loss or cost?** Many texts keep the word *loss* for one example and call the
# dataset's $L$ the **cost** (or the objective). They are the same two quantities as
# here: this course says *per-example loss* $\ell$ and *loss* $L$, and always means the
# mean when it says $L$.
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
# **Labels as integers, targets as arrays.** Class labels usually arrive as integers: the
# digit 7, the class "cat" = 2. A loss compares the target with a prediction of the same
# shape, so the label (the course writes it $y$, and a prediction always $\hat y$) is
# turned into one first. With two classes the integer itself serves: $t \in \{0, 1\}$ is
# the target of one output, the predicted probability of class 1. With $K$ classes each
# label becomes a **one-hot** row of $K$ entries, 1 at the label and 0 elsewhere, and the
# model predicts $K$ numbers per example:

# %%
y = np.array([2, 0, 1, 2])
T_one_hot = np.eye(3)[y]
print("integer labels y:", y)
print("one-hot targets, shape", T_one_hot.shape, ":\n", T_one_hot)

# %% [markdown]
# ## 2. Squared error and mean squared error
#
# For one example with outputs $k = 1, \dots, n_\text{out}$ the **squared error** is
# $\ell = \sum_k (\hat y_k - t_k)^2$; its mean over the dataset is the **mean squared
# error** (MSE):
#
# $$L_\text{MSE} = \frac{1}{N} \sum_{n=1}^{N} \sum_{k} (\hat y_{nk} - t_{nk})^2 .$$
#
# Many texts use the **half** squared error $\tfrac{1}{2} \sum_k (\hat y_k - t_k)^2$
# instead. The half changes nothing about where the minimum is; after Exercise 2 you
# will see why it is popular. From notebook 3 on the course uses it.
#
# With several outputs per example, notice the order of operations: sum over the
# outputs of one example, then average over examples.

# %% [markdown]
# ### Checkpoint: `np.mean` and the MSE (1 point)
#
# A batch has $N = 4$ examples with $n_\text{out} = 3$ outputs each. Someone computes
# `np.mean((Y_hat - T) ** 2)` over the whole `(4, 3)` array. What fraction of
# $L_\text{MSE}$ is that? Write your prediction as a number (for example `0.75`), run
# the test cell, then the demo after it. The test cell records any number; the graded
# version of it judges your prediction.

# %% solution id="predict_mean_fraction"
# Your prediction, a number, such as 0.75: replace the two lines below with  predicted_fraction = ...
### BEGIN SOLUTION
predicted_fraction = 1 / 3
### END SOLUTION

# %% tests id="predict_mean_fraction__value" points=1
"""Your prediction of np.mean over a (4, 3) batch, as a fraction of the MSE: recorded."""
bp.checks.predictions.recorded("predicted_fraction", globals())
### BEGIN HIDDEN TESTS
Y_check = np.linspace(-1.0, 2.0, 12).reshape(4, 3)
fraction_check = np.mean(Y_check ** 2) / (np.sum(Y_check ** 2) / len(Y_check))
bp.checks.predictions.judged("predicted_fraction", globals(), fraction_check, rel_tol=2e-2)
### END HIDDEN TESTS

# %%
Y_hat = np.array([[0.5, 1.0], [2.0, 0.0]])
T = np.array([[0.0, 1.0], [1.0, 1.0]])
print("per-example losses:        ", ((Y_hat - T) ** 2).sum(axis=1))
print("mean of per-example losses:", ((Y_hat - T) ** 2).sum(axis=1).mean())
print("np.mean of every entry:    ", np.mean((Y_hat - T) ** 2))

# %% [markdown]
# `np.mean` divides by the number of *entries*, $N \cdot n_\text{out}$, not by $N$: with
# two outputs it gives half the MSE, with three outputs a third. Summing over the outputs
# first and then averaging over the rows is what the formula says.

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
# Try it. You should see `0.07` for the three predictions of section 1, and `1.125` for
# the two-output batch.

# %%
print(mse(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])))
print(mse(Y_hat, T))

# %% tests id="mse__one_output" points=1
"""mse of a batch with one output per example."""
y_hat_check = np.array([0.9, 0.2, 0.6, -1.0])
t_check = np.array([1.0, 0.0, 1.0, 0.5])
bp.checks.close("mse(y_hat, t)", bp.checks.call("mse", mse, y_hat_check, t_check),
                (0.01 + 0.04 + 0.16 + 2.25) / 4, batch_size=4)
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
                bp.checks.call("mse", mse, Y_hat, T), (0.25 + 0.0 + 1.0 + 1.0) / 2, batch_size=2)
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
# prediction moves while all the others stay put. It has one entry per prediction, so it
# has **the shape of what it differentiates**: `(N,)` or `(N, n_out)`. Its entry
# $[n, k]$ is the partial derivative $\partial L_\text{MSE} / \partial \hat y_{nk}$, and
# its sign says which way is *uphill*: a step against it lowers the loss.
#
# You can measure one entry without any calculus: nudge $\hat y_{nk}$ up and down by a
# tiny $h$ and divide the change of $L$ by $2h$. Section 7 turns that into a tool; here
# it is only a way to see whether your formula is right.

# %% [markdown]
# ### Exercise 2: the gradient of the MSE (3 points)
#
# Derive $\partial L_\text{MSE} / \partial \hat y_{nk}$ from the formula of section 2,
# then write `mse_grad(y_hat, t)` returning the whole gradient, an array of the shape of
# `y_hat`.
#
# The graded tests compare your gradient with a numerical one and, hidden, with the exact
# one at a tolerance of $10^{-12}$, at points where the finite differences we tried are
# not that accurate: derive the formula rather than estimate the derivative.
#
# <details><summary>Hint 1</summary>
#
# Write out the double sum and ask which of its terms contain $\hat y_{nk}$. Every other
# term is a constant as far as $\hat y_{nk}$ is concerned.
# </details>
#
# <details><summary>Hint 2</summary>
#
# Only the term $(\hat y_{nk} - t_{nk})^2$ depends on $\hat y_{nk}$. Differentiate it with
# the chain rule (the inner derivative is 1), and do not drop the constant in front of
# the sum.
# </details>
#
# <details><summary>Hint 3</summary>
#
# The entry $[n, k]$ is $\frac{1}{N}$ times the derivative of that one square; no sum
# is left. In NumPy the whole array is one expression in `y_hat`, `t` and `len(y_hat)`.
# </details>

# %% solution id="mse_grad"
def mse_grad(y_hat, t):
    """Gradient of mse(y_hat, t) with respect to the predictions y_hat.

    y_hat (predictions) and t (targets) share one shape, (N,) or (N, n_out), one example
    per row. Return an array of that shape whose entry [n, k] is the partial derivative
    of the loss with respect to y_hat[n, k].
    """
    ### BEGIN SOLUTION
    y_hat = np.asarray(y_hat, dtype=float)
    t = np.asarray(t, dtype=float)
    return 2.0 * (y_hat - t) / len(y_hat)
    ### END SOLUTION

# %% [markdown]
# Try it: your gradient for the three predictions of section 1, and the slope of your
# `mse` along the first prediction, measured by nudging it. The first entry of your
# gradient and the slope should agree to the 6 digits shown.

# %%
y_try, t_try = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
nudge = np.array([1e-6, 0.0, 0.0])
print("your gradient:          ", mse_grad(y_try, t_try))
print(f"slope along y_hat[0]:    {(mse(y_try + nudge, t_try) - mse(y_try - nudge, t_try)) / 2e-6:.6f}")

# %% tests id="mse_grad__shape" points=1
"""mse_grad has the shape of y_hat."""
grad = bp.checks.call("mse_grad", mse_grad, Y_hat, T)
bp.checks.true(np.shape(grad) == Y_hat.shape,
               f"mse_grad(Y_hat, T) should have shape {Y_hat.shape}, like Y_hat; "
               f"got {np.shape(grad)}", "shape")

# %% tests id="mse_grad__matches_numerical" points=2
"""mse_grad matches a central-difference gradient of the MSE, and is exact."""
y_hat_check = np.array([0.9, 0.2, 0.6, -1.0])
t_check = np.array([1.0, 0.0, 1.0, 0.5])
bp.checks.gradient("mse_grad(y_hat, t)", bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                   lambda y: bp.losses.mse(y, t_check), y_hat_check, batch_size=4)
y_hat_check = np.array([[0.5, 1.0], [2.0, 0.0], [-1.0, 0.25]])
t_check = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, -0.5]])
bp.checks.gradient("mse_grad(Y_hat, T) for 3 examples with 2 outputs",
                   bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                   lambda y: bp.losses.mse(y, t_check), y_hat_check, batch_size=3)
# exact, where finite differences are not: large values, and predictions within 1e-9 of
# their targets (N = 4 keeps 2 / N exact)
y_hat_check = np.array([[12000.37, -7512.9], [3107.21, 9000.83], [-4236.6, 651.17], [83.9, -15003.3]])
t_check = np.array([[-3000.41, 2509.7], [-6004.13, 101.9], [4412.3, -9911.77], [7002.6, 313.1]])
bp.checks.formula("mse_grad(y_hat, t) for values in the thousands",
                  bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                  bp.checks.testdata.expected(bp.losses.mse_grad, y_hat_check, t_check), batch_size=4)
y_hat_check = np.array([[0.8, 1.1], [0.7, 1.3], [1.2, 0.9], [1.0, 0.6]])
t_check = y_hat_check + np.array([[3e-10, -7e-10], [5e-10, 2e-10], [-9e-10, 4e-10], [6e-10, -1e-10]])
bp.checks.formula("mse_grad(y_hat, t) for predictions within 1e-9 of their targets",
                  bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                  bp.checks.testdata.expected(bp.losses.mse_grad, y_hat_check, t_check), batch_size=4)
### BEGIN HIDDEN TESTS
for seed, shape in ((201, (6,)), (202, (4, 3))):
    y_hat_check, t_check = bp.checks.testdata.batch(seed, shape)
    bp.checks.gradient(f"mse_grad(y_hat, t) on a hidden {shape} batch",
                       bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                       lambda y: bp.losses.mse(y, t_check), y_hat_check, batch_size=shape[0])
# Large values: a small step loses to round-off. Predictions within 1e-9 of their
# targets: the rounding of a large step shows. N = 4 keeps 2 / N exact.
y_hat_check, t_check = bp.checks.testdata.batch(203, (5, 2), scale=1e4)
bp.checks.formula("mse_grad(y_hat, t) on a hidden batch of large values",
                  bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                  bp.checks.testdata.expected(bp.losses.mse_grad, y_hat_check, t_check), batch_size=5)
y_hat_check = bp.checks.testdata.points(204, (4, 2), low=0.6, high=1.4)
t_check = y_hat_check + 1e-9 * bp.checks.testdata.points(205, (4, 2), low=-1.0, high=1.0)
bp.checks.formula("mse_grad(y_hat, t) on hidden predictions within 1e-9 of their targets",
                  bp.checks.call("mse_grad", mse_grad, y_hat_check, t_check),
                  bp.checks.testdata.expected(bp.losses.mse_grad, y_hat_check, t_check), batch_size=4)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Only one term of the double sum contains $\hat y_{nk}$, so
#
# $$\frac{\partial L_\text{MSE}}{\partial \hat y_{nk}} = \frac{1}{N} \cdot 2(\hat y_{nk} - t_{nk})
# = \frac{2}{N}(\hat y_{nk} - t_{nk}),$$
#
# in code `2 * (y_hat - t) / len(y_hat)` (or `(y_hat - t) * 2 / len(y_hat)`). Every entry
# carries the $1/N$ of the mean, and the 2 of the square. That 2 is why so
# many texts use the half squared error: $\frac{d}{d\hat y}\tfrac{1}{2}(\hat y - t)^2
# = \hat y - t$, the plain error. Forgetting which version you are differentiating is the
# most common way to be off by a factor of 2, and the checks name it when it happens.
#
# What the hidden exactness check proves, honestly: the MSE is a quadratic, so a central
# difference of it has no truncation error and, with a well-chosen step, can be exact up
# to rounding. The check looks where the rounding of every fixed or scaled step we tried
# is larger than $10^{-12}$ (huge values, and predictions within $10^{-9}$ of their
# targets); it shows that your numbers are exact, not how you found them. Exercise 6 asks
# for a loss that is not a polynomial, where no finite difference is exact.

# %% [markdown]
# ## 4. Binary cross-entropy
#
# When the target is a label, 0 or 1, and the prediction is a probability
# $\hat y \in (0, 1)$, usually the output of a **sigmoid**
# $\sigma(z) = 1 / (1 + e^{-z})$, the natural loss is the **binary cross-entropy**, the
# negative log-probability the model gave to the right answer:
#
# $$\ell_\text{BCE}(\hat y, t) = -\big[\, t \log \hat y + (1 - t) \log(1 - \hat y) \,\big],
# \qquad L_\text{BCE} = \frac{1}{N} \sum_{n} \sum_k \ell_\text{BCE}(\hat y_{nk}, t_{nk}).$$
#
# The same formula scores a target that is itself a probability, $t \in [0, 1]$ (a
# **soft target**, such as 0.3 when three raters in ten said yes); a label, 0 or 1, is the
# special case. Notebook 4 uses one.
#
# A confident wrong answer is punished without limit: $-\log \hat y \to \infty$ as
# $\hat y \to 0$ when $t = 1$. On a computer that limit is a problem, and it arrives
# sooner on one side than the other. In float64, $1 + e^{-z}$ rounds to exactly 1 as
# soon as $e^{-z}$ is below half the machine epsilon, that is for $z$ above about 37, so
# the sigmoid returns exactly `1.0` there and $\log(1 - \hat y) = \log 0$. At the other
# end $\sigma(-37) \approx 8.5 \times 10^{-17}$ is tiny but not zero; the sigmoid returns
# exactly `0.0` only when $e^{z}$ underflows, below about $-745$. So $\log(1 - \hat y)$
# fails first:

# %%
z_demo = np.array([36.0, 37.0, -37.0, -745.0, -746.0])
print("z:            ", z_demo)
print("sigmoid(z):   ", [f"{p:.3g}" for p in bp.activations.sigmoid(z_demo)])
print("1 - sigmoid(z):", [f"{q:.3g}" for q in 1 - bp.activations.sigmoid(z_demo)])

# %% [markdown]
# Two confident, correct predictions, $z = 40$ for a target 1 and $z = -40$ for a target
# 0, and the naive formula (written with NumPy's warnings silenced):

# %%
p = bp.activations.sigmoid(np.array([40.0, -40.0]))
with np.errstate(divide="ignore", invalid="ignore"):
    print("naive per-example BCE for t = 1, 0:", -(np.array([1.0, 0.0]) * np.log(p)
                                                   + np.array([0.0, 1.0]) * np.log(1 - p)))

# %% [markdown]
# Both examples are predicted *almost perfectly*, yet the first returns `nan`:
# $(1 - t) \log(1 - \hat y) = 0 \cdot (-\infty)$. The standard cure is to **clip** the
# prediction into $[\varepsilon, 1 - \varepsilon]$ before taking logs, with
# $\varepsilon = 10^{-12}$: a perfect prediction then costs about $10^{-12}$ and a
# perfectly wrong one about $-\log 10^{-12} \approx 27.6$, finite and still huge. (In
# notebook 5 you will meet the even better cure: compute the loss from the sigmoid's
# *input* and never form $\hat y$ at all.)

# %% [markdown]
# ### Exercise 3: binary cross-entropy, safely (3 points)
#
# Write `bce(y_hat, t, eps=1e-12)`: clip `y_hat` into `[eps, 1 - eps]` (try
# `np.clip`), then return the mean over examples of the per-example cross-entropy
# (summed over outputs), as a `float`. It must give no warning and no `nan` when
# `y_hat` holds exact zeros and ones.

# %% solution id="bce"
def bce(y_hat, t, eps=1e-12):
    """Binary cross-entropy of probabilities y_hat against targets t, safe at 0 and 1.

    y_hat and t share one shape, (N,) or (N, n_out), one example per row, with every
    entry in [0, 1]. Clip y_hat into [eps, 1 - eps] before taking any log. Return a float,
    -(1/N) * sum of t log(y_hat) + (1 - t) log(1 - y_hat) over every entry.
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1.0 - eps)
    t = np.asarray(t, dtype=float)
    return float(-np.sum(t * np.log(p) + (1.0 - t) * np.log(1.0 - p)) / len(p))
    ### END SOLUTION

# %% [markdown]
# Try it: `0.693147` (that is $\log 2$: a coin flip) and then a number near `1e-12`.

# %%
print(f"{bce(np.array([0.5, 0.5]), np.array([0.0, 1.0])):.6f}")
print(f"{bce(np.array([1.0, 0.0]), np.array([1.0, 0.0])):.3g}")

# %% tests id="bce__value" points=1
"""bce of a batch of probabilities."""
y_hat_check = np.array([0.9, 0.2, 0.6, 0.35])
t_check = np.array([1.0, 0.0, 1.0, 0.0])
expected = -(np.log(0.9) + np.log(0.8) + np.log(0.6) + np.log(0.65)) / 4
bp.checks.close("bce(y_hat, t)", bp.checks.call("bce", bce, y_hat_check, t_check), expected,
                batch_size=4)
y_hat_check = np.array([[0.9, 0.3], [0.2, 0.6], [0.75, 0.5]])
t_check = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
expected = -(np.log(0.9) + np.log(0.7) + np.log(0.8) + np.log(0.6) + np.log(0.75) + np.log(0.5)) / 3
bp.checks.close("bce(Y_hat, T) for 3 examples with 2 outputs",
                bp.checks.call("bce", bce, y_hat_check, t_check), expected, batch_size=3)
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
# The same question as for the MSE: how fast does $L_\text{BCE}$ change when one
# prediction moves? This time the loss is made of logarithms. Two facts you need:
# $\frac{d}{dp}\log p = \frac{1}{p}$, and, by the chain rule with inner derivative $-1$,
# $\frac{d}{dp}\log(1-p) = -\frac{1}{1-p}$.

# %% [markdown]
# ### Exercise 4: the gradient of cross-entropy (3 points)
#
# Derive $\partial L_\text{BCE} / \partial \hat y_{nk}$, then write
# `bce_grad(y_hat, t, eps=1e-12)` returning the gradient, an array of the shape of
# `y_hat`, evaluated at the clipped prediction $p$ (clip exactly as `bce` does). As for
# the MSE, hidden tests compare it with the exact gradient at $10^{-12}$: derive it.
#
# <details><summary>Hint 1</summary>
#
# As for the MSE, only one term of the double sum contains $\hat y_{nk}$: the bracket
# $t \log p + (1 - t)\log(1 - p)$ of that entry, times $-\frac1N$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# With the two facts above, that bracket's derivative is a difference of two fractions,
# one with $p$ in the denominator and one with $1 - p$. Keep the $-\frac1N$ in front.
# </details>
#
# <details><summary>Hint 3</summary>
#
# Put the two fractions over their common denominator $p(1 - p)$: the numerator
# simplifies to an expression in $p$ and $t$ alone, a difference of two terms.
# </details>

# %% solution id="bce_grad"
def bce_grad(y_hat, t, eps=1e-12):
    """Gradient of bce(y_hat, t, eps) with respect to y_hat, at the clipped prediction.

    Arguments as for bce. The answer has the shape of y_hat; its entry [n, k] is the
    slope of the loss along y_hat[n, k] alone.
    """
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1.0 - eps)
    t = np.asarray(t, dtype=float)
    return (p - t) / (p * (1.0 - p) * len(p))
    ### END SOLUTION

# %% [markdown]
# Try it: your gradient at two coin-flip predictions, and the slope of your `bce` along
# the first one. They should agree to the 6 digits shown.

# %%
y_try, t_try = np.array([0.5, 0.5]), np.array([0.0, 1.0])
nudge = np.array([1e-6, 0.0])
print("your gradient:       ", bce_grad(y_try, t_try))
print(f"slope along y_hat[0]: {(bce(y_try + nudge, t_try) - bce(y_try - nudge, t_try)) / 2e-6:.6f}")

# %% tests id="bce_grad__matches_numerical" points=2
"""bce_grad matches a central-difference gradient of the cross-entropy (and, hidden, is exact)."""
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

# %% tests id="bce_grad__saturated" points=1
"""bce_grad is right for confident predictions, within 1e-3 of 0 and of 1."""
y_hat_check = np.array([[1e-3, 0.9995], [4e-4, 0.999]])
t_check = np.array([[1.0, 0.0], [0.0, 1.0]])
bp.checks.gradient("bce_grad(y_hat, t) near saturation",
                   bp.checks.call("bce_grad", bce_grad, y_hat_check, t_check),
                   lambda y: bp.losses.bce(y, t_check), y_hat_check, batch_size=2)
### BEGIN HIDDEN TESTS
y_hat_check = np.array([2e-4, 0.5, 1.0 - 3e-4, 0.97])
t_check = np.array([1.0, 1.0, 0.0, 0.0])
bp.checks.gradient("bce_grad(y_hat, t) near saturation, hidden",
                   bp.checks.call("bce_grad", bce_grad, y_hat_check, t_check),
                   lambda y: bp.losses.bce(y, t_check), y_hat_check, batch_size=4)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Differentiating one term and putting the two fractions over
# a common denominator,
#
# $$\frac{\partial L_\text{BCE}}{\partial \hat y_{nk}}
# = -\frac{1}{N}\left[\frac{t}{\hat y} - \frac{1 - t}{1 - \hat y}\right]
# = \frac{1}{N}\,\frac{\hat y - t}{\hat y\,(1 - \hat y)},$$
#
# in code `(p - t) / (p * (1 - p) * N)` at the clipped prediction $p$, the same as
# `(y_hat - t) / (y_hat * (1 - y_hat) * N)` inside the clipping range. The denominator
# is what makes confident mistakes expensive: as $\hat y$ approaches the wrong end, it
# approaches 0 and the gradient grows without limit. Hold on to this gradient: when
# $\hat y$ is the output of a sigmoid, notebooks 4 and 5 ask what becomes of it.

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
# $$\underbrace{\tfrac{h^2}{6}|f'''|}_{\text{truncation}} + \underbrace{\tfrac{\varepsilon |f|}{h}}_{\text{round-off}} :$$
#
# one part shrinks with $h$, the other grows.

# %% [markdown]
# ### Checkpoint: the best step (1 point)
#
# For $f = \sin$ at $x = 1$ in float64, which step $h$ gives the central difference its
# smallest error? Give the order of magnitude, as a number such as `1e-3` (a factor of
# ten either way counts as right). Then run the test cell, which records your prediction
# (the graded version judges it), and the plot after it.

# %% solution id="predict_best_step"
# Your prediction, a number, such as 1e-3: replace the two lines below with  predicted_best_h = ...
### BEGIN SOLUTION
predicted_best_h = 1e-5
### END SOLUTION

# %% tests id="predict_best_step__order" points=1
"""Your prediction of the best central-difference step: recorded (graded: within a factor of 10)."""
bp.checks.predictions.recorded("predicted_best_h", globals())
### BEGIN HIDDEN TESTS
steps_check = np.logspace(-14, -1, 131)
errors_check = np.abs((np.sin(1.0 + steps_check) - np.sin(1.0 - steps_check)) / (2 * steps_check)
                      - np.cos(1.0))
bp.checks.predictions.judged("predicted_best_h", globals(),
                             steps_check[np.argmin(errors_check)], decades=1.0)
### END HIDDEN TESTS

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    steps = np.logspace(-14, -1, 40)
    x0 = 1.0
    central_errors = [abs(central_difference(np.sin, np.array([x0]), h)[0] - np.cos(x0))
                      for h in steps]
    forward_errors = [abs((np.sin(x0 + h) - np.sin(x0)) / h - np.cos(x0)) for h in steps]
    bp.explore.plotting.plot_error_vs_step(steps, {"forward difference": forward_errors,
                                                   "central difference": central_errors})
    plt.show()

# %% [markdown]
# The two parts of the error balance where $h^3 \approx 3\varepsilon |f| / |f'''|$: near
# $h \approx \varepsilon^{1/3} \approx 6 \times 10^{-6}$ for a function of size 1 (the
# dashed line), where the error is about $10^{-11}$. Left of it the curve is ragged:
# that is round-off, growing like $1/h$. For the forward difference the best step is near
# $\sqrt{\varepsilon} \approx 10^{-8}$, and the error there is only about $10^{-8}$. This
# plot uses your function. A prediction of $10^{-8}$ or smaller mixes up the two.
#
# **How the course's checker uses this.** It takes a central difference with
# $h = \varepsilon^{1/3}\max(|x|, 1)$, and then asks how far that estimate can be
# trusted: it repeats the difference with the step $2h$ (the truncation error grows
# four-fold, so the gap between the two shows it) and adds the round-off, a few
# $\varepsilon |f| / h$. An entry of your gradient passes when it is within $10^{-5}$ of
# the estimate relatively, or within that error bound absolutely. Near $\hat y = 10^{-3}$
# the cross-entropy's third derivative is huge, the truncation error passes $10^{-5}$,
# and the bound widens, so a right `bce_grad` still passes there (the test
# `bce_grad__saturated` above); while a gradient of size $10^{-13}$ of a function of size
# $10^{-13}$ is judged on that scale, so zeros or a flipped sign fail. A gradient whose
# every entry is below the bound cannot be checked by differences at all, and the checker
# says so instead of passing it. Where it can, the course checks against an exact
# reference instead, at $10^{-9}$.

# %% [markdown]
# ## 9. A loss you have not met: log-cosh
#
# Squared error punishes outliers hard: a residual $r = \hat y - t$ of 10 costs 100. The
# **log-cosh** loss behaves like half the squared error for small residuals and like
# $|r|$ for large ones, so a few wild targets do not dominate the gradient:
#
# $$\ell(\hat y, t) = \sum_k \log\cosh(\hat y_k - t_k), \qquad
# L_\text{LC} = \frac{1}{N}\sum_n \ell(\hat y_n, t_n),$$
#
# with $\cosh r = \frac{e^{r} + e^{-r}}{2}$. `bp.losses.logcosh(y_hat, t)` computes
# $L_\text{LC}$ without overflow. No cell of the course shows its gradient.

# %%
r_demo = np.array([0.0, 0.5, 2.0, 10.0])
for r in r_demo:
    print(f"r = {r:4.1f}: log-cosh {bp.losses.logcosh(np.array([r]), np.array([0.0])):8.4f}, "
          f"half squared error {0.5 * r ** 2:8.4f}")

# %% [markdown]
# ### Exercise 6: the log-cosh loss (3 points)
#
# Derive $\partial L_\text{LC} / \partial \hat y_{nk}$ and write `logcosh_grad(y_hat, t)`,
# an array of the shape of `y_hat`. Hidden tests check it against finite differences and
# for exactness at $10^{-12}$ (log-cosh is not a polynomial: no finite difference is
# exact).
#
# <details><summary>Hint 1</summary>
#
# It is a chain: the mean over examples, a sum over outputs, then $\log$ of $\cosh$ of the
# residual. Only one term depends on $\hat y_{nk}$, as in Exercise 2.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\frac{d}{du}\log u = \frac1u$ and $\frac{d}{dr}\cosh r = \sinh r
# = \frac{e^{r} - e^{-r}}{2}$; the inner derivative of $r = \hat y - t$ is 1.
# </details>
#
# <details><summary>Hint 3</summary>
#
# The entry is $\frac1N \frac{\sinh r}{\cosh r}$. That ratio has a name of its own, and
# NumPy computes it without overflow for any $r$ (`np.sinh(r) / np.cosh(r)` gives
# `nan` for large $r$).
# </details>

# %% solution id="logcosh_grad"
def logcosh_grad(y_hat, t):
    """dL/dy_hat for L = bp.losses.logcosh(y_hat, t), an array of the shape of y_hat.

    Arguments as for mse_grad: predictions and targets of one shape, (N,) or (N, n_out),
    one example per row. Entry [n, k] is dL/dy_hat[n, k].
    """
    ### BEGIN SOLUTION
    y_hat = np.asarray(y_hat, dtype=float)
    t = np.asarray(t, dtype=float)
    return np.tanh(y_hat - t) / len(y_hat)
    ### END SOLUTION

# %% [markdown]
# Try it: your gradient for three predictions, and the slope of the loss along the first.

# %%
y_try, t_try = np.array([0.5, -2.0, 30.0]), np.array([0.0, 0.0, 0.0])
nudge = np.array([1e-6, 0.0, 0.0])
print("your gradient:       ", logcosh_grad(y_try, t_try))
slope = (bp.losses.logcosh(y_try + nudge, t_try) - bp.losses.logcosh(y_try - nudge, t_try)) / 2e-6
print(f"slope along y_hat[0]: {slope:.6f}")

# %% tests id="logcosh_grad__matches_numerical" points=2
"""logcosh_grad matches a central-difference gradient of the log-cosh loss."""
y_hat_check = np.array([[0.5, -1.5], [2.0, 0.1], [-0.3, 4.0]])
t_check = np.array([[0.0, 0.5], [-1.0, 0.0], [0.2, -3.0]])
grad = bp.checks.call("logcosh_grad", logcosh_grad, y_hat_check, t_check)
bp.checks.gradient("logcosh_grad(y_hat, t)", grad, lambda y: bp.losses.logcosh(y, t_check),
                   y_hat_check, batch_size=3)
### BEGIN HIDDEN TESTS
y_hat_check, t_check = bp.checks.testdata.batch(601, (7,), scale=2.0)
bp.checks.gradient("logcosh_grad(y_hat, t) on a hidden batch of 7",
                   bp.checks.call("logcosh_grad", logcosh_grad, y_hat_check, t_check),
                   lambda y: bp.losses.logcosh(y, t_check), y_hat_check, batch_size=7)
### END HIDDEN TESTS

# %% tests id="logcosh_grad__exact" points=1
"""logcosh_grad is exact, and finite for residuals in the hundreds."""
y_hat_check = np.array([[800.0, -0.25], [1.0, -900.0]])
t_check = np.zeros((2, 2))
grad = bp.checks.call("logcosh_grad", logcosh_grad, y_hat_check, t_check)
bp.checks.true(np.shape(grad) == (2, 2) and np.all(np.isfinite(grad)),
               "logcosh_grad should be finite, of the shape of y_hat, even for residuals of "
               f"800; got {np.asarray(grad)!r:.200}", "non-finite")
y_hat_check = np.array([[0.5, -1.25], [2.0, 0.125], [-0.75, 1.5]])
t_check = np.array([[0.0, 0.5], [-1.0, 0.25], [0.5, -0.5]])
bp.checks.formula("logcosh_grad(y_hat, t) for three examples, to the last digits",
                  bp.checks.call("logcosh_grad", logcosh_grad, y_hat_check, t_check),
                  bp.checks.testdata.expected(bp.losses.logcosh_grad, y_hat_check, t_check),
                  batch_size=3)
### BEGIN HIDDEN TESTS
for seed, shape in ((602, (4, 2)), (603, (5,))):
    y_hat_check, t_check = bp.checks.testdata.batch(seed, shape, scale=1.5)
    bp.checks.formula(f"logcosh_grad(y_hat, t) on a hidden {shape} batch",
                      bp.checks.call("logcosh_grad", logcosh_grad, y_hat_check, t_check),
                      bp.checks.testdata.expected(bp.losses.logcosh_grad, y_hat_check, t_check),
                      batch_size=shape[0])
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** With $r = \hat y_{nk} - t_{nk}$,
#
# $$\frac{\partial L_\text{LC}}{\partial \hat y_{nk}} = \frac{1}{N}\,\frac{\sinh r}{\cosh r}
# = \frac{1}{N}\tanh(\hat y_{nk} - t_{nk}),$$
#
# in code `np.tanh(y_hat - t) / len(y_hat)`. For small $r$, $\tanh r \approx r$: the
# gradient of half the squared error. For large $|r|$ it levels off at $\pm\frac1N$: an
# outlier pulls no harder than any other badly missed example.

# %% [markdown]
# ## 10. Explore
#
# Move the prediction and the target. Each panel draws one example's loss
# $\ell(\hat y, t)$ against $\hat y$; the red line is its tangent, of slope
# $\partial \ell / \partial \hat y$. The explorer computes that slope itself (it does not
# call your code), and it is the slope for one example: your `mse_grad` and `bce_grad`
# divide it by $N$. Watch the cross-entropy's slope explode as a prediction approaches
# the wrong end, while the squared error's slope never exceeds 2. That steepness is what
# makes cross-entropy learn fast from confident mistakes.

# %%
bp.explore.losses.loss_explorer()

# %% [markdown]
# ## Summary
#
# - A dataset's loss (its cost) is the **mean** of per-example losses, so every gradient
#   carries $1/N$. Integer labels become targets: 0/1 for two classes, one-hot rows for more.
# - MSE gradient: $2(\hat y - t)/N$; with the half squared error, $(\hat y - t)/N$.
# - Cross-entropy punishes confident mistakes without limit; clip, or better, work from
#   logits, to keep it finite. Its gradient is $(\hat y - t)/(\hat y(1-\hat y)N)$.
# - Log-cosh: gradient $\tanh(\hat y - t)/N$, bounded, so outliers cannot dominate.
# - A gradient has the shape of what it differentiates.
# - A central difference is second order; its best step in float64 is about $10^{-5}$,
#   balancing truncation against round-off, and it can estimate its own error.
#
# ## Going further
#
# - The **complex-step** derivative $\operatorname{Im} f(x + ih)/h$ has no subtraction, so
#   no round-off loss: try `bp.numdiff.complex_step_derivative(np.sin, x)` with
#   $h = 10^{-30}$. It is exact to machine precision, like a formula, because it is one in
#   disguise: it carries the derivative through every operation of $f$.
# - Richardson extrapolation combines two central differences into a fourth-order one.
# - Next: [**notebook 2**](../02_gradient_descent/02_gradient_descent.ipynb) puts gradients
#   to work, descending Booth's function.
