"""The digits shipped in bplab, their split, and training on them to the notebook's target."""

import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pytest

from bplab import classifier, digits, training

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bplab" / "data" / "digits.npz"


def test_the_data_ship_inside_the_package_and_are_small():
    assert DATA.is_file() and DATA.stat().st_size < 300_000
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "data/*.npz" in config["tool"]["setuptools"]["package-data"]["bplab"]


def test_load_digits_shapes_range_and_classes():
    X, y = digits.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.all(np.isclose(X * 16, np.round(X * 16)))  # pixels were counts 0..16
    assert set(np.unique(y)) == set(range(10))
    assert np.bincount(y).min() >= 170


def test_load_digits_returns_a_fresh_copy():
    X, y = digits.load_digits()
    X[:] = -1.0
    y[:] = 3
    X2, y2 = digits.load_digits()
    assert X2.min() == 0.0 and len(set(y2)) == 10


def test_split_is_a_stratified_partition():
    X, y = digits.load_digits()
    ids = np.arange(len(y), dtype=np.float64)[:, None]
    parts = digits.split(ids, y, seed=5)
    seen = np.concatenate([part[0][:, 0] for part in parts.values()]).astype(int)
    assert sorted(seen) == list(range(len(y)))
    for name, share in (("train", 0.6), ("val", 0.2), ("test", 0.2)):
        X_part, y_part = parts[name]
        assert np.array_equal(y[X_part[:, 0].astype(int)], y_part)
        proportions = np.bincount(y_part, minlength=10) / np.bincount(y)
        assert np.all(np.abs(proportions - share) < 0.01), name


def test_split_is_deterministic_for_a_seed_and_changes_with_it():
    first, again = digits.load_splits(seed=0), digits.load_splits(seed=0)
    other = digits.load_splits(seed=1)
    for name in digits.SPLITS:
        assert np.array_equal(first[name][0], again[name][0])
        assert np.array_equal(first[name][1], again[name][1])
    assert not np.array_equal(first["test"][0], other["test"][0])


def test_course_split_sizes():
    sizes = {name: len(part[1]) for name, part in digits.load_splits().items()}
    assert sizes == {"train": 1079, "val": 359, "test": 359}


@pytest.mark.parametrize("kwargs, error, words", [
    ({"fractions": (0.7, 0.2, 0.2)}, ValueError, "summing to 1"),
    ({"fractions": (0.8, 0.2)}, ValueError, "three positive shares"),
    ({"y": np.zeros(3, dtype=int)}, ValueError, "one per row of X"),
    ({"y": np.zeros(4)}, ValueError, "integer labels"),
    ({"seed": 0.5}, TypeError, "seed must be a whole number"),
])
def test_split_names_what_is_wrong(kwargs, error, words):
    args = {"X": np.zeros((4, 2)), "y": np.array([0, 1, 0, 1])}
    args.update(kwargs)
    with pytest.raises(error, match=words):
        digits.split(**args)


def test_early_stopping_returns_the_best_epoch_and_stops_after_patience():
    splits = digits.load_splits()
    (X, y), (X_val, y_val) = splits["train"], splits["val"]
    rng = np.random.default_rng(1)
    params, history = training.train(classifier.he_init([64, 32, 10], rng), X[:150], y[:150],
                                      X_val, y_val, lr=0.5, batch_size=10, epochs=200,
                                      patience=4, rng=rng)
    best = history["best_epoch"]
    assert len(history["val_loss"]) == best + 5 < 200
    val_loss, _ = training.evaluate(params, X_val, y_val)
    assert val_loss == pytest.approx(min(history["val_loss"]), rel=1e-12)
    assert {len(history[key]) for key in training.HISTORY_KEYS} == {best + 5}


def test_learning_curve_is_reproducible():
    first = training.learning_curve(lr=0.1, width=8, batch_size=128, epochs=2, seed=3)
    again = training.learning_curve(lr=0.1, width=8, batch_size=128, epochs=2, seed=3)
    assert first == again


def test_reference_training_reaches_the_notebook_target():
    splits = digits.load_splits()
    rng = np.random.default_rng(0)
    params, _ = training.train(classifier.he_init([64, 64, 10], rng), *splits["train"],
                               *splits["val"], lr=0.2, batch_size=32, epochs=100, patience=10,
                               rng=rng)
    X_test, y_test = splits["test"]
    assert classifier.accuracy(classifier.predict(params, X_test), y_test) >= 0.95


@pytest.mark.slow
def test_the_solution_notebook_reaches_95_percent_from_a_clean_kernel(tmp_path):
    """Run the built solution of notebook 9 top to bottom, then score its network here."""
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "solutions" / "09_capstone" / "09_capstone.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _json\n"
        "_X, _y = bp.digits.load_splits()['test']\n"
        "with bp.course.references_unlocked():\n"
        "    _labels = bp.classifier.predict(params_digits, _X)\n"
        "print(_json.dumps({'accuracy': float(np.mean(_labels == _y))}))"))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    accuracy = float(text.strip().splitlines()[-1].split(":")[1].strip(" }"))
    assert accuracy >= 0.95


def test_the_pictures_draw_headless():
    import matplotlib.pyplot as plt

    from bplab.explore import digits as explore_digits

    X, y = digits.load_splits()["test"]
    labels = np.where(np.arange(len(y)) % 7 == 0, (y + 1) % 10, y)
    ax = explore_digits.plot_misclassified(X, y, labels, limit=12)
    assert len(ax.texts) == 12
    ax = explore_digits.plot_confusion(classifier.confusion_matrix(y, labels))
    assert "of 359 right" in ax.get_title()
    history = {"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "train_acc": [0.5, 0.8],
               "val_acc": [0.4, 0.7], "best_epoch": 1}
    axes = explore_digits.plot_learning_curves(history)
    assert len(axes[0].lines) == 3
    fig, axes = plt.subplots(1, 2)
    assert 0.0 <= explore_digits.draw_curves(axes, lr=0.1, width=8, batch_size=256) <= 1.0
    plt.close("all")
