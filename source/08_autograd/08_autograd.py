# Backprop Lab, notebook 8: an autograd engine.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 8. An autograd engine
#
# *Write each backward rule once, let the code record its own graph, and let a topological
# sort do the rest: what `loss.backward()` does.*
#
# **Estimated time:** 100 to 120 minutes. **Exercises:** 11, worth 27 points (two of them
# are one-point "predict, then run" checkpoints).
#
# **Loss:** notebook 5's, the mean over the batch of the half squared error,
# $L = \frac1N \sum_n \tfrac12 \lVert \hat y_n - t_n \rVert^2$ (for one example and one
# output, notebook 4's $L = \tfrac12 (\hat y - t)^2$), or of binary cross-entropy,
# $L = -\frac1N \sum_{n,k} \big[t_{nk} \log \hat y_{nk} + (1 - t_{nk}) \log(1 - \hat y_{nk})\big]$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md): examples are
# rows, `Z = A_prev @ W.T + b`, and a gradient has the shape of what it differentiates.
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. write the backward rule of a matrix product as two matrix products
#    ([Exercise 1](#Exercise-1:-the-rule-of-a-matrix-product-(2-points)));
# 2. say what the gradient of a broadcast input is
#    ([Checkpoint A](#Checkpoint-A:-predict,-then-run-(1-point))), and write the rule of a
#    broadcasting addition ([Exercise 2](#Exercise-2:-the-rule-of-a-broadcasting-addition-(3-points)));
# 3. write the rules of tanh, the sigmoid and ReLU from their outputs
#    ([Exercise 3](#Exercise-3:-activations-(3-points))), and of a mean and two losses
#    ([Exercise 4](#Exercise-4:-a-mean-and-two-losses-(3-points)));
# 4. explain why a backward pass needs an order
#    ([Checkpoint B](#Checkpoint-B:-predict,-then-run-(1-point))), sort a graph
#    topologically ([Exercise 5](#Exercise-5:-a-topological-order-(3-points))) and
#    accumulate gradients along it ([Exercise 6](#Exercise-6:-the-backward-pass-(3-points)));
# 5. reproduce notebooks 4 and 5 with the engine, to the last digit
#    ([Exercise 7](#Exercise-7:-notebook-4-by-engine-(2-points)),
#    [Exercise 8](#Exercise-8:-notebook-5-by-engine-(3-points)));
# 6. derive the rule of an operation no cell shows you
#    ([Exercise 9](#Exercise-9:-transfer:-division-(3-points))).
#
# **Prerequisites:** notebook 3 (computational graphs, bar values, `+=`), notebook 4 (the
# 2-2-1 tanh network on one example) and notebook 5 (dense layers on a batch, the delta
# rules). NumPy
# broadcasting is explained here. Where this leads: the [course map](../../README.md#course-map)
# and notebook 9, which trains a real classifier.
#
# ## How the checks work
#
# As in every notebook: a passing check prints one line; a failing one names the mistake
# it recognises (sign, factor, transpose, wrong shape, ...) with your value and the
# expected one. Gradients are compared with a central difference at a relative tolerance
# of $10^{-5}$; exact values at $10^{-9}$; where you derive a formula, the graded tests
# also ask for it exactly, to $10^{-12}$, at points where no finite difference gets that
# close. The graded tests also try shapes and seeds you cannot see.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(8)

# %% [markdown]
# ## 1. Backward rules
#
# In notebooks 4 and 5 you derived the gradient of one network, by hand, from the loss
# down. Change the network (another activation, a skip connection, a different loss) and
# the derivation starts again. Frameworks such as PyTorch never derive a network's
# gradient. They know a **backward rule** for each of their operations (hundreds of them,
# in PyTorch), record which operations your code performed, and chain the rules. That is **reverse-mode automatic
# differentiation**, and by the end of this notebook you will have built one.
#
# The rule of an operation $\text{out} = f(x)$ answers one question: *given*
# $G = \partial L / \partial\, \text{out}$, the gradient arriving from above, what is
# $\partial L/\partial x$? By the chain rule each entry is
#
# $$\frac{\partial L}{\partial x_i} = \sum_j G_j \, \frac{\partial\, \text{out}_j}{\partial x_i},$$
#
# a sum over every entry of the output that $x_i$ touches. The rule computes that sum
# directly, in a line or two of NumPy, without ever building the matrix of all
# $\partial\, \text{out}_j / \partial x_i$ (which, for a $1000 \times 1000$ array in and
# out, would have $10^{12}$ entries). Two facts hold for every rule:
#
# - the gradient it returns has **the shape of the input** it belongs to;
# - it is **linear in $G$**: twice the gradient from above, twice the gradient below.
#
# Checking a rule needs only one trick. For a fixed array $G$ of the output's shape, the
# scalar $L = \sum_j G_j\, \text{out}_j$ has $\partial L/\partial\, \text{out} = G$ exactly.
# So `rule(G, ...)` must be the gradient of `np.sum(G * f(x))`, which a central difference
# can check. Here it is for the square, $\text{out} = x^2$ entry by entry:

# %%
def square_backward(grad_out, x):
    """Gradient of out = x**2 (entrywise) with respect to x, given grad_out = dL/d(out)."""
    return grad_out * 2 * x


x_demo = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
G_demo = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])
bp.checks.gradient("square_backward(G, x)", square_backward(G_demo, x_demo),
                  lambda x_: np.sum(G_demo * x_**2), x_demo)

# %% [markdown]
# ## 2. The rule of a matrix product
#
# A dense layer on a batch is a matrix product followed by an addition. Take
# $\text{out} = A B$ with $A$ of shape $(n, k)$ and $B$ of shape $(k, m)$, so that
# $\text{out}_{ij} = \sum_p A_{ip} B_{pj}$ has shape $(n, m)$, and the gradient from above
# $G$ has shape $(n, m)$ as well.
#
# ### Exercise 1: the rule of a matrix product (2 points)
#
# Write `matmul_backward(grad_out, A, B)` returning the pair `(dA, dB)`: $\partial L/\partial A$
# of shape `(n, k)` and $\partial L/\partial B$ of shape `(k, m)`. Work it out from the sum
# above, entry by entry, then find the matrix products that compute every entry at once.
# No loops.
#
# <details><summary>Hint 1</summary>
#
# The entry $A_{ip}$ appears in $\text{out}_{ij}$ for every column $j$, and nowhere else,
# with slope $B_{pj}$. So $\partial L/\partial A_{ip}$ is a sum over $j$ of two factors.
# </details>
#
# <details><summary>Hint 2</summary>
#
# A sum over $j$ of `grad_out[i, j]` times `B[p, j]` is row $i$ of `grad_out` against row
# $p$ of `B`: a matrix product, once one of the two is transposed. Let the shapes decide
# which: only one arrangement of `grad_out` (n, m) and `B` (k, m) gives (n, k).
# </details>

# %% solution id="matmul_backward"
def matmul_backward(grad_out, A, B):
    """Gradients of out = A @ B with respect to A and to B.

    Parameters
    ----------
    grad_out : ndarray of shape (n, m)
        dL/d(out), the gradient arriving from above.
    A : ndarray of shape (n, k)
    B : ndarray of shape (k, m)

    Returns
    -------
    dA : ndarray of shape (n, k)
        dL/dA.
    dB : ndarray of shape (k, m)
        dL/dB.
    """
    ### BEGIN SOLUTION
    dA = grad_out @ B.T
    dB = A.T @ grad_out
    return dA, dB
    ### END SOLUTION


# %% [markdown]
# Try it. You should see `dA` with rows `[-1. -1.]` and `[ 2. -1.]`, and `dB` with rows
# `[ 1.  0. -1.]` and `[ 0. -1. -2.]`.

# %%
A_try = np.array([[1.0, 2.0], [0.0, -1.0]])
B_try = np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]])
G_try = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
dA_try, dB_try = matmul_backward(G_try, A_try, B_try)
print("dA =\n", dA_try)
print("dB =\n", dB_try)

# %% tests id="matmul_backward__dA" points=1
"""matmul_backward: dA matches a central-difference gradient."""
def matmul_case(seed, n, k, m):
    """matmul_backward's arguments for an (n, k) @ (k, m) product drawn from seed."""
    A_, B_ = bp.checks.testdata.points(seed, (n, k)), bp.checks.testdata.points(seed + 10, (k, m))
    return dict(rule_name="matmul_backward", rule=matmul_backward, args=(A_, B_),
                grad_out=bp.checks.testdata.points(seed + 20, (n, m)), forward=np.matmul,
                parts=("dA", "dB"))

bp.checks.fixtures.backward_pair(**matmul_case(801, 4, 3, 2), check=(0,))
### BEGIN HIDDEN TESTS
for seed, (n, k, m) in ((804, (1, 2, 3)), (805, (5, 3, 3)), (806, (3, 3, 1))):
    bp.checks.fixtures.backward_pair(**matmul_case(seed, n, k, m), check=(0,),
                                     reference=bp.autograd.matmul_backward,
                                     where=f" (hidden: n={n}, k={k}, m={m})")
### END HIDDEN TESTS

# %% tests id="matmul_backward__dB" points=1
"""matmul_backward: dB matches a central-difference gradient."""
bp.checks.fixtures.backward_pair(**matmul_case(811, 4, 3, 2), check=(1,))
### BEGIN HIDDEN TESTS
for seed, (n, k, m) in ((814, (1, 2, 3)), (815, (5, 3, 3)), (816, (2, 2, 2))):
    bp.checks.fixtures.backward_pair(**matmul_case(seed, n, k, m), check=(1,),
                                     reference=bp.autograd.matmul_backward,
                                     where=f" (hidden: n={n}, k={k}, m={m})")
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** $\partial L/\partial A_{ip} = \sum_j G_{ij} B_{pj}$ and
# $\partial L/\partial B_{pj} = \sum_i A_{ip} G_{ij}$, that is
#
# $$\frac{\partial L}{\partial A} = G B^T, \qquad \frac{\partial L}{\partial B} = A^T G .$$
#
# With $A$ = `A_prev` and $B$ = `W.T` this is notebook 5's dense layer: `dA_prev = dZ @ W`,
# and the gradient of `W.T` is `A_prev.T @ dZ`, whose transpose is `dW = dZ.T @ A_prev`.
# One rule, and a transpose node (whose own rule is to transpose the gradient back),
# cover every dense layer.
#
# ## 3. Broadcasting, and how to undo it
#
# In `Z = A_prev @ W.T + b`, the product has shape $(N, n)$ and `b` has shape $(n,)$.
# NumPy **broadcasts**: it lines the shapes up on the right, adds the missing leading axis
# and repeats `b` along it, as if `b` had been copied into every row. More generally an
# input is stretched along any axis where it has length 1, and along any leading axis it
# lacks: $(N, 1) + (1, n)$ gives $(N, n)$, and a scalar adds to anything.
#
# ### Checkpoint A: predict, then run (1 point)
#
# A layer computes `Z = X @ W.T + b` with `X` of shape `(5, 3)`, `W` of shape `(4, 3)`
# and `b` of shape `(4,)`, and the loss is simply $L = \sum_{n, j} Z_{nj}$, so that
# $\partial L/\partial Z$ is an array of ones. **What is $\partial L/\partial b_j$, for one
# entry $b_j$ of `b`?** Think of what adding `b` to `X @ W.T` does to each of its rows.
# Before running anything below, replace the two lines under the comment of the next cell
# with one line, `predicted_db_entry = ...`, your prediction as a number. The test cell
# records it; the graded version judges it.

# %% solution id="predict_db_entry"
# Your prediction, a number, in place of the two lines below:
### BEGIN SOLUTION
predicted_db_entry = 5
### END SOLUTION

# %% tests id="predict_db_entry__answer" points=1
"""Checkpoint A: one entry of the gradient of a broadcast bias: recorded."""
bp.checks.predictions.recorded("predicted_db_entry", globals())
### BEGIN HIDDEN TESTS
X_check, W_check = bp.checks.testdata.points(821, (5, 3)), bp.checks.testdata.points(822, (4, 3))
db_check = bp.numdiff.gradient(lambda b_: float(np.sum(X_check @ W_check.T + b_)), np.zeros(4))
bp.checks.predictions.judged("predicted_db_entry", globals(), float(db_check[0]), rel_tol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# Now run it: the gradient the addition receives, and the gradient of `b` measured by
# central differences.

# %%
X_demo = rng.normal(size=(5, 3))
W_demo, b_demo = rng.normal(size=(4, 3)), rng.normal(size=4)
Z_demo = X_demo @ W_demo.T + b_demo
grad_Z = np.ones_like(Z_demo)           # dL/dZ for L = Z.sum()
print("Z:", Z_demo.shape, " grad_out:", grad_Z.shape, " b:", b_demo.shape)
print("dL/db by central differences:",
      bp.numdiff.gradient(lambda b_: float(np.sum(X_demo @ W_demo.T + b_)), b_demo))

# %% [markdown]
# Every entry of $\partial L/\partial b$ is 5, the number of rows: `b` was added to each
# of the 5 rows, so it reaches $L$ along 5 paths, and their contributions add. The
# addition itself receives a gradient of shape $(5, 4)$, the shape of `Z`. For `b` that
# array cannot be the answer: a gradient has the shape of what it differentiates, and `b` has 4
# entries, not 20. A framework that made this slip would fail at the first update
# `b -= lr * db`, or, worse, silently broadcast `b` into a $(5, 4)$ array. What the
# $(5, 4)$ array does hold is the gradient of each **copy** of `b`, one row per example.
# The rule's job is to turn the copies' gradients into the gradient of the one `b`.
#
# ### Exercise 2: the rule of a broadcasting addition (3 points)
#
# Write `add_backward(grad_out, a_shape, b_shape)` for $\text{out} = a + b$, where `a` of
# shape `a_shape` and `b` of shape `b_shape` broadcast together to `grad_out.shape`.
# Return `(da, db)`, of shapes `a_shape` and `b_shape` (tuples, possibly `()` for a
# scalar). It must handle every broadcast NumPy allows: a missing leading axis, an axis of
# length 1, both at once, and neither. A small helper `unbroadcast(grad, shape)` written
# in the same cell, and used twice, keeps it short.
#
# <details><summary>Hint 1</summary>
#
# Picture `b` as 5 copies, one per row. $L$ depends on `b[j]` through every copy, each with
# local derivative 1. Notebook 3's multivariable chain rule tells you how the contributions
# of several paths combine.
# </details>
#
# <details><summary>Hint 2</summary>
#
# Two kinds of axes were broadcast: leading axes `b` does not have (collapse them until the
# array has `len(shape)` axes), and axes where `b` has length 1 but `grad_out` does not
# (collapse them but keep them, with `keepdims=True`). Is the right reduction a mean, or
# something else? Try both on a two-row example by hand.
# </details>

# %% solution id="add_backward"
def unbroadcast(grad, shape):
    """The gradient of an input of shape `shape` that was broadcast to grad.shape.

    Parameters
    ----------
    grad : ndarray
        Gradient with respect to the broadcast copy.
    shape : tuple of int
        The input's own shape.

    Returns
    -------
    ndarray of shape `shape`
    """
    ### BEGIN SOLUTION
    for _ in range(grad.ndim - len(shape)):
        grad = grad.sum(axis=0)
    stretched = [axis for axis, n in enumerate(shape) if n == 1 and grad.shape[axis] != 1]
    for axis in stretched:
        grad = grad.sum(axis=axis, keepdims=True)
    return grad
    ### END SOLUTION


def add_backward(grad_out, a_shape, b_shape):
    """Gradients of out = a + b, with NumPy broadcasting, with respect to a and b.

    Parameters
    ----------
    grad_out : ndarray of the broadcast shape of a and b
        dL/d(out).
    a_shape, b_shape : tuple of int
        The shapes of a and b.

    Returns
    -------
    da : ndarray of shape a_shape
    db : ndarray of shape b_shape
    """
    ### BEGIN SOLUTION
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out, b_shape)
    ### END SOLUTION


# %% [markdown]
# Try it, on the layer of the checkpoint: you should see `da` of shape `(5, 4)` and `db` of
# shape `(4,)`, each entry of `db` equal to 5.0 (with $L$ the sum of all of `Z`, each
# entry of `b` raises $L$ once per row).

# %%
da_try, db_try = add_backward(grad_Z, (5, 4), (4,))
print("da:", np.shape(da_try), " db:", np.shape(db_try), db_try)

# %% tests id="add_backward__same_shape" points=1
"""add_backward: equal shapes, no broadcasting."""
def add_case(seed, a_shape, b_shape, label=""):
    """add_backward's arguments for a of a_shape plus b of b_shape, drawn from seed."""
    a_, b_ = bp.checks.testdata.points(seed, a_shape), bp.checks.testdata.points(seed + 1, b_shape)
    G_ = bp.checks.testdata.points(seed + 2, np.broadcast_shapes(a_shape, b_shape))
    return dict(rule_name="add_backward", rule=add_backward, args=(a_shape, b_shape),
                grad_out=G_, forward=np.add, inputs=(a_, b_),
                where=f", shapes {a_shape} + {b_shape}{label}")

bp.checks.fixtures.backward_pair(**add_case(831, (3, 4), (3, 4)))

# %% tests id="add_backward__bias_row" points=1
"""add_backward: a bias of shape (n,) added to every row of an (N, n) batch."""
result = bp.checks.call("add_backward", add_backward, np.ones((5, 4)), (5, 4), (4,))
bp.checks.true(np.shape(bp.checks.fixtures.returned_pair("add_backward", result)[1]) != (5, 4),
              "db has shape (5, 4), the shape of grad_out, but b has shape (4,): the rule "
              "handed b the gradient of its 5 broadcast copies without combining them "
              "(the broadcasting slip). A gradient has the shape of what it differentiates.",
              "broadcast")
bp.checks.fixtures.backward_pair(**add_case(834, (5, 4), (4,)), check=(1, 0), batch_size=5)
### BEGIN HIDDEN TESTS
for seed, (a_shape, b_shape) in ((837, ((3,), (6, 3))), (838, ((2, 4, 3), (3,)))):
    bp.checks.fixtures.backward_pair(**add_case(seed, a_shape, b_shape, " (hidden)"),
                                     reference=bp.autograd.add_backward,
                                     batch_size=np.broadcast_shapes(a_shape, b_shape)[0])
### END HIDDEN TESTS

# %% tests id="add_backward__keepdims" points=1
"""add_backward: an axis of length 1 stretched, on both sides, and a scalar."""
bp.checks.fixtures.backward_pair(**add_case(841, (4, 1), (1, 3)))
bp.checks.fixtures.backward_pair(**add_case(846, (4, 3), (), " (a scalar)"), check=(1,))
### BEGIN HIDDEN TESTS
for seed, (a_shape, b_shape) in ((844, ((2, 4, 3), (4, 1))), (845, ((1, 5), (3, 1)))):
    bp.checks.fixtures.backward_pair(**add_case(seed, a_shape, b_shape, " (hidden)"),
                                     reference=bp.autograd.add_backward)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Each copy of `b` passes back its own entry of $G$, with local
# derivative 1, and the copies' contributions **add up**, as every multivariable chain
# rule does. For a bias on a batch,
#
# $$\frac{\partial L}{\partial b_j} = \sum_n G_{nj},$$
#
# in code `db = grad_out.sum(axis=0)`: notebook 5's bias rule, now seen as the rule of a
# broadcast. In general: sum over every
# leading axis the input lacks, and, with `keepdims=True`, over every axis where it had
# length 1. Averaging instead of summing is the other classic slip: it divides the bias
# gradient by $N$.

# %% [markdown]
# ## 4. Activations, from their outputs
#
# An activation acts entry by entry, so each input entry $z_i$ touches only
# $\text{out}_i = h(z_i)$, and the sum of section 1 has a single term. An engine keeps the
# **output** of each operation (it needs it for the forward pass anyway), so the rules of
# tanh and the sigmoid are written in terms of `out`, not of `z`. ReLU's rule can be
# written from its output too: which output values tell you which side of 0 the input was
# on? Take the slope of ReLU at exactly $z = 0$ to be 0.
#
# ### Exercise 3: activations (3 points)
#
# Write `tanh_backward(grad_out, out)`, `sigmoid_backward(grad_out, out)` and
# `relu_backward(grad_out, out)`, each returning $\partial L/\partial z$ of the shape of
# `out`, where `out` is $\tanh(z)$, $\sigma(z)$ or $\max(z, 0)$ and `grad_out` is
# $\partial L/\partial\, \text{out}$. Use only `grad_out` and `out` (no `z`, no `np.tanh`).
#
# <details><summary>Hint 1</summary>
#
# Differentiate $\tanh z = \sinh z / \cosh z$ with the quotient rule, and
# $\sigma(z) = 1/(1 + e^{-z})$ with the chain rule. Then write each result in terms of the
# function's own value.
# </details>
#
# <details><summary>Hint 2</summary>
#
# For the sigmoid, $e^{-z}/(1 + e^{-z})^2 = \frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}$;
# the second factor is $1 - \sigma(z)$. For tanh, $\cosh^2 z - \sinh^2 z = 1$.
# Each rule then multiplies `grad_out` by its local derivative.
# </details>

# %% solution id="activation_backward"
def tanh_backward(grad_out, out):
    """dL/dz for out = tanh(z), from out and grad_out = dL/d(out) (same shapes)."""
    ### BEGIN SOLUTION
    return grad_out * (1.0 - out**2)
    ### END SOLUTION


def sigmoid_backward(grad_out, out):
    """dL/dz for out = sigmoid(z), from out and grad_out = dL/d(out) (same shapes)."""
    ### BEGIN SOLUTION
    return grad_out * out * (1.0 - out)
    ### END SOLUTION


def relu_backward(grad_out, out):
    """dL/dz for out = max(z, 0), from out and grad_out = dL/d(out) (same shapes).

    The slope at z = 0 is taken to be 0.
    """
    ### BEGIN SOLUTION
    return grad_out * (out > 0)
    ### END SOLUTION


# %% [markdown]
# Try it. At $z = (0, 1, -2)$ with `grad_out` all 2.0 you should see
# `tanh: [2.       0.839949 0.141302]`, `sigmoid: [0.5      0.393224 0.209987]` and
# `relu: [0. 2. 0.]`.

# %%
z_try = np.array([0.0, 1.0, -2.0])
G_try = np.full(3, 2.0)
print("tanh:   ", tanh_backward(G_try, np.tanh(z_try)))
print("sigmoid:", sigmoid_backward(G_try, bp.activations.sigmoid(z_try)))
print("relu:   ", relu_backward(G_try, np.maximum(z_try, 0.0)))

# %% tests id="activation_backward__tanh" points=1
"""tanh_backward matches a central-difference gradient."""
z_check, G_check = 1.5 * bp.checks.testdata.points(851, (4, 3)), bp.checks.testdata.points(852, (4, 3))
bp.checks.gradient("tanh_backward(G, tanh(z))",
                  bp.checks.call("tanh_backward", tanh_backward, G_check, np.tanh(z_check)),
                  lambda z_: np.sum(G_check * np.tanh(z_)), z_check)
bp.checks.formula("tanh_backward(G, tanh(z)), to the last digits",
                  bp.checks.call("tanh_backward", tanh_backward, G_check, np.tanh(z_check)),
                  bp.checks.testdata.expected(bp.autograd.tanh_backward, G_check, np.tanh(z_check)))
### BEGIN HIDDEN TESTS
z_check, G_check = bp.checks.testdata.points(853, (6,), -3.0, 3.0), bp.checks.testdata.points(854, (6,))
bp.checks.formula("tanh_backward(G, tanh(z)) at hidden points",
                 bp.checks.call("tanh_backward", tanh_backward, G_check, np.tanh(z_check)),
                 bp.checks.testdata.expected(bp.autograd.tanh_backward, G_check, np.tanh(z_check)))
### END HIDDEN TESTS

# %% tests id="activation_backward__sigmoid" points=1
"""sigmoid_backward matches a central-difference gradient."""
z_check, G_check = 2.0 * bp.checks.testdata.points(855, (4, 3)), bp.checks.testdata.points(856, (4, 3))
out_check = bp.activations.sigmoid(z_check)
bp.checks.gradient("sigmoid_backward(G, sigmoid(z))",
                  bp.checks.call("sigmoid_backward", sigmoid_backward, G_check, out_check),
                  lambda z_: np.sum(G_check * bp.activations.sigmoid(z_)), z_check)
### BEGIN HIDDEN TESTS
z_check, G_check = bp.checks.testdata.points(857, (2, 5), -4.0, 4.0), bp.checks.testdata.points(858, (2, 5))
out_check = bp.activations.sigmoid(z_check)
bp.checks.formula("sigmoid_backward(G, sigmoid(z)) at hidden points",
                 bp.checks.call("sigmoid_backward", sigmoid_backward, G_check, out_check),
                 bp.checks.testdata.expected(bp.autograd.sigmoid_backward, G_check, out_check))
### END HIDDEN TESTS

# %% tests id="activation_backward__relu" points=1
"""relu_backward matches a central-difference gradient, and is 0 where z < 0."""
z_check = np.array([[1.5, -0.5, 0.25], [-2.0, 0.75, -1.25]])
G_check = bp.checks.testdata.points(859, (2, 3))
bp.checks.gradient("relu_backward(G, max(z, 0))",
                  bp.checks.call("relu_backward", relu_backward, G_check,
                                np.maximum(z_check, 0.0)),
                  lambda z_: np.sum(G_check * np.maximum(z_, 0.0)), z_check)
### BEGIN HIDDEN TESTS
z_check = bp.checks.testdata.points(860, (5, 4))
z_check[np.abs(z_check) < 0.05] = 0.5
G_check = bp.checks.testdata.points(861, (5, 4))
bp.checks.close("relu_backward(G, max(z, 0)) at hidden points",
               bp.checks.call("relu_backward", relu_backward, G_check, np.maximum(z_check, 0.0)),
               bp.checks.testdata.expected(bp.autograd.relu_backward, G_check,
                                    np.maximum(z_check, 0.0)))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.**
#
# $$\frac{\partial L}{\partial z} = G \odot (1 - \text{out}^2) \;\; (\tanh), \qquad
# G \odot \text{out}\,(1 - \text{out}) \;\; (\sigma), \qquad
# G \odot [\text{out} > 0] \;\; (\text{ReLU}).$$
#
# In code: `grad_out * (1 - out**2)`, `grad_out * out * (1 - out)` and
# `grad_out * (out > 0)`. Notebook 4's tanh slip, the slope written with the input
# (`1 - z1**2`) instead of the output, cannot happen here: the rule never sees `z`.
#
# ## 5. Reductions and losses
#
# A loss turns arrays into one number, so its backward rule receives a scalar `grad_out`
# (1.0 when the loss is the last operation, as it usually is) and returns an array the
# shape of its input. A **mean** over all entries of an array does the same. The two
# losses are the course's, those of notebooks 4 and 5 (see the header): the **half**
# squared error, $\tfrac12 \lVert \hat y_n - t_n \rVert^2$ for row $n$, and binary
# cross-entropy summed over the outputs, each averaged over the $N$ rows.
# `bp.autograd.half_mse` and `bp.losses.bce` compute them.
#
# ### Exercise 4: a mean and two losses (3 points)
#
# Write, each returning the gradient with respect to its array input:
#
# - `mean_backward(grad_out, x_shape)`, for $\text{out} = $ `x.mean()` over every entry of an
#   `x` of shape `x_shape`;
# - `half_mse_backward(grad_out, y_hat, t)`, for $\text{out} = $
#   `bp.autograd.half_mse(y_hat, t)`, that is
#   $\frac1N \sum_n \tfrac12 \lVert \hat y_n - t_n \rVert^2$;
# - `bce_backward(grad_out, y_hat, t)`, for $\text{out} = $ `bp.losses.bce(y_hat, t)`, with
#   `y_hat` strictly between 0 and 1.
#
# `y_hat` and `t` have shape `(N,)` or `(N, n_out)`; `grad_out` is a float. Don't forget
# `grad_out`: a loss is not always the last operation (a weighted sum of two losses is
# not), and the tests use values other than 1.
#
# <details><summary>Hint 1</summary>
#
# Differentiate one term of each sum with respect to one entry $\hat y_{nk}$; every other
# term does not depend on it. Count the examples $N$ from the first axis, not from the
# number of entries.
# </details>
#
# <details><summary>Hint 2</summary>
#
# For the cross-entropy, $\frac{d}{dp}[-t\log p - (1-t)\log(1-p)]$ is a difference of two
# fractions; put them over the common denominator $p(1-p)$.
# </details>

# %% solution id="loss_backward"
def mean_backward(grad_out, x_shape):
    """dL/dx for out = x.mean() over every entry; grad_out = dL/d(out) is a float."""
    ### BEGIN SOLUTION
    x_size = int(np.prod(x_shape))
    return np.full(x_shape, grad_out / x_size)
    ### END SOLUTION


def half_mse_backward(grad_out, y_hat, t):
    """dL/dy_hat for out = bp.autograd.half_mse(y_hat, t); grad_out is a float."""
    ### BEGIN SOLUTION
    N = len(y_hat)
    return grad_out * (y_hat - t) / N
    ### END SOLUTION


def bce_backward(grad_out, y_hat, t):
    """dL/dy_hat for out = bp.losses.bce(y_hat, t), 0 < y_hat < 1; grad_out is a float."""
    ### BEGIN SOLUTION
    N = len(y_hat)
    return grad_out * (y_hat - t) / (y_hat * (1 - y_hat) * N)
    ### END SOLUTION


# %% [markdown]
# Try it. You should see `mean: [[0.5 0.5]]`, `half_mse: [[ 0.5  -0.5 ]`
# ` [ 0.    0.25]]` and `bce: [-0.625     0.833333]` (cross-entropy gradients grow as a
# prediction moves away from its target).

# %%
print("mean:", mean_backward(1.0, (1, 2)))
print("half_mse:", half_mse_backward(1.0, np.array([[1.0, 0.0], [0.5, 0.5]]),
                                     np.array([[0.0, 1.0], [0.5, 0.0]])))
print("bce: ", bce_backward(1.0, np.array([0.8, 0.4]), np.array([1.0, 0.0])))

# %% tests id="loss_backward__mean" points=1
"""mean_backward matches a central-difference gradient."""
x_check = bp.checks.testdata.points(871, (3, 4))
bp.checks.gradient("mean_backward(-0.7, (3, 4))",
                  bp.checks.call("mean_backward", mean_backward, -0.7, (3, 4)),
                  lambda x_: -0.7 * np.mean(x_), x_check, batch_size=3)
### BEGIN HIDDEN TESTS
for shape in ((5,), (2, 3, 2)):
    x_check = bp.checks.testdata.points(872, shape)
    bp.checks.formula(f"mean_backward(1.9, {shape}) (hidden)",
                     bp.checks.call("mean_backward", mean_backward, 1.9, shape),
                     bp.checks.testdata.expected(bp.autograd.mean_backward, 1.9, shape))
### END HIDDEN TESTS

# %% tests id="loss_backward__half_mse" points=1
"""half_mse_backward matches a central-difference gradient."""
y_check, t_check = bp.checks.testdata.batch(873, (4, 2))
bp.checks.gradient("half_mse_backward(1.3, y_hat, t) with y_hat of shape (4, 2)",
                  bp.checks.call("half_mse_backward", half_mse_backward, 1.3, y_check, t_check),
                  lambda y_: 1.3 * bp.autograd.half_mse(y_, t_check), y_check,
                  batch_size=4)
### BEGIN HIDDEN TESTS
y_check, t_check = bp.checks.testdata.batch(874, (6,), scale=30.0)
bp.checks.formula("half_mse_backward(-0.4, y_hat, t) on a hidden batch of shape (6,)",
                 bp.checks.call("half_mse_backward", half_mse_backward, -0.4, y_check, t_check),
                 bp.checks.testdata.expected(bp.autograd.half_mse_backward, -0.4,
                                             y_check, t_check),
                 batch_size=6)
### END HIDDEN TESTS

# %% tests id="loss_backward__bce" points=1
"""bce_backward matches a central-difference gradient."""
y_check, t_check = bp.checks.testdata.probabilities(875, (5, 1))
bp.checks.gradient("bce_backward(0.8, y_hat, t) with y_hat of shape (5, 1)",
                  bp.checks.call("bce_backward", bce_backward, 0.8, y_check, t_check),
                  lambda y_: 0.8 * bp.losses.bce(y_, t_check), y_check, batch_size=5)
### BEGIN HIDDEN TESTS
y_check, t_check = bp.checks.testdata.probabilities(876, (3, 2))
y_check[0, 0], y_check[1, 1] = 1e-4, 0.9999
bp.checks.formula("bce_backward(1.1, y_hat, t) on hidden predictions near 0 and 1",
                 bp.checks.call("bce_backward", bce_backward, 1.1, y_check, t_check),
                 bp.checks.testdata.expected(bp.autograd.bce_backward, 1.1, y_check, t_check),
                 batch_size=3)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** With $G$ the scalar from above, $n$ the number of entries
# of $x$ and $N$ the number of rows:
#
# $$\frac{\partial L}{\partial x} = \frac{G}{n}\ \text{(every entry)}, \qquad
# \frac{\partial L}{\partial \hat y} = G\,\frac{\hat y - t}{N}, \qquad
# \frac{\partial L}{\partial \hat y} = G\,\frac{\hat y - t}{N\,\hat y(1 - \hat y)} .$$
#
# In code: `np.full(x_shape, grad_out / np.prod(x_shape))`,
# `grad_out * (y_hat - t) / len(y_hat)` and
# `grad_out * (y_hat - t) / (y_hat * (1 - y_hat) * N)`, with `N = len(y_hat)`. The half in
# the squared error is there for the middle one: differentiating
# $\tfrac12 (\hat y_{nk} - t_{nk})^2$ brings down a 2 that the half cancels. The full
# squared error (notebook 1's MSE, without the half) has twice this gradient, and a stray
# factor 2 is the classic slip here.
#
# Put the last one after a sigmoid output, whose rule multiplies by $\hat y(1 - \hat y)$,
# and the product is notebook 5's shortcut $(\hat y - t)/N$: the engine finds the
# cancellation without being told. (It still computes the two factors separately, so
# a prediction that rounds to exactly 0 or 1 breaks it; frameworks offer a fused
# "sigmoid plus cross-entropy" operation for that reason.)

# %% [markdown]
# ## 6. Why the backward pass needs an order
#
# An engine records the graph as your code runs: each result remembers its **parents**,
# the values it was computed from. As plain data, a graph is a dict from each node's name
# to the list of its parents' names. Here is one with two diamonds: `x` feeds `a` and `b`,
# which meet again in `c`; `c` feeds `d` and `e`, which meet in `s`; `L` is the output.

# %%
parents_dd = bp.autograd.example_parents("double_diamond")
for name, node_parents in parents_dd.items():
    print(f"{name}: {node_parents}")

# %% [markdown]
# The tempting backward pass is a recursion from the output: give `L` the gradient 1,
# then let each node hand its parents their shares and recurse into each parent at once.
# Each node carries a `rule(grad) -> tuple of shares`, one share per parent (section 1's
# rules, bound to the node's forward values):

# %%
def naive_backward(parents, root, rules, root_grad):
    """A recursion from the output, with no order: returns the gradients and visit counts."""
    grads, visits = {root: root_grad}, {}

    def visit(name):
        visits[name] = visits.get(name, 0) + 1
        if parents[name]:
            shares = rules[name](grads[name])
            for parent, share in zip(parents[name], shares):
                grads[parent] = grads.get(parent, 0.0) + share
                visit(parent)

    visit(root)
    return grads, visits


# %% [markdown]
# ### Checkpoint B: predict, then run (1 point)
#
# Run `naive_backward` on the graph above, from `L`. **How many times does the recursion
# enter the node `x`?** Replace the two lines under the comment of the next cell with
# one line, `visits_of_x = ...`, your prediction as a whole number, before running the
# cell after the test. The test cell records it; the graded version judges it.

# %% solution id="predict_visits"
# Your prediction, a whole number, in place of the two lines below:
### BEGIN SOLUTION
visits_of_x = 4
### END SOLUTION

# %% tests id="predict_visits__answer" points=1
"""Checkpoint B: how often the naive recursion enters x: recorded."""
bp.checks.predictions.recorded("visits_of_x", globals(), whole=True)
### BEGIN HIDDEN TESTS
parents_check = bp.autograd.example_parents("double_diamond")
ones_check = {name: (lambda g, k=len(ps): (g,) * k) for name, ps in parents_check.items() if ps}
visits_check = bp.autograd.naive_backward(parents_check, "L", ones_check, 1.0)[1]
bp.checks.predictions.judged("visits_of_x", globals(), visits_check["x"], whole=True)
### END HIDDEN TESTS

# %% [markdown]
# Now run it, with every local derivative equal to 1. Then the true $\partial L/\partial v$
# of every node is simply the number of paths from $v$ to $L$ (the chain rule multiplies
# along a path and adds over paths): 4 for `x`.

# %%
ones = {name: (lambda g, k=len(ps): (g,) * k) for name, ps in parents_dd.items() if ps}
grads_naive, visits_naive = naive_backward(parents_dd, "L", ones, 1.0)
print("visits:", visits_naive)
print("naive dL/dx:", grads_naive["x"], "  paths from x to L: 4")

# %% [markdown]
# The recursion enters `x` once per path, 4 times, and `c` twice. Worse than the wasted
# work, it gets `x` wrong: `c` is entered first through `d`, passes its gradient on
# (incomplete: `e`'s share has not arrived), and is entered again through `e`, when it
# passes on its **whole** gradient, the share it already passed included. So every node
# that `c` depends on (`a`, `b` and `x`, the nodes between `c` and the inputs) receives
# gradient counted too often, and each further diamond doubles the visits.
#
# The cure: a node may pass its gradient on only once, **after every node that consumes
# it has added its share**. Listing the nodes so that every node comes after its parents
# (a **topological order**) and visiting that list backwards guarantees it: when a node's
# turn comes, all its consumers, which come later in the list, have had theirs.
#
# ### Exercise 5: a topological order (3 points)
#
# Write `topological_order(parents, root)` returning a list of the names of `root` and
# every node it depends on, **each once**, every node **after all of its parents**, so
# that `root` comes last. Nodes `root` does not depend on must be left out. A parent may
# appear twice in one list (for `x + x`). The order is not unique; any valid one passes.
#
# <details><summary>Hint 1</summary>
#
# A depth-first search from `root`: before you append a node to the list, make sure all
# its parents are in it. Keep a set of nodes already appended, so that a shared node is
# handled once.
# </details>
#
# <details><summary>Hint 2</summary>
#
# Recursively: `visit(node)` returns at once if `node` is done; otherwise it calls
# `visit` on each parent, then marks `node` done and appends it. Call `visit(root)`.
# (Listing nodes by their distance from `root`, as a breadth-first search does, is
# **not** a topological order: a skip connection breaks it.)
# </details>

# %% solution id="topological_order"
def topological_order(parents, root):
    """The nodes root depends on, and root, each once, every node after its parents.

    Parameters
    ----------
    parents : dict of str to list of str
        Each node's parents (an empty list for an input).
    root : str
        The output node.

    Returns
    -------
    list of str
        Ends with root.
    """
    ### BEGIN SOLUTION
    order, done = [], set()

    def visit(node):
        if node in done:
            return
        done.add(node)
        for parent in parents[node]:
            visit(parent)
        order.append(node)

    visit(root)
    return order
    ### END SOLUTION


# %% [markdown]
# Try it. On the two diamonds you should see a list of 8 names starting with `'x'` and
# ending with `'s', 'L'`, such as `['x', 'a', 'b', 'c', 'd', 'e', 's', 'L']`.

# %%
print(topological_order(parents_dd, "L"))

# %% tests id="topological_order__chain_and_diamond" points=1
"""topological_order on a chain and on a diamond."""
for name in ("chain", "diamond"):
    parents_check = bp.autograd.example_parents(name)
    order_check = bp.checks.call("topological_order", topological_order, parents_check, "L")
    problem = bp.autograd.order_problem(order_check, parents_check, "L")
    bp.checks.true(problem is None, f"topological_order on the {name} graph "
                  f"{parents_check}: {problem}", "order")
    print(f"the order of the {name} graph is valid: {order_check}")

# %% tests id="topological_order__skip_connection" points=1
"""topological_order on a graph with a skip connection (a feeds L directly and through b)."""
parents_check = bp.autograd.example_parents("skip")
order_check = bp.checks.call("topological_order", topological_order, parents_check, "L")
problem = bp.autograd.order_problem(order_check, parents_check, "L")
bp.checks.true(problem is None, f"topological_order on {parents_check}: {problem}", "order")
print(f"the order of the skip graph is valid: {order_check}")
### BEGIN HIDDEN TESTS
for seed in (881, 882, 883):
    parents_check = bp.autograd.random_graph(seed, 10)
    order_check = bp.checks.call("topological_order", topological_order, parents_check, "v9")
    problem = bp.autograd.order_problem(order_check, parents_check, "v9")
    bp.checks.true(problem is None, f"topological_order on a hidden graph: {problem}", "order")
### END HIDDEN TESTS

# %% tests id="topological_order__only_ancestors_once" points=1
"""topological_order lists each ancestor once, and nothing the root does not depend on."""
parents_check = {"L": ["p", "p", "q"], "p": ["x", "w"], "q": ["p", "x"], "x": [], "w": [],
                 "unused": ["x"]}
order_check = bp.checks.call("topological_order", topological_order, parents_check, "L")
problem = bp.autograd.order_problem(order_check, parents_check, "L")
bp.checks.true(problem is None, f"topological_order on {parents_check}: {problem}", "order")
print(f"the order is valid: {order_check}")
### BEGIN HIDDEN TESTS
parents_check = bp.autograd.random_graph(884, 12)
order_check = bp.checks.call("topological_order", topological_order, parents_check, "v7")
problem = bp.autograd.order_problem(order_check, parents_check, "v7")
bp.checks.true(problem is None, f"topological_order from an inner node of a hidden graph: "
              f"{problem}", "order")
### END HIDDEN TESTS

# %% [markdown]
# ## 7. The backward pass
#
# With the order in hand, the backward pass is notebook 3's, with two differences: the
# gradients are arrays, and each node's local derivatives are replaced by its rule, which
# maps the node's gradient to its parents' shares.
#
# ### Exercise 6: the backward pass (3 points)
#
# Write `backward_pass(parents, root, rules, root_grad)` returning a dict that maps `root`
# and every node it depends on to $\partial L/\partial\,\text{node}$, where:
#
# - `parents` and `root` are as in Exercise 5 (use your `topological_order`);
# - `rules[name](grad)` returns a tuple of shares, one per entry of `parents[name]`, in
#   that order; inputs (no parents) have no rule;
# - `root_grad` is $\partial L/\partial\,\text{root}$: 1.0 when `root` is the loss, or an
#   array of `root`'s shape.
#
# A node's gradient is the sum of the shares its consumers send it; a parent listed twice
# receives two shares.

# %% solution id="backward_pass"
def backward_pass(parents, root, rules, root_grad):
    """dL/d(node) for root and every node it depends on.

    Parameters
    ----------
    parents : dict of str to list of str
    root : str
    rules : dict of str to callable
        rules[name](grad) -> tuple of one share per parent of name.
    root_grad : float or ndarray
        dL/d(root).

    Returns
    -------
    dict of str to float or ndarray
    """
    ### BEGIN SOLUTION
    grads = {root: root_grad}
    for name in reversed(topological_order(parents, root)):
        if not parents[name]:
            continue
        shares = rules[name](grads[name])
        for parent, share in zip(parents[name], shares):
            grads[parent] = grads.get(parent, 0.0) + share
    return grads
    ### END SOLUTION


# %% [markdown]
# Try it on the two diamonds with every local derivative 1: you should see the number of
# paths from each node to `L`, `{'L': 1.0, 's': 1.0, 'd': 1.0, 'e': 1.0, 'c': 2.0,
# 'a': 2.0, 'b': 2.0, 'x': 4.0}` (in any order).

# %%
print({name: float(g) for name, g in backward_pass(parents_dd, "L", ones, 1.0).items()})

# %% [markdown]
# The tests give each edge its own local derivative (`bp.autograd.edge_rules`) and
# compare your gradients with the chain rule's definition, a sum over every path of the
# product along it (`bp.autograd.path_sums`), which needs no order at all but
# takes time exponential in the depth.

# %% tests id="backward_pass__chain" points=1
"""backward_pass on a chain: the product of the local derivatives."""
with bp.checks.earlier.blamed("backward_pass", globals(), ["topological_order"]):
    parents_check = bp.autograd.example_parents("chain")
    rules_check, weights_check = bp.autograd.edge_rules(parents_check, 891)
    grads = bp.checks.call("backward_pass", backward_pass, parents_check, "L", rules_check, 1.0)
    expected = bp.autograd.path_sums(parents_check, "L", weights_check)
    bp.checks.mapping("backward_pass on the chain a -> b -> c -> L", grads, expected)

# %% tests id="backward_pass__shared" points=1
"""backward_pass adds every consumer's share before passing a gradient on."""
with bp.checks.earlier.blamed("backward_pass", globals(), ["topological_order"]):
    for name, seed in (("double_diamond", 892), ("skip", 893)):
        parents_check = bp.autograd.example_parents(name)
        rules_check, weights_check = bp.autograd.edge_rules(parents_check, seed)
        grads = bp.checks.call("backward_pass", backward_pass, parents_check, "L", rules_check, 1.0)
        expected = bp.autograd.path_sums(parents_check, "L", weights_check)
        naive = bp.autograd.naive_backward(parents_check, "L", rules_check, 1.0)[0]
        bp.checks.true(not bp.autograd.looks_naive(grads, naive, expected),
                       f"backward_pass on the {name} graph gives what a recursion without a "
                       "topological order gives: a node passed its gradient on before every "
                       "consumer had sent its share, and again later, so shared paths count "
                       "twice. Visit the nodes in reverse topological order.", "double-counted")
        bp.checks.mapping(f"backward_pass on the {name} graph", grads, expected)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("backward_pass", globals(), ["topological_order"]):
    parents_check = bp.autograd.random_graph(894, 9)
    rules_check, weights_check = bp.autograd.edge_rules(parents_check, 895)
    grads = bp.checks.call("backward_pass", backward_pass, parents_check, "v8", rules_check, -0.5)
    bp.checks.mapping("backward_pass on a hidden graph", grads,
                     bp.autograd.path_sums(parents_check, "v8", weights_check, -0.5))
### END HIDDEN TESTS

# %% tests id="backward_pass__arrays" points=1
"""backward_pass with array gradients, an array root_grad, and a parent used twice."""
with bp.checks.earlier.blamed("backward_pass", globals(), ["topological_order"]):
    parents_check = {"L": ["p", "p", "x"], "p": ["x", "w"], "x": [], "w": []}
    rules_check, weights_check = bp.autograd.edge_rules(parents_check, 896, shape=(3,))
    root_check = np.array([1.0, -2.0, 0.5])
    grads = bp.checks.call("backward_pass", backward_pass, parents_check, "L", rules_check,
                          root_check)
    expected = bp.autograd.path_sums(parents_check, "L", weights_check, root_check)
    bp.checks.true(isinstance(grads, dict) and set(expected) <= set(grads),
                  f"backward_pass should return a dict with the keys {sorted(expected)}; got "
                  f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}", "keys")
    for name in expected:
        bp.checks.close(f"grads[{name!r}] (arrays of shape (3,))", grads[name], expected[name])

# %% [markdown]
# ## 8. The engine
#
# Everything is in place. The class below is the whole engine, given to you. A `Tensor`
# holds an array `data`, its `parents`, and a `rule` that calls **your** backward rules on
# the forward values it closes over. Each operation writes its forward result and its
# backward rule side by side. `backward()` collects the graph by walking the parents,
# hands it to **your** `backward_pass` as plain data, and stores each gradient in `.grad`.
# Only the transpose's rule, `g.T`, is new.

# %%
class Tensor:
    """An array that remembers the tensors it came from and how to send gradients back."""

    count = 0

    def __init__(self, data, name=None, parents=(), op="input"):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.parents, self.op = parents, op
        self.rule = None                      # rule(grad of self) -> shares of the parents
        Tensor.count += 1
        self.name = name or f"{op}{Tensor.count}"

    def __repr__(self):
        return f"Tensor({self.name!r}, shape {self.data.shape})"

    def __matmul__(self, other):
        out = Tensor(self.data @ other.data, parents=(self, other), op="matmul")
        out.rule = lambda g: matmul_backward(g, self.data, other.data)
        return out

    def __add__(self, other):
        out = Tensor(self.data + other.data, parents=(self, other), op="add")
        out.rule = lambda g: add_backward(g, self.data.shape, other.data.shape)
        return out

    @property
    def T(self):
        out = Tensor(self.data.T, parents=(self,), op="transpose")
        out.rule = lambda g: (g.T,)
        return out

    def tanh(self):
        out = Tensor(np.tanh(self.data), parents=(self,), op="tanh")
        out.rule = lambda g: (tanh_backward(g, out.data),)
        return out

    def sigmoid(self):
        out = Tensor(bp.activations.sigmoid(self.data), parents=(self,), op="sigmoid")
        out.rule = lambda g: (sigmoid_backward(g, out.data),)
        return out

    def relu(self):
        out = Tensor(np.maximum(self.data, 0.0), parents=(self,), op="relu")
        out.rule = lambda g: (relu_backward(g, out.data),)
        return out

    def mean(self):
        out = Tensor(self.data.mean(), parents=(self,), op="mean")
        out.rule = lambda g: (mean_backward(g, self.data.shape),)
        return out

    def half_mse(self, t):
        out = Tensor(bp.autograd.half_mse(self.data, t), parents=(self,),
                     op="half_mse")
        out.rule = lambda g: (half_mse_backward(g, self.data, t),)
        return out

    def bce(self, t):
        out = Tensor(bp.losses.bce(self.data, t), parents=(self,), op="bce")
        out.rule = lambda g: (bce_backward(g, self.data, t),)
        return out

    def backward(self):
        """Fill in .grad of this tensor and of every tensor it depends on."""
        tensors, stack = {}, [self]
        while stack:                          # every tensor of the graph, by name
            tensor = stack.pop()
            if tensor.name not in tensors:
                tensors[tensor.name] = tensor
                stack.extend(tensor.parents)
        parents = {name: [p.name for p in t.parents] for name, t in tensors.items()}
        rules = {name: t.rule for name, t in tensors.items() if t.rule is not None}
        grads = backward_pass(parents, self.name, rules, np.ones_like(self.data))
        for name, grad in grads.items():
            tensors[name].grad = grad


# %% [markdown]
# A first use: a batch `X` goes through one weight matrix `W`, and the hidden values `H`
# feed **two** branches, a tanh and a sigmoid, that meet again before the mean. `H` is a
# shared node, like `c` of the two diamonds. One call to `backward()` gives every
# gradient; a central difference confirms the one of `W`.

# %%
X_t = Tensor(rng.normal(size=(4, 3)), "X")
W_t = Tensor(rng.normal(size=(3, 2)), "W")
H_t = X_t @ W_t
L_t = (H_t.tanh() + H_t.sigmoid()).mean()
L_t.backward()
print("L =", L_t.data, "  W.grad has shape", W_t.grad.shape)


def L_of_W(W_value):
    H_value = X_t.data @ W_value
    return np.mean(np.tanh(H_value) + bp.activations.sigmoid(H_value))


bp.checks.gradient("W.grad from the engine", W_t.grad, L_of_W, W_t.data)

# %% [markdown]
# ## 9. Notebook 4, by engine
#
# Notebook 4 derived the gradients of the 2-2-1 tanh network by hand, for one example,
# one local derivative at a time. The engine needs only the forward pass. It works on
# examples as rows, so the one example `x` of shape `(2,)` becomes a batch of one row,
# `x.reshape(1, 2)`, and the target `t` a `(1, 1)` array. Notebook 4's column-vector step
# $z^1 = W^1 x + b^1$ then reads `x_row @ W1.T + b1` (notebook 5's batch form with
# $N = 1$), whose one row is notebook 4's $z^1$; the same holds for $a^1$, $z^2$ and
# $\hat y$. With $N = 1$ and one output, this notebook's half squared error is notebook
# 4's $L = \tfrac12 (\hat y - t)^2$.
#
# ### Exercise 7: notebook 4 by engine (2 points)
#
# Write `engine_grads_221(params, x, t)`: make a `Tensor` of each parameter (named by its
# key), run notebook 4's forward pass ($z^1 = W^1 x + b^1$, $a^1 = \tanh z^1$,
# $z^2 = W^2 a^1 + b^2$, $\hat y = \tanh z^2$) with tensor operations on the row `x`,
# take the half squared error, call `backward()`, and return a dict with the keys of
# `params`, each value the gradient (a NumPy array of its parameter's shape). `params`
# holds `W1` (2, 2), `b1` (2,), `W2` (1, 2), `b2` (1,); `t` is a float. The hand-derived
# `bp.net221.backward` is switched off here, and the tests want it matched to $10^{-12}$.

# %% solution id="engine_grads_221"
def engine_grads_221(params, x, t):
    """Gradients of notebook 4's loss, 1/2 (y_hat - t)**2, with respect to W1, b1, W2, b2.

    Parameters
    ----------
    params : dict
        W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).
    x : ndarray of shape (2,)
    t : float

    Returns
    -------
    dict
        The keys of params; each value an ndarray of its parameter's shape.
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = (Tensor(params[key], key) for key in ("W1", "b1", "W2", "b2"))
    x_row = Tensor(np.reshape(x, (1, 2)), "x")
    a1 = (x_row @ W1.T + b1).tanh()
    y_hat = (a1 @ W2.T + b2).tanh()
    loss = y_hat.half_mse(np.reshape(t, (1, 1)))
    loss.backward()
    return {"W1": W1.grad, "b1": b1.grad, "W2": W2.grad, "b2": b2.grad}
    ### END SOLUTION


# %% [markdown]
# Try it with notebook 4's network. You should see
# `W1 (2, 2)`, `b1 (2,)`, `W2 (1, 2)`, `b2 (1,)`, and `dL/db2 = [-0.372179]`.

# %%
params_221 = {"W1": np.array([[0.5, -1.0], [1.5, 0.25]]), "b1": np.zeros(2),
              "W2": np.array([[1.0, -0.75]]), "b2": np.zeros(1)}
grads_221 = engine_grads_221(params_221, np.array([0.8, -0.5]), 0.5)
for key, value in grads_221.items():
    print(key, np.shape(value))
print("dL/db2 =", np.round(grads_221["b2"], 6))

# %% tests id="engine_grads_221__keys_and_shapes" points=1
"""engine_grads_221 returns one gradient per parameter, each of its parameter's shape."""
with bp.checks.earlier.blamed("engine_grads_221", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "topological_order", "backward_pass"]):
    params_check = bp.net221.init_params(np.random.default_rng(901))
    grads = bp.checks.call("engine_grads_221", engine_grads_221, params_check,
                          bp.checks.testdata.points(902, (2,)), 0.3)
    bp.checks.true(isinstance(grads, dict) and set(grads) == set(params_check),
                  "engine_grads_221 should return a dict with the keys of params, "
                  f"{sorted(params_check)}; got "
                  f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}", "keys")
    for key in params_check:
        bp.checks.true(np.shape(grads[key]) == params_check[key].shape,
                      f"grads[{key!r}] should have the shape of params[{key!r}], "
                      f"{params_check[key].shape}; got {np.shape(grads[key])}", "shape")

# %% tests id="engine_grads_221__notebook_4" points=1
"""engine_grads_221 gives notebook 4's gradients."""
with bp.checks.earlier.blamed("engine_grads_221", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "topological_order", "backward_pass"]):
    params_check = bp.net221.init_params(np.random.default_rng(903))
    x_check, t_check = bp.checks.testdata.points(904, (2,)), -0.4
    grads = bp.checks.call("engine_grads_221", engine_grads_221, params_check, x_check, t_check)
    for key in params_check:
        bp.checks.gradient(f"grads[{key!r}] from the engine", grads[key],
                          lambda value: bp.net221.loss_at(x_check, t_check, params_check, key, value),
                          params_check[key])
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("engine_grads_221", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "topological_order", "backward_pass"]):
    for seed in (905, 906):
        params_check = bp.net221.init_params(np.random.default_rng(seed), scale=1.5)
        x_check, t_check = bp.checks.testdata.points(seed + 10, (2,)), 0.7
        grads = bp.checks.call("engine_grads_221", engine_grads_221, params_check, x_check, t_check)
        exact = bp.checks.testdata.expected(bp.net221.backward, x_check, t_check, params_check,
                                     bp.net221.forward(x_check, params_check))
        for key in params_check:
            bp.checks.close(f"grads[{key!r}] against notebook 4's backward, to 1e-12 (hidden)",
                           grads[key], exact[key], tol=bp.checks.diagnosis.FORMULA_TOL)
### END HIDDEN TESTS

# %% [markdown]
# Not one derivative was written for this network: the five local derivatives of
# notebook 4 are now inside rules you wrote and tested once, and so are the places where
# its two classic slips hide (the sign of $\partial L/\partial \hat y$, in the loss rule;
# the slope of tanh, in the tanh rule). The delta $\delta^2 = \partial L/\partial z^2$ of
# notebook 4 is the `.grad` of the engine's pre-activation node. The graded version of the
# test asks for notebook 4's numbers to $10^{-12}$, and gets them, because the engine
# multiplies the same factors.
#
# ## 10. Notebook 5, by engine
#
# The same for notebook 5's network of any depth: sigmoid output, hidden layers
# `"sigmoid"`, `"tanh"` or `"relu"`, loss `"half_mse"` (the mean of the half squared
# error, under notebook 5's name) or `"bce"`, on a batch `X` of shape `(N, n_0)` with
# targets `t` of shape `(N, n_L)`.
#
# ### Exercise 8: notebook 5 by engine (3 points)
#
# Write `engine_grads_mlp(params, X, t, hidden, loss)` returning a dict with the keys of
# `params` (`W1`, `b1`, ..., `WL`, `bL`), each value the gradient of the loss. Loop over
# the layers with tensor operations, as in Exercise 7. `getattr(Z, hidden)()` calls the
# method named by the string `hidden`.

# %% solution id="engine_grads_mlp"
def engine_grads_mlp(params, X, t, hidden="tanh", loss="half_mse"):
    """Gradients of notebook 5's mean loss with respect to every parameter, by the engine.

    Parameters
    ----------
    params : dict
        W1 (n_1, n_0), b1 (n_1,), ..., WL (n_L, n_{L-1}), bL (n_L,).
    X : ndarray of shape (N, n_0)
    t : ndarray of shape (N, n_L)
    hidden : {"sigmoid", "tanh", "relu"}
        Activation of the hidden layers; the output layer is a sigmoid.
    loss : {"half_mse", "bce"}

    Returns
    -------
    dict
        The keys of params; each value an ndarray of its parameter's shape.
    """
    ### BEGIN SOLUTION
    tensors = {key: Tensor(value, key) for key, value in params.items()}
    n_layers = len(params) // 2
    A = Tensor(X, "X")
    for l in range(1, n_layers + 1):
        Z = A @ tensors[f"W{l}"].T + tensors[f"b{l}"]
        A = Z.sigmoid() if l == n_layers else getattr(Z, hidden)()
    L = A.bce(t) if loss == "bce" else A.half_mse(t)
    L.backward()
    return {key: tensor.grad for key, tensor in tensors.items()}
    ### END SOLUTION


# %% [markdown]
# Try it: the loop below compares each of your gradients for a 3-4-4-2 tanh network with
# cross-entropy against a central difference; every line should say "is correct".

# %%
params_deep, X_deep, t_deep = bp.mlp.example_problem([3, 4, 4, 2], 5, seed=0,
                                                     loss="bce")
grads_deep = engine_grads_mlp(params_deep, X_deep, t_deep, "tanh", "bce")
for key in params_deep:
    bp.checks.gradient(f"grads[{key!r}]", grads_deep[key],
                      bp.mlp.loss_of(params_deep, X_deep, t_deep, key, hidden="tanh",
                                     loss="bce"), params_deep[key])

# %% tests id="engine_grads_mlp__sigmoid_half_mse" points=1
"""engine_grads_mlp: a 2-3-1 sigmoid network with the half squared error."""
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [2, 3, 1], 4, 911,
                                         hidden="sigmoid", loss="half_mse")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [3, 2, 2], 6, 912,
                                         hidden="sigmoid", loss="half_mse", exact=True)
### END HIDDEN TESTS

# %% tests id="engine_grads_mlp__tanh_bce" points=1
"""engine_grads_mlp: a 3-4-2 tanh network with cross-entropy."""
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [3, 4, 2], 5, 913,
                                         hidden="tanh", loss="bce")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [2, 5, 3, 1], 3,
                                         914, hidden="tanh", loss="bce", exact=True)
### END HIDDEN TESTS

# %% tests id="engine_grads_mlp__deep_relu" points=1
"""engine_grads_mlp: a 2-4-4-3 ReLU network with the half squared error."""
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [2, 4, 4, 3], 6, 915,
                                         hidden="relu", loss="half_mse")
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("engine_grads_mlp", globals(),
                              ["matmul_backward", "add_backward", "tanh_backward",
                               "sigmoid_backward", "relu_backward", "half_mse_backward",
                               "bce_backward", "topological_order", "backward_pass"]):
    bp.checks.fixtures.network_gradients("engine_grads_mlp", engine_grads_mlp, [3, 5, 4, 4, 2], 4,
                                         916, hidden="relu", loss="half_mse", exact=True)
### END HIDDEN TESTS

# %% [markdown]
# ### The same numbers from PyTorch
#
# PyTorch's autograd is this engine grown up: hundreds of operations, each with a forward
# and a backward rule, a graph recorded as your code runs, and `loss.backward()` walking
# it in reverse topological order. Where PyTorch is installed (on Binder it is; `make
# lab` leaves it out, and `pip install torch` adds it), the next cell runs the network of
# the try-it cell above through it, in float64, and prints the largest difference between
# its gradients and your engine's. Where it is not installed, or while the notebook is
# graded, the cell prints that the comparison was skipped, and nothing was compared.

# %% timing
try:
    import torch
except ImportError:
    torch = None
if torch is None or bp.grading():
    print("SKIPPED: the comparison with torch.autograd did not run here, because "
          + ("PyTorch is not installed." if torch is None else "the notebook is being graded.")
          + " Nothing else in the notebook needs it.")
else:
    weights = {key: torch.tensor(value, dtype=torch.float64, requires_grad=True)
               for key, value in params_deep.items()}
    A_torch = torch.tensor(X_deep, dtype=torch.float64)
    for l in (1, 2, 3):
        Z_torch = A_torch @ weights[f"W{l}"].T + weights[f"b{l}"]
        A_torch = torch.sigmoid(Z_torch) if l == 3 else torch.tanh(Z_torch)
    loss_torch = torch.nn.functional.binary_cross_entropy(
        A_torch, torch.tensor(t_deep, dtype=torch.float64), reduction="sum") / len(X_deep)
    loss_torch.backward()
    for key, weight in weights.items():
        difference = np.max(np.abs(weight.grad.numpy() - grads_deep[key]))
        print(f"{key}: largest difference between torch.autograd and your engine "
              f"{difference:.1e}")
    print(f"(PyTorch {torch.__version__}: differences at the level of rounding, below about "
          "1e-12, mean the two agree; larger ones point at a rule of yours.)")

# %% [markdown]
# ## 11. Transfer: a rule no cell shows
#
# An engine grows one operation at a time, and each needs its rule. Here is one you have
# not seen: **division**, $\text{out} = a / b$ entry by entry, with broadcasting (dividing
# each row by its own scale, say, or every column by a shared one).
#
# ### Exercise 9: transfer: division (3 points)
#
# Write `div_backward(grad_out, a, b)` returning `(da, db)`, the gradients with respect
# to `a` and `b`, of the shapes of `a` and `b`; `a` and `b` broadcast together to
# `grad_out.shape`, and `b` has no zero entry. Your `unbroadcast` from Exercise 2 is
# there to use.
#
# <details><summary>Hint 1</summary>
#
# Entry by entry, as if nothing were broadcast: how does $a/b$ change when $a$ moves? When
# $b$ moves? Then multiply by `grad_out` and undo the broadcast of each input.
# </details>

# %% solution id="div_backward"
def div_backward(grad_out, a, b):
    """Gradients of out = a / b, with NumPy broadcasting, with respect to a and b.

    Parameters
    ----------
    grad_out : ndarray of the broadcast shape of a and b
        dL/d(out).
    a, b : ndarray
        The numerator and the denominator (no zero entry).

    Returns
    -------
    da : ndarray of the shape of a
    db : ndarray of the shape of b
    """
    ### BEGIN SOLUTION
    da = unbroadcast(grad_out / b, np.shape(a))
    db = unbroadcast(-grad_out * a / b**2, np.shape(b))
    return da, db
    ### END SOLUTION


# %% [markdown]
# Try it. For `a = [[2.], [4.]]` (one value per row) divided by `b = [1., 2.]` (one per
# column) and `grad_out` all ones, you should see `da = [[1.5]` ` [1.5]]` and
# `db = [-6.  -1.5]`.

# %%
da_try, db_try = div_backward(np.ones((2, 2)), np.array([[2.0], [4.0]]), np.array([1.0, 2.0]))
print("da =", da_try)
print("db =", db_try)

# %% tests id="div_backward__same_shape" points=1
"""div_backward matches a central-difference gradient, without broadcasting."""
with bp.checks.earlier.blamed("div_backward", globals(), ["unbroadcast"]):
    def div_case(a_, b_, seed, label=""):
        """div_backward's arguments for a_ / b_, with grad_out drawn from seed."""
        G_ = bp.checks.testdata.points(seed, np.broadcast_shapes(np.shape(a_), np.shape(b_)))
        return dict(rule_name="div_backward", rule=div_backward, args=(a_, b_), grad_out=G_,
                    forward=np.divide, where=f", shapes {np.shape(a_)} / {np.shape(b_)}{label}")

    bp.checks.fixtures.backward_pair(**div_case(bp.checks.testdata.points(921, (3, 4)),
                                                0.5 + np.abs(bp.checks.testdata.points(922, (3, 4))),
                                                923))

# %% tests id="div_backward__broadcast" points=1
"""div_backward with broadcasting: (4, 3) / (3,) and (4, 1) / (1, 3)."""
with bp.checks.earlier.blamed("div_backward", globals(), ["unbroadcast"]):
    for seed, (a_shape, b_shape) in ((924, ((4, 3), (3,))), (925, ((4, 1), (1, 3)))):
        b_check = -(0.5 + np.abs(bp.checks.testdata.points(seed + 10, b_shape)))
        bp.checks.fixtures.backward_pair(**div_case(bp.checks.testdata.points(seed, a_shape),
                                                    b_check, seed + 20))

# %% tests id="div_backward__exact" points=1
"""div_backward is a formula: exact for a scalar denominator, and at hidden points."""
with bp.checks.earlier.blamed("div_backward", globals(), ["unbroadcast"]):
    bp.checks.fixtures.backward_pair(**div_case(bp.checks.testdata.points(926, (2, 3)),
                                                np.array(1.75), 927, " (a scalar)"), check=(1,))
    bp.checks.fixtures.backward_pair(**div_case(bp.checks.testdata.points(926, (2, 3)),
                                                np.array(1.75), 927, " (a scalar)"),
                                     reference=bp.autograd.div_backward, exact=True)
### BEGIN HIDDEN TESTS
with bp.checks.earlier.blamed("div_backward", globals(), ["unbroadcast"]):
    for seed, (a_shape, b_shape) in ((928, ((5, 2), (5, 1))), (929, ((3,), (2, 3)))):
        a_check = 20.0 * bp.checks.testdata.points(seed, a_shape)
        b_check = 0.3 + np.abs(bp.checks.testdata.points(seed + 10, b_shape))
        bp.checks.fixtures.backward_pair(**div_case(a_check, b_check, seed + 20, " (hidden)"),
                                         reference=bp.autograd.div_backward, exact=True)
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** $\partial(a/b)/\partial a = 1/b$ and
# $\partial(a/b)/\partial b = -a/b^2$, so
#
# $$\frac{\partial L}{\partial a} = \text{unbroadcast}\Big(\frac{G}{b}\Big), \qquad
# \frac{\partial L}{\partial b} = \text{unbroadcast}\Big(-\frac{G\,a}{b^2}\Big),$$
#
# in code `unbroadcast(grad_out / b, a.shape)` and `unbroadcast(-grad_out * a / b**2,
# b.shape)`. Plug it into the engine and division is an operation like any other: here a
# layer's tanh outputs are divided by a positive scale computed by another layer, and
# `backward()` reaches both weight matrices through the quotient.

# %%
def tensor_div(self, other):
    out = Tensor(self.data / other.data, parents=(self, other), op="div")
    out.rule = lambda g: div_backward(g, self.data, other.data)
    return out


Tensor.__truediv__ = tensor_div

X_q = Tensor(rng.normal(size=(4, 3)), "X")
W_q, V_q = Tensor(rng.normal(size=(3, 2)), "W"), Tensor(rng.normal(size=(3, 1)), "V")
L_q = ((X_q @ W_q).tanh() / (Tensor(1.5, "c") + (X_q @ V_q).sigmoid())).mean()
L_q.backward()
bp.checks.gradient("V.grad through the division", V_q.grad,
                  lambda V_: np.mean(np.tanh(X_q.data @ W_q.data)
                                     / (1.5 + bp.activations.sigmoid(X_q.data @ V_))), V_q.data)

# %% [markdown]
# ## 12. Explore
#
# Pick an expression and move the slider to run the backward pass one node at a time,
# in reverse topological order. Red is the node whose turn it is, with the edges to the
# parents it passes its gradient to; green nodes are done; a blue node has its complete
# gradient and waits for its turn; an **orange** node holds a partial gradient, because a
# consumer has yet to send its share. Things to look for: in "two diamonds", `c` turns
# orange after `e` and blue only after `d`, and never passes anything on before; in the
# 2-2-1 network, each parameter's gradient appears only after the transpose node above
# it; every gradient has the shape of its node's value.

# %%
bp.explore.autograd.backward_explorer()

# %% [markdown]
# ## Summary
#
# - Reverse-mode autodiff chains **backward rules**: each maps the gradient of an
#   operation's output to the gradients of its inputs, each the shape of its input,
#   without forming a Jacobian.
# - Matrix product: $\partial L/\partial A = G B^T$, $\partial L/\partial B = A^T G$.
#   Addition: pass $G$ on, **summed over every broadcast axis**. Activations from their
#   outputs: $1 - \text{out}^2$, $\text{out}(1 - \text{out})$, $[\text{out} > 0]$.
#   Losses: $\frac{\hat y - t}{N}$ for the half squared error (the half cancels the 2)
#   and $\frac{\hat y - t}{N \hat y(1 - \hat y)}$ for cross-entropy, times $G$.
# - A backward pass visits nodes in **reverse topological order**, so that every node
#   has collected all its consumers' shares (`+=`) before passing its gradient on. A
#   recursion without that order visits a node once per path and counts shared paths
#   too often.
# - With those pieces an engine of a hundred lines reproduces notebooks 4 and 5 to
#   $10^{-12}$, for any depth and activation; where the PyTorch cell ran, its printed
#   differences say how closely it matches `torch.autograd` on your machine.
#
# ## Going further
#
# - `bp.autograd.Tensor` is the course's version of the engine; `bp.autograd` also
#   holds the rules and the pass. Add
#   `exp`, `log` and a `sum(axis)` to it, then build a softmax with cross-entropy and
#   check it: notebook 9 derives that gradient by hand.
# - This engine computes first derivatives. PyTorch can differentiate its own backward
#   pass (`create_graph=True`) because its rules are themselves made of recorded
#   operations; ours are plain NumPy.
# - Forward-mode differentiation carries a derivative **forward** alongside each value;
#   it costs one pass per input, where reverse mode costs one pass per output. For a loss
#   (one output, millions of weights) reverse mode wins, which is why backprop is
#   reverse mode.
# - Micrograd, a scalar engine in about 150 lines, and the "autograd mechanics" page of
#   PyTorch's documentation are good next reads.
