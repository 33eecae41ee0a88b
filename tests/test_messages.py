"""Every message a check gives reads as a sentence.

A message is what a student reads under a test cell: a pass line, or a failure with its
diagnosis. Each one must start with a capital or with the name of what it checks, end with
a full stop (or ? or !), and hold no doubled word ("..., exactly is exact"), no doubled
space or punctuation, no space before punctuation, no "1 entries", and balanced brackets.

The messages are found three ways: every message template written in ``bplab.checks``
(found in the source, so a new one is checked the day it is written), rendered with sample
values; every message ``diagnose`` and the assertions give, produced by answers made to
show each mistake; and every label ``bplab.checks`` builds for a check, in the pass line
it ends up in.
"""

import ast
import contextlib
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from bplab.checks import KINDS, assertions, diagnosis

CHECKS = Path(diagnosis.__file__).parent
# Where a template ends with words it does not write, a sample of what goes there.
SAMPLE_TEXT = {"worst": "Largest difference at [0]: yours 1, expected 2 (relative error 0.5).",
               "explanation": "it has the opposite sign to the right answer in every entry.",
               "hint": " It is a single number."}
SAMPLE = "v_1"  # a value or a name put in a template: a variable, never a word of prose
# Where a message goes: the function and the position of the message among its arguments.
SINKS = {"failure": 0, "CheckFailure": 0, "true": 1, "Verdict": 2, "print": 0,
         "ValueError": 0, "TypeError": 0}
# Functions that take the name of what they check first, and print it in a pass line.
NAMED = {"close", "gradient", "formula", "derivative", "mapping", "gradient_dict", "jacobian"}
_FUNCTION_WORDS = {"is", "a", "an", "the", "of", "to", "in", "or", "and", "not", "it", "be",
                   "by", "on", "at", "as", "its", "for", "with"}


def _stem(word):
    word = word.lower()
    for suffix in ("ly", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)]
    return word


def problems(text, subject=None, code_words=frozenset()):
    """What keeps ``text`` from reading as a sentence (an empty list if nothing does).

    ``subject`` is the name of what the message checks, when it is known: the message may
    start with it. A message may also start with code: a word with ``_ ( [ . '`` or a
    digit in it, or one of ``code_words``.

    Examples
    --------
    >>> problems("dW from dense_backward, exactly is exact (tolerance 1e-12).", "dW")
    ['doubled word: exactly ... exact']
    >>> problems("the gradients should be a dict; got tuple")
    ['starts with neither a capital nor a name', 'ends without a full stop']
    """
    found = []
    first = re.split(r"[\s:]", text, maxsplit=1)[0]
    if not (text[:1].isupper() or (subject and text.startswith(subject))
            or re.search(r"[_(\[.'\"0-9]", first) or first in code_words):
        found.append("starts with neither a capital nor a name")
    if not text.rstrip().endswith((".", "?", "!")):
        found.append("ends without a full stop")
    if "  " in text:
        found.append("a doubled space")
    if re.search(r"\s[.,;:!?](\s|$)", text):
        found.append("a space before punctuation")
    if re.search(r"(?<!\.)[.,;:][.,;:](?!\.)", text.replace("...", "")):
        found.append("doubled punctuation")
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        found.append("unbalanced brackets")
    if re.search(r"(?<![\d.e-])\b1 [a-z]+(?<![su])s\b", text):
        found.append("a plural after 1")
    words = [w for w in (token.strip(".,;:!?()'\"") for token in text.split())
             if re.fullmatch(r"[A-Za-z]+", w)]
    for i, word in enumerate(words):
        for later in words[i + 1:i + 3]:
            if word.lower() not in _FUNCTION_WORDS and _stem(word) == _stem(later):
                found.append(f"doubled word: {word} ... {later}")
    return found


def _callee(node):
    function = node.func
    return (function.id if isinstance(function, ast.Name)
            else function.attr if isinstance(function, ast.Attribute) else None)


def _placeholder(value):
    """A sample for one ``{...}`` of an f-string, by its expression and format."""
    spec = "".join(part.value for part in value.format_spec.values
                   if isinstance(part, ast.Constant)) if value.format_spec else ""
    expression = value.value
    if spec[-1:] in ("e", "E", "f", "F", "g", "G", "%"):
        return format(0.25, spec)
    if spec[-1:] == "d":
        return "3"
    if isinstance(expression, ast.Name) and expression.id in SAMPLE_TEXT:
        return SAMPLE_TEXT[expression.id]
    if isinstance(expression, ast.Call) and _callee(expression) == "ended":
        return SAMPLE + "."
    if (isinstance(expression, ast.IfExp) and isinstance(expression.body, ast.Constant)
            and isinstance(expression.body.value, str)):
        return expression.body.value
    return SAMPLE


def render(node):
    """The text of a string template with sample values, or None if it is no template."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else _placeholder(part)
                       for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = render(node.left), render(node.right)
        return None if left is None or right is None else left + right
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("strip", "rstrip") and not node.args):
        text = render(node.func.value)
        return None if text is None else text.strip()
    return None


def _trees():
    return {path.name: ast.parse(path.read_text()) for path in sorted(CHECKS.glob("*.py"))}


def code_words():
    """Every identifier written in bplab.checks: a message may start with one."""
    words = set()
    for tree in _trees().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                words.add(node.id)
            elif isinstance(node, ast.Attribute):
                words.add(node.attr)
            elif isinstance(node, ast.arg):
                words.add(node.arg)
    return frozenset(words)


def templates():
    """``(where, text)`` for every message template of bplab.checks, with sample values."""
    found = []
    for name, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in SINKS:
                position = SINKS[_callee(node)]
                if len(node.args) > position:
                    text = render(node.args[position])
                    if text is not None:
                        found.append((f"{name}:{node.lineno}", text))
    return found


def labels():
    """``(where, text)`` for every name bplab.checks builds for the checks it calls: an
    f-string handed to one, or built up in a variable ``label`` first."""
    found = []
    for name, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in NAMED and node.args:
                text = render(node.args[0])
                if text is not None and not isinstance(node.args[0], ast.Constant):
                    found.append((f"{name}:{node.lineno}", text))
            elif isinstance(node, ast.FunctionDef):
                built = None
                for statement in ast.walk(node):
                    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                            and getattr(statement.targets[0], "id", None) == "label"):
                        built = render(statement.value)
                    elif (isinstance(statement, ast.AugAssign) and built is not None
                          and getattr(statement.target, "id", None) == "label"):
                        built += render(statement.value) or ""
                    else:
                        continue
                    if built is not None:
                        found.append((f"{name}:{statement.lineno}", built))
    return found


def test_the_source_holds_the_templates_and_labels():
    """A scan that found nothing would pass vacuously."""
    found = [text for _, text in templates()]
    assert len(found) >= 30
    assert any(text.endswith("is exact (largest relative error v_1, tolerance 0.25).")
               for text in found)
    assert len(labels()) >= 10


@pytest.mark.parametrize("where, text", templates())
def test_every_template_reads_as_a_sentence(where, text):
    assert problems(text, SAMPLE, code_words()) == [], text


@pytest.mark.parametrize("where, label", labels())
def test_every_label_reads_well_in_its_pass_line(where, label):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assertions.close(label, np.ones(2), np.ones(2))
        assertions.formula(label, np.ones(2), np.ones(2))
    for line in out.getvalue().splitlines():
        assert problems(line, label) == [], line


def _diagnoses():
    """``(kind, message)`` from answers made to show every mistake diagnose names."""
    right = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.5]])
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    term = np.full(right.shape, 0.125)
    answers = [
        ("y_hat", "abc", right, {}),
        ("y_hat", right.ravel(), right, {}),
        ("y_hat", right.T, right, {}),
        ("y_hat", np.ones(4), right, {}),
        ("y_hat", 1.0, right, {}),
        ("loss", np.ones(3), np.array(1.0), {}),
        ("y_hat", np.where(right > 2, np.nan, right), right, {}),
        ("y_hat", right, right, {}),
        ("y_hat", np.zeros_like(right), right, {}),
        ("y_hat", -right, right, {}),
        ("y_hat", right - term, right, {"terms": {"the term lam * w": term}}),
        ("y_hat", right - 2 * term, right, {"terms": {"the term lam * w": term}}),
        ("y_hat", right + term, right, {"terms": {"the term lam * w": term}}),
        ("y_hat", 2 * right, right, {}),
        ("y_hat", 0.5 * right, right, {}),
        ("y_hat", -2 * right, right, {}),
        ("y_hat", -0.5 * right, right, {}),
        ("y_hat", 4 * right, right, {"batch_size": 4}),
        ("y_hat", right / 4, right, {"batch_size": 4}),
        ("y_hat", 3 * right, right, {}),
        ("W1", square.T, square, {}),
        ("y_hat", right.ravel()[[1, 0, 2, 3, 4, 5]].reshape(2, 3), right, {}),
        ("y_hat", right + np.eye(2, 3), right, {}),
        ("y_hat", right + 1.0, right, {}),
        ("y_hat", right * np.array([[1, 1, 1], [1, 1, 2]]), right, {}),
        ("loss", 2.5, np.array(1.0), {}),
    ]
    return [(verdict.kind, name, verdict.message) for name, actual, expected, options in answers
            for verdict in [diagnosis.diagnose(name, actual, expected, **options)]]


def test_diagnose_names_every_mistake_it_knows_in_a_sentence():
    found = _diagnoses()
    named = {kind for kind, _, _ in found}
    assert named == {"ok", "not-numeric", "shape", "reshaped", "transposed", "non-finite",
                     "sign", "factor", "missing-term", "swapped", "zeros", "mismatch"}
    assert named <= set(KINDS)
    for _, name, message in found:
        assert problems(message, name) == [], message


def _failure(check, *args, **kwargs):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(*args, **kwargs)
    except AssertionError as error:
        return error.plain_message
    raise AssertionError(f"{check.__name__}{args} passed")


def _not_written(x):
    raise NotImplementedError()


def _overflows(x):
    return np.exp(np.asarray(x) * 1000.0)


def _warns(x):
    warnings.warn("a note of its own", UserWarning)
    return x


def test_every_assertion_fails_and_passes_in_sentences():
    w = np.array([0.5, -1.0])
    failures = [
        _failure(assertions.call, "mse(y_hat, t)", 3),
        _failure(assertions.call, "mse(y_hat, t)", _not_written, 1.0),
        _failure(assertions.call, "mse(y_hat, t)", lambda x: 1 / 0, 1.0),
        _failure(assertions.call, "mse(y_hat, t)", lambda x: [][1], 1.0),
        _failure(assertions.call, "mse(y_hat, t)", _overflows, 1.0),
        _failure(assertions.close, "y_hat", -1.0, 1.0),
        _failure(assertions.mapping, "bars", {"a": 3.0}, {"a": 3.0, "b": 6.0}),
        _failure(assertions.mapping, "bars", [3.0], {"a": 3.0}),
        _failure(assertions.mapping, "bars", {"a": "three"}, {"a": 3.0}),
        _failure(assertions.mapping, "bars", {"a": 3.0, "b": 5.0}, {"a": 3.0, "b": 6.0}),
        _failure(assertions.gradient, "g", -np.cos(w), lambda v: float(np.sum(np.sin(v))), w),
        _failure(assertions.formula, "g", np.array([2.0 + 1e-9, -4.0]), np.array([2.0, -4.0])),
        _failure(assertions.derivative, "sigmoid_grad(z)", -np.cos(w), np.sin, w),
        _failure(assertions.true, False, "Every entry of y_hat should be finite."),
    ]
    for message in failures:
        assert problems(message, code_words=code_words() | {"bars", "g"}) == [], message
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assertions.call("f(x)", _warns, 1.0)
        assertions.close("y_hat", 1.0, 1.0)
        assertions.mapping("bars", {"a": 3.0}, {"a": 3.0})
        assertions.gradient("g", np.cos(w), lambda v: float(np.sum(np.sin(v))), w)
        assertions.formula("g", w, w)
        assertions.derivative("sigmoid_grad(z)", np.cos(w), np.sin, w)
    lines = out.getvalue().splitlines()
    assert len(lines) == 6
    for line in lines:
        assert problems(line, code_words={"bars", "g"}) == [], line
    with pytest.raises(ValueError) as unresolved:
        assertions.gradient("g", np.zeros(2), lambda v: 1.0 + 1e-30 * float(np.sum(v)), w)
    assert problems(str(unresolved.value)) == []


@pytest.mark.parametrize("text", [
    "dW from dense_backward (hidden: N=1), exactly is exact (tolerance 1e-12).",
    "the gradients should be a dict; got tuple.",
    "new_params should have the keys ('W1',); got ('W2',)",
    "y_hat is not right:  it is zero.",
    "y_hat is not right: 1 of 1 entries differ.",
    "g is not right: it is twice the value (see [0.",
    "Calling f raised ValueError: bad input..",
])
def test_the_rules_catch_what_does_not_read_as_a_sentence(text):
    assert problems(text, code_words={"y_hat", "g"}) != []
