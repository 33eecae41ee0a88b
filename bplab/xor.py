"""XOR with a 2-2-1 sigmoid network: data, one network, and many networks at once.

Shapes follow DESIGN section 3: ``W1`` (2, 2), ``b1`` (2,), ``W2`` (1, 2), ``b2`` (1,),
inputs stacked as rows ``X`` (N, 2), targets ``t`` (N, 1). A *batch of networks* (one per
random initialisation, or "seed") stacks every parameter along a leading axis of length
S: ``W1`` (S, 2, 2), ``b1`` (S, 2), ``W2`` (S, 1, 2), ``b2`` (S, 1); activations then have
shape (S, N, n). The loss is the mean over examples of the squared error,
``L = (1/N) sum_n (y_hat_n - t_n)**2``.

The functions marked as references answer notebook 6's exercises and are locked there.
"""

import numpy as np

from .activations import sigmoid, sigmoid_grad, tanh
from .check import failure
from .course import reference
from .validation import as_array, as_scalar

__all__ = ["xor_data", "init_params", "init_batch", "forward", "loss", "gradients",
           "xor_step", "train_xor", "batched_gradients", "train_batch", "success_rate",
           "loop_outputs", "step_gradients", "PARAMS", "SUCCESS_TOL"]

PARAMS = ("W1", "b1", "W2", "b2")
"""Parameter names, in the order they are drawn and updated."""

SUCCESS_TOL = 0.1
"""A run succeeds when every output is within this distance of its target."""

_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}


def xor_data():
    """The four XOR examples: X (4, 2), rows (0,0) (0,1) (1,0) (1,1), and t (4, 1).

    Examples
    --------
    >>> X, t = xor_data()
    >>> t.ravel()
    array([0., 1., 1., 0.])
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.logical_xor(X[:, :1], X[:, 1:]).astype(np.float64)


def init_params(rng, init_scale=0.5):
    """Random parameters of one network: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,).

    Every entry is ``init_scale`` times a standard normal draw from ``rng``, drawn in
    that order (the order :func:`train_xor` relies on).
    """
    init_scale = as_scalar(init_scale, "init_scale")
    return {name: init_scale * rng.standard_normal(_SHAPES[name]) for name in PARAMS}


def init_batch(rng, n_seeds, init_scale=0.5):
    """Random parameters of ``n_seeds`` networks, stacked along a leading seed axis.

    Returns
    -------
    dict of str to ndarray
        ``W1`` (S, 2, 2), ``b1`` (S, 2), ``W2`` (S, 1, 2), ``b2`` (S, 1) with S = n_seeds.

    Examples
    --------
    >>> init_batch(np.random.default_rng(0), 5)["W1"].shape
    (5, 2, 2)
    """
    if not isinstance(n_seeds, (int, np.integer)) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive integer; got {n_seeds!r}")
    init_scale = as_scalar(init_scale, "init_scale")
    return {name: init_scale * rng.standard_normal((n_seeds,) + _SHAPES[name])
            for name in PARAMS}


def _checked(params):
    if not isinstance(params, dict) or set(params) != set(PARAMS):
        raise TypeError(f"params must be a dict with keys {PARAMS}; got {params!r:.80}")
    return {name: as_array(params[name], name) for name in PARAMS}


def forward(params, X, hidden="sigmoid"):
    """Forward pass of one network, or of a stack of networks.

    Parameters
    ----------
    params : dict of str to ndarray
        One network's parameters, or a stack with a leading seed axis S.
    X : ndarray of shape (N, 2)
    hidden : {"sigmoid", "tanh"}
        Hidden activation; the output unit is always a sigmoid.

    Returns
    -------
    A1 : ndarray of shape (N, 2), or (S, N, 2) for a stack
    y_hat : ndarray of shape (N, 1), or (S, N, 1)

    Notes
    -----
    Z1 = X @ W1.T + b1, A1 = h(Z1), Z2 = A1 @ W2.T + b2, y_hat = sigmoid(Z2);
    the stacked version does the same for every seed s.
    """
    p = _checked(params)
    X = as_array(X, "X", shape=(None, 2))
    h = {"sigmoid": sigmoid, "tanh": tanh}[hidden]
    A1 = h(np.einsum("ni,...ji->...nj", X, p["W1"]) + p["b1"][..., None, :])
    y_hat = sigmoid(np.einsum("...nj,...kj->...nk", A1, p["W2"]) + p["b2"][..., None, :])
    return A1, y_hat


def loss(params, X, t):
    """Mean squared error of one network (a float) or of each network of a stack (S,).

    Examples
    --------
    >>> X, t = xor_data()
    >>> zero = {name: np.zeros(shape) for name, shape in _SHAPES.items()}
    >>> loss(zero, X, t)  # every output is 0.5, every error 0.25
    0.25
    """
    _, y_hat = forward(params, X)
    per_network = ((y_hat - as_array(t, "t")) ** 2).sum(axis=-1).mean(axis=-1)
    return float(per_network) if per_network.ndim == 0 else per_network


@reference(6)
def gradients(params, X, t):
    """Gradient of the mean squared error of one network, by backprop.

    Returns
    -------
    grads : dict of str to ndarray
        Keys W1, b1, W2, b2: dL with respect to each, in that parameter's shape.
    loss : float
        L at ``params``.

    Notes
    -----
    dZ2 = 2 (y_hat - t) / N * y_hat (1 - y_hat); dW2 = dZ2.T @ A1; db2 = dZ2.sum(0);
    dZ1 = (dZ2 @ W2) * A1 (1 - A1); dW1 = dZ1.T @ X; db1 = dZ1.sum(0).
    """
    p = _checked(params)
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    Z1 = X @ p["W1"].T + p["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ p["W2"].T + p["b2"]
    y_hat = sigmoid(Z2)
    dZ2 = 2.0 * (y_hat - t) / len(X) * sigmoid_grad(Z2)
    dZ1 = (dZ2 @ p["W2"]) * sigmoid_grad(Z1)
    grads = {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}
    return grads, float(np.mean(np.sum((y_hat - t) ** 2, axis=1)))


@reference(6)
def xor_step(params, X, t, lr):
    """One full-batch gradient-descent step: ``(params - lr * grads, loss before the step)``."""
    grads, value = gradients(params, X, t)
    lr = as_scalar(lr, "lr")
    return {name: params[name] - lr * grads[name] for name in PARAMS}, value


@reference(6)
def train_xor(seed, lr=0.5, n_iterations=10_000):
    """Train one network on XOR from ``init_params(np.random.default_rng(seed))``.

    Returns
    -------
    params : dict of str to ndarray
    losses : ndarray of shape (n_iterations,)
        The loss before each step.
    """
    X, t = xor_data()
    params = init_params(np.random.default_rng(seed))
    losses = np.empty(n_iterations)
    for i in range(n_iterations):
        params, losses[i] = xor_step(params, X, t, lr)
    return params, losses


def _fast_sigmoid(z):
    # activations.sigmoid without its input checks and masks, for the training loop;
    # exp(-z) overflows to inf for z < -709, and 1 / inf is the right answer, 0.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


@reference(6)
def _batched(p, X, t, hidden="sigmoid", loss_kind="mse"):
    """Stacked gradients and final outputs; no product ever mixes two seeds s.

    The two products with X use np.tensordot, the fastest form here of the einsums
    "ni,sji->snj" and "snj,ni->sji".
    """
    tanh_hidden = hidden == "tanh"
    A1 = (np.tanh if tanh_hidden else _fast_sigmoid)(
        np.tensordot(X, p["W1"], axes=(1, 2)).transpose(1, 0, 2) + p["b1"][:, None, :])
    y_hat = _fast_sigmoid(np.einsum("snj,skj->snk", A1, p["W2"]) + p["b2"][:, None, :])
    N = len(X)
    if loss_kind == "bce":  # sigmoid + cross-entropy: dL/dZ2 = (y_hat - t) / N
        dZ2 = (y_hat - t) / N
    else:
        dZ2 = 2.0 / N * (y_hat - t) * y_hat * (1.0 - y_hat)
    dZ1 = np.einsum("snk,skj->snj", dZ2, p["W2"]) * ((1.0 - A1 * A1) if tanh_hidden
                                                     else A1 * (1.0 - A1))
    grads = {"W1": np.tensordot(dZ1, X, axes=(1, 0)),
             "b1": np.einsum("snj->sj", dZ1),
             "W2": np.einsum("snk,snj->skj", dZ2, A1),
             "b2": np.einsum("snk->sk", dZ2)}
    return grads, y_hat


@reference(6)
def batched_gradients(params, X, t):
    """Gradients of S networks at once (mean squared error, sigmoid units).

    Returns
    -------
    grads : dict of str to ndarray
        Each the shape of its stacked parameter; ``grads[name][s]`` is the gradient of
        network s alone.
    losses : ndarray of shape (S,)
    """
    p = _checked(params)
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    grads, y_hat = _batched(p, X, t)
    return grads, ((y_hat - t) ** 2).sum(axis=2).mean(axis=1)


@reference(6)
def train_batch(params, X, t, lr, n_iterations, hidden="sigmoid", loss="mse"):
    """Train S stacked networks together by full-batch gradient descent.

    Parameters
    ----------
    params : dict of str to ndarray
        Stacked parameters (leading axis S); not modified.
    X : ndarray of shape (N, 2)
    t : ndarray of shape (N, 1)
    lr : float or ndarray of shape (S,)
        One learning rate, or one per network.
    n_iterations : int
    hidden : {"sigmoid", "tanh"}
    loss : {"mse", "bce"}
        Mean squared error, or binary cross-entropy (mean over examples).

    Returns
    -------
    dict of str to ndarray
        The trained parameters, stacked like ``params``.
    """
    p = {name: value.copy() for name, value in _checked(params).items()}
    X, t = as_array(X, "X", shape=(None, 2)), as_array(t, "t", shape=(len(X), 1))
    lr = as_array(lr, "lr")
    rates = {name: lr.reshape(lr.shape + (1,) * (p[name].ndim - lr.ndim)) for name in PARAMS}
    for _ in range(int(n_iterations)):
        grads, _ = _batched(p, X, t, hidden, loss)
        for name in PARAMS:
            p[name] -= rates[name] * grads[name]
    return p


@reference(6)
def success_rate(n_seeds, lr, n_iterations, init_scale, rng):
    """Fraction of ``n_seeds`` random initialisations that learn XOR.

    Returns
    -------
    rate : float
        Fraction of networks whose four outputs all end within SUCCESS_TOL of the targets.
    y_hat : ndarray of shape (n_seeds, 4)
        Every network's final outputs.
    """
    X, t = xor_data()
    params = train_batch(init_batch(rng, n_seeds, init_scale), X, t, lr, n_iterations)
    y_hat = forward(params, X)[1][:, :, 0]
    return float(np.mean(np.all(np.abs(y_hat - t[:, 0]) < SUCCESS_TOL, axis=1))), y_hat


@reference(6)
def loop_outputs(params, X, t, lr, n_iterations):
    """Final outputs (S, N) of S stacked networks trained one by one with :func:`xor_step`.

    The plain loop over seeds that the batched computation must agree with.
    """
    p = _checked(params)
    outputs = []
    for s in range(len(p["W1"])):
        single = {name: value[s] for name, value in p.items()}
        for _ in range(int(n_iterations)):
            single, _ = xor_step(single, X, t, lr)
        outputs.append(forward(single, X)[1][:, 0])
    return np.array(outputs)


def step_gradients(result, params, lr):
    """The gradient that a step's result implies, ``(params - new) / lr``, and its loss.

    For checks: fails with a plain message when ``result`` is not ``(new_params, loss)``
    with the keys and shapes of ``params``.

    Examples
    --------
    >>> p = {"W1": np.ones((2, 2)), "b1": np.ones(2), "W2": np.ones((1, 2)), "b2": np.ones(1)}
    >>> new = {name: value - 0.5 * 3.0 for name, value in p.items()}
    >>> grads, value = step_gradients((new, 1.25), p, 0.5)
    >>> grads["b2"], value
    (array([3.]), 1.25)
    """
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict)):
        raise failure("xor_step should return a pair (new_params, loss) with new_params a dict;"
                      f" got {type(result).__name__}", "not-a-pair")
    new, value = result
    if set(new) != set(PARAMS):
        raise failure(f"new_params should have the keys {PARAMS}; got {tuple(new)}", "keys")
    grads = {}
    for name in PARAMS:
        if np.shape(new[name]) != np.shape(params[name]):
            raise failure(f"new_params['{name}'] should have shape {np.shape(params[name])} "
                          f"like params['{name}']; got {np.shape(new[name])}", "shape")
        grads[name] = (np.asarray(params[name]) - np.asarray(new[name], dtype=float)) / lr
    return grads, value
