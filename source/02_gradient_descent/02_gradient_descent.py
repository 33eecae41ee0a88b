# Backprop Lab, notebook 2: gradient descent on Booth's function.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 2. Gradient descent
#
# *Walk downhill on Booth's function, and find out how long a stride can be.*
#
# **Estimated time:** 75 to 90 minutes. **Exercises:** 8, worth 21 points.
#
# **Loss:** none; the functions descended are Booth's $f(x, y)$ itself, then Rosenbrock's.
# Symbols and shapes follow the course's [notation](../../docs/notation.md); the
# [course map](../../README.md#course-map) lists every notebook. Previous:
# [notebook 1](../01_loss_functions/01_loss_functions.ipynb); next:
# [notebook 3](../03_chain_rule/03_chain_rule.ipynb).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. evaluate a function of two variables on a whole grid at once ([Exercise 1](#Exercise-1:-Booth's-function-(2-points)));
# 2. derive a gradient with the chain rule and code it exactly ([Exercise 2](#Exercise-2:-the-gradient-(5-points)));
# 3. write the gradient descent loop and keep its whole path ([Exercise 3](#Exercise-3:-the-descent-loop-(4-points)));
# 4. derive from the Hessian the largest learning rate that still converges
#    ([Checkpoint](#Checkpoint:-does-lr-=-0.12-converge?-(1-point)),
#    [Exercise 4](#Exercise-4:-the-largest-stable-learning-rate-(2-points)));
# 5. derive the constant learning rate that converges fastest
#    ([Exercise 5](#Exercise-5:-the-best-constant-learning-rate-(2-points)));
# 6. derive the gradient of a function that is not a quadratic and descend it
#    ([Exercise 6](#Exercise-6:-Rosenbrock's-gradient-(4-points))).
#
# **Prerequisites:** notebook 1 (losses, the central difference, the tolerance policy);
# partial derivatives; eigenvalues of a symmetric $2 \times 2$ matrix.
#
# The checks work as in notebook 1: relative error, $10^{-9}$ against an exact value,
# $10^{-5}$ (or the numerical derivative's own error bound) against a central difference.
# One check in this notebook is stricter still, and section 3 explains what it proves.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(2)

# %% [markdown]
# ## 1. A bowl with a known bottom
#
# Training a network means finding weights that make a loss small. Before any network,
# practise on a function of two numbers whose minimum we already know, **Booth's function**:
#
# $$f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2 .$$
#
# It is a sum of two squares, so $f \ge 0$, and it is zero exactly where both brackets
# vanish: $x + 2y = 7$ and $2x + y = 5$, that is at $(x, y) = (1, 3)$. Every method in
# this notebook should walk to that point.
#
# Pictures of $f$ need its value on a grid of points. With NumPy there is no loop:
# `np.meshgrid` makes two arrays `X` and `Y` of the grid's shape, and the formula,
# applied to whole arrays, gives every value at once.

# %%
X, Y = np.meshgrid(np.linspace(-1.0, 3.0, 3), np.linspace(2.0, 4.0, 2))
print("X =\n", X)
print("Y =\n", Y)
print("x + 2y - 7 on the grid =\n", X + 2 * Y - 7)

# %% [markdown]
# ### Exercise 1: Booth's function (2 points)
#
# Write `booth(x, y)`.
#
# - `x` and `y` are floats or arrays whose shapes broadcast together (two grids from
#   `np.meshgrid`, or a column and a row);
# - return an array of the broadcast shape, $f$ at every point;
# - NumPy only (`bp.booth.booth` is switched off in this notebook).

# %% solution id="booth"
def booth(x, y):
    """Booth's function (x + 2y - 7)**2 + (2x + y - 5)**2 at every point.

    x and y are floats or arrays whose shapes broadcast together; the answer has their
    broadcast shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2
    ### END SOLUTION

# %% [markdown]
# Try it. At the minimum you should see `0.0`, at the origin `74.0`, and on the grid
# above `[[41.  5.  9.] [ 9.  5. 41.]]`.

# %%
print(booth(1.0, 3.0), booth(0.0, 0.0))
print(booth(X, Y))

# %% tests id="booth__values" points=1
"""booth at a few points, and on a hidden grid."""
x_check = np.array([1.0, 0.0, -2.5, 4.0])
y_check = np.array([3.0, 0.0, 1.5, -3.0])
bp.checks.close("booth(x, y)", bp.checks.call("booth", booth, x_check, y_check),
                np.array([0.0, 74.0, 114.5, 81.0]))
### BEGIN HIDDEN TESTS
x_check, y_check = bp.checks.testdata.points(1101, (2, 3, 4), low=-8.0, high=8.0)
bp.checks.close("booth(x, y) on a hidden (3, 4) grid", bp.checks.call("booth", booth, x_check, y_check),
               bp.checks.testdata.expected(bp.booth.booth, x_check, y_check))
### END HIDDEN TESTS

# %% tests id="booth__broadcasts" points=1
"""booth broadcasts a column of x against a row of y."""
x_column = np.linspace(-2.0, 2.0, 4).reshape(4, 1)
y_row = np.linspace(0.0, 5.0, 3)
value = bp.checks.call("booth", booth, x_column, y_row)
bp.checks.true(np.shape(value) == (4, 3),
              f"booth(x of shape (4, 1), y of shape (3,)) should have the broadcast shape "
              f"(4, 3); got {np.shape(value)}", "shape")
bp.checks.close("booth(x_column, y_row)", value,
                (x_column + 2 * y_row - 7) ** 2 + (2 * x_column + y_row - 5) ** 2)

# %% [markdown]
# Now you can look at it. The contours are log-spaced, because $f$ climbs from 0 to
# thousands across the picture. Notice the shape: a long, narrow valley running from
# top left to bottom right. It will matter.

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    ax = bp.explore.booth.plot_contour()
    ax.set_title("Booth's function: contours of f(x, y)")
    plt.show()

# %% [markdown]
# ## 2. The gradient, by the chain rule
#
# The gradient $\nabla f = (\partial f / \partial x, \partial f / \partial y)$ says how
# fast $f$ grows when one coordinate moves and the other stays put. Name the two
# brackets $u = x + 2y - 7$ and $v = 2x + y - 5$, so $f = u^2 + v^2$. A change in $x$
# reaches $f$ along two paths, through $u$ and through $v$: the chain rule multiplies
# the derivatives along each path and adds the paths. Each path has an **outer**
# derivative (of a square) and an **inner** one (of a bracket with respect to $x$ or
# $y$). Forgetting an inner factor is the classic slip here, and notebook 3 turns this
# habit of "multiply along each path, add over paths" into an algorithm.

# %% [markdown]
# ### Exercise 2: the gradient (5 points)
#
# Derive the two partial derivatives, then write `booth_grad(x, y)` returning the pair
# `(df_dx, df_dy)`.
#
# - `x` and `y` as in Exercise 1; each of `df_dx` and `df_dy` has the broadcast shape;
# - return a tuple of two arrays (so `df_dx, df_dy = booth_grad(X, Y)` works on a grid);
# - use your formulas: **no numerical differentiation** (section 3 says what the checks
#   can tell).
#
# <details><summary>Hint 1</summary>
#
# Differentiate $f = u^2 + v^2$ with respect to $x$ term by term. For $u^2$ the chain
# rule gives (derivative of the square at $u$) times $\partial u / \partial x$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# $\partial u/\partial x = 1$, $\partial v/\partial x = 2$, $\partial u/\partial y = 2$,
# $\partial v/\partial y = 1$. The outer derivative of a square $s^2$ is $2s$.
# </details>
#
# <details><summary>Hint 3</summary>
#
# Each partial is a sum of two products, (outer derivative of one square) times (that
# bracket's inner derivative). Both must vanish at $(1, 3)$, where $u = v = 0$: check
# yours does.
# </details>

# %% solution id="booth_grad"
def booth_grad(x, y):
    """The pair (df_dx, df_dy) of Booth's partial derivatives at every point.

    Arguments as for booth. Each of the two arrays returned has the broadcast shape of
    x and y.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u = x + 2.0 * y - 7.0
    v = 2.0 * x + y - 5.0
    df_dx = 2.0 * u + 4.0 * v
    df_dy = 4.0 * u + 2.0 * v
    return df_dx, df_dy
    ### END SOLUTION

# %% [markdown]
# Try it. At the minimum you should see `0.0 0.0`, on the grid two arrays of shape
# `(2, 3)`, and at the origin your gradient next to the slopes of your `booth` measured
# by nudging $x$ and then $y$: they should agree to the digits shown.

# %%
print(*booth_grad(1.0, 3.0))
print(booth_grad(X, Y)[0].shape, booth_grad(X, Y)[1].shape)
df_dx, df_dy = booth_grad(0.0, 0.0)
print(f"your gradient at (0, 0): {float(df_dx):.6f} {float(df_dy):.6f}")
print(f"slopes of booth there:   {(booth(1e-6, 0.0) - booth(-1e-6, 0.0)) / 2e-6:.6f} "
      f"{(booth(0.0, 1e-6) - booth(0.0, -1e-6)) / 2e-6:.6f}")

# %% tests id="booth_grad__shape" points=1
"""booth_grad returns a pair of arrays of the broadcast shape."""
pair = bp.checks.call("booth_grad", booth_grad, np.linspace(-2.0, 2.0, 4).reshape(4, 1),
                     np.linspace(0.0, 5.0, 3))
bp.checks.true(isinstance(pair, (tuple, list)) and len(pair) == 2,
              "booth_grad should return the pair (df_dx, df_dy), a tuple of two arrays; "
              f"got {type(pair).__name__}", "shape")
for part_name, part in zip(("df_dx", "df_dy"), pair):
    bp.checks.true(np.shape(part) == (4, 3),
                  f"{part_name} from booth_grad(x of shape (4, 1), y of shape (3,)) should have "
                  f"the broadcast shape (4, 3); got {np.shape(part)}", "shape")

# %% tests id="booth_grad__matches_numerical" points=2
"""booth_grad matches a central-difference gradient of Booth's function."""
bp.checks.fixtures.point_gradients("booth_grad", booth_grad, bp.booth.booth,
                                   [(0.0, 0.0), (-2.5, 1.5), (4.0, -3.0)])
### BEGIN HIDDEN TESTS
bp.checks.fixtures.point_gradients("booth_grad", booth_grad, bp.booth.booth,
                                   bp.checks.testdata.points(1201, (4, 2), low=-9.0, high=9.0),
                                   where=" at a hidden point")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Exact, and what a check can prove
#
# The gradient check above accepts a relative error of $10^{-5}$, because its reference is
# itself a central difference. Your formula does better than that: it is **exact**, up to
# the rounding of a few multiplications, about $10^{-16}$.
#
# A central difference usually is not. Booth's function is a quadratic, so the truncation
# error of a central difference is zero, but the round-off error of notebook 1,
# $\varepsilon |f| / h$, grows with $|f|$. Far from the origin, where $f$ is in the
# millions, it leaves an error you can measure with the usual small steps:

# %%
x_far, y_far = 1234.5, 2345.6
exact = np.array(booth_grad(x_far, y_far))
for h in (1e-3, 1e-5, 1e-7, 1.0):
    approx = np.array([booth(x_far + h, y_far) - booth(x_far - h, y_far),
                       booth(x_far, y_far + h) - booth(x_far, y_far - h)]) / (2 * h)
    print(f"h = {h:.0e}: relative error of the central difference "
          f"{np.max(np.abs(approx - exact) / np.abs(exact)):.1e}")

# %% [markdown]
# The last line is the catch: with no truncation error, a *large* step such as $h = 1$
# divides the round-off by a large number and is nearly exact here. So the next check,
# which compares your gradient with the exact one at $10^{-12}$, looks at two kinds of
# points: far from the origin (where small steps lose to round-off) and, hidden, within
# $10^{-8}$ of the minimum (where the rounding of a large step shows). Every fixed or
# scaled step we tried, the course's own `bp.numdiff.gradient` included, fails one of
# them; your formula passes both with room to spare. What the check proves is that your
# numbers are exact: for a quadratic, no choice of points can prove that no finite
# difference was used. Exercise 6 has a function that is not a quadratic, where none is
# exact. Backprop, from notebook 3 on, is exact in the same way as your formula.

# %% tests id="booth_grad__exact" points=2
"""booth_grad is exact, not a finite-difference approximation."""
x_check = np.array([1234.5, 2718.3, 3141.6, 987.6, 150.25])
y_check = np.array([2345.6, 1414.2, 577.2, 4321.0, 75.5])
x_check, y_check = x_check[:3], y_check[:3]
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) far from the origin",
                  bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                  np.array([[31075.8, 38462.6, 35999.6], [33294.0, 35850.4, 30866.8]]))
# A few bits from the minimum, where every form of the formula is exact and a finite
# difference's rounding shows.
x_check = 1.0 + np.array([5.0, -6.0]) * 2.0 ** -30
y_check = 3.0 + np.array([6.0, -5.0]) * 2.0 ** -30
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) next to the minimum",
                  bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                  np.array(bp.checks.testdata.expected(bp.booth.booth_grad, x_check, y_check)))
### BEGIN HIDDEN TESTS
x_check, y_check = bp.checks.testdata.points(1301, (2, 6), low=200.0, high=5000.0)
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) at hidden points far from the origin",
                 bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                 np.array(bp.checks.testdata.expected(bp.booth.booth_grad, x_check, y_check)))
# Within 1e-8 of the minimum, at offsets of a few bits, so that every form of the formula
# is exact while a large step's rounding shows.
x_check = 1.0 + np.array([3.0, -5.0, 7.0, 1.0, -2.0]) * 2.0 ** -30
y_check = 3.0 + np.array([-4.0, 1.0, 6.0, -7.0, 2.0]) * 2.0 ** -30
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) at hidden points next to the minimum",
                  bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                  np.array(bp.checks.testdata.expected(bp.booth.booth_grad, x_check, y_check)))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** With $u = x + 2y - 7$ and $v = 2x + y - 5$,
#
# $$\frac{\partial f}{\partial x} = 2u \cdot 1 + 2v \cdot 2, \qquad
# \frac{\partial f}{\partial y} = 2u \cdot 2 + 2v \cdot 1,$$
#
# in code `df_dx = 2 * u + 4 * v` and `df_dy = 4 * u + 2 * v`. The $2u$ and $2v$ come
# from the squares; the 1s and 2s are the inner derivatives. Both vanish at $(1, 3)$, as
# they must at a minimum.

# %% [markdown]
# The gradient points uphill, across the contours. Here it is on a coarse grid, drawn
# as $-\nabla f$, the way downhill, with every arrow scaled to the same length.

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    G_x, G_y = np.meshgrid(np.linspace(-9.0, 9.0, 13), np.linspace(-9.0, 9.0, 13))
    U, V = booth_grad(G_x, G_y)
    length = np.hypot(U, V) + 1e-12
    ax = bp.explore.booth.plot_contour()
    ax.quiver(G_x, G_y, -U / length, -V / length, color="grey", width=0.003)
    ax.set_title("-grad f: the way downhill at every point")
    plt.show()

# %% [markdown]
# ## 4. The descent loop
#
# Gradient descent takes a step against the gradient, again and again, with a step
# size called the **learning rate** $\eta$ (`lr` in code):
#
# $$p_{k+1} = p_k - \eta\, \nabla f(p_k), \qquad p = (x, y).$$
#
# Keeping every point visited, the **path**, lets us draw it and watch the loss fall.

# %% [markdown]
# ### Exercise 3: the descent loop (4 points)
#
# Write `gradient_descent(grad, start, lr, n_steps)`.
#
# - `grad` is a function that maps a point, an array of shape `(2,)`, to its gradient,
#   also of shape `(2,)`;
# - `start` has shape `(2,)`; `lr` is a positive float; `n_steps` a whole number $\ge 0$;
# - return the path, an array of shape `(n_steps + 1, 2)`: row 0 is the start, row
#   $k + 1$ is row $k$ after one update;
# - do not change the caller's `start` array (watch out for `-=` on it).

# %% solution id="gradient_descent"
def gradient_descent(grad, start, lr, n_steps):
    """Take n_steps of gradient descent with the constant learning rate lr > 0.

    grad(point) returns the gradient at a point; both are arrays of shape (2,), and so is
    start. Return the whole path, an array of shape (n_steps + 1, 2): start, then the
    point after each update, row k - lr * grad(row k).
    """
    ### BEGIN SOLUTION
    point = np.array(start, dtype=float)
    path = [point]
    for _ in range(n_steps):
        point = point - lr * np.asarray(grad(point), dtype=float)
        path.append(point)
    return np.array(path)
    ### END SOLUTION

# %% [markdown]
# Try it on $f(p) = p_x^2 + p_y^2$, whose gradient is $2p$: with `lr = 0.25` every step
# halves the point, so you should see `[[ 1.   -2.  ] [ 0.5  -1.  ] [ 0.25 -0.5 ]]`.

# %%
print(gradient_descent(lambda p: 2 * p, np.array([1.0, -2.0]), 0.25, 2))

# %% tests id="gradient_descent__shape" points=1
"""gradient_descent returns n_steps + 1 points, starting at start."""
start_check = np.array([-6.0, 8.0])
path = bp.checks.call("gradient_descent", gradient_descent, lambda p: 2 * p, start_check, 0.1, 5)
bp.checks.true(np.shape(path) == (6, 2),
              f"gradient_descent(..., n_steps=5) should return the path of shape (6, 2): the "
              f"start and 5 more points; got shape {np.shape(path)}", "shape")
bp.checks.close("path[0] (the start)", path[0], start_check)

# %% tests id="gradient_descent__steps" points=2
"""gradient_descent follows p <- p - lr * grad(p) at every step."""
def booth_point_grad_check(p):
    return np.array([10.0 * p[0] + 8.0 * p[1] - 34.0, 8.0 * p[0] + 10.0 * p[1] - 38.0])

start_check = np.array([-6.0, 8.0])
path = bp.checks.call("gradient_descent", gradient_descent, booth_point_grad_check, start_check,
                      0.05, 12)
bp.checks.true(np.shape(path) == (13, 2), f"gradient_descent(..., n_steps=12) should return shape "
               f"(13, 2); got {np.shape(path)}", "shape")
bp.checks.close("path[1] - path[0], the first step from (-6, 8) with lr = 0.05", path[1] - path[0],
                -0.05 * booth_point_grad_check(start_check))
bp.checks.close("path[k + 1] - path[k] for k = 0..11 (each step from the point it starts at)",
                path[1:] - path[:-1],
                np.array([-0.05 * booth_point_grad_check(point) for point in path[:-1]]))
### BEGIN HIDDEN TESTS
def other_grad_check(p):
    return np.array([np.sinh(p[0]) + p[1], p[0] + 2.0 * p[1]])

for start_check, lr_check, n_check in ((np.array([0.7, -1.3]), 0.2, 9),
                                       (np.array([2.0, 1.0]), 0.03, 0)):
    bp.checks.close(f"gradient_descent on a hidden function, lr={lr_check}, n_steps={n_check}",
                   bp.checks.call("gradient_descent", gradient_descent, other_grad_check,
                                 start_check, lr_check, n_check),
                   bp.checks.testdata.expected(bp.booth.gradient_descent, other_grad_check,
                                        start_check, lr_check, n_check))
start_check = np.array([3.0, -7.0])
bp.checks.close("gradient_descent(booth gradient, hidden start, lr=0.1, n_steps=20)",
               bp.checks.call("gradient_descent", gradient_descent, booth_point_grad_check,
                             start_check, 0.1, 20),
               bp.checks.testdata.expected(bp.booth.gradient_descent, booth_point_grad_check,
                                    start_check, 0.1, 20))
### END HIDDEN TESTS

# %% tests id="gradient_descent__start_untouched" points=1
"""gradient_descent leaves the caller's start array as it was."""
start_check = np.array([-6.0, 8.0])
bp.checks.call("gradient_descent", gradient_descent, lambda p: 2 * p, start_check, 0.1, 3)
bp.checks.true(np.array_equal(start_check, [-6.0, 8.0]),
              f"gradient_descent changed the start array it was given into {start_check}: "
              "`point -= lr * g` updates the caller's array (and every row that shares it); "
              "copy it first, or write `point = point - lr * g`.", "in-place")

# %% [markdown]
# Here is a path on the contours and on the surface itself. `booth_point_grad` adapts
# your `booth_grad` to what `gradient_descent` expects: one point in, one gradient out.

# %%
def booth_point_grad(point):
    """booth_grad at one point of shape (2,), as an array of shape (2,)."""
    return np.array(booth_grad(point[0], point[1]))


if not bp.grading():  # work that earns no points: the graded run skips it
    path = gradient_descent(booth_point_grad, np.array([-6.0, 8.0]), 0.05, 40)
    print("last point:", path[-1], " f there:", booth(path[-1, 0], path[-1, 1]))
    fig = plt.figure(figsize=(11, 4.5), layout="constrained")
    bp.explore.booth.plot_contour(path, ax=fig.add_subplot(1, 2, 1), label="lr = 0.05")
    bp.explore.booth.plot_surface(path, ax=fig.add_subplot(1, 2, 2, projection="3d"))
    plt.show()

# %% [markdown]
# The path first drops straight into the valley, then creeps along its floor. On a log
# scale the loss shows this as two slopes. A larger learning rate takes larger steps: is
# larger always faster?

# %% [markdown]
# ### Checkpoint: does lr = 0.12 converge? (1 point)
#
# Starting from $(-6, 8)$, does gradient descent on Booth's function with `lr = 0.12`
# converge to the minimum? Answer `True` or `False`, run the test cell, then the demo,
# which tries several rates. The test cell records either answer; the graded version of
# it judges which.

# %% solution id="predict_converges"
# Your prediction, True or False: replace the two lines below with  converges_at_0_12 = ...
### BEGIN SOLUTION
converges_at_0_12 = False
### END SOLUTION

# %% tests id="predict_converges__answer" points=1
"""Your prediction: does descent on Booth's function converge with lr = 0.12? Recorded."""
bp.checks.predictions.recorded("converges_at_0_12", globals(), choices=(True, False))
### BEGIN HIDDEN TESTS
with np.errstate(all="ignore"):
    point_check = np.array([-6.0, 8.0])
    for _ in range(500):
        point_check = point_check - 0.12 * np.array([10.0 * point_check[0] + 8.0 * point_check[1] - 34.0,
                                                     8.0 * point_check[0] + 10.0 * point_check[1] - 38.0])
    outcome_check = bool(np.linalg.norm(point_check - np.array([1.0, 3.0])) < 1e-6)
bp.checks.predictions.judged("converges_at_0_12", globals(), outcome_check, choices=(True, False))
### END HIDDEN TESTS

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for lr in (0.01, 0.05, 0.1, 0.11, 0.115, 0.12):
        path = gradient_descent(booth_point_grad, np.array([-6.0, 8.0]), lr, 60)
        bp.explore.plotting.plot_loss_curve(booth(path[:, 0], path[:, 1]), ax=ax,
                                            label=f"lr = {lr}")
    ax.set_title("f along the path, log scale")
    plt.show()

# %% [markdown]
# A larger learning rate is faster, up to a point: `0.11` barely converges, while `0.115`
# and `0.12` climb without end. The next section finds exactly where that point is.
#
# ## 5. How long may a stride be?
#
# Because $f$ is a quadratic, its gradient is linear in the point. Multiply out the
# formulas you derived in Exercise 2: $\partial f/\partial x = 10x + 8y - 34$ and
# $\partial f/\partial y = 8x + 10y - 38$, that is
#
# $$\nabla f(p) = H\,(p - p^*), \qquad H = \begin{pmatrix} 10 & 8 \\ 8 & 10 \end{pmatrix},
# \quad p^* = (1, 3).$$
#
# $H$ is the **Hessian**, the matrix of second derivatives; here it is the same
# everywhere. Write $e_k = p_k - p^*$ for the error. One step of descent does
#
# $$e_{k+1} = e_k - \eta H e_k = (I - \eta H)\, e_k .$$
#
# $H$ is symmetric, so it has two orthogonal eigenvectors, $H q_i = \lambda_i q_i$. Write
# the error in that basis, $e_k = c_1 q_1 + c_2 q_2$: since $(I - \eta H) q_i =
# (1 - \eta\lambda_i) q_i$, each step multiplies the part along $q_i$ by
# $1 - \eta\lambda_i$, independently of the other part.
#
# The eigenvectors of this $H$ are along $(1, 1)$, across the valley, and $(1, -1)$, down
# the valley.

# %% [markdown]
# ### Checkpoint: the steep direction (1 point)
#
# Which eigenvalue of $H$ is the larger, and how large is it? Compute it by hand
# ($H q$ for $q = (1, 1)$ and $q = (1, -1)$ is enough) and write the number, then run
# the test cell, which records it (the graded version judges it), and the demo.

# %% solution id="predict_lambda_max"
# Your prediction, a number: replace the two lines below with  predicted_lambda_max = ...
### BEGIN SOLUTION
predicted_lambda_max = 18.0
### END SOLUTION

# %% tests id="predict_lambda_max__value" points=1
"""Your value of the largest eigenvalue of Booth's Hessian: recorded."""
bp.checks.predictions.recorded("predicted_lambda_max", globals())
### BEGIN HIDDEN TESTS
bp.checks.predictions.judged("predicted_lambda_max", globals(),
                             float(np.max(np.linalg.eigvalsh(bp.booth.hessian()))), rel_tol=1e-3)
### END HIDDEN TESTS

# %%
H = bp.booth.hessian()
eigenvalues, eigenvectors = np.linalg.eigh(H)
print("eigenvalues:", eigenvalues)
print("eigenvectors (columns):\n", eigenvectors)
p = np.array([-2.0, 5.0])
print("grad f(p) =", booth_point_grad(p), "   H (p - p*) =", H @ (p - bp.booth.MINIMUM))

# %% [markdown]
# The eigenvalue across the valley is $\lambda = 18$ and down the valley it is
# $\lambda = 2$: the walls are steep and the floor is nearly flat. Along each direction the
# error is multiplied at every step by its own factor $1 - \eta\lambda$; the next two
# exercises turn that into the two numbers that matter.

# %% [markdown]
# ### Exercise 4: the largest stable learning rate (2 points)
#
# Write `max_stable_lr(H)`: for a symmetric positive definite Hessian `H` of shape
# `(n, n)`, return the float $\eta_\text{max}$ such that descent on the quadratic with
# Hessian `H` converges from every start for every constant learning rate
# $0 < \eta < \eta_\text{max}$, and not for any larger one. Derive it from the factors
# $1 - \eta\lambda_i$. `np.linalg.eigvalsh(H)` returns the eigenvalues of a symmetric
# matrix in ascending order. It must work for any such matrix, not only Booth's.
#
# <details><summary>Hint 1</summary>
#
# After $k$ steps the part of the error along $q_i$ has been multiplied by
# $(1 - \eta\lambda_i)^k$. When does that go to zero as $k$ grows?
# </details>
#
# <details><summary>Hint 2</summary>
#
# You need $-1 < 1 - \eta\lambda_i < 1$ for every $i$. With $\eta > 0$ and $\lambda_i > 0$
# the right-hand inequality always holds; only the left one can fail.
# </details>
#
# <details><summary>Hint 3</summary>
#
# Solve $-1 < 1 - \eta\lambda_i$ for $\eta$. The tightest of these conditions comes from
# one particular eigenvalue: `eigvalsh` puts it last.
# </details>

# %% solution id="max_stable_lr"
def max_stable_lr(H):
    """The limit on a constant learning rate for descent on a quadratic, as a float.

    H, an (n, n) symmetric positive definite array, is the quadratic's Hessian. Descent
    converges from every start for each lr between 0 and the value returned, the
    supremum of such rates.
    """
    ### BEGIN SOLUTION
    eigenvalues = np.linalg.eigvalsh(H)
    return float(2.0 / eigenvalues[-1])
    ### END SOLUTION

# %% [markdown]
# Try it: for Booth's Hessian your limit should lie between `0.11` and `0.115`, the two
# rates the demo of section 4 saw converge and diverge.

# %%
print(max_stable_lr(H))

# %% tests id="max_stable_lr__value" points=1
"""max_stable_lr is the rate where descent stops contracting, found here by bisection."""
def rate_limit_check(H_check):
    """The largest lr with every |eigenvalue of I - lr H| below 1, by bisection."""
    low, high = 0.0, 1.0
    while np.max(np.abs(np.linalg.eigvalsh(np.eye(len(H_check)) - high * H_check))) < 1.0:
        high *= 2.0
    for _ in range(80):
        middle = (low + high) / 2
        contracts = np.max(np.abs(np.linalg.eigvalsh(np.eye(len(H_check)) - middle * H_check))) < 1.0
        low, high = (middle, high) if contracts else (low, middle)
    return low

for H_check in (bp.booth.hessian(), np.array([[3.0, 1.0], [1.0, 5.0]])):
    bp.checks.close(f"max_stable_lr({H_check.tolist()})",
                    bp.checks.call("max_stable_lr", max_stable_lr, H_check),
                    rate_limit_check(H_check))
### BEGIN HIDDEN TESTS
for seed, n in ((1401, 2), (1402, 3)):
    M = bp.checks.testdata.points(seed, (n, n))
    H_check = M @ M.T + 0.5 * np.eye(n)
    bp.checks.close(f"max_stable_lr of a hidden {n}x{n} Hessian",
                   bp.checks.call("max_stable_lr", max_stable_lr, H_check),
                   bp.checks.testdata.expected(bp.booth.max_stable_lr, H_check))
### END HIDDEN TESTS

# %% tests id="max_stable_lr__confirmed" points=1
"""Descent converges just below max_stable_lr and diverges just above it."""
def descent_growth_check(H_check, center, lr):
    def grad(p):
        return H_check @ (p - center)
    start = center + np.array([-7.0, 5.0])
    point = start
    with np.errstate(all="ignore"):
        for _ in range(300):
            point = point - lr * grad(point)
        return np.linalg.norm(point - center) / np.linalg.norm(start - center)

def confirm_check(name, H_check, center):
    lr_max = bp.checks.call("max_stable_lr", max_stable_lr, H_check)
    bp.checks.true(np.ndim(lr_max) == 0 and np.isfinite(lr_max) and lr_max > 0,
                  f"max_stable_lr({name}) should be one positive number; got {lr_max!r}", "shape")
    below = descent_growth_check(H_check, center, 0.98 * float(lr_max))
    above = descent_growth_check(H_check, center, 1.02 * float(lr_max))
    bp.checks.true(below < 1.0,
                  f"300 steps of descent on {name} at 0.98 * max_stable_lr = "
                  f"{0.98 * lr_max:.4g} grew the distance to the minimum {below:.3g}-fold: "
                  "your limit is too large.", "mismatch")
    bp.checks.true(above > 1.0,
                  f"300 steps of descent on {name} at 1.02 * max_stable_lr = "
                  f"{1.02 * lr_max:.4g} still shrank the distance to the minimum (to "
                  f"{above:.3g} of it): your limit is too small.", "mismatch")
    print(f"descent on {name}: x {below:.2g} of the distance just below your limit, "
          f"x {above:.2g} just above it.")

confirm_check("Booth's function", bp.booth.hessian(), bp.booth.MINIMUM)
### BEGIN HIDDEN TESTS
confirm_check("a hidden quadratic", np.array([[3.0, -1.0], [-1.0, 6.0]]), np.array([2.0, -1.0]))
### END HIDDEN TESTS

# %% [markdown]
# Confirm it with your own code: the distance to the minimum after 300 steps, for
# learning rates either side of $1/9$.

# %%
for lr in (0.105, 0.110, 0.111, 1 / 9, 0.112, 0.115):
    path = gradient_descent(booth_point_grad, np.array([-6.0, 8.0]), lr, 300)
    print(f"lr = {lr:.5f}: distance to (1, 3) after 300 steps "
          f"{np.linalg.norm(path[-1] - bp.booth.MINIMUM):.3g}")

# %% [markdown]
# **What you just derived.** Descent converges if and only if $|1 - \eta \lambda_i| < 1$
# for every eigenvalue, that is
#
# $$0 < \eta < \frac{2}{\lambda_\max},$$
#
# in code `2 / eigenvalues[-1]` with the eigenvalues in ascending order.
# For Booth, $\eta < 2/18 = 1/9 \approx 0.111$, which is why `0.11` converged and `0.115`
# and `0.12` did not. Between $1/18$ and $1/9$ the factor across the valley is negative:
# the path overshoots and zig-zags from wall to wall. At exactly $1/9$ that factor is
# $1 - 18/9 = -1$: that part of the error flips sign forever without shrinking, while the
# part along the valley still decays, so the path ends up bouncing between two points.
#
# ## 6. The best constant learning rate
#
# Each step multiplies the error along eigenvector $i$ by $1 - \eta\lambda_i$, so the
# slowest part of the error shrinks by the factor
#
# $$\rho(\eta) = \max_i\, |1 - \eta\,\lambda_i| .$$
#
# The smaller $\rho$, the faster descent converges, whatever the start. A small $\eta$ is
# slow down the valley ($1 - 2\eta$ near 1); a large one overshoots across it
# ($18\eta - 1$ near 1). Here are both factors for Booth, and their maximum:

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    lrs = np.linspace(0.0, 0.13, 261)
    fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    ax.plot(lrs, np.abs(1 - 2 * lrs), ":", label="|1 - 2 lr|  (down the valley)")
    ax.plot(lrs, np.abs(1 - 18 * lrs), ":", label="|1 - 18 lr|  (across the valley)")
    ax.plot(lrs, bp.booth.contraction_factor(lrs), "k", lw=2, label="slowest factor rho(lr)")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set(xlabel="learning rate lr", ylabel="factor per step", ylim=(0, 1.4))
    ax.legend(fontsize=8)
    plt.show()

# %% [markdown]
# ### Exercise 5: the best constant learning rate (2 points)
#
# Write `best_lr(H)`: for a symmetric positive definite `H` of shape `(n, n)`, return
# the float $\eta^*$ that minimises $\rho(\eta)$. Derive it; again, any such matrix, of
# any size.
#
# <details><summary>Hint 1</summary>
#
# With $n$ eigenvalues, which of the $n$ factors $|1 - \eta\lambda_i|$ can be the largest?
# Only two of the eigenvalues matter.
# </details>
#
# <details><summary>Hint 2</summary>
#
# One of those two factors falls as $\eta$ grows and the other, past its zero, rises.
# The maximum of a falling and a rising line is smallest where they cross.
# </details>
#
# <details><summary>Hint 3</summary>
#
# At the crossing $1 - \eta\lambda_\min = \eta\lambda_\max - 1$. Solve for $\eta$.
# </details>

# %% solution id="best_lr"
def best_lr(H):
    """The constant lr (a float) with the fastest worst-case convergence on a quadratic.

    H as for max_stable_lr. The rate returned minimises the slowest contraction factor,
    the largest |1 - lr * lambda_i| over the eigenvalues lambda_i of H.
    """
    ### BEGIN SOLUTION
    eigenvalues = np.linalg.eigvalsh(H)
    return float(2.0 / (eigenvalues[0] + eigenvalues[-1]))
    ### END SOLUTION

# %% [markdown]
# Try it: for Booth's Hessian, your rate should sit at the lowest point of the black curve
# above, and the slowest factor there should be below its value at nearby rates.

# %%
lr_try = best_lr(H)
print(lr_try, bp.booth.contraction_factor(lr_try * np.array([0.95, 1.0, 1.05])))

# %% tests id="best_lr__value" points=1
"""best_lr is where the slowest factor is smallest, found here by a ternary search."""
def factor_minimum_check(H_check):
    """The lr minimising max |1 - lr lambda_i| (a convex function of lr), by ternary search."""
    eig = np.linalg.eigvalsh(H_check)
    low, high = 0.0, 2.0 / np.min(eig)
    for _ in range(200):
        a, b = low + (high - low) / 3, high - (high - low) / 3
        fa, fb = bp.booth.contraction_factor(np.array([a, b]), eig)
        low, high = (low, b) if fa < fb else (a, high)
    return (low + high) / 2

for H_check in (bp.booth.hessian(), np.array([[3.0, 1.0], [1.0, 5.0]]),
                np.array([[2.0, 0.0, 0.0], [0.0, 5.0, 1.0], [0.0, 1.0, 3.0]])):
    bp.checks.close(f"best_lr({H_check.tolist()})", bp.checks.call("best_lr", best_lr, H_check),
                    factor_minimum_check(H_check))
### BEGIN HIDDEN TESTS
for seed, n in ((1501, 2), (1502, 3), (1503, 4)):
    M = bp.checks.testdata.points(seed, (n, n))
    H_check = M @ M.T + 0.5 * np.eye(n)
    bp.checks.close(f"best_lr of a hidden {n}x{n} Hessian",
                   bp.checks.call("best_lr", best_lr, H_check),
                   bp.checks.testdata.expected(bp.booth.best_constant_lr, H_check))
### END HIDDEN TESTS

# %% tests id="best_lr__minimises_factor" points=1
"""best_lr gives a smaller slowest factor than any nearby learning rate."""
def minimises_check(name, H_check):
    lr_best = bp.checks.call("best_lr", best_lr, H_check)
    bp.checks.true(np.ndim(lr_best) == 0 and np.isfinite(lr_best) and lr_best > 0,
                  f"best_lr({name}) should be one positive number; got {lr_best!r}", "shape")
    eig = np.linalg.eigvalsh(H_check)
    factors = bp.booth.contraction_factor(float(lr_best) * np.array([1.0, 0.99, 1.01]), eig)
    bp.checks.true(factors[0] < min(factors[1], factors[2]),
                  f"On {name}, best_lr = {float(lr_best):.4g} gives a slowest factor "
                  f"{factors[0]:.4f}, but 0.99 times it gives {factors[1]:.4f} and 1.01 times it "
                  f"{factors[2]:.4f}: the best rate balances |1 - lr lam_min| and "
                  "|1 - lr lam_max|.", "mismatch")
    print(f"On {name}, best_lr gives the slowest factor {factors[0]:.4f}; its neighbours "
          f"{factors[1]:.4f} and {factors[2]:.4f}.")

minimises_check("Booth's Hessian", bp.booth.hessian())
### BEGIN HIDDEN TESTS
minimises_check("a hidden 3x3 Hessian", np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5],
                                                 [0.0, 0.5, 9.0]]))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.** Only the extreme eigenvalues matter, and the best rate makes
# their two factors equal, $1 - \eta\lambda_\min = \eta\lambda_\max - 1$:
#
# $$\eta^* = \frac{2}{\lambda_\min + \lambda_\max}, \qquad
# \rho(\eta^*) = \frac{\lambda_\max - \lambda_\min}{\lambda_\max + \lambda_\min},$$
#
# in code `2 / (eigenvalues[0] + eigenvalues[-1])`. For Booth: $\eta^* = 2/20 = 0.1$ and
# $\rho = 16/20 = 0.8$; the error shrinks by at least 20% per step, and no constant rate
# does better. The ratio $\lambda_\max / \lambda_\min = 9$, the **condition number**,
# is what makes a valley narrow and descent slow.

# %% [markdown]
# ## 7. A function that is not a quadratic
#
# Booth's Hessian is the same everywhere. Real losses are not like that.
# **Rosenbrock's function**
#
# $$g(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$$
#
# has its minimum $g(1, 1) = 0$ at the end of a long, curved valley along $y = x^2$,
# steep across and almost flat along. `bp.rosenbrock.rosenbrock(x, y)` evaluates it.

# %%
if not bp.grading():  # pictures earn no points: the graded run skips them
    G_x, G_y = np.meshgrid(np.linspace(-2.0, 2.0, 201), np.linspace(-1.0, 3.0, 201))
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    ax.contour(G_x, G_y, bp.rosenbrock.rosenbrock(G_x, G_y), levels=np.logspace(-1, 3.5, 14),
               cmap="viridis")
    ax.plot(1.0, 1.0, "r*", markersize=12)
    ax.set(xlabel="x", ylabel="y", title="Rosenbrock's function: contours")
    plt.show()

# %% [markdown]
# ### Exercise 6: Rosenbrock's gradient (4 points)
#
# Derive $\partial g / \partial x$ and $\partial g / \partial y$, then write
# `rosenbrock_grad(x, y)` returning the pair `(dg_dx, dg_dy)`, with the same contract as
# `booth_grad` (broadcast shapes, a tuple of two arrays). No cell of the course shows this
# gradient. The tests compare it with a central difference, check that one step of descent
# along it goes downhill as far as it should, and, hidden, check it is exact: $g$ is not a
# quadratic, so along $x$ no central difference is exact.
#
# <details><summary>Hint 1</summary>
#
# Two terms, each a square of a bracket. The first bracket depends on $x$ only; the second
# on both $x$ and $y$.
# </details>
#
# <details><summary>Hint 2</summary>
#
# The derivative of $(1 - x)^2$ has an inner factor $-1$; the derivative of
# $(y - x^2)^2$ with respect to $x$ has the inner factor $\partial (y - x^2) / \partial x$,
# which depends on $x$.
# </details>
#
# <details><summary>Hint 3</summary>
#
# $\partial g / \partial y$ has one term; $\partial g / \partial x$ has two, and the second
# one is $100 \cdot 2 (y - x^2)$ times an inner derivative. Check: at $(1, 1)$ both vanish.
# </details>

# %% solution id="rosenbrock_grad"
def rosenbrock_grad(x, y):
    """(dg_dx, dg_dy): the partial derivatives of bp.rosenbrock.rosenbrock, pointwise.

    The contract of booth_grad: x and y broadcast together, and both arrays returned
    have their broadcast shape.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dg_dx = -2.0 * (1.0 - x) - 400.0 * x * (y - x ** 2)
    dg_dy = 200.0 * (y - x ** 2)
    return dg_dx, dg_dy
    ### END SOLUTION

# %% [markdown]
# Try it: at the minimum `0.0 0.0`; at $(-1, 2)$ your gradient next to the slopes of $g$
# measured by nudging $x$ and then $y$.

# %%
print(*[float(g) + 0.0 for g in rosenbrock_grad(1.0, 1.0)])
print("your gradient at (-1, 2):", *[f"{float(g):.6f}" for g in rosenbrock_grad(-1.0, 2.0)])
g_of = bp.rosenbrock.rosenbrock
print("slopes of g there:       ", f"{(g_of(-1.0 + 1e-6, 2.0) - g_of(-1.0 - 1e-6, 2.0)) / 2e-6:.6f}",
      f"{(g_of(-1.0, 2.0 + 1e-6) - g_of(-1.0, 2.0 - 1e-6)) / 2e-6:.6f}")

# %% tests id="rosenbrock_grad__matches_numerical" points=2
"""rosenbrock_grad matches a central-difference gradient, with the broadcast shape."""
pair = bp.checks.call("rosenbrock_grad", rosenbrock_grad, np.linspace(-1.0, 1.0, 3).reshape(3, 1),
                      np.linspace(0.0, 2.0, 4))
bp.checks.true(isinstance(pair, (tuple, list)) and len(pair) == 2
               and all(np.shape(part) == (3, 4) for part in pair),
               "rosenbrock_grad(x of shape (3, 1), y of shape (4,)) should return two arrays of "
               f"the broadcast shape (3, 4); got {pair!r:.120}", "shape")
bp.checks.fixtures.point_gradients("rosenbrock_grad", rosenbrock_grad, bp.rosenbrock.rosenbrock,
                                   [(-1.5, 0.5), (0.75, 2.5), (1.25, -1.0)],
                                   parts=("dg_dx", "dg_dy"))
### BEGIN HIDDEN TESTS
bp.checks.fixtures.point_gradients("rosenbrock_grad", rosenbrock_grad, bp.rosenbrock.rosenbrock,
                                   bp.checks.testdata.points(1601, (4, 2)),
                                   parts=("dg_dx", "dg_dy"), where=" at a hidden point")
### END HIDDEN TESTS

# %% tests id="rosenbrock_grad__descends" points=1
"""One small step of descent along -rosenbrock_grad lowers g by about lr * |grad|^2."""
def descent_step_check(point, lr):
    pair = bp.checks.call("rosenbrock_grad", rosenbrock_grad, point[0], point[1])
    g_check = np.array([np.squeeze(part) for part in pair], dtype=float)
    after = point - lr * g_check
    drop = float(bp.rosenbrock.rosenbrock(*point) - bp.rosenbrock.rosenbrock(*after))
    ratio = drop / (lr * float(g_check @ g_check))
    bp.checks.true(np.isfinite(ratio) and abs(ratio - 1.0) < 0.05,
                   f"One step of descent from ({point[0]:g}, {point[1]:g}) with lr = {lr:g} along "
                   f"your gradient lowered g by {drop:.4g}; a right gradient lowers it by about "
                   f"lr * |grad|^2 = {lr * float(g_check @ g_check):.4g}.", "mismatch")
    print(f"One step from ({point[0]:g}, {point[1]:g}): g falls by {drop:.4g}, "
          f"as lr * |grad|^2 predicts.")

descent_step_check(np.array([-1.2, 1.0]), 1e-5)
### BEGIN HIDDEN TESTS
descent_step_check(np.array([0.5, -0.5]), 2e-5)
### END HIDDEN TESTS

# %% tests id="rosenbrock_grad__exact" points=1
"""rosenbrock_grad is exact, where no central difference is."""
pair = bp.checks.call("rosenbrock_grad", rosenbrock_grad, np.array([-1.5, 0.75]), np.array([0.5, 2.5]))
bp.checks.true(isinstance(pair, (tuple, list)) and len(pair) == 2,
               f"rosenbrock_grad should return the pair (dg_dx, dg_dy); got {pair!r:.100}", "shape")
bp.checks.formula("[dg_dx, dg_dy] = rosenbrock_grad(x, y) at two points, to the last digits",
                  np.array(pair), np.array(bp.checks.testdata.expected(
                      bp.rosenbrock.rosenbrock_grad, np.array([-1.5, 0.75]), np.array([0.5, 2.5]))))
### BEGIN HIDDEN TESTS
x_check = np.array([-1.5, 0.75, 1.25, -0.6])
y_check = np.array([0.5, 2.5, -1.0, 1.5])
bp.checks.formula("[dg_dx, dg_dy] = rosenbrock_grad(x, y) at hidden points",
                  np.array(bp.checks.call("rosenbrock_grad", rosenbrock_grad, x_check, y_check)),
                  np.array(bp.checks.testdata.expected(bp.rosenbrock.rosenbrock_grad, x_check, y_check)))
x_check, y_check = bp.checks.testdata.points(1602, (2, 6), low=0.5, high=2.0)
x_check = x_check * np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
y_check = y_check - 2.0
bp.checks.formula("[dg_dx, dg_dy] = rosenbrock_grad(x, y) at more hidden points",
                  np.array(bp.checks.call("rosenbrock_grad", rosenbrock_grad, x_check, y_check)),
                  np.array(bp.checks.testdata.expected(bp.rosenbrock.rosenbrock_grad, x_check, y_check)))
### END HIDDEN TESTS

# %% [markdown]
# **What you just derived.**
#
# $$\frac{\partial g}{\partial x} = -2(1 - x) - 400\,x\,(y - x^2), \qquad
# \frac{\partial g}{\partial y} = 200\,(y - x^2),$$
#
# in code `-2 * (1 - x) - 400 * x * (y - x ** 2)` and `200 * (y - x ** 2)`. The $-400x$ is
# the inner derivative of the second bracket, $-2x$, times its $100 \cdot 2$.
#
# Now descend it with your own loop. The Hessian of $g$ changes from point to point: near
# the minimum its largest eigenvalue is about 1000, so by Exercise 4 no rate above about
# $0.002$ is stable there, while far up the valley walls it is larger still. The path drops
# into the valley in a few steps and then crawls along its curved floor:

# %%
def rosenbrock_point_grad(point):
    """rosenbrock_grad at one point of shape (2,), as an array of shape (2,)."""
    return np.array(rosenbrock_grad(point[0], point[1]), dtype=float)


if not bp.grading():  # work that earns no points: the graded run skips it
    print("largest Hessian eigenvalue at (1, 1):",
          f"{np.max(np.linalg.eigvalsh(bp.rosenbrock.rosenbrock_hessian(1.0, 1.0))):.1f}")
    path = gradient_descent(rosenbrock_point_grad, np.array([-1.2, 1.0]), 0.001, 5000)
    print("after 5000 steps:", np.round(path[-1], 4),
          f" g there: {bp.rosenbrock.rosenbrock(*path[-1]):.2e}")
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    ax.contour(G_x, G_y, bp.rosenbrock.rosenbrock(G_x, G_y), levels=np.logspace(-1, 3.5, 14),
               cmap="viridis")
    ax.plot(path[:, 0], path[:, 1], "r.-", markersize=2, lw=0.8)
    ax.plot(1.0, 1.0, "k*", markersize=12)
    ax.set(xlabel="x", ylabel="y", title="5000 steps of descent, lr = 0.001")
    plt.show()

# %% [markdown]
# ## 8. Explore
#
# Move the learning rate, the start and the number of steps. Below about $0.056$
# ($= 1/18$) the path slides straight into the valley; up to $0.111$ it zig-zags across
# it but still arrives; just above $1/9$ the zig-zags grow and the loss curve turns
# upward. Start on the line $y - 3 = x - 1$ (across the valley) or
# $y - 3 = -(x - 1)$ (along it) and only one of the two factors shows.

# %%
bp.explore.booth.descent_explorer()

# %% [markdown]
# ## Summary
#
# - Gradient descent repeats $p \leftarrow p - \eta \nabla f(p)$; keep the path to see it.
# - An analytic gradient is exact; a finite difference is an approximation, good for
#   checking a gradient and not for computing it.
# - On a quadratic, the error along each Hessian eigenvector is multiplied by
#   $1 - \eta\lambda$ per step: descent converges iff $\eta < 2/\lambda_\max$ ($1/9$ for
#   Booth).
# - The best constant rate is $2/(\lambda_\min + \lambda_\max)$ ($0.1$ for Booth), and
#   even then the error shrinks only by $(\kappa - 1)/(\kappa + 1)$ per step, with
#   $\kappa = \lambda_\max / \lambda_\min$ the condition number.
# - Beyond quadratics (Rosenbrock) the Hessian, and with it the safe learning rate,
#   changes along the path; a finite difference of such a function is never exact.
#
# ## Going further
#
# - **Newton's method** steps by $H^{-1}\nabla f$ and lands on the minimum of a quadratic
#   in one step: try `np.linalg.solve(H, booth_point_grad(p))`.
# - **Momentum** remembers the previous step and crosses narrow valleys faster; with the
#   right constants its factor becomes $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$.
# - A network's loss is not a quadratic, but near a minimum it looks like one, and its
#   largest Hessian eigenvalue caps the learning rate in the same way.
# - Next: [**notebook 3**](../03_chain_rule/03_chain_rule.ipynb) computes gradients of
#   long chains of operations, the chain rule turned into an algorithm.
