# Backprop Lab, notebook 9: the capstone, a digit classifier trained from scratch.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 9. Capstone: handwritten digits
#
# *Real images, ten classes, your own network: from a gradient you derive to 95% on digits
# it has never seen.*
#
# **Estimated time:** 120 to 150 minutes. **Exercises:** 11, worth 29 points (two of them
# are one-point "predict, then run" checkpoints). **Targets:** your classifier gets at
# least 95% of the held-out test digits right, and the whole notebook runs top to bottom in
# under 30 seconds on a 2-core laptop (the solution takes about 6 s, its training about 1 s).
#
# **Loss:** $L = \frac{1}{N} \sum_{n=1}^{N} \ell_n$ with $\ell_n = -\log p_{n, y_n}$, the
# mean over the batch of the per-example cross-entropy, where $p_n$ is the softmax of the
# network's output $z_n$ for example $n$ and $y_n \in \{0, \dots, 9\}$ its label.
#
# **Notation:** as in every notebook ([the notation page](../../docs/notation.md)): per
# example $z^l = W^l a^{l-1} + b^l$ with $W^l$ of shape $(n_l, n_{l-1})$; a batch stacks
# examples as rows, `Z = A_prev @ W.T + b`. **Course map:** [README](../../README.md#course-map);
# next, notebook 10 trains deeper networks, with momentum, Adam and batch normalisation.
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. turn logits into probabilities without overflow
#    ([Exercise 1](#Exercise-1:-a-safe-softmax-(3-points))) and score them with the
#    cross-entropy of integer labels ([Exercise 2](#Exercise-2:-the-cross-entropy-of-integer-labels-(2-points)));
# 2. derive the gradient of that loss with respect to the logits
#    ([Exercise 3](#Exercise-3:-the-gradient-of-the-softmax-cross-entropy-(5-points)));
# 3. initialise a ReLU network at the right scale and run it forward
#    ([Exercise 4](#Exercise-4:-He-initialisation-(2-points)),
#    [Exercise 5](#Exercise-5:-logits-and-predictions-(2-points)));
# 4. write one step of mini-batch stochastic gradient descent, backward pass included
#    ([Exercise 6](#Exercise-6:-one-step-of-mini-batch-SGD-(4-points)));
# 5. train with early stopping on a validation set
#    ([Exercise 7](#Exercise-7:-training-with-early-stopping-(3-points))) and reach at least
#    95% accuracy on held-out digits ([Exercise 8](#Exercise-8:-your-digit-classifier-(3-points)));
# 6. read learning curves, a confusion matrix and the mistakes of a classifier, and say how
#    learning rate, width and batch size shape the curves (the explorer, section 9);
# 7. transfer the derivation to a loss no cell shows
#    ([Exercise 9](#Exercise-9:-label-smoothing-(3-points))).
#
# **Prerequisites:** notebook 1 (mean losses, numerical safety, the tolerance policy),
# notebook 5 (the delta rules on a batch; `bp.layers`) and notebook 7 (the initial scale
# of a deep network). Notebook 8 is not needed.
#
# ## How the checks work
#
# As in every notebook: a passing check prints one line; a failing one names the mistake
# it recognises (sign, factor of $N$, wrong shape, a warning such as an overflow, ...)
# with your value and the expected one. Gradients are compared with a central
# difference at a relative tolerance of $10^{-5}$, exact values at $10^{-9}$, and a
# derived formula must also be exact to $10^{-12}$, which no finite difference reaches.
# The graded version of each test also tries other shapes, seeds and points. The
# accuracy of your classifier is measured by the test itself, on digits your code never
# trained on.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(9)

# %% [markdown]
# ## 1. The data
#
# 1,797 handwritten digits, each an image of $8 \times 8$ pixels whose values count the
# ink in a small block (scaled here to $[0, 1]$). They ship inside `bplab`
# (`bp.digits`; the module says where they come from). Each image is one row of 64
# numbers, so the whole set is a matrix `X` of shape `(1797, 64)`, with integer labels
# `y` from 0 to 9.
#
# The digits are split once, class by class, into three parts with different jobs:
#
# - **training** (60%): the only examples whose gradients move the weights;
# - **validation** (20%): watched during training to decide when to stop;
# - **test** (20%): touched once, at the end, to measure how well the network does on
#   digits that influenced nothing. The graded accuracy uses this part.

# %%
splits = bp.digits.load_splits()
X_train, y_train = splits["train"]
X_val, y_val = splits["val"]
X_test, y_test = splits["test"]
for name, (X_part, y_part) in splits.items():
    print(f"{name:5s}: X {X_part.shape}, y {y_part.shape}, examples per digit "
          f"{np.bincount(y_part).min()} to {np.bincount(y_part).max()}")

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    bp.explore.digits.plot_digits(X_train[:20], [str(label) for label in y_train[:20]],
                                  title="the first 20 training digits and their labels")
    plt.show()

# %% [markdown]
# ## 2. From logits to probabilities: the softmax
#
# The network ends in a dense layer with one output per class, $K = 10$ numbers per
# example called **logits**: $z_k$ large means "class $k$ is likely". The **softmax**
# turns them into probabilities, positive and summing to 1:
#
# $$p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad k = 1, \dots, K.$$
#
# On a batch, `Z` has shape `(N, K)` and the softmax acts on each row separately.
#
# ### Checkpoint 1: predict, then run (1 point)
#
# Take one example's logits and add 1000 to every one of them. What happens to the
# probabilities: do they all **grow**, all **shrink**, or stay the **same**? Commit to an
# answer below before you run the demo after it. (The test only checks that your answer
# is one of the three; the graded version checks which.)

# %% solution id="predict_shift"
# Your prediction: "grow", "shrink" or "same"
### BEGIN SOLUTION
shift_prediction = "same"
### END SOLUTION

# %% tests id="predict_shift__answer" points=1
"""Checkpoint 1: your prediction is one of "grow", "shrink" and "same": recorded."""
bp.checks.predictions.recorded("shift_prediction", globals(), choices=("grow", "shrink", "same"))
### BEGIN HIDDEN TESTS
bp.checks.predictions.judged("shift_prediction", globals(), "same",
                             choices=("grow", "shrink", "same"))
### END HIDDEN TESTS

# %% [markdown]
# The demo computes the softmax straight from its definition, for logits $(1, 2, 3)$ and
# for the same logits plus 1000.

# %%
def softmax_by_the_book(z):
    e = np.exp(z)
    return e / e.sum()


z_demo = np.array([1.0, 2.0, 3.0])
print("logits (1, 2, 3):       ", softmax_by_the_book(z_demo))
with np.errstate(over="ignore", invalid="ignore"):  # show the failure without a warning
    print("logits (1001, 1002, 1003):", softmax_by_the_book(z_demo + 1000.0))
    print("np.exp(1001.0) =", np.exp(1001.0))

# %% [markdown]
# **What happened.** In exact arithmetic the probabilities stay the **same**: adding $c$
# to every logit multiplies every $e^{z_j}$ by $e^c$, and $e^c$ cancels between the
# numerator and the denominator:
#
# $$\frac{e^{z_k + c}}{\sum_j e^{z_j + c}} = \frac{e^c e^{z_k}}{e^c \sum_j e^{z_j}}
# = \frac{e^{z_k}}{\sum_j e^{z_j}}.$$
#
# In float64, though, $e^{1001}$ is larger than the largest number there is (about
# $1.8 \times 10^{308} \approx e^{709.8}$), so it becomes `inf`, and `inf / inf` is `nan`.
# Logits of a few hundred happen in practice (a confident network, a large learning
# rate). The cancellation is also the cure: you may choose $c$ freely, so choose one
# that keeps every exponent small.

# %% [markdown]
# ### Exercise 1: a safe softmax (3 points)
#
# Write `softmax(Z)` for logits `Z` of shape `(N, K)`, returning the probabilities, shape
# `(N, K)`, row by row. It must give the right answer, with no warning, however large the
# logits are (the tests use logits near $\pm 1000$). No loop over examples.

# %% solution id="softmax"
def softmax(Z):
    """The probabilities P, shape (N, K), of logits Z, shape (N, K), one example a row.

    P[n, k] = exp(Z[n, k]) / sum_j exp(Z[n, j]), so every row of P sums to 1.
    """
    ### BEGIN SOLUTION
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% [markdown]
# Try it. Both rows should read `[0.090031 0.244728 0.665241]`, and nothing should warn.

# %%
print(softmax(np.array([[1.0, 2.0, 3.0], [1001.0, 1002.0, 1003.0]])))

# %% tests id="softmax__rows" points=1
"""softmax returns probabilities: the shape of Z, entries in [0, 1], rows summing to 1."""
Z_check = bp.checks.testdata.points(81, (4, 5))
P_check = bp.checks.call("softmax", softmax, Z_check)
bp.checks.true(np.shape(P_check) == (4, 5),
              f"softmax(Z) for Z of shape (4, 5) should have shape (4, 5); got {np.shape(P_check)}",
              "shape")
bp.checks.true(np.all(np.asarray(P_check) >= 0) and np.all(np.asarray(P_check) <= 1),
              "every probability should lie in [0, 1]", "mismatch")
bp.checks.close("the row sums of softmax(Z)", np.sum(P_check, axis=1), np.ones(4))

# %% tests id="softmax__values" points=1
"""softmax matches its definition on small logits."""
Z_check = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, np.log(2.0)], [-1.0, 0.5, 0.0]])
bp.checks.close("softmax(Z)", bp.checks.call("softmax", softmax, Z_check),
               np.exp(Z_check) / np.exp(Z_check).sum(axis=1, keepdims=True))
### BEGIN HIDDEN TESTS
for seed, shape in ((82, (6, 10)), (83, (1, 2)), (84, (3, 1))):
    Z_check = bp.checks.testdata.points(seed, shape, -4.0, 4.0)
    bp.checks.close(f"softmax(Z) on hidden logits of shape {shape}",
                   bp.checks.call("softmax", softmax, Z_check),
                   bp.checks.testdata.expected(bp.softmax.softmax, Z_check))
### END HIDDEN TESTS

# %% tests id="softmax__large_logits" points=1
"""softmax of logits near 1000 equals the softmax of the same logits near 0, with no warning."""
Z_small = np.array([[0.0, 1.0, 2.0], [-10.0, 5.0, 0.5]])
bp.checks.close("softmax(Z + 1000)", bp.checks.call("softmax", softmax, Z_small + 1000.0),
               np.exp(Z_small) / np.exp(Z_small).sum(axis=1, keepdims=True))
### BEGIN HIDDEN TESTS
Z_small = bp.checks.testdata.points(85, (5, 10), -3.0, 3.0)
for shift in (-900.0, 650.0):
    bp.checks.close(f"softmax(Z + {shift:g}) on hidden logits",
                   bp.checks.call("softmax", softmax, Z_small + shift),
                   bp.checks.testdata.expected(bp.softmax.softmax, Z_small))
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The cross-entropy of integer labels
#
# The label $y_n$ says which class is right. The per-example loss is the
# **cross-entropy** $\ell_n = -\log p_{n, y_n}$: small when the network gives the right
# class a probability near 1, large when it gives it a probability near 0. The loss of a
# batch is their mean,
#
# $$L = \frac{1}{N} \sum_{n=1}^{N} \ell_n = -\frac{1}{N} \sum_{n=1}^{N} \log p_{n, y_n}.$$
#
# Writing $t_n$ for the **one-hot** row of label $y_n$ (a 1 in column $y_n$, 0 elsewhere),
# the same loss reads $\ell_n = -\sum_k t_{nk} \log p_{nk}$: notebook 1's cross-entropy,
# summed over classes.
#
# In code, `y` is an integer array of shape `(N,)`, and `P[np.arange(N), y]` picks
# $p_{n, y_n}$ from each row.
#
# Computing `np.log(softmax(Z))` works until a probability rounds to 0 (a logit some 750
# below its row's largest): then the log is $-\infty$. Taking logs first avoids that:
# $\log p_k = z_k - \log \sum_j e^{z_j}$, where the last term, the **log-sum-exp**, can be
# shifted exactly as the softmax was.
#
# ### Exercise 2: the cross-entropy of integer labels (2 points)
#
# Write `softmax_ce(Z, y)` returning the loss $L$ above (one float) for logits `Z` of shape
# `(N, K)` and labels `y` of shape `(N,)`. It must not overflow for large logits.

# %% solution id="softmax_ce"
def softmax_ce(Z, y):
    """Mean cross-entropy of the softmax of Z against integer labels y.

    Parameters
    ----------
    Z : ndarray of shape (N, K)
        Logits.
    y : ndarray of shape (N,)
        Integer labels in 0..K-1.

    Returns
    -------
    float
        L = -(1/N) sum_n log softmax(Z)[n, y[n]].
    """
    ### BEGIN SOLUTION
    N = Z.shape[0]
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_P[np.arange(N), y]))
    ### END SOLUTION


# %% [markdown]
# Try it. You should see `0.895495` for the two examples below, and the same number
# after adding 500 to every logit.

# %%
Z_try, y_try = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([0, 2])
print(f"{softmax_ce(Z_try, y_try):.6f}  {softmax_ce(Z_try + 500.0, y_try):.6f}")

# %% tests id="softmax_ce__value" points=1
"""softmax_ce is the mean over the batch of -log p[n, y[n]]."""
Z_check, y_check = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, -1.0, 3.0]]), np.array([0, 2, 2])
expected_ce = np.mean(np.log(np.exp(Z_check).sum(axis=1)) - Z_check[np.arange(3), y_check])
bp.checks.close("softmax_ce(Z, y)", bp.checks.call("softmax_ce", softmax_ce, Z_check, y_check),
               expected_ce, batch_size=3)
### BEGIN HIDDEN TESTS
for seed, (N, K) in ((86, (7, 10)), (87, (1, 4))):
    Z_check = bp.checks.testdata.points(seed, (N, K), -3.0, 3.0)
    y_check = np.random.default_rng(seed).integers(0, K, N)
    bp.checks.close(f"softmax_ce(Z, y) on a hidden batch, N={N}, K={K}",
                   bp.checks.call("softmax_ce", softmax_ce, Z_check, y_check),
                   bp.checks.testdata.expected(bp.softmax.softmax_ce, Z_check, y_check), batch_size=N)
### END HIDDEN TESTS

# %% tests id="softmax_ce__large_logits" points=1
"""softmax_ce of logits near 1000 equals that of the same logits near 0, with no warning."""
Z_small, y_check = np.array([[0.0, -10.0, 1.0], [3.0, 0.0, 2.0]]), np.array([1, 0])
expected_ce = np.mean(np.log(np.exp(Z_small).sum(axis=1)) - Z_small[np.arange(2), y_check])
bp.checks.close("softmax_ce(Z + 1000, y)",
               bp.checks.call("softmax_ce", softmax_ce, Z_small + 1000.0, y_check),
               expected_ce, batch_size=2)
### BEGIN HIDDEN TESTS
Z_small = bp.checks.testdata.points(88, (4, 6), -3.0, 3.0)
y_check = np.array([5, 0, 2, 2])
for shift in (-1000.0, 700.0):
    bp.checks.close(f"softmax_ce(Z + {shift:g}, y) on hidden logits",
                   bp.checks.call("softmax_ce", softmax_ce, Z_small + shift, y_check),
                   bp.checks.testdata.expected(bp.softmax.softmax_ce, Z_small, y_check), batch_size=4)
### END HIDDEN TESTS

# %% [markdown]
# ### Checkpoint 2: predict, then run (1 point)
#
# A network whose last layer has all its weights and biases at zero outputs the logits
# $z = 0$ for every image, whatever the image. What is its loss $L$ on the training set?
# Give a number (three decimals are enough), and commit before running the demo. (The
# test only checks that you gave a number; the graded version checks it.)

# %% solution id="predict_initial_loss"
# Your prediction, a number:
### BEGIN SOLUTION
initial_loss_prediction = 2.303
### END SOLUTION

# %% tests id="predict_initial_loss__answer" points=1
"""Checkpoint 2: your prediction is one finite number: recorded."""
bp.checks.predictions.recorded("initial_loss_prediction", globals())
### BEGIN HIDDEN TESTS
bp.checks.predictions.judged("initial_loss_prediction", globals(), np.log(10.0), rel_tol=2e-3)
### END HIDDEN TESTS

# %%
print(f"logits all zero:           L = {softmax_ce(np.zeros((len(y_train), 10)), y_train):.4f}")
for scale in (1.0, 5.0):
    Z_random = scale * rng.standard_normal((len(y_train), 10))
    P_random = softmax(Z_random)
    print(f"random logits of scale {scale:g}: L = {softmax_ce(Z_random, y_train):.4f}, "
          f"right {np.mean(np.argmax(Z_random, axis=1) == y_train):.0%} of the time, "
          f"average probability of the chosen class {np.mean(P_random.max(axis=1)):.2f}")

# %% [markdown]
# **What happened.** With all logits equal, the softmax gives every class the same
# probability $1/10$, so every example costs $-\log(1/10) = \log 10 \approx 2.303$ (the
# natural log). That is the loss of knowing nothing, and a useful sanity check: a freshly
# initialised classifier with $K$ classes should start near $\log K$. Random logits do
# worse. They pick the right class about one time in ten, as the knowing-nothing network
# would, but they are not uniform: at scale 1 the class they pick gets about a third of
# the probability, at scale 5 about four fifths. The larger the logits, the more
# confident the wrong answers, and the more each costs. A first loss far above $\log K$
# says the initial weights are too large.

# %% [markdown]
# ## 4. The gradient of the loss with respect to the logits
#
# Backprop starts at the output: it needs $\partial L / \partial Z$, the delta of the last
# layer, a matrix of the shape of `Z`. Entry $(n, k)$ says how the mean loss changes when
# logit $k$ of example $n$ moves. Only example $n$'s term of the mean depends on that
# logit, and each logit of that example moves **every** probability of that example
# (their denominators share it), so all $K$ logits of a row matter for each entry.
#
# ### Exercise 3: the gradient of the softmax cross-entropy (5 points)
#
# Derive $\partial L/\partial Z$ on paper, then write `softmax_ce_grad(Z, y)` returning it,
# shape `(N, K)`, for `Z` of shape `(N, K)` and integer labels `y` of shape `(N,)`. It must
# be exact (a formula, not a finite difference) and safe for large logits. You may call
# your `softmax`.
#
# <details><summary>Hint 1</summary>
#
# Work with one example and drop the index $n$. Write its loss with the logits alone:
# $\ell = -\log p_y = -z_y + \log \sum_j e^{z_j}$. Differentiate each of the two terms
# with respect to one logit $z_k$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# The derivative of $\log \sum_j e^{z_j}$ with respect to $z_k$ is a quantity you computed
# in Exercise 1. The term $-z_y$ depends on $z_k$ only when $k$ is the label.
# </details>
#
# <details><summary>Hint 3</summary>
#
# For one example, the derivative of $\ell$ with respect to $z_k$ is the probability of
# class $k$, minus one when $k$ is the label. For the batch, stack the examples as rows,
# and remember that $L$ is the **mean** of the $N$ per-example losses.
# </details>

# %% solution id="softmax_ce_grad"
def softmax_ce_grad(Z, y):
    """dL/dZ, an array of shape (N, K), for L = softmax_ce(Z, y), the batch's mean loss.

    Arguments as for softmax_ce: logits Z of shape (N, K), integer labels y of shape (N,).
    """
    ### BEGIN SOLUTION
    N = Z.shape[0]
    P = softmax(Z)
    T = np.zeros_like(P)
    T[np.arange(N), y] = 1.0
    return (P - T) / N
    ### END SOLUTION


# %% [markdown]
# Try it: the first array is yours, the second a central difference of your
# `softmax_ce`. They should agree to about six digits.

# %%
Z_try, y_try = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]]), np.array([0, 2])
print(softmax_ce_grad(Z_try, y_try))
print(bp.numdiff.gradient(lambda z: softmax_ce(z, y_try), Z_try))

# %% tests id="softmax_ce_grad__shape" points=1
"""softmax_ce_grad returns one entry per logit: the shape of Z."""
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    Z_check, y_check = bp.checks.testdata.points(91, (4, 3)), np.array([0, 2, 1, 2])
    grad_check = bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_check, y_check)
    bp.checks.true(np.shape(grad_check) == (4, 3),
                  f"softmax_ce_grad(Z, y) for Z of shape (4, 3) should have shape (4, 3), the shape "
                  f"of Z; got {np.shape(grad_check)}", "shape")

# %% tests id="softmax_ce_grad__numerical" points=2
"""softmax_ce_grad matches a central-difference gradient of the mean cross-entropy."""
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    Z_check, y_check = bp.checks.testdata.points(92, (5, 4)), np.array([3, 0, 1, 1, 2])
    bp.checks.gradient("softmax_ce_grad(Z, y)",
                      bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_check, y_check),
                      lambda z: bp.softmax.softmax_ce(z, y_check), Z_check, batch_size=5)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    for seed, (N, K) in ((93, (7, 10)), (94, (1, 3)), (95, (3, 2))):
        Z_check = bp.checks.testdata.points(seed, (N, K), -3.0, 3.0)
        y_check = np.random.default_rng(seed).integers(0, K, N)
        bp.checks.gradient(f"softmax_ce_grad(Z, y) on a hidden batch, N={N}, K={K}",
                          bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_check, y_check),
                          lambda z: bp.softmax.softmax_ce(z, y_check), Z_check, batch_size=N)
### END HIDDEN TESTS

# %% tests id="softmax_ce_grad__large_logits" points=1
"""softmax_ce_grad at logits near 900 equals the gradient at the same logits near 0."""
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    Z_small, y_check = bp.checks.testdata.points(96, (3, 5)), np.array([4, 0, 2])
    bp.checks.gradient("softmax_ce_grad(Z + 900, y)",
                      bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_small + 900.0, y_check),
                      lambda z: bp.softmax.softmax_ce(z, y_check), Z_small, batch_size=3)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    Z_small, y_check = bp.checks.testdata.points(97, (4, 10)), np.array([9, 0, 3, 3])
    for shift in (-1000.0, 720.0):
        bp.checks.gradient(f"softmax_ce_grad(Z + {shift:g}, y) on hidden logits",
                          bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_small + shift, y_check),
                          lambda z: bp.softmax.softmax_ce(z, y_check), Z_small, batch_size=4)
### END HIDDEN TESTS

# %% tests id="softmax_ce_grad__exact" points=1
"""softmax_ce_grad is exact: a formula, not a finite difference."""
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    Z_check = np.array([[2.5, -1.0, 0.0, 1.5], [0.3, 0.2, -2.0, 1.0], [-1.5, 4.0, 0.5, 0.0]])
    y_check = np.array([1, 3, 1])
    bp.checks.formula("softmax_ce_grad(Z, y) for three examples",
                      bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_check, y_check),
                      bp.checks.testdata.expected(bp.softmax.softmax_ce_grad, Z_check, y_check),
                      batch_size=3)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("softmax_ce_grad", globals(), ["softmax"]):
    for seed, (N, K) in ((98, (6, 10)), (99, (2, 3))):
        Z_check = bp.checks.testdata.points(seed, (N, K), -4.0, 4.0)
        y_check = np.random.default_rng(seed).integers(0, K, N)
        bp.checks.formula(f"softmax_ce_grad(Z, y) on a hidden batch, N={N}, K={K}",
                         bp.checks.call("softmax_ce_grad", softmax_ce_grad, Z_check, y_check),
                         bp.checks.testdata.expected(bp.softmax.softmax_ce_grad, Z_check, y_check),
                         batch_size=N)
### END HIDDEN TESTS

# %% [markdown]
# ### What you just derived
#
# For one example, $\ell = -z_y + \log \sum_j e^{z_j}$, and
# $\partial \log \sum_j e^{z_j} / \partial z_k = e^{z_k} / \sum_j e^{z_j} = p_k$, so
#
# $$\frac{\partial \ell}{\partial z_k} = p_k - t_k, \qquad
# \frac{\partial L}{\partial Z} = \frac{1}{N}(P - T),$$
#
# with $t$ the one-hot row of the label and $T$ those rows stacked. In code:
# `(softmax(Z) - T) / N`. Three things to notice:
#
# - it is the same shortcut as notebook 5's sigmoid output with binary cross-entropy,
#   $(\hat y - t)/N$: the softmax's derivative cancels against the log's, and the delta
#   is simply "predicted minus wanted";
# - each row sums to zero, because adding a constant to a row of logits changes nothing
#   (Checkpoint 1): the gradient has no component along that direction;
# - it is safe for any logits as long as `softmax` is: no log and no division by a
#   probability is left.

# %% [markdown]
# ## 5. The network: ReLU layers, He initialisation, logits
#
# The classifier is a dense network as in notebook 5, with **ReLU** hidden layers
# $h(z) = \max(z, 0)$ and a **linear** last layer whose outputs are the logits:
#
# $$A^0 = X, \qquad Z^l = A^{l-1} (W^l)^T + b^l, \qquad
# A^l = \max(Z^l, 0) \text{ for } l < L, \qquad \text{logits} = Z^L .$$
#
# The softmax is not part of the network: the loss applies it, and the prediction does
# not need it, since the largest logit has the largest probability. The parameters are a
# dict `{"W1", "b1", ..., "WL", "bL"}` as in `bp.mlp`.
#
# **He initialisation.** Notebook 7 showed that the scale of the initial weights decides
# whether a deep network's signals and gradients survive. A ReLU sets about half of its
# inputs to zero, halving the mean square of what passes through, so ReLU layers need
# weights twice as large (in variance) as the $1/n_{in}$ that keeps a linear layer's scale:
#
# $$W^l_{ji} \sim \mathcal{N}\!\left(0, \frac{2}{n_{l-1}}\right), \qquad b^l = 0 .$$
#
# The variance depends on the layer's number of **inputs** $n_{l-1}$ (its fan-in): each
# pre-activation sums that many terms.
#
# ### Exercise 4: He initialisation (2 points)
#
# Write `he_init(sizes, rng)` for `sizes = [n_0, n_1, ..., n_L]` returning the dict of
# parameters: `W{l}` of shape `(n_l, n_{l-1})` drawn from the distribution above with the
# generator `rng` (`rng.standard_normal(shape)` draws from $\mathcal{N}(0, 1)$), and `b{l}`
# zeros of shape `(n_l,)`.

# %% solution id="he_init"
def he_init(sizes, rng):
    """He-initialised parameters of a ReLU network with layer widths sizes.

    Parameters
    ----------
    sizes : list of int
        [n_0, n_1, ..., n_L]: input width, hidden widths, number of classes.
    rng : numpy.random.Generator

    Returns
    -------
    dict
        "W1", "b1", ..., "WL", "bL"; W{l} of shape (n_l, n_{l-1}) with entries of mean 0
        and variance 2 / n_{l-1}; b{l} zeros of shape (n_l,).
    """
    ### BEGIN SOLUTION
    params = {}
    for l in range(1, len(sizes)):
        std = np.sqrt(2.0 / sizes[l - 1])
        params[f"W{l}"] = std * rng.standard_normal((sizes[l], sizes[l - 1]))
        params[f"b{l}"] = np.zeros(sizes[l])
    return params
    ### END SOLUTION


# %% [markdown]
# Try it. You should see the shapes `(64, 64)`, `(64,)`, `(10, 64)`, `(10,)`, and a
# measured standard deviation of `W1` close to $\sqrt{2/64} \approx 0.177$.

# %%
params_try = he_init([64, 64, 10], rng)
print({key: value.shape for key, value in params_try.items()})
print(f"std of W1: {params_try['W1'].std():.3f}")

# %% tests id="he_init__shapes" points=1
"""he_init returns W{l} of shape (n_l, n_{l-1}) and zero biases b{l} of shape (n_l,)."""
sizes_check = [64, 32, 10]
params_check = bp.checks.call("he_init", he_init, sizes_check, np.random.default_rng(71))
bp.checks.true(isinstance(params_check, dict) and set(params_check) == {"W1", "b1", "W2", "b2"},
              "he_init([64, 32, 10], rng) should return a dict with the keys W1, b1, W2, b2; got "
              f"{sorted(params_check) if isinstance(params_check, dict) else type(params_check).__name__}",
              "keys")
for l in (1, 2):
    bp.checks.true(np.shape(params_check[f"W{l}"]) == (sizes_check[l], sizes_check[l - 1]),
                  f"W{l} should have shape {(sizes_check[l], sizes_check[l - 1])}, that is "
                  f"(n_{l}, n_{l - 1}); got {np.shape(params_check[f'W{l}'])}", "shape")
    bp.checks.close(f"b{l}", params_check[f"b{l}"], np.zeros(sizes_check[l]))

# %% tests id="he_init__scale" points=1
"""he_init draws weights of mean 0 and standard deviation sqrt(2 / n_in) (a statistical check)."""
def he_scale_check(sizes_check, seed):
    params_check = bp.checks.call("he_init", he_init, sizes_check, np.random.default_rng(seed))
    for l in range(1, len(sizes_check)):
        W_check = np.asarray(params_check[f"W{l}"])
        bp.checks.true(W_check.shape == (sizes_check[l], sizes_check[l - 1]),
                      f"W{l} should have shape {(sizes_check[l], sizes_check[l - 1])}; "
                      f"got {W_check.shape}", "shape")
        bp.checks.true(abs(W_check.mean()) < 0.05 * W_check.std(),
                      f"the entries of W{l} should have mean 0; their mean is "
                      f"{W_check.mean():.3g}", "mismatch")
        bp.checks.close(f"standard deviation of the {W_check.size} entries of W{l} "
                       f"(sizes {sizes_check}), to 3%", W_check.std(),
                       np.sqrt(2.0 / sizes_check[l - 1]), tol=0.03)


he_scale_check([600, 300, 200], 72)
### BEGIN HIDDEN TESTS
he_scale_check([200, 800, 50], 73)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5: logits and predictions (2 points)
#
# Write `network_logits(params, X)` returning the logits, shape `(N, K)`, of the network
# `params` (any depth: `L = len(params) // 2`; ReLU hidden layers, linear last layer) for
# inputs `X` of shape `(N, n_0)`, and `predict(params, X)` returning the predicted class of
# every row, integer labels of shape `(N,)`. `bp.layers.dense_forward` (from notebook 5)
# is available.

# %% solution id="forward"
def network_logits(params, X):
    """Logits of a ReLU network with a linear last layer.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL"; W{l} of shape (n_l, n_{l-1}).
    X : ndarray of shape (N, n_0)

    Returns
    -------
    ndarray of shape (N, n_L)
    """
    ### BEGIN SOLUTION
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"].T + params[f"b{l}"]
        A = Z if l == L else np.maximum(Z, 0.0)
    return A
    ### END SOLUTION


def predict(params, X):
    """The predicted class of each row of X: integer labels of shape (N,)."""
    ### BEGIN SOLUTION
    return np.argmax(network_logits(params, X), axis=1)
    ### END SOLUTION


# %% [markdown]
# Try it. An untrained network guesses: its accuracy on the training set should be
# somewhere near 10%, and its loss a little above $\log 10$.

# %%
params_try = he_init([64, 64, 10], np.random.default_rng(1))
print(f"accuracy {np.mean(predict(params_try, X_train) == y_train):.1%}, "
      f"loss {softmax_ce(network_logits(params_try, X_train), y_train):.3f}")

# %% tests id="forward__logits" points=1
"""network_logits of a 2-3-2 network: ReLU on the hidden layer, none on the last."""
params_check = {"W1": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),
                "b1": np.array([0.0, -1.0, 0.5]),
                "W2": np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]]), "b2": np.array([0.1, -0.2])}
X_check = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0], [3.0, -2.0]])
A1_check = np.maximum(X_check @ params_check["W1"].T + params_check["b1"], 0.0)
bp.checks.close("network_logits(params, X)",
               bp.checks.call("network_logits", network_logits, params_check, X_check),
               A1_check @ params_check["W2"].T + params_check["b2"])
### BEGIN HIDDEN TESTS
params_check = bp.mlp.init_params([5, 7, 6, 4], np.random.default_rng(74))
params_check.update({f"b{l}": bp.checks.testdata.points(74 + l, (n,), -0.5, 0.5)
                     for l, n in ((1, 7), (2, 6), (3, 4))})
X_check = bp.checks.testdata.points(78, (6, 5))
bp.checks.close("network_logits(params, X) of a hidden 5-7-6-4 network",
               bp.checks.call("network_logits", network_logits, params_check, X_check),
               bp.checks.testdata.expected(bp.classifier.logits, params_check, X_check))
### END HIDDEN TESTS

# %% tests id="forward__predict" points=1
"""predict returns the integer label of the largest logit of every row."""
params_check = {"W1": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),
                "b1": np.array([0.0, -1.0, 0.5]),
                "W2": np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0], [-1.0, -1.0, 0.0]]),
                "b2": np.array([0.1, -0.2, 0.0])}
X_check = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0], [3.0, -2.0], [-2.0, -2.0]])
A1_check = np.maximum(X_check @ params_check["W1"].T + params_check["b1"], 0.0)
labels_check = bp.checks.call("predict", predict, params_check, X_check)
bp.checks.true(np.shape(labels_check) == (5,),
              f"predict should return one label per row of X, shape (5,); got {np.shape(labels_check)}",
              "shape")
bp.checks.close("predict(params, X)", labels_check,
               np.argmax(A1_check @ params_check["W2"].T + params_check["b2"], axis=1))
### BEGIN HIDDEN TESTS
params_check = bp.mlp.init_params([5, 7, 6, 4], np.random.default_rng(79))
X_check = bp.checks.testdata.points(80, (9, 5))
bp.checks.close("predict(params, X) of a hidden 5-7-6-4 network",
               bp.checks.call("predict", predict, params_check, X_check),
               bp.checks.testdata.expected(bp.classifier.predict, params_check, X_check))
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Mini-batch stochastic gradient descent
#
# Gradient descent on the whole training set would compute all 1,079 examples' gradients
# for every single step. **Mini-batch SGD** takes a step after each small batch of $B$
# examples instead: the batch's mean gradient is a noisy but unbiased estimate of the full
# one, and many cheap noisy steps beat a few exact ones. One pass over the training set,
# in a fresh random order, is an **epoch**.
#
# One step on a batch `(X, y)` is the whole of backprop:
#
# 1. **forward**, keeping every layer's input `A{l-1}` and pre-activation `Z{l}`;
# 2. the **loss** `softmax_ce(ZL, y)` and the **output delta** `dZ = softmax_ce_grad(ZL, y)`
#    (the $1/N$ is inside it, with $N = B$);
# 3. **backward**, for $l = L, \dots, 1$, notebook 5's rules:
#    `dW{l} = dZ.T @ A{l-1}`, `db{l} = dZ.sum(axis=0)`, and unless $l = 1$ the hidden delta
#    `dZ = (dZ @ W{l}) * relu'(Z{l-1})`, where $\text{relu}'(z)$ is 1 for $z > 0$ and 0
#    otherwise;
# 4. the **update** of every parameter, $\theta \leftarrow \theta - \text{lr} \cdot
#    \partial L/\partial\theta$, into a new dict: the caller's `params` stay as they were.
#
# ### Exercise 6: one step of mini-batch SGD (4 points)
#
# Write `sgd_step(params, X, y, lr)` for a batch `X` of shape `(B, n_0)` with labels `y` of
# shape `(B,)`, returning the pair `(new_params, loss)`: the parameters after one step, a
# new dict with the keys and shapes of `params`, and the batch's loss **before** the step.
# Use your `softmax_ce` and `softmax_ce_grad`; `bp.layers.dense_backward` is available.

# %% solution id="sgd_step"
def sgd_step(params, X, y, lr):
    """One step of gradient descent on the mean cross-entropy of the batch (X, y).

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL" of a ReLU network with a linear last layer.
    X : ndarray of shape (B, n_0)
    y : ndarray of shape (B,)
        Integer labels.
    lr : float
        Learning rate.

    Returns
    -------
    new_params : dict
        The parameters after the step; params itself is not changed.
    loss : float
        softmax_ce of the batch before the step.
    """
    ### BEGIN SOLUTION
    L = len(params) // 2
    cache = {"A0": X}
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"].T + params[f"b{l}"]
        A = Z if l == L else np.maximum(Z, 0.0)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    loss = softmax_ce(A, y)
    dZ = softmax_ce_grad(A, y)
    new_params = {}
    for l in range(L, 0, -1):
        W = params[f"W{l}"]
        dW = dZ.T @ cache[f"A{l - 1}"]
        db = dZ.sum(axis=0)
        if l > 1:
            dZ = (dZ @ W) * (cache[f"Z{l - 1}"] > 0)
        new_params[f"W{l}"] = W - lr * dW
        new_params[f"b{l}"] = params[f"b{l}"] - lr * db
    return {key: new_params[key] for key in params}, loss
    ### END SOLUTION


# %% [markdown]
# Try it. Ten steps on the same batch of 32 digits should bring its loss down every time
# (from about 2.6 to about 1.3).

# %%
params_try = he_init([64, 32, 10], np.random.default_rng(2))
losses_try = []
for _ in range(10):
    params_try, loss_try = sgd_step(params_try, X_train[:32], y_train[:32], 0.5)
    losses_try.append(round(loss_try, 3))
print(losses_try)

# %% tests id="sgd_step__returns" points=1
"""sgd_step returns (new_params, loss): a new dict of the same keys and shapes, params unchanged."""
with bp.checks.earlier.blamed("sgd_step", globals(),
                              ["softmax", "softmax_ce", "softmax_ce_grad"]):
    params_check = bp.mlp.init_params([4, 5, 3], np.random.default_rng(61))
    params_check["b1"] = bp.checks.testdata.points(62, (5,), -0.5, 0.5)
    saved_check = {key: value.copy() for key, value in params_check.items()}
    X_check, y_check = bp.checks.testdata.points(63, (6, 4)), np.array([0, 1, 2, 2, 1, 0])
    result = bp.checks.call("sgd_step", sgd_step, params_check, X_check, y_check, 0.1)
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2,
                  f"sgd_step should return a pair (new_params, loss); got {type(result).__name__}",
                  "not-a-pair")
    new_check, loss_check = result
    bp.checks.true(isinstance(new_check, dict) and set(new_check) == set(params_check),
                  f"new_params should be a dict with the keys {sorted(params_check)}", "keys")
    for key in params_check:
        bp.checks.true(np.shape(new_check[key]) == params_check[key].shape,
                      f"new_params[{key!r}] should have the shape {params_check[key].shape}; "
                      f"got {np.shape(new_check[key])}", "shape")
        bp.checks.true(np.array_equal(params_check[key], saved_check[key]),
                      f"sgd_step changed params[{key!r}] in place: return new arrays instead, so "
                      "that the caller's parameters (for example the best ones so far) survive",
                      "in-place")
    bp.checks.true(np.ndim(loss_check) == 0, f"loss should be one number; got {loss_check!r}", "shape")

# %% tests id="sgd_step__update" points=2
"""sgd_step moves every parameter by -lr times its gradient (checked by central differences)."""
with bp.checks.earlier.blamed("sgd_step", globals(),
                              ["softmax", "softmax_ce", "softmax_ce_grad"]):
    params_check = bp.mlp.init_params([4, 5, 3], np.random.default_rng(64))
    params_check["b1"] = bp.checks.testdata.points(65, (5,), -0.5, 0.5)
    X_check, y_check, lr_check = bp.checks.testdata.points(66, (6, 4)), np.array([2, 1, 0, 0, 1, 2]), 0.1
    new_check, _ = bp.checks.call("sgd_step", sgd_step, params_check, X_check, y_check, lr_check)
    for key in params_check:
        bp.checks.gradient(f"(params[{key!r}] - new_params[{key!r}]) / lr",
                          (params_check[key] - np.asarray(new_check[key])) / lr_check,
                          bp.classifier.loss_of(params_check, X_check, y_check, key),
                          params_check[key], batch_size=6)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("sgd_step", globals(),
                              ["softmax", "softmax_ce", "softmax_ce_grad"]):
    params_check = bp.mlp.init_params([6, 8, 5, 4], np.random.default_rng(67))
    params_check.update({f"b{l}": bp.checks.testdata.points(67 + l, (n,), -0.3, 0.3)
                         for l, n in ((1, 8), (2, 5), (3, 4))})
    X_check = bp.checks.testdata.points(71, (9, 6))
    y_check = np.random.default_rng(71).integers(0, 4, 9)
    new_check, _ = bp.checks.call("sgd_step", sgd_step, params_check, X_check, y_check, 0.7)
    new_expected, _ = bp.checks.testdata.expected(bp.classifier.sgd_step, params_check, X_check, y_check, 0.7)
    for key in params_check:
        bp.checks.close(f"new_params[{key!r}] of a hidden 6-8-5-4 network, lr 0.7",
                       new_check[key], new_expected[key])
### END HIDDEN TESTS

# %% tests id="sgd_step__loss" points=1
"""sgd_step returns the batch's loss before the step."""
with bp.checks.earlier.blamed("sgd_step", globals(),
                              ["softmax", "softmax_ce", "softmax_ce_grad"]):
    params_check = bp.mlp.init_params([4, 5, 3], np.random.default_rng(64))
    X_check, y_check = bp.checks.testdata.points(66, (6, 4)), np.array([2, 1, 0, 0, 1, 2])
    _, loss_check = bp.checks.call("sgd_step", sgd_step, params_check, X_check, y_check, 0.1)
    bp.checks.close("the loss sgd_step returns", loss_check,
                   bp.classifier.loss_of(params_check, X_check, y_check, "b1")(params_check["b1"]))
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("sgd_step", globals(),
                              ["softmax", "softmax_ce", "softmax_ce_grad"]):
    params_check = bp.mlp.init_params([3, 4, 2], np.random.default_rng(72))
    X_check, y_check = bp.checks.testdata.points(73, (5, 3)), np.array([1, 0, 0, 1, 1])
    _, loss_check = bp.checks.call("sgd_step", sgd_step, params_check, X_check, y_check, 0.3)
    bp.checks.close("the loss sgd_step returns on a hidden batch", loss_check,
                   bp.classifier.loss_of(params_check, X_check, y_check, "b1")(params_check["b1"]))
### END HIDDEN TESTS

# %% [markdown]
# ## 7. Early stopping
#
# Train long enough and a network starts to learn its training examples by heart: the
# training loss keeps falling while the validation loss, measured on examples it never
# trains on, bottoms out and rises again. **Early stopping** watches the validation loss
# after every epoch, keeps a copy of the parameters at its lowest, and stops once
# `patience` epochs in a row have failed to beat it. What it returns is that best copy,
# not the last parameters.
#
# ### Exercise 7: training with early stopping (3 points)
#
# Write `train(params, X_train, y_train, X_val, y_val, lr, batch_size, epochs, patience, rng)`
# returning `(best_params, history)`:
#
# - each epoch shuffles the training rows with `rng` (`rng.permutation(N)` gives a random
#   order), cuts them into batches of `batch_size` rows (the last may be smaller) and takes
#   one `sgd_step` per batch;
# - after each epoch it records, on the **whole** training set and the whole validation
#   set, the loss (your `softmax_ce` of the logits) and the accuracy (a float in
#   $[0, 1]$), in the lists `history["train_loss"]`, `history["val_loss"]`,
#   `history["train_acc"]` and `history["val_acc"]`;
# - it remembers the epoch with the lowest validation loss so far and its parameters;
#   once `patience` epochs in a row have not lowered it, it stops (so the best epoch is
#   followed by exactly `patience` epochs), or after `epochs` epochs at most;
# - it returns the parameters of the best epoch, and `history["best_epoch"]`, that
#   epoch's index (0 for the first).

# %% solution id="train"
def train(params, X_train, y_train, X_val, y_val, lr, batch_size, epochs, patience, rng):
    """Mini-batch SGD with early stopping on the validation loss.

    Returns
    -------
    best_params : dict
        The parameters after the epoch of lowest validation loss.
    history : dict
        "train_loss", "val_loss", "train_acc", "val_acc": one float per epoch run;
        "best_epoch": the index of the epoch of lowest validation loss.
    """
    ### BEGIN SOLUTION
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    best_params, best_epoch = params, 0
    for epoch in range(epochs):
        order = rng.permutation(len(y_train))
        for start in range(0, len(y_train), batch_size):
            batch = order[start:start + batch_size]
            params, _ = sgd_step(params, X_train[batch], y_train[batch], lr)
        for name, X, y in (("train", X_train, y_train), ("val", X_val, y_val)):
            Z = network_logits(params, X)
            history[f"{name}_loss"].append(softmax_ce(Z, y))
            history[f"{name}_acc"].append(float(np.mean(np.argmax(Z, axis=1) == y)))
        best_epoch = int(np.argmin(history["val_loss"]))
        if best_epoch == epoch:
            best_params = params
        elif epoch - best_epoch >= patience:
            break
    history["best_epoch"] = best_epoch
    return best_params, history
    ### END SOLUTION


# %% [markdown]
# Try it on a deliberately small problem, 150 training digits. You should see the
# validation loss fall, and the run stop 3 epochs after its lowest point. With so short
# a patience, that lowest point can be a dip in the noise rather than the true bottom:
# the next cell shows what happens without early stopping.

# %%
if not bp.grading():  # work that earns no points: the graded run skips it
    params_try, history_try = train(he_init([64, 32, 10], np.random.default_rng(3)),
                                    X_train[:150], y_train[:150], X_val, y_val, lr=0.5,
                                    batch_size=10, epochs=100, patience=3,
                                    rng=np.random.default_rng(4))
    print("validation loss per epoch:", np.round(history_try["val_loss"], 3))
    print("best epoch:", history_try["best_epoch"], "of", len(history_try["val_loss"]))

# %% [markdown]
# **Learning by heart.** The same 150 training digits, 90 epochs with no early stopping
# (the patience is the whole run): the cell prints both losses every ten epochs. The
# training loss falls towards zero; the validation loss reaches its lowest value early and
# then climbs, epoch after epoch, as the network fits what is peculiar to its 150 digits
# rather than what makes a digit a 3.

# %%
if not bp.grading():  # seconds of work that earn no points: the graded run skips it
    _, history_long = train(he_init([64, 64, 10], np.random.default_rng(3)),
                            X_train[:150], y_train[:150], X_val[:200], y_val[:200], lr=0.5,
                            batch_size=10, epochs=90, patience=90, rng=np.random.default_rng(4))
    for epoch in range(0, 90, 10):
        print(f"epoch {epoch + 1:3d}: training loss {history_long['train_loss'][epoch]:.4f}, "
              f"validation loss {history_long['val_loss'][epoch]:.4f}")
    lowest = int(np.argmin(history_long["val_loss"]))
    print(f"lowest validation loss {history_long['val_loss'][lowest]:.4f} at epoch {lowest + 1}; "
          f"at the end {history_long['val_loss'][-1]:.4f}")

# %% tests id="train__history" points=1
"""train records four lists of one float per epoch, and the index of the best epoch."""
with bp.checks.earlier.blamed("train", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    splits_check = bp.digits.load_splits()
    X_small, y_small = splits_check["train"][0][:150], splits_check["train"][1][:150]
    X_val_check, y_val_check = splits_check["val"][0][:120], splits_check["val"][1][:120]
    params_check = bp.mlp.init_params([64, 16, 10], np.random.default_rng(51))
    result = bp.checks.call("train", train, params_check, X_small, y_small, X_val_check, y_val_check,
                           0.5, 10, 60, 3, np.random.default_rng(52))
    bp.checks.true(isinstance(result, (tuple, list)) and len(result) == 2,
                  f"train should return a pair (best_params, history); got {type(result).__name__}",
                  "not-a-pair")
    best_check, history_check = result
    bp.checks.true(isinstance(history_check, dict)
                  and {"train_loss", "val_loss", "train_acc", "val_acc", "best_epoch"} <= set(history_check),
                  "history should be a dict with the keys train_loss, val_loss, train_acc, val_acc "
                  "and best_epoch", "keys")
    lengths = {key: len(history_check[key]) for key in ("train_loss", "val_loss", "train_acc", "val_acc")}
    bp.checks.true(len(set(lengths.values())) == 1 and 1 <= lengths["val_loss"] <= 60,
                  f"the four lists should hold one value per epoch run (at most 60); got lengths {lengths}",
                  "shape")
    bp.checks.true(all(0.0 <= acc <= 1.0 for acc in history_check["val_acc"] + history_check["train_acc"]),
                  "accuracies should be fractions between 0 and 1", "mismatch")
    bp.checks.true(history_check["best_epoch"] == int(np.argmin(history_check["val_loss"])),
                  f"history['best_epoch'] should be the index of the lowest validation loss, "
                  f"{int(np.argmin(history_check['val_loss']))}; got {history_check['best_epoch']}",
                  "mismatch")
    bp.checks.true(history_check["train_loss"][-1] < history_check["train_loss"][0],
                  "the training loss should go down over the epochs", "mismatch")

# %% tests id="train__best_weights" points=1
"""train returns the parameters of the epoch with the lowest validation loss, not the last ones."""
with bp.checks.earlier.blamed("train", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    splits_check = bp.digits.load_splits()
    X_small, y_small = splits_check["train"][0][:150], splits_check["train"][1][:150]
    X_val_check, y_val_check = splits_check["val"][0][:120], splits_check["val"][1][:120]
    params_check = bp.mlp.init_params([64, 16, 10], np.random.default_rng(51))
    best_check, history_check = bp.checks.call("train", train, params_check, X_small, y_small,
                                              X_val_check, y_val_check, 0.5, 10, 60, 3,
                                              np.random.default_rng(52))
    bp.checks.close("the validation loss of the parameters train returns, against the lowest in "
                   "history['val_loss']",
                   bp.training.evaluate(best_check, X_val_check, y_val_check)[0],
                   min(history_check["val_loss"]))
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("train", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    X_small, y_small = splits_check["train"][0][200:300], splits_check["train"][1][200:300]
    params_check = bp.mlp.init_params([64, 24, 10], np.random.default_rng(53))
    best_check, history_check = bp.checks.call("train", train, params_check, X_small, y_small,
                                              X_val_check, y_val_check, 0.4, 7, 60, 2,
                                              np.random.default_rng(54))
    bp.checks.close("the validation loss of the parameters train returns (hidden run)",
                   bp.training.evaluate(best_check, X_val_check, y_val_check)[0],
                   min(history_check["val_loss"]))
### END HIDDEN TESTS

# %% tests id="train__stops" points=1
"""train stops exactly `patience` epochs after the best one."""
with bp.checks.earlier.blamed("train", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    splits_check = bp.digits.load_splits()
    X_small, y_small = splits_check["train"][0][:150], splits_check["train"][1][:150]
    X_val_check, y_val_check = splits_check["val"][0][:120], splits_check["val"][1][:120]
    params_check = bp.mlp.init_params([64, 16, 10], np.random.default_rng(51))
    _, history_check = bp.checks.call("train", train, params_check, X_small, y_small, X_val_check,
                                     y_val_check, 0.5, 10, 60, 3, np.random.default_rng(52))
    best_epoch_check = int(np.argmin(history_check["val_loss"]))
    bp.checks.true(len(history_check["val_loss"]) == best_epoch_check + 1 + 3,
                  f"with patience 3 and the lowest validation loss at epoch {best_epoch_check}, train "
                  f"should run {best_epoch_check + 4} epochs (the best one and 3 more); it ran "
                  f"{len(history_check['val_loss'])}", "mismatch")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("train", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    _, history_check = bp.checks.call("train", train, params_check, X_small, y_small, X_val_check,
                                     y_val_check, 0.5, 10, 60, 5, np.random.default_rng(55))
    best_epoch_check = int(np.argmin(history_check["val_loss"]))
    bp.checks.true(len(history_check["val_loss"]) == min(best_epoch_check + 1 + 5, 60),
                  f"with patience 5 (hidden run) and the lowest validation loss at epoch "
                  f"{best_epoch_check}, train should run {min(best_epoch_check + 6, 60)} epochs; it ran "
                  f"{len(history_check['val_loss'])}", "mismatch")
### END HIDDEN TESTS

# %% [markdown]
# ## 8. Your digit classifier
#
# Everything is in place. Choose an architecture (input 64, output 10, hidden widths of
# your choice), a learning rate, a batch size, a maximum number of epochs and a patience,
# and train on the training split with early stopping on the validation split.
#
# ### Exercise 8: your digit classifier (3 points)
#
# The target is **at least 95% accuracy on the test split**. The test computes it itself:
# it loads the test digits, calls your `predict` with your `params_digits`, and counts.
# Training must take at most a few seconds (graded notebooks stop any cell after 30 s):
# one hidden layer of 32 to 128 units, a learning rate between 0.05 and 0.5, batches of
# 16 to 64 and a patience near 10 all work.

# %% solution id="digits_model"
# Choose the architecture and hyperparameters, then train with early stopping. Define
#   params_digits:  the trained parameters (a dict W1, b1, ..., WL, bL)
#   history_digits: the history your train returns
### BEGIN SOLUTION
sizes_digits = [64, 64, 10]
rng_digits = np.random.default_rng(0)
params_digits, history_digits = train(he_init(sizes_digits, rng_digits), X_train, y_train,
                                      X_val, y_val, lr=0.2, batch_size=32, epochs=100,
                                      patience=10, rng=rng_digits)
### END SOLUTION

# %%
best = history_digits["best_epoch"]
print(f"stopped after {len(history_digits['val_loss'])} epochs; best epoch {best + 1}: "
      f"validation loss {history_digits['val_loss'][best]:.4f}, "
      f"validation accuracy {history_digits['val_acc'][best]:.1%}")

# %% tests id="digits_model__accuracy" points=3
"""Your classifier reaches at least 95% accuracy on the test split (computed here)."""
with bp.checks.earlier.blamed("digits_model", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    bp.checks.true("params_digits" in globals() and isinstance(params_digits, dict),
                  "define params_digits, the dict of your trained parameters, in the cell above",
                  "not-implemented")
    X_held, y_held = bp.digits.load_splits()["test"]
    labels_held = np.asarray(bp.checks.call("predict", predict, params_digits, X_held))
    bp.checks.true(labels_held.shape == y_held.shape,
                  f"predict(params_digits, X_test) should return {y_held.shape[0]} labels; got shape "
                  f"{labels_held.shape}", "shape")
    accuracy_held = float(np.mean(labels_held == y_held))
    bp.checks.true(accuracy_held >= 0.95,
                  f"your classifier gets {accuracy_held:.1%} of the {len(y_held)} test digits right; "
                  "the target is 95%. Look at the learning curves below: a learning rate too small "
                  "or a patience too short stops too early; one too large makes the loss jump.",
                  "not-learned")
    print(f"Your classifier gets {accuracy_held:.1%} of the {len(y_held)} test digits right.")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("digits_model", globals(),
                              ["network_logits", "softmax", "softmax_ce", "softmax_ce_grad",
                               "sgd_step"]):
    bp.checks.true(np.shape(params_digits.get("W1"))[1:] == (64,),
                  "params_digits['W1'] should take the 64 pixels as inputs", "shape")
    reference_accuracy = float(np.mean(
        bp.checks.testdata.expected(bp.classifier.predict, params_digits, X_held) == y_held))
    bp.checks.true(reference_accuracy >= 0.95,
                  f"run through the course's own ReLU network, params_digits gets "
                  f"{reference_accuracy:.1%} of the test digits right; the target is 95%",
                  "not-learned")
### END HIDDEN TESTS

# %% [markdown]
# ### Reading the learning curves
#
# The dotted line marks the best epoch, whose parameters `train` returned. Watch the gap
# between the training and validation curves: where the training loss keeps falling and
# the validation loss stalls or rises, further epochs fit the training digits' quirks
# rather than what makes a digit a 3.

# %%
if not bp.grading():
    bp.explore.digits.plot_learning_curves(history_digits)
    plt.show()

# %% [markdown]
# ### Which digits does it confuse?
#
# The **confusion matrix** counts, for each true digit (row), how often each digit was
# predicted (column): the diagonal holds the right answers, everything else is a mistake.
# Below it, the test digits your network got wrong, each captioned "true → predicted".
# Many are hard for people too.

# %%
labels_test = predict(params_digits, X_test)
confusion = bp.classifier.confusion_matrix(y_test, labels_test)
true_digit, predicted_digit = np.unravel_index(np.argmax(confusion - np.diag(np.diag(confusion))),
                                               confusion.shape)
print(f"test accuracy {np.mean(labels_test == y_test):.1%}; the most frequent mistake: a "
      f"{true_digit} read as a {predicted_digit}")
if not bp.grading():
    fig, ax = plt.subplots(figsize=(5.2, 4.6), layout="constrained")
    bp.explore.digits.plot_confusion(confusion, ax=ax)
    plt.show()
    bp.explore.digits.plot_misclassified(X_test, y_test, labels_test)
    plt.show()

# %% [markdown]
# ## 9. Explore: learning rate, width and batch size
#
# Each setting trains a 64-width-10 network on the training split for 20 epochs (no early
# stopping, so you see what comes after the best epoch too) and draws its curves. A
# setting takes a fraction of a second the first time, and nothing when you come back
# to it. Things to try:
#
# - the learning rate from 0.003 to 1: too small and 20 epochs are not enough; too large
#   and the loss jumps or stalls;
# - the width: 4 hidden units cannot separate ten digits well; beyond 32 little changes;
# - the batch size: small batches make many noisy steps per epoch, large ones few smooth
#   steps. At a fixed learning rate, which gets further in 20 epochs, and why? (Count the
#   steps in the title.)

# %%
bp.explore.digits.curve_explorer()

# %% [markdown]
# ## 10. Transfer: label smoothing
#
# A network trained with one-hot targets is pushed to make the right logit infinitely
# larger than the others, since the loss reaches 0 only there. **Label smoothing** asks
# for a little less: the target of example $n$ becomes
#
# $$q_n = (1 - \varepsilon)\, t_n + \frac{\varepsilon}{K}\,\mathbf{1},$$
#
# that is $1 - \varepsilon + \varepsilon/K$ on the label and $\varepsilon/K$ on every
# other class (rows still sum to 1), with a small $\varepsilon$ such as 0.1. The loss is
# the cross-entropy against these soft targets, averaged over the batch:
#
# $$L_\varepsilon = -\frac{1}{N} \sum_{n=1}^{N} \sum_{k=1}^{K} q_{nk} \log p_{nk} .$$
#
# ### Exercise 9: label smoothing (3 points)
#
# Derive $\partial L_\varepsilon / \partial Z$, then write `smoothed_ce_grad(Z, y, eps)`
# returning it, shape `(N, K)`, for logits `Z` of shape `(N, K)`, integer labels `y` of
# shape `(N,)` and `eps` in $[0, 1)$. It must be exact and safe for large logits.
#
# <details><summary>Hint 1</summary>
#
# Redo the derivation of Exercise 3 with a target row that is no longer one-hot: write
# $-\sum_k q_k \log p_k$ with $\log p_k = z_k - \log \sum_j e^{z_j}$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# The log-sum-exp term is multiplied by $\sum_k q_k$. What is that sum?
# </details>

# %% solution id="smoothed_ce_grad"
def smoothed_ce_grad(Z, y, eps):
    """Gradient of the label-smoothed mean cross-entropy with respect to the logits.

    Parameters
    ----------
    Z : ndarray of shape (N, K)
    y : ndarray of shape (N,)
        Integer labels in 0..K-1.
    eps : float
        Smoothing, in [0, 1).

    Returns
    -------
    ndarray of shape (N, K)
        dL_eps/dZ.
    """
    ### BEGIN SOLUTION
    N, K = Z.shape
    Q = np.full((N, K), eps / K)
    Q[np.arange(N), y] += 1.0 - eps
    return (softmax(Z) - Q) / N
    ### END SOLUTION


# %% [markdown]
# Try it: yours, then a central difference of the smoothed loss (`bp.softmax.smoothed_ce`).
# They should agree to about six digits.

# %%
Z_try, y_try = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]]), np.array([0, 2])
print(smoothed_ce_grad(Z_try, y_try, 0.1))
print(bp.numdiff.gradient(lambda z: bp.softmax.smoothed_ce(z, y_try, 0.1), Z_try))

# %% tests id="smoothed_ce_grad__numerical" points=2
"""smoothed_ce_grad matches a central-difference gradient of the smoothed loss."""
with bp.checks.earlier.blamed("smoothed_ce_grad", globals(), ["softmax"]):
    Z_check, y_check = bp.checks.testdata.points(41, (5, 4)), np.array([3, 0, 1, 1, 2])
    for eps_check in (0.1, 0.3):
        bp.checks.gradient(f"smoothed_ce_grad(Z, y, {eps_check})",
                          bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_check, y_check,
                                        eps_check),
                          lambda z: bp.softmax.smoothed_ce(z, y_check, eps_check), Z_check,
                          batch_size=5)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("smoothed_ce_grad", globals(), ["softmax"]):
    for seed, (N, K), eps_check in ((42, (6, 10), 0.2), (43, (1, 3), 0.5), (44, (4, 2), 0.0)):
        Z_check = bp.checks.testdata.points(seed, (N, K), -3.0, 3.0)
        y_check = np.random.default_rng(seed).integers(0, K, N)
        bp.checks.gradient(f"smoothed_ce_grad(Z, y, {eps_check}) on a hidden batch, N={N}, K={K}",
                          bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_check, y_check,
                                        eps_check),
                          lambda z: bp.softmax.smoothed_ce(z, y_check, eps_check), Z_check,
                          batch_size=N)
### END HIDDEN TESTS

# %% tests id="smoothed_ce_grad__exact" points=1
"""smoothed_ce_grad is exact, and safe at logits near 800."""
with bp.checks.earlier.blamed("smoothed_ce_grad", globals(), ["softmax"]):
    Z_small, y_check = bp.checks.testdata.points(45, (3, 4)), np.array([1, 3, 0])
    bp.checks.gradient("smoothed_ce_grad(Z + 800, y, 0.2)",
                      bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_small + 800.0, y_check,
                                    0.2),
                      lambda z: bp.softmax.smoothed_ce(z, y_check, 0.2), Z_small, batch_size=3)
    bp.checks.formula("smoothed_ce_grad(Z, y, 0.2) for three examples",
                     bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_small, y_check, 0.2),
                     bp.checks.testdata.expected(bp.softmax.smoothed_ce_grad, Z_small, y_check, 0.2),
                     batch_size=3)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("smoothed_ce_grad", globals(), ["softmax"]):
    for seed, (N, K), eps_check in ((46, (6, 10), 0.1), (47, (3, 5), 0.25)):
        Z_check = bp.checks.testdata.points(seed, (N, K), -4.0, 4.0)
        y_check = np.random.default_rng(seed).integers(0, K, N)
        bp.checks.formula(f"smoothed_ce_grad(Z, y, {eps_check}) on a hidden batch, N={N}, K={K}",
                         bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_check, y_check,
                                       eps_check),
                         bp.checks.testdata.expected(bp.softmax.smoothed_ce_grad, Z_check, y_check,
                                              eps_check), batch_size=N)
    Z_small = bp.checks.testdata.points(48, (3, 5))
    bp.checks.gradient("smoothed_ce_grad(Z - 900, y, 0.25) on hidden logits",
                      bp.checks.call("smoothed_ce_grad", smoothed_ce_grad, Z_small - 900.0, y_check,
                                    0.25),
                      lambda z: bp.softmax.smoothed_ce(z, y_check, 0.25), Z_small, batch_size=3)
### END HIDDEN TESTS

# %% [markdown]
# ### What you just derived
#
# With $\log p_k = z_k - \log \sum_j e^{z_j}$, one example's loss is
# $-\sum_k q_k z_k + \big(\sum_k q_k\big) \log \sum_j e^{z_j}$, and $\sum_k q_k = 1$, so
# the derivation of Exercise 3 goes through unchanged with $q$ in place of $t$:
#
# $$\frac{\partial L_\varepsilon}{\partial Z} = \frac{1}{N}(P - Q), \qquad
# \text{in code } (P - Q) / N .$$
#
# The gradient vanishes only when $P = Q$: the network is now pushed toward probabilities
# $1 - \varepsilon + \varepsilon/K$ on the label, a finite logit gap, instead of an
# infinite one. The same argument gives "predicted minus wanted" for **any** target rows
# that sum to 1, such as a teacher network's probabilities in knowledge distillation.

# %% [markdown]
# ## Summary
#
# - The softmax turns logits into probabilities; it ignores a shift of a row, and that is
#   what makes it safe: subtract each row's largest logit first.
# - The cross-entropy of integer labels is $-\log p_{n, y_n}$, averaged over the batch;
#   computed through the log-sum-exp it never takes the log of a rounded 0. A classifier
#   that knows nothing scores $\log K$.
# - Its gradient with respect to the logits is "predicted minus wanted", divided by
#   $N$, for one-hot and for smoothed targets alike; each row sums to zero.
# - ReLU layers want He initialisation, variance $2/n_{in}$; the last layer is linear.
# - Mini-batch SGD takes one step per batch of a shuffled epoch; early stopping keeps the
#   parameters of the lowest validation loss.
# - A network of one hidden layer trained this way gets over 95% of held-out digits right
#   in about a second.
#
# ## Going further
#
# - **Momentum and Adam** keep a running average of past gradients, which smooths the
#   noise of small batches and often allows larger steps; **weight decay** adds
#   $\frac{\lambda}{2}\sum \|W\|^2$ to the loss (notebook 1's L2 regulariser), another
#   cure for learning the training set by heart. Notebook 10 derives both and trains this
#   classifier with them.
# - **Convolutional layers** share weights across positions of the image; on larger
#   images they beat a dense network by far.
# - Notebook 8's autograd engine computes every gradient of this notebook from the
#   forward pass alone: train this classifier with it and compare the gradients with your
#   `sgd_step`.
