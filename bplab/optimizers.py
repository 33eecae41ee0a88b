"""Update rules beyond plain gradient descent: momentum, Adam, weight decay (notebook 10).

Every rule maps ``(params, grads, state)`` to ``(new_params, new_state)``, with ``params``
and ``grads`` dicts of arrays of the same keys and shapes (``"W1"``, ``"b1"``, ...) and a
``state`` that the rule carries from step to step:

* **momentum** keeps a velocity per parameter, ``v <- beta v + g``, and steps
  ``theta <- theta - lr v`` (the convention of PyTorch's ``SGD(momentum=beta)``);
* **Adam** keeps running means of ``g`` and ``g**2``, corrects their bias towards zero
  at the first steps, and steps by ``lr * m_hat / (sqrt(v_hat) + eps)``;
* **weight decay** adds ``lam * W`` to the gradient of every weight matrix (not the
  biases): the gradient of the L2 penalty ``lam / 2 * sum ||W||^2``.

:func:`train_with` trains notebook 9's digit classifier with any such rule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .course import reference, references_unlocked
from .validation import as_scalar

__all__ = ["zeros_like", "adam_state", "momentum_step", "adam_step", "weight_decay_grads",
           "sgd_rule", "train_with"]

Rule = Callable[[dict, dict, object], tuple[dict, object]]


def zeros_like(params: dict) -> dict:
    """A dict of zero arrays with the keys and shapes of ``params`` (a first velocity).

    Examples
    --------
    >>> zeros_like({"W1": np.ones((2, 3)), "b1": np.ones(2)})["W1"].shape
    (2, 3)
    """
    return {key: np.zeros(np.shape(value)) for key, value in params.items()}


def adam_state(params: dict) -> dict:
    """Adam's state before its first step: ``{"t": 0, "m": zeros, "v": zeros}``.

    Examples
    --------
    >>> state = adam_state({"b1": np.ones(2)})
    >>> state["t"], state["m"]["b1"]
    (0, array([0., 0.]))
    """
    return {"t": 0, "m": zeros_like(params), "v": zeros_like(params)}


@reference(10)
def momentum_step(params: dict, grads: dict, velocity: dict, lr: float,
                  beta: float = 0.9) -> tuple[dict, dict]:
    """One step of gradient descent with momentum.

    Parameters
    ----------
    params, grads, velocity : dict of str to ndarray
        The same keys and shapes; ``velocity`` is all zeros before the first step.
    lr : float
        Learning rate.
    beta : float, default 0.9
        How much of the velocity survives a step, in [0, 1).

    Returns
    -------
    new_params, new_velocity : dict of str to ndarray
        ``v = beta * velocity[k] + grads[k]`` and ``params[k] - lr * v`` for every key;
        the dicts passed in are not changed.

    Examples
    --------
    >>> p, v = momentum_step({"w": np.array([1.0])}, {"w": np.array([2.0])},
    ...                      {"w": np.array([0.5])}, lr=0.1)
    >>> p["w"], v["w"]
    (array([0.755]), array([2.45]))
    """
    new_velocity = {key: beta * velocity[key] + grads[key] for key in params}
    return {key: params[key] - lr * new_velocity[key] for key in params}, new_velocity


@reference(10)
def adam_step(params: dict, grads: dict, state: dict, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8) -> tuple[dict, dict]:
    """One step of Adam.

    Parameters
    ----------
    params, grads : dict of str to ndarray
    state : dict
        ``{"t": steps taken so far, "m": dict, "v": dict}`` (:func:`adam_state` before the
        first step).
    lr : float
    beta1, beta2 : float
        Decay of the running means of ``g`` and of ``g**2``.
    eps : float
        Keeps the division finite where ``v`` is 0.

    Returns
    -------
    new_params, new_state
        With ``t = state["t"] + 1``, ``m = beta1 m + (1 - beta1) g``,
        ``v = beta2 v + (1 - beta2) g**2``, ``m_hat = m / (1 - beta1**t)``,
        ``v_hat = v / (1 - beta2**t)``: ``params[k] - lr * m_hat / (sqrt(v_hat) + eps)``.

    Examples
    --------
    >>> p, s = adam_step({"w": np.array([1.0, 1.0])}, {"w": np.array([3.0, -0.01])},
    ...                  adam_state({"w": np.zeros(2)}), lr=0.1)
    >>> np.round(p["w"], 6), s["t"]
    (array([0.9, 1.1]), 1)
    """
    t = state["t"] + 1
    m = {key: beta1 * state["m"][key] + (1.0 - beta1) * grads[key] for key in params}
    v = {key: beta2 * state["v"][key] + (1.0 - beta2) * grads[key] ** 2 for key in params}
    new_params = {key: params[key] - lr * (m[key] / (1.0 - beta1 ** t))
                  / (np.sqrt(v[key] / (1.0 - beta2 ** t)) + eps) for key in params}
    return new_params, {"t": t, "m": m, "v": v}


@reference(10)
def weight_decay_grads(params: dict, grads: dict, lam: float) -> dict:
    """The gradients of the loss plus ``lam / 2`` times the squared norm of every weight.

    Parameters
    ----------
    params, grads : dict of str to ndarray
        Weights are the keys that start with ``"W"``; the others (biases) are not decayed.
    lam : float
        The strength, at least 0.

    Returns
    -------
    dict
        ``grads[k] + lam * params[k]`` for every weight, ``grads[k]`` for the rest.

    Examples
    --------
    >>> g = weight_decay_grads({"W1": np.array([2.0]), "b1": np.array([2.0])},
    ...                        {"W1": np.array([1.0]), "b1": np.array([1.0])}, 0.5)
    >>> g["W1"], g["b1"]
    (array([2.]), array([1.]))
    """
    return {key: grads[key] + lam * params[key] if key.startswith("W") else grads[key]
            for key in grads}


def sgd_rule(lr: float) -> Rule:
    """Plain gradient descent as a rule ``(params, grads, state) -> (params, state)``.

    Examples
    --------
    >>> sgd_rule(0.5)({"w": np.array([1.0])}, {"w": np.array([1.0])}, None)[0]["w"]
    array([0.5])
    """
    lr = as_scalar(lr, "lr", positive=True)
    return lambda params, grads, state: ({k: params[k] - lr * grads[k] for k in params}, state)


def train_with(rule: Rule, state: object, params: dict, X: np.ndarray, y: np.ndarray,
               X_val: np.ndarray, y_val: np.ndarray, epochs: int, batch_size: int,
               rng: np.random.Generator, lam: float = 0.0) -> dict:
    """Train notebook 9's ReLU classifier with an update rule; its history per epoch.

    Parameters
    ----------
    rule : callable
        ``rule(params, grads, state) -> (new_params, new_state)``.
    state : object
        The rule's state before the first step.
    params : dict of str to ndarray
        Starting parameters of a ReLU network with a linear last layer.
    X, y : ndarray of shape (N, n_0) and (N,)
        Training images and integer labels.
    X_val, y_val : ndarray of shape (M, n_0) and (M,)
    epochs, batch_size : int
    rng : numpy.random.Generator
        Shuffles each epoch.
    lam : float, default 0
        Weight decay, added to the gradients (:func:`weight_decay_grads`).

    Returns
    -------
    dict
        ``"train_loss"``, ``"val_loss"``, ``"val_acc"``: one float per epoch, measured after
        it (the training loss without the decay term); ``"params"``: the last parameters.

    Examples
    --------
    >>> from bplab import digits, classifier
    >>> (X, y), (Xv, yv) = digits.load_splits()["train"], digits.load_splits()["val"]
    >>> with references_unlocked():
    ...     start = classifier.he_init([64, 16, 10], np.random.default_rng(0))
    >>> history = train_with(sgd_rule(0.1), None, start, X[:200], y[:200], Xv, yv, 3, 20,
    ...                      np.random.default_rng(1))
    >>> history["train_loss"][-1] < history["train_loss"][0]
    True
    """
    from .classifier import logits, loss_and_grads
    from .softmax import softmax_ce
    from .training import minibatches

    def evaluate(params, X, y):  # the forward pass only: no gradient is needed here
        with references_unlocked():
            Z = logits(params, X)
            return softmax_ce(Z, y), float(np.mean(np.argmax(Z, axis=1) == y))

    epochs = as_scalar(epochs, "epochs", positive=True, integer=True)
    lam = float(lam)
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        for rows in minibatches(len(y), batch_size, rng):
            with references_unlocked():
                _, grads = loss_and_grads(params, X[rows], y[rows])
                if lam:
                    grads = weight_decay_grads(params, grads, lam)
            params, state = rule(params, grads, state)
        history["train_loss"].append(evaluate(params, X, y)[0])
        val_loss, val_acc = evaluate(params, X_val, y_val)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    history["params"] = params
    return history
