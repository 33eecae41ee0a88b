# Backprop Lab, notebook 7: vanishing and exploding gradients.
# Source of an nbgrader assignment; `make release` builds notebooks/ and solutions/ from it.

# %% [markdown] readonly
# # 7. Vanishing and exploding gradients
#
# *Beyond the core: why depth multiplies, and what a good initial scale buys.*
#
# **Estimated time:** 60 to 75 minutes. **Exercises:** 4, worth 10 points.
#
# **Loss:** half squared error, $L = \frac{1}{2N} \sum_n \lVert \hat y_n - t_n \rVert^2$.
# Symbols and shapes follow the course's [notation](../../docs/notation.md).
#
# ## Learning objectives
#
# By the end of this notebook you can:
#
# 1. write the Jacobian of one layer as $\operatorname{diag}(h'(z))\,W$ and check it
#    numerically ([Exercise 1](#Exercise-1:-the-Jacobian-of-one-layer-(3-points)));
# 2. compose layer Jacobians into the Jacobian of a whole network, in the right order
#    ([Exercise 2](#Exercise-2:-the-Jacobian-of-a-stack-of-layers-(3-points)));
# 3. bound how much one sigmoid layer can stretch a gradient
#    ([Exercise 3](#Exercise-3:-the-largest-factor-of-a-sigmoid-layer-(2-points)));
# 4. measure the gradient norm of every layer of a deep network
#    ([Exercise 4](#Exercise-4:-gradient-norms,-layer-by-layer-(2-points))), and explain
#    why the gradient of a deep sigmoid network vanishes, and how tanh, ReLU and a good
#    initial scale change the picture.
#
# **Prerequisites:** notebook 5 (the delta rules; `bp.mlp`). Matrix norms are introduced
# here: $\|v\|$ is the Euclidean length of a vector, $\|A\|_2$ the largest factor by which
# the matrix $A$ stretches any vector (its largest singular value), and $\|A\|_F$ the square
# root of the sum of its squared entries.
#
# ## How the checks work
#
# As in every notebook: a passing check prints one line; a failing one names the mistake
# it recognises, with your value and the expected one. Numerical derivatives are compared
# at a relative tolerance of $10^{-5}$, exact values at $10^{-9}$. The graded tests also
# use shapes and seeds you cannot see.

# %% setup id="setup"
import numpy as np
import matplotlib.pyplot as plt

import bplab as bp

rng = bp.start_notebook(7)

# %% [markdown]
# ## 1. Backprop is a product of Jacobians
#
# Take one example and a layer $a = h(z)$ with $z = W a_{prev} + b$. How does each output
# move when one input moves? Input $i$ reaches output $j$ only through $z_j$, with slope
# $W_{ji}$, and then through $h$, with slope $h'(z_j)$. So the **Jacobian** of the layer,
# the matrix of all these slopes, is
#
# $$J = \frac{\partial a}{\partial a_{prev}} = \operatorname{diag}\big(h'(z)\big)\, W,
# \qquad J_{ji} = h'(z_j)\, W_{ji}, \qquad \text{shape } (n_{out}, n_{in}).$$
#
# Through a stack of layers the chain rule multiplies the Jacobians, the last layer on
# the **left** (it acts last):
#
# $$\frac{\partial a^L}{\partial a^0} = J^L J^{L-1} \cdots J^1 .$$
#
# Backprop runs the same product the other way. The hidden delta rule of notebook 5,
# $\delta^l = \big((W^{l+1})^T \delta^{l+1}\big) \odot h'(z^l)$, applied again and again,
# gives
#
# $$\frac{\partial L}{\partial a^l} = (J^{l+1})^T (J^{l+2})^T \cdots (J^L)^T
# \frac{\partial L}{\partial a^L}.$$
#
# The gradient reaching layer $l$ has been multiplied by one Jacobian for every layer
# above it. Products of many factors tend to do one of two things: shrink towards zero
# or blow up. That is the whole story of this notebook.

# %% [markdown]
# ### Exercise 1: the Jacobian of one layer (3 points)
#
# Write `layer_jacobian(W, z, activation)` returning $\operatorname{diag}(h'(z))\,W$ of
# shape `(n_out, n_in)`, for `W` of shape `(n_out, n_in)`, the pre-activation `z` of shape
# `(n_out,)` and `activation` one of `"sigmoid"`, `"tanh"`, `"relu"`. Use
# `bp.activations.ACTIVATIONS[activation]`, the pair `(h, h_grad)` where `h_grad` takes
# $z$. Scale the rows of `W` by broadcasting rather than building the diagonal matrix.

# %% solution id="layer_jacobian"
def layer_jacobian(W, z, activation):
    """Jacobian da/da_prev of a layer a = h(W a_prev + b), at one example.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)
    z : ndarray of shape (n_out,)
        Pre-activation W a_prev + b.
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    ndarray of shape (n_out, n_in)
        Entry [j, i] is h'(z[j]) * W[j, i].
    """
    ### BEGIN SOLUTION
    h_grad = bp.activations.ACTIVATIONS[activation][1]
    return h_grad(z)[:, None] * W
    ### END SOLUTION


# %% [markdown]
# Try it. At $z = 0$ the sigmoid's slope is $\frac14$, so the Jacobian is $W/4$: you
# should see `[[ 0.25 -0.5   0.  ]` and ` [ 0.5   0.25  1.  ]]`. With tanh at the same
# point, $W$ itself.

# %%
W_try = np.array([[1.0, -2.0, 0.0], [2.0, 1.0, 4.0]])
print(layer_jacobian(W_try, np.zeros(2), "sigmoid"))
print(layer_jacobian(W_try, np.zeros(2), "tanh"))

# %% [markdown]
# The tests compare your Jacobian with `bp.jacobians.numerical_jacobian`, which moves one
# input at a time by a central-difference step and records how every output moves (one
# column per input).

# %% tests id="layer_jacobian__sigmoid" points=1
"""layer_jacobian of a sigmoid layer matches central differences."""
W_check, b_check = bp.checks.testdata.points(71, (3, 4)), bp.checks.testdata.points(72, (3,))
a_check = bp.checks.testdata.points(73, (4,))
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'sigmoid')",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "sigmoid"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.sigmoid(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
W_check, b_check = bp.checks.testdata.points(74, (4, 4)), bp.checks.testdata.points(75, (4,))
a_check = bp.checks.testdata.points(76, (4,))
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'sigmoid') for a hidden square W",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "sigmoid"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.sigmoid(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %% tests id="layer_jacobian__tanh" points=1
"""layer_jacobian of a tanh layer matches central differences."""
W_check, b_check = bp.checks.testdata.points(77, (2, 3)), bp.checks.testdata.points(78, (2,))
a_check = bp.checks.testdata.points(79, (3,))
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'tanh')",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "tanh"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.tanh(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
W_check, b_check = bp.checks.testdata.points(80, (3, 3)), bp.checks.testdata.points(81, (3,))
a_check = bp.checks.testdata.points(82, (3,))
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'tanh') for a hidden square W",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "tanh"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.tanh(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %% tests id="layer_jacobian__relu" points=1
"""layer_jacobian of a ReLU layer: rows of W for active units, zeros for the others."""
W_check = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
b_check = np.array([0.0, -0.5, 0.4])
a_check = np.array([0.5, 0.5])
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'relu')",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "relu"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.relu(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
W_check, b_check = bp.checks.testdata.points(83, (4, 2)), bp.checks.testdata.points(84, (4,))
a_check = bp.checks.testdata.points(85, (2,))
z_check = W_check @ a_check + b_check
bp.checks.close("layer_jacobian(W, z, 'relu') for a hidden (4, 2) W",
               bp.checks.call("layer_jacobian", layer_jacobian, W_check, z_check, "relu"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.activations.relu(W_check @ a + b_check), a_check),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2: the Jacobian of a stack of layers (3 points)
#
# Write `input_output_jacobian(params, x, activation)` returning $\partial a^L /
# \partial a^0 = J^L \cdots J^1$ at one input `x` of shape `(n_0,)`, for the network
# `params` (`"W1", "b1", ..., "WL", "bL"`, as in notebook 5) with `activation` in
# **every** layer, the last one included. Walk forward through the layers, computing
# each $z^l$ and $a^l$, and update a running product: start from the identity
# `np.eye(n_0)` and multiply each new layer's Jacobian **on the left**. The result has
# shape `(n_L, n_0)`.

# %% solution id="input_output_jacobian"
def input_output_jacobian(params, x, activation):
    """Jacobian da^L/da^0 of a stack of layers at one input.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL"; W{l} of shape (n_l, n_{l-1}).
    x : ndarray of shape (n_0,)
    activation : {"sigmoid", "tanh", "relu"}
        The activation of every layer.

    Returns
    -------
    ndarray of shape (n_L, n_0)
        J^L @ ... @ J^1.
    """
    ### BEGIN SOLUTION
    h = bp.activations.ACTIVATIONS[activation][0]
    L = len(params) // 2
    a = x
    J = np.eye(len(x))
    for l in range(1, L + 1):
        z = params[f"W{l}"] @ a + params[f"b{l}"]
        J = layer_jacobian(params[f"W{l}"], z, activation) @ J
        a = h(z)
    return J
    ### END SOLUTION


# %% [markdown]
# Try it on a 3-4-2 tanh network: you should see a matrix of shape `(2, 3)`.

# %%
params_try, X_try, _ = bp.mlp_problems.example_problem([3, 4, 2], 1, seed=0)
print(input_output_jacobian(params_try, X_try[0], "tanh"))

# %% tests id="input_output_jacobian__two_layers" points=1
"""input_output_jacobian of a 3-4-2 tanh network matches central differences."""
params_check, X_check, _ = bp.mlp_problems.example_problem([3, 4, 2], 1, 86)
bp.checks.close("input_output_jacobian(params, x, 'tanh')",
               bp.checks.call("input_output_jacobian", input_output_jacobian, params_check,
                             X_check[0], "tanh"),
               bp.jacobians.numerical_jacobian(
                   lambda a: bp.mlp.forward(params_check, a[None, :], hidden="tanh",
                                            output="tanh")[0][0], X_check[0]),
               tol=bp.checks.diagnosis.NUMERICAL_TOL)

# %% tests id="input_output_jacobian__deep" points=2
"""input_output_jacobian of deeper sigmoid and ReLU networks matches central differences."""
for sizes, activation_check, seed in (([2, 5, 3, 4, 3], "sigmoid", 87), ([4, 3, 3, 2], "relu", 88)):
    params_check, X_check, _ = bp.mlp_problems.example_problem(sizes, 1, seed)
    bp.checks.close(f"input_output_jacobian for {'-'.join(map(str, sizes))}, {activation_check}",
                   bp.checks.call("input_output_jacobian", input_output_jacobian, params_check,
                                 X_check[0], activation_check),
                   bp.jacobians.numerical_jacobian(
                       lambda a: bp.mlp.forward(params_check, a[None, :], hidden=activation_check,
                                                output=activation_check)[0][0], X_check[0]),
                   tol=bp.checks.diagnosis.NUMERICAL_TOL)
### BEGIN HIDDEN TESTS
for sizes, activation_check, seed in (([3, 3, 3, 3, 3, 3], "tanh", 89), ([1, 4, 2], "sigmoid", 90)):
    params_check, X_check, _ = bp.mlp_problems.example_problem(sizes, 1, seed)
    bp.checks.close(f"input_output_jacobian for a hidden {'-'.join(map(str, sizes))}, "
                   f"{activation_check} network",
                   bp.checks.call("input_output_jacobian", input_output_jacobian, params_check,
                                 X_check[0], activation_check),
                   bp.jacobians.numerical_jacobian(
                       lambda a: bp.mlp.forward(params_check, a[None, :], hidden=activation_check,
                                                output=activation_check)[0][0], X_check[0]),
                   tol=bp.checks.diagnosis.NUMERICAL_TOL)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. How large can one factor be?
#
# Start with the simplest deep network: **one unit per layer**, $a^l = \sigma(w\, a^{l-1})$,
# the same weight $w$ everywhere. Every Jacobian is a number, $w\,\sigma'(z^l)$, and
#
# $$\frac{\partial a^L}{\partial a^0} = \prod_{l=1}^{L} w\, \sigma'(z^l),
# \qquad \Big|\frac{\partial a^L}{\partial a^0}\Big| \le \Big(\frac{|w|}{4}\Big)^L,$$
#
# because $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is at most $\frac14$ (at $z = 0$). With
# $|w| < 4$ the gradient shrinks **at least** geometrically. A larger $w$ does not rescue
# it: large weights make $|z|$ large, where $\sigma'$ is tiny. The demo computes the chain's
# derivative for a few weights and depths.

# %%
depths = np.arange(1, 21)
for w in (1.0, 4.0, 8.0):
    a, product, products = 0.5, 1.0, []
    for _ in depths:
        z = w * a
        product *= w * bp.activations.sigmoid_grad(np.array(z))
        a = bp.activations.sigmoid(np.array(z))
        products.append(float(product))
    print(f"w = {w}: derivative after 5, 10, 20 layers:",
          " ".join(f"{products[d - 1]:.1e}" for d in (5, 10, 20)),
          f"  (bound (|w|/4)^20 = {(abs(w) / 4) ** 20:.1e})")

# %% [markdown]
# With many units per layer the same argument runs with norms. The stretch of the
# Jacobian is at most the stretch of $W$ times the largest slope:
#
# $$\big\|\operatorname{diag}(\sigma'(z))\, W\big\|_2 \le \max_j \sigma'(z_j)\, \|W\|_2
# \le \tfrac14\, \sigma_{\max}(W),$$
#
# where $\sigma_{\max}(W) = \|W\|_2$ is the largest singular value of $W$
# (`np.linalg.norm(W, 2)`). If every layer has $\sigma_{\max}(W^l) < 4$, then every
# sigmoid layer shrinks every gradient passing back through it, and the gradient at
# layer $l$ is at most $\prod_{k > l} \sigma_{\max}(W^k)/4$ times the gradient at the
# output.

# %% [markdown]
# ### Exercise 3: the largest factor of a sigmoid layer (2 points)
#
# Write `sigmoid_layer_bound(W)` returning, as a
# `float`, the largest factor by which a sigmoid layer with weights `W` can stretch a
# vector through its Jacobian, over all possible `z`: $\frac14 \sigma_{\max}(W)$.

# %% solution id="sigmoid_layer_bound"
def sigmoid_layer_bound(W):
    """Largest possible ||diag(sigmoid'(z)) W||_2 over all z.

    Parameters
    ----------
    W : ndarray of shape (n_out, n_in)

    Returns
    -------
    float
        The largest singular value of W, divided by 4.
    """
    ### BEGIN SOLUTION
    return float(np.linalg.norm(W, 2) / 4.0)
    ### END SOLUTION


# %% [markdown]
# Try it: for `W = [[3, 0], [0, -1]]` the largest stretch is 3, so you should see `0.75`.
# For a 3 by 3 matrix of ones (largest singular value 3) also `0.75`, although its
# largest entry is only 1: a bound from the largest entry alone would be too small.

# %%
print(sigmoid_layer_bound(np.array([[3.0, 0.0], [0.0, -1.0]])))
print(sigmoid_layer_bound(np.ones((3, 3))))

# %% tests id="sigmoid_layer_bound__value" points=1
"""sigmoid_layer_bound is the largest singular value of W over 4."""
for shape, seed in (((3, 3), 91), ((2, 5), 92)):
    W_check = bp.checks.testdata.points(seed, shape)
    bp.checks.close(f"sigmoid_layer_bound(W) for a {shape} W",
                   bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check),
                   np.linalg.svd(W_check, compute_uv=False)[0] / 4.0)
### BEGIN HIDDEN TESTS
for shape, seed in (((4, 2), 93), ((1, 3), 94), ((5, 5), 95)):
    W_check = bp.checks.testdata.points(seed, shape)
    bp.checks.close(f"sigmoid_layer_bound(W) for a hidden {shape} W",
                   bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check),
                   np.linalg.svd(W_check, compute_uv=False)[0] / 4.0)
### END HIDDEN TESTS

# %% tests id="sigmoid_layer_bound__is_tight" points=1
"""sigmoid_layer_bound holds for every z tried and is reached at z = 0."""
W_check = bp.checks.testdata.points(96, (4, 3))
bound = bp.checks.call("sigmoid_layer_bound", sigmoid_layer_bound, W_check)
bp.checks.true(np.ndim(bound) == 0, f"sigmoid_layer_bound should return one number; got shape "
              f"{np.shape(bound)}", "shape")
stretches = [np.linalg.norm(bp.activations.sigmoid_grad(z)[:, None] * W_check, 2)
             for z in bp.checks.testdata.points(97, (50, 4), -4.0, 4.0)]
bp.checks.true(max(stretches) <= float(bound) * (1 + 1e-12),
              f"sigmoid_layer_bound(W) = {float(bound):.6g} is not a bound: the Jacobian "
              f"stretches a vector by {max(stretches):.6g} at some z.", "mismatch")
bp.checks.close("sigmoid_layer_bound(W) against the stretch of the Jacobian at z = 0",
               bound, np.linalg.norm(W_check / 4.0, 2))

# %% [markdown]
# ## 3. Tanh and ReLU
#
# The three activations differ exactly in the slope that enters every Jacobian:
#
# | activation | $h'(z)$ | largest slope |
# | --- | --- | --- |
# | sigmoid | $\sigma(z)(1-\sigma(z))$ | $\frac14$, at $z = 0$ |
# | tanh | $1 - \tanh^2 z$ | $1$, at $z = 0$ |
# | ReLU | $1$ if $z > 0$, else $0$ | $1$, for every active unit |
#
# A tanh layer working near $z = 0$ is almost linear and passes $W$ through unchanged,
# so tanh loses a factor of 4 less per layer than the sigmoid. A ReLU layer passes the
# gradient of every active unit with slope exactly 1 and blocks the others. Neither
# bounds the product by anything below 1: with large weights the product of Jacobians
# grows with depth and the gradient **explodes**. What decides the outcome is the scale
# of the weights.

# %%
z_grid = np.linspace(-5, 5, 401)
fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
for name, (h_fn, h_grad_fn) in bp.activations.ACTIVATIONS.items():
    ax.plot(z_grid, h_grad_fn(z_grid), label=f"{name}'")
ax.set(xlabel="z", ylabel="h'(z)", title="The slope each layer multiplies by")
ax.legend()
plt.show()

# %% [markdown]
# ## 4. Measuring the gradient, layer by layer
#
# To see vanishing gradients, measure them. Take a deep network of equal widths, random
# data `X` and targets `t`, hidden layers with the activation under study, a **linear**
# output layer, and the loss $L = \frac{1}{2N}\sum_n \|\hat y_n - t_n\|^2$ (half the mean
# squared error; in `bp.mlp` this is `output="identity"` and `loss="half_mse"`). Then
# compare $\|\partial L/\partial W^l\|_F$ across layers.
#
# ### Exercise 4: gradient norms, layer by layer (2 points)
#
# Write `gradient_norms(params, X, t, activation)` returning an array of shape `(L,)`
# whose entry `l - 1` is the Frobenius norm of $\partial L/\partial W^l$, **first layer
# first**. Use `bp.mlp.loss_and_grads(params, X, t, hidden=..., output="identity",
# loss="half_mse")`, which returns `(loss, grads)` with `grads["W1"]` the gradient of
# `W1`, and `np.linalg.norm`, which gives the Frobenius norm of a matrix.

# %% solution id="gradient_norms"
def gradient_norms(params, X, t, activation):
    """Frobenius norm of dL/dW^l for l = 1..L.

    Parameters
    ----------
    params : dict
        "W1", "b1", ..., "WL", "bL".
    X : ndarray of shape (N, n_0)
    t : ndarray of shape (N, n_L)
    activation : {"sigmoid", "tanh", "relu"}
        Activation of the hidden layers; the output layer is linear.

    Returns
    -------
    ndarray of shape (L,)
        Entry l - 1 is ||dL/dW^l||_F, for the loss half_mse.
    """
    ### BEGIN SOLUTION
    _, grads = bp.mlp.loss_and_grads(params, X, t, hidden=activation, output="identity",
                                     loss="half_mse")
    L = len(params) // 2
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, L + 1)])
    ### END SOLUTION


# %% [markdown]
# Try it on a sigmoid network of depth 8 and width 16 (weights of variance $1/n_{in}$,
# from `bp.jacobians.deep_network`): the norms should grow by orders of magnitude from
# the first layer to the last, from about `1e-04` to a few units.

# %%
params_sig = bp.jacobians.deep_network(depth=8, width=16, gain=1.0, rng=rng)
X_sig, t_sig = rng.standard_normal((32, 16)), rng.standard_normal((32, 16))
print(gradient_norms(params_sig, X_sig, t_sig, "sigmoid"))

# %% tests id="gradient_norms__shape" points=1
"""gradient_norms returns one norm per layer."""
params_check = bp.jacobians.deep_network(5, 6, 1.0, np.random.default_rng(98), n_in=3)
X_check, t_check = bp.checks.testdata.batch(99, (7, 3))[0], bp.checks.testdata.batch(100, (7, 6))[0]
norms = bp.checks.call("gradient_norms", gradient_norms, params_check, X_check, t_check, "tanh")
bp.checks.true(np.shape(norms) == (5,),
              f"gradient_norms should return shape (5,) for a network of 5 layers; "
              f"got {np.shape(norms)}", "shape")

# %% tests id="gradient_norms__values" points=1
"""gradient_norms equals the norms of bplab.mlp's gradients, first layer first."""
for activation_check, seed in (("sigmoid", 101), ("relu", 102)):
    params_check = bp.jacobians.deep_network(6, 5, 1.5, np.random.default_rng(seed), n_in=4)
    X_check, t_check = bp.checks.testdata.batch(seed, (8, 4))[0], bp.checks.testdata.batch(seed + 1, (8, 5))[0]
    grads_check = bp.mlp.loss_and_grads(params_check, X_check, t_check, hidden=activation_check,
                                        output="identity", loss="half_mse")[1]
    bp.checks.close(f"gradient_norms(params, X, t, {activation_check!r})",
                   bp.checks.call("gradient_norms", gradient_norms, params_check, X_check,
                                 t_check, activation_check),
                   np.array([np.linalg.norm(grads_check[f"W{l}"]) for l in range(1, 7)]))
### BEGIN HIDDEN TESTS
for activation_check, seed, depth_check in (("tanh", 103, 3), ("sigmoid", 104, 9)):
    params_check = bp.jacobians.deep_network(depth_check, 4, 2.0, np.random.default_rng(seed))
    X_check, t_check = bp.checks.testdata.batch(seed, (5, 4))
    bp.checks.close(f"gradient_norms on a hidden {depth_check}-layer {activation_check} network",
                   bp.checks.call("gradient_norms", gradient_norms, params_check, X_check,
                                 t_check, activation_check),
                   bp.checks.testdata.expected(bp.jacobians.gradient_norms, params_check, X_check,
                                        t_check, activation_check))
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Depth, activation and initial scale
#
# Now the experiment. Depth 20, width 32, weights drawn with variance
# $\text{gain}^2 / n_{in}$, for each activation and four gains. Each curve is one network;
# the vertical axis is logarithmic, so a straight falling line is exponential decay
# towards the input.

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), layout="constrained", sharey=True)
X_exp, t_exp = rng.standard_normal((32, 32)), rng.standard_normal((32, 32))
for ax, activation_exp in zip(axes, ("sigmoid", "tanh", "relu")):
    for gain in (0.5, 1.0, np.sqrt(2.0), 2.0):
        params_exp = bp.jacobians.deep_network(20, 32, gain, np.random.default_rng(0))
        norms_exp = gradient_norms(params_exp, X_exp, t_exp, activation_exp)
        ax.semilogy(np.arange(1, 21), np.maximum(norms_exp, 1e-30), "o-", ms=3,
                    label=f"Var(W) = {gain ** 2:.2g}/n_in")
    ax.set(title=activation_exp, xlabel="layer l", ylim=(1e-16, 1e8))
axes[0].set_ylabel("||dL/dW^l||")
axes[0].legend(fontsize=7)
plt.show()

# %% [markdown]
# What the three panels show:
#
# - **sigmoid**: at every scale the gradient falls by orders of magnitude towards the
#   input. The first layers of a deep sigmoid network barely learn; this is why deep
#   networks were long thought untrainable.
# - **tanh**: with variance $1/n_{in}$ the gradient is of order one in every layer. With
#   smaller weights the signal dies on the way forward and the gradient everywhere is
#   tiny; with larger ones the gradient grows towards the input.
# - **ReLU**: each curve is flat, but its height depends enormously on the scale. ReLU
#   is linear on its active units, so in $\partial L/\partial W^l = \delta^l (a^{l-1})^T$ the
#   forward signal $a^{l-1}$ and the backward delta $\delta^l$ change by the same factor
#   per layer and the layer drops out; what remains is one factor per layer of the
#   *whole* network. At $2/n_{in}$ that factor is about 1, so the gradients keep roughly
#   their size as the network gets deeper; at $1/n_{in}$ every gradient shrinks about
#   like $2^{-L/2}$ with the depth $L$, at $4/n_{in}$ it grows about like $2^{L/2}$.
#   Vanishing and exploding is about depth, and here it hits every layer at once.
#
# ## 6. Choosing the initial scale
#
# Why those two variances? A pre-activation $z_j = \sum_i W_{ji} a_i$ sums $n_{in}$
# independent terms, so with zero-mean weights
# $\operatorname{Var}(z_j) = n_{in} \operatorname{Var}(W)\, \mathbb{E}[a_i^2]$. To keep
# signals (and, by the same argument run backwards, gradients) at the same size from
# layer to layer, make $n_{in} \operatorname{Var}(W)\, \mathbb{E}[a^2] \approx
# \operatorname{Var}(z)$ of the layer before:
#
# - **tanh** is close to the identity near 0, so $\mathbb{E}[a^2] \approx \operatorname{Var}(z)$
#   and $\operatorname{Var}(W) = 1/n_{in}$ (Xavier or Glorot initialisation; Glorot and
#   Bengio's version averages fan-in and fan-out, $2/(n_{in} + n_{out})$).
# - **ReLU** sets half of its inputs to zero, so $\mathbb{E}[a^2] = \operatorname{Var}(z)/2$
#   and the weights must make up the factor 2: $\operatorname{Var}(W) = 2/n_{in}$
#   (He initialisation).
# - **sigmoid** has no such scale: its slope is at most $\frac14$ and its output is not
#   centred at zero, so no variance keeps both signals and gradients alive.

# %% [markdown]
# ## 7. Explore
#
# Set the depth and the initial scale (the gain, $\operatorname{Var}(W) =
# \text{gain}^2/n_{in}$) and choose the activation. The chosen activation is drawn bold,
# the other two dashed. For each activation, look for a gain at which the curve is level
# and moves least when you change the depth. For tanh (near 1) and ReLU (near 1.4) the
# height then changes by a factor of ten or so over tens of layers, while other gains
# move it by many orders of magnitude; for the sigmoid no gain works. (The network is
# only 16 units wide, so the curves are noisy; wider networks follow the theory more
# closely.)

# %%
bp.explore.depth.depth_explorer()

# %% [markdown]
# ## Summary
#
# - One layer's Jacobian is $\operatorname{diag}(h'(z))\,W$; a network's is the product
#   $J^L \cdots J^1$, and backprop multiplies a gradient by the transposes in the other
#   order.
# - A product of many factors shrinks or grows exponentially with depth: gradients
#   **vanish** or **explode**.
# - Sigmoid layers shrink gradients by at least $\sigma_{\max}(W)/4$ each: below 1 unless
#   the weights are large, and large weights saturate the sigmoid.
# - tanh (slope up to 1) and ReLU (slope 0 or 1) keep gradients alive if the weights
#   have the right scale: $\operatorname{Var}(W) = 1/n_{in}$ for tanh, $2/n_{in}$ for ReLU.
#
# ## Going further
#
# - **Residual connections** ($a^l = a^{l-1} + f(a^{l-1})$) make each Jacobian
#   $I + \partial f/\partial a$, so the product cannot vanish as easily; they are what lets
#   networks of hundreds of layers train.
# - **Normalisation layers** (batch or layer normalisation) rescale activations during
#   training instead of relying on the initial scale alone.
# - **Gradient clipping** caps the norm of an exploding gradient before the update; it is
#   standard for recurrent networks, which are deep in time: the same $W$ multiplied at
#   every step, so its largest singular value decides everything.
# - Try the experiment of section 5 with a wider network: the curves become smoother,
#   because sums over more units are closer to their expectation.
