"""The gradient-checking problems of :mod:`bench.gradcheck`: the course's own functions.

Each :class:`Problem` holds functions to differentiate, the points, the exact gradient
(from a formula or backprop), and wrong gradients with the mistakes students make: a
flipped sign, a factor of 2, a transposed matrix (or, for Booth, swapped partial
derivatives) and a missing term. The losses carry an L2 regulariser
``lam / 2 * sum ||W||^2`` so that "missing term" is the classic one: its gradient
``lam * W`` left out.
"""

from dataclasses import dataclass, field

import numpy as np

from bplab import booth, mlp, net221

__all__ = ["LAM", "Problem", "booth_problem", "net221_problem", "mlp_problem", "flatten",
           "stacked_mlp_loss", "mlp_vectorized_problem", "all_problems"]

LAM = 0.1


@dataclass
class Problem:
    """Functions, points and gradients, keyed alike (``"W1"``, ``"df_dx"``, ...)."""

    label: str
    functions: dict
    points: dict
    exact: dict
    mistakes: dict
    terms: dict = field(default_factory=dict)
    elementwise: bool = False
    vectorized: bool = False
    single: dict = None
    loop: object = None
    note: str = ""

    @property
    def keys(self):
        return list(self.exact)


def _plain_loop(problem):
    def loop(loop_gradient):
        single = problem.single or problem.functions
        return {k: loop_gradient(single[k], problem.points[k]) for k in problem.keys}

    return loop


def _finish(problem):
    problem.loop = problem.loop or _plain_loop(problem)
    return problem


def booth_problem(n_points, seed=0):
    """Booth's gradient at ``n_points`` random points of [-10, 10]^2."""
    rng = np.random.default_rng(seed)
    X, Y = rng.uniform(-10, 10, n_points), rng.uniform(-10, 10, n_points)
    gx, gy = booth.booth_grad(X, Y)
    u = X + 2 * Y - 7
    exact = {"df_dx": gx, "df_dy": gy}

    def loop(loop_gradient):
        # the baseline sees one point at a time: f of a 2-vector, entry by entry
        grads = np.array([loop_gradient(lambda v: booth.booth(v[0], v[1]), np.array([x, y]))
                          for x, y in zip(X, Y)])
        return {"df_dx": grads[:, 0], "df_dy": grads[:, 1]}

    return Problem(
        f"Booth, {n_points:,} points", elementwise=True, loop=loop,
        functions={"df_dx": lambda a: booth.booth(a, Y), "df_dy": lambda b: booth.booth(X, b)},
        points={"df_dx": X, "df_dy": Y}, exact=exact,
        mistakes={"sign": {"df_dx": -gx, "df_dy": -gy},
                  "factor 2": {"df_dx": 2 * gx, "df_dy": 2 * gy},
                  "swapped partials": {"df_dx": gy, "df_dy": gx},
                  "missing term": {"df_dx": 2 * u, "df_dy": 4 * u}})


def _mistakes(exact, key, lam_w):
    """Wrong gradients: one parameter's gradient spoiled four ways, the others right."""
    spoiled = {"sign": -exact[key], "factor 2": 2 * exact[key], "transposed": exact[key].T,
               "missing term": exact[key] - lam_w}
    return {name: {**exact, key: value} for name, value in spoiled.items()}


def _regulariser(params, key, value):
    return 0.5 * LAM * sum(np.sum((value if k == key else v) ** 2)
                           for k, v in params.items() if k.startswith("W"))


def _terms(params):
    return {k: {f"the L2 regulariser's gradient lam * {k}": LAM * v}
            for k, v in params.items() if k.startswith("W")}


def net221_problem(seed=4):
    """The 2-2-1 tanh network's gradients at a random network and example."""
    rng = np.random.default_rng(seed)
    params = net221.init_params(rng)
    x, t = rng.standard_normal(2), 0.3
    exact = net221.backward(x, t, params, net221.forward(x, params))
    exact = {k: g + (LAM * params[k] if k.startswith("W") else 0) for k, g in exact.items()}
    functions = {k: (lambda v, k=k: net221.loss_at(x, t, params, k, v)
                     + _regulariser(params, k, v)) for k in params}
    return _finish(Problem("2-2-1 tanh net, 9 weights", functions, dict(params), exact,
                           _mistakes(exact, "W1", LAM * params["W1"]), _terms(params)))


def _mlp_setup(sizes):
    params, X, t = mlp.example_problem(sizes, 16, seed=7, loss="mse")
    _, grads = mlp.loss_and_grads(params, X, t, hidden="tanh", output="sigmoid", loss="mse")
    exact = {k: g + (LAM * params[k] if k.startswith("W") else 0) for k, g in grads.items()}
    return params, X, t, exact


def _size(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def mlp_problem(sizes):
    """An MLP (tanh hidden, sigmoid output, mean squared error), checked key by key."""
    params, X, t, exact = _mlp_setup(sizes)
    functions = {k: (lambda v, k=k: mlp.loss_of(params, X, t, k, hidden="tanh")(v)
                     + _regulariser(params, k, v)) for k in params}
    label = f"MLP {'-'.join(map(str, sizes))}, {_size(sizes):,} params, key by key"
    return _finish(Problem(label, functions, dict(params), exact,
                           _mistakes(exact, "W2", LAM * params["W2"]), _terms(params)))


def flatten(arrays):
    """One vector of every array's entries, in the dict's order."""
    return np.concatenate([np.ravel(a) for a in arrays.values()])


def stacked_mlp_loss(thetas, shapes, X, t):
    """The regularised MLP loss of each row of ``thetas`` (k, P): shape (k,).

    The same arithmetic as ``mlp.loss_of`` plus the regulariser, for a stack of
    flattened parameter vectors at once (``numdiff.gradient(..., vectorized=True)``).
    """
    thetas = np.asarray(thetas, dtype=np.float64)
    k, offset = thetas.shape[0], 0
    A, reg = X[None], np.zeros(k)
    layers = len(shapes) // 2
    for layer in range(1, layers + 1):
        (n_out, n_in), _ = shapes[f"W{layer}"], shapes[f"b{layer}"]
        W = thetas[:, offset:offset + n_out * n_in].reshape(k, n_out, n_in)
        b = thetas[:, offset + n_out * n_in:offset + n_out * n_in + n_out]
        offset += n_out * n_in + n_out
        Z = A @ W.transpose(0, 2, 1) + b[:, None, :]
        A = np.tanh(Z) if layer < layers else 1.0 / (1.0 + np.exp(-Z))
        reg += 0.5 * LAM * np.sum(W * W, axis=(1, 2))
    return np.sum((A - t) ** 2, axis=(1, 2)) / len(X) + reg


def mlp_vectorized_problem(sizes):
    """The same MLP, every parameter in one vector, all perturbed copies in one call."""
    params, X, t, exact = _mlp_setup(sizes)
    shapes = {k: v.shape for k, v in params.items()}
    theta = flatten(params)
    stacked = lambda thetas: stacked_mlp_loss(thetas, shapes, X, t)  # noqa: E731
    single = lambda th: float(stacked(th[None])[0])  # noqa: E731
    mistakes = {name: {"theta": flatten(grads)}
                for name, grads in _mistakes(exact, "W2", LAM * params["W2"]).items()}
    reg = flatten({k: (LAM * v if k.startswith("W") else 0 * v) for k, v in params.items()})
    label = f"MLP {'-'.join(map(str, sizes))}, {theta.size:,} params, vectorized=True"
    return _finish(Problem(label, {"theta": stacked}, {"theta": theta},
                           {"theta": flatten(exact)}, mistakes,
                           {"theta": {"the L2 regulariser's gradient lam * W": reg}},
                           vectorized=True, single={"theta": single},
                           note="each mistake spoils W2 only, one block of the flat vector, so "
                                "the diagnosis sees part of it change and cannot name it"))


def all_problems(quick=False):
    """The problems of the table: small ones when ``quick``."""
    sizes = [4, 6, 6, 2] if quick else [8, 24, 24, 8]
    return [booth_problem(500 if quick else 10_000), net221_problem(), mlp_problem(sizes),
            mlp_vectorized_problem(sizes)]
