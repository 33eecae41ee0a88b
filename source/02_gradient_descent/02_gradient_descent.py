# Backprop Lab, notebook 2: gradient descent on Booth's function.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 2. Gradient descent
#
# *Walk downhill on Booth's function, and find out how long a stride can be.*
#
# **Estimated time:** 60 to 75 minutes. **Exercises:** 5, worth 15 points.
#
# **Loss:** none; the function descended is Booth's $f(x, y)$ itself.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. evaluate a function of two variables on a whole grid at once ([Exercise 1](#Exercise-1:-Booth's-function-(2-points)));
# 2. derive a gradient with the chain rule and code it exactly ([Exercise 2](#Exercise-2:-the-gradient-(5-points)));
# 3. write the gradient descent loop and keep its whole path ([Exercise 3](#Exercise-3:-the-descent-loop-(4-points)));
# 4. predict from the Hessian the largest learning rate that still converges
#    ([Exercise 4](#Exercise-4:-the-largest-stable-learning-rate-(2-points)));
# 5. choose the constant learning rate that converges fastest
#    ([Exercise 5](#Exercise-5:-the-best-constant-learning-rate-(2-points))).
#
# **Prerequisites:** notebook 1 (losses, the central difference, the tolerance policy);
# partial derivatives; eigenvalues of a symmetric $2 \times 2$ matrix.
#
# The checks work as in notebook 1: relative error, $10^{-9}$ against an exact value,
# $10^{-5}$ against a central difference. One check in this notebook is stricter still,
# and section 3 explains why.

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
    """Booth's function, elementwise.

    Parameters
    ----------
    x, y : ndarray of shapes that broadcast together (or floats)

    Returns
    -------
    ndarray of the broadcast shape of x and y
        (x + 2y - 7)**2 + (2x + y - 5)**2.
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
               bp.checks.testdata.expected(bp.booth.booth, x_check, y_check))
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
               bp.checks.testdata.expected(bp.booth.booth, x_column, y_row))

# %% [markdown]
# Now you can look at it. The contours are log-spaced, because $f$ climbs from 0 to
# thousands across the picture. Notice the shape: a long, narrow valley running from
# top left to bottom right. It will matter.

# %%
ax = bp.explore.booth.plot_contour()
ax.set_title("Booth's function: contours of f(x, y)")
plt.show()

# %% [markdown]
# ## 2. The gradient, by the chain rule
#
# Name the two brackets $u = x + 2y - 7$ and $v = 2x + y - 5$, so $f = u^2 + v^2$. A
# change in $x$ reaches $f$ through both: $\partial u / \partial x = 1$ and
# $\partial v / \partial x = 2$. The chain rule multiplies each path's derivatives and
# adds the paths:
#
# $$\frac{\partial f}{\partial x} = 2u \cdot 1 + 2v \cdot 2, \qquad
# \frac{\partial f}{\partial y} = 2u \cdot 2 + 2v \cdot 1 .$$
#
# The $2u$ and $2v$ come from the squares; the 1s and 2s are the **inner** derivatives.
# Forgetting an inner factor is the classic slip here, and notebook 3 turns this habit
# of "multiply along each path, add over paths" into an algorithm.
#
# Both partials vanish at $(1, 3)$, where $u = v = 0$, as they must at a minimum.

# %% [markdown]
# ### Exercise 2: the gradient (5 points)
#
# Write `booth_grad(x, y)` returning the pair `(df_dx, df_dy)`.
#
# - `x` and `y` as in Exercise 1; each of `df_dx` and `df_dy` has the broadcast shape;
# - return a tuple of two arrays (so `df_dx, df_dy = booth_grad(X, Y)` works on a grid);
# - use the formulas above: **no numerical differentiation** (the checks can tell).

# %% solution id="booth_grad"
def booth_grad(x, y):
    """Gradient of Booth's function, elementwise.

    Parameters
    ----------
    x, y : ndarray of shapes that broadcast together (or floats)

    Returns
    -------
    df_dx, df_dy : ndarray of the broadcast shape of x and y
        The two partial derivatives at every point.
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
# Try it. At the origin you should see `-34.0 -38.0`, at the minimum `0.0 0.0`, and on
# the grid two arrays of shape `(2, 3)`.

# %%
df_dx, df_dy = booth_grad(0.0, 0.0)
print(df_dx, df_dy)
print(*booth_grad(1.0, 3.0))
print(booth_grad(X, Y)[0].shape, booth_grad(X, Y)[1].shape)

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
for point in (np.array([0.0, 0.0]), np.array([-2.5, 1.5]), np.array([4.0, -3.0])):
    pair = bp.checks.call("booth_grad", booth_grad, point[0], point[1])
    bp.checks.true(isinstance(pair, (tuple, list)) and len(pair) == 2,
                  "booth_grad should return the pair (df_dx, df_dy); "
                  f"got {type(pair).__name__}", "shape")
    bp.checks.gradient(f"[df_dx, df_dy] = booth_grad at (x, y) = ({point[0]:g}, {point[1]:g})",
                      np.array([np.squeeze(part) for part in pair], dtype=float),
                      lambda p: bp.booth.booth(p[0], p[1]), point)
### BEGIN HIDDEN TESTS
for point in bp.checks.testdata.points(1201, (4, 2), low=-9.0, high=9.0):
    pair = bp.checks.call("booth_grad", booth_grad, point[0], point[1])
    bp.checks.gradient("[df_dx, df_dy] = booth_grad at a hidden point",
                      np.array([np.squeeze(part) for part in pair], dtype=float),
                      lambda p: bp.booth.booth(p[0], p[1]), point)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Exact, not approximately right
#
# The gradient check above accepts a relative error of $10^{-5}$, because its reference is
# itself a central difference. Your formula does better than that: it is **exact**, up to
# the rounding of a few multiplications, about $10^{-16}$.
#
# A central difference is not. Booth's function is a quadratic, so the truncation error
# of a central difference is zero, but the round-off error of notebook 1,
# $\varepsilon |f| / h$, grows with $|f|$. Far from the origin, where $f$ is in the
# millions, it leaves an error you can measure:

# %%
x_far, y_far = 1234.5, 2345.6
exact = np.array(booth_grad(x_far, y_far))
for h in (1e-3, 1e-5, 1e-7):
    approx = np.array([booth(x_far + h, y_far) - booth(x_far - h, y_far),
                       booth(x_far, y_far + h) - booth(x_far, y_far - h)]) / (2 * h)
    print(f"h = {h:.0e}: relative error of the central difference "
          f"{np.max(np.abs(approx - exact) / np.abs(exact)):.1e}")

# %% [markdown]
# That is why the next check compares your gradient with the exact one at $10^{-12}$,
# far from the origin. A gradient computed by finite differences, however carefully
# (the course's own `bp.numdiff.gradient` included), cannot pass it; the formula passes
# with room to spare. Backprop, from notebook 3 on, is exact in the same way.

# %% tests id="booth_grad__exact" points=2
"""booth_grad is exact, not a finite-difference approximation."""
x_check = np.array([1234.5, 2718.3, 3141.6, 987.6, 150.25])
y_check = np.array([2345.6, 1414.2, 577.2, 4321.0, 75.5])
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) far from the origin",
                 bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                 np.array(bp.checks.testdata.expected(bp.booth.booth_grad, x_check, y_check)))
### BEGIN HIDDEN TESTS
x_check, y_check = bp.checks.testdata.points(1301, (2, 6), low=200.0, high=5000.0)
bp.checks.formula("[df_dx, df_dy] = booth_grad(x, y) at hidden points far from the origin",
                 bp.checks.call("booth_grad", booth_grad, x_check, y_check),
                 np.array(bp.checks.testdata.expected(bp.booth.booth_grad, x_check, y_check)))
### END HIDDEN TESTS

# %% [markdown]
# The gradient points uphill, across the contours. Here it is on a coarse grid, drawn
# as $-\nabla f$, the way downhill, with every arrow scaled to the same length.

# %%
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
    """Plain gradient descent with a constant learning rate, keeping the path.

    Parameters
    ----------
    grad : callable
        Maps a point, ndarray of shape (2,), to its gradient, ndarray of shape (2,).
    start : ndarray of shape (2,)
    lr : float
        Learning rate, positive.
    n_steps : int
        Number of updates.

    Returns
    -------
    ndarray of shape (n_steps + 1, 2)
        Row 0 is start; row k + 1 is row k - lr * grad(row k).
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
"""gradient_descent follows p <- p - lr * grad(p) on Booth's function."""
def booth_point_grad_check(p):
    return np.array(bp.checks.testdata.expected(bp.booth.booth_grad, p[0], p[1]))

start_check = np.array([-6.0, 8.0])
path = bp.checks.call("gradient_descent", gradient_descent, booth_point_grad_check, start_check,
                     0.05, 1)
bp.checks.true(np.shape(path) == (2, 2), f"gradient_descent(..., n_steps=1) should return shape "
              f"(2, 2); got {np.shape(path)}", "shape")
bp.checks.close("path[1] - path[0], the first step from (-6, 8) with lr = 0.05", path[1] - path[0],
               -0.05 * booth_point_grad_check(start_check))
bp.checks.close("gradient_descent(booth gradient, (-6, 8), lr=0.05, n_steps=12)",
               bp.checks.call("gradient_descent", gradient_descent, booth_point_grad_check,
                             start_check, 0.05, 12),
               bp.checks.testdata.expected(bp.booth.gradient_descent, booth_point_grad_check,
                                    start_check, 0.05, 12))
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


path = gradient_descent(booth_point_grad, np.array([-6.0, 8.0]), 0.05, 40)
print("last point:", path[-1], " f there:", booth(path[-1, 0], path[-1, 1]))
fig = plt.figure(figsize=(11, 4.5), layout="constrained")
bp.explore.booth.plot_contour(path, ax=fig.add_subplot(1, 2, 1), label="lr = 0.05")
bp.explore.booth.plot_surface(path, ax=fig.add_subplot(1, 2, 2, projection="3d"))
plt.show()

# %% [markdown]
# The path first drops straight into the valley, then creeps along its floor. On a log
# scale the loss shows this as two slopes. Try several learning rates:

# %%
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for lr in (0.01, 0.05, 0.1, 0.11, 0.115):
    path = gradient_descent(booth_point_grad, np.array([-6.0, 8.0]), lr, 60)
    bp.explore.plotting.plot_loss_curve(booth(path[:, 0], path[:, 1]), ax=ax, label=f"lr = {lr}")
ax.set_title("f along the path, log scale")
plt.show()

# %% [markdown]
# A larger learning rate is faster, up to a point: `0.11` barely converges and `0.115`
# climbs without end. The next section predicts exactly where that point is.
#
# ## 5. How long may a stride be?
#
# Because $f$ is a quadratic, its gradient is linear in the point. Multiply out the
# formulas of section 2: $\partial f/\partial x = 10x + 8y - 34$ and
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
# $H$ has eigenvalues $\lambda = 18$ along the direction $(1, 1)$, across the valley,
# and $\lambda = 2$ along $(1, -1)$, down the valley. Along each eigenvector the error is
# simply multiplied by $1 - \eta\lambda$ at every step. So descent converges if and only
# if $|1 - \eta \lambda| < 1$ for every eigenvalue, that is $0 < \eta < 2 / \lambda_\max$.
# For Booth, $\eta < 2/18 = 1/9 \approx 0.111$. Between $1/18$ and $1/9$ the factor
# across the valley is negative: the path overshoots and zig-zags from wall to wall.

# %%
H = bp.booth.hessian()
eigenvalues, eigenvectors = np.linalg.eigh(H)
print("eigenvalues:", eigenvalues)
print("eigenvectors (columns):\n", eigenvectors)
p = np.array([-2.0, 5.0])
print("grad f(p) =", booth_point_grad(p), "   H (p - p*) =", H @ (p - bp.booth.MINIMUM))

# %% [markdown]
# ### Exercise 4: the largest stable learning rate (2 points)
#
# Write `max_stable_lr(H)`: for a symmetric positive definite Hessian `H` of shape
# `(n, n)`, return the float $2 / \lambda_\max$. Use `np.linalg.eigvalsh` (eigenvalues
# of a symmetric matrix, in ascending order). It must work for any such matrix, not only
# Booth's.

# %% solution id="max_stable_lr"
def max_stable_lr(H):
    """Largest constant learning rate for which descent on a quadratic converges.

    Parameters
    ----------
    H : ndarray of shape (n, n)
        Symmetric positive definite Hessian.

    Returns
    -------
    float
        2 / (the largest eigenvalue of H).
    """
    ### BEGIN SOLUTION
    eigenvalues = np.linalg.eigvalsh(H)
    return float(2.0 / eigenvalues[-1])
    ### END SOLUTION

# %% [markdown]
# Try it: `0.1111111111111111` (that is $1/9$) for Booth's Hessian, and `0.5` for `np.diag([1.0, 4.0])`.

# %%
print(max_stable_lr(H), max_stable_lr(np.diag([1.0, 4.0])))

# %% tests id="max_stable_lr__value" points=1
"""max_stable_lr is 2 over the largest eigenvalue."""
bp.checks.close("max_stable_lr(Booth's Hessian)",
               bp.checks.call("max_stable_lr", max_stable_lr, bp.booth.hessian()),
               bp.checks.testdata.expected(bp.booth.max_stable_lr, bp.booth.hessian()))
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
    with np.errstate(all="ignore"):
        path = bp.checks.testdata.expected(bp.booth.gradient_descent, grad, start, lr, 300)
        return np.linalg.norm(path[-1] - center) / np.linalg.norm(start - center)

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
# At exactly $1/9$ the factor across the valley is $1 - 18/9 = -1$: that part of the
# error flips sign forever without shrinking, while the part along the valley still
# decays, so the path ends up bouncing between two points.
#
# ## 6. The best constant learning rate
#
# Each step multiplies the error along eigenvector $i$ by $1 - \eta\lambda_i$, so the
# slowest part of the error shrinks by the factor
#
# $$\rho(\eta) = \max_i\, |1 - \eta\,\lambda_i| .$$
#
# Only the extreme eigenvalues matter. A small $\eta$ is slow down the valley
# ($1 - 2\eta$ near 1); a large one overshoots across it ($18\eta - 1$ near 1). The best
# $\eta$ balances the two: $1 - \eta\lambda_\min = \eta\lambda_\max - 1$, so
#
# $$\eta^* = \frac{2}{\lambda_\min + \lambda_\max}, \qquad
# \rho(\eta^*) = \frac{\lambda_\max - \lambda_\min}{\lambda_\max + \lambda_\min} .$$
#
# For Booth: $\eta^* = 2/20 = 0.1$ and $\rho = 16/20 = 0.8$; the error shrinks by at
# least 20% per step, and no constant rate does better. The ratio
# $\lambda_\max / \lambda_\min = 9$, the **condition number**, is what makes a valley
# narrow and descent slow.

# %%
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
# the float $2 / (\lambda_\min + \lambda_\max)$. Again, any such matrix, of any size.

# %% solution id="best_lr"
def best_lr(H):
    """The constant learning rate with the fastest worst-case convergence.

    Parameters
    ----------
    H : ndarray of shape (n, n)
        Symmetric positive definite Hessian.

    Returns
    -------
    float
        2 / (smallest eigenvalue + largest eigenvalue).
    """
    ### BEGIN SOLUTION
    eigenvalues = np.linalg.eigvalsh(H)
    return float(2.0 / (eigenvalues[0] + eigenvalues[-1]))
    ### END SOLUTION

# %% [markdown]
# Try it: `0.1` for Booth's Hessian, and `0.4` for `np.diag([1.0, 4.0])`.

# %%
print(best_lr(H), best_lr(np.diag([1.0, 4.0])))

# %% tests id="best_lr__value" points=1
"""best_lr is 2 over the sum of the extreme eigenvalues."""
bp.checks.close("best_lr(Booth's Hessian)", bp.checks.call("best_lr", best_lr, bp.booth.hessian()),
               bp.checks.testdata.expected(bp.booth.best_constant_lr, bp.booth.hessian()))
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
# ## 7. Explore
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
#
# ## Going further
#
# - **Newton's method** steps by $H^{-1}\nabla f$ and lands on the minimum of a quadratic
#   in one step: try `np.linalg.solve(H, booth_point_grad(p))`.
# - **Momentum** remembers the previous step and crosses narrow valleys faster; with the
#   right constants its factor becomes $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$.
# - A network's loss is not a quadratic, but near a minimum it looks like one, and its
#   largest Hessian eigenvalue caps the learning rate in the same way.
# - Next: **notebook 3** computes gradients of long chains of operations, the chain rule
#   turned into an algorithm.
