"""The registry of diagnosis kinds, and the failure every check raises.

A check that fails raises :class:`CheckFailure`, an ``AssertionError`` that carries a
``kind`` from :data:`KINDS`: what sort of mistake was found (a flipped sign, a factor, a
transposed matrix, ...). Its text ends with a tag, ``[diagnosis: <kind>]``, because a
failure leaves the kernel that raised it only as text (an error output in a notebook, a
message through a pipe); :func:`kind_of` reads the tag back. Everything that reports on
failures (feedback, the instructor's report, the benchmarks) names kinds through this
module and nowhere else.
"""

from __future__ import annotations

import re

__all__ = ["KINDS", "CheckFailure", "kind_of", "untagged", "plain_words"]

KINDS: dict[str, str] = {
    # What a comparison with the right answer can find (bplab.checks.diagnosis).
    "ok": "correct",
    "not-numeric": "not a number",
    "shape": "wrong shape",
    "reshaped": "right numbers, wrong shape",
    "transposed": "transposed",
    "non-finite": "NaN or infinity",
    "sign": "sign flipped",
    "factor": "off by a constant factor",
    "missing-term": "missing or doubled term",
    "swapped": "entries swapped",
    "zeros": "all zeros",
    "mismatch": "wrong values",
    # What calling the student's function can find (bplab.checks.call).
    "not-callable": "not a function",
    "not-implemented": "not attempted",
    "exception": "raised an error",
    "warning": "NumPy warning (unsafe numerics)",
    # What particular checks of the notebooks find.
    "approximate": "finite differences instead of a formula",
    "first-order": "first-order difference",
    "keys": "wrong dict keys",
    "not-a-pair": "wrong return type",
    "tanh-slip": "tanh' written with its input",
    "missing-activation": "activation left out",
    "in-place": "changed its input in place",
    "not-learned": "training did not converge",
    "broadcast": "broadcast gradient not summed back",
    "upstream": "upstream gradient left out",
    "double-counted": "gradient counted more than once",
    "order": "not a topological order",
    "earlier-exercise": "an earlier answer it calls is wrong",
    # What only the grading pipeline can find.
    "assertion": "failed a check",
    "stderr": "wrote to stderr",
    "unconfirmed": "passed only in the student's own kernel",
}

_TAG = re.compile(r"\s*\[diagnosis: ([a-z-]+)\]")


class CheckFailure(AssertionError):
    """A check's verdict that an answer is wrong; its message is the whole feedback.

    Parameters
    ----------
    message : str
        Plain words for the student.
    kind : str, default "mismatch"
        A key of :data:`KINDS`.

    Examples
    --------
    >>> error = CheckFailure("g has the opposite sign.", "sign")
    >>> error.kind, str(error)
    ('sign', 'g has the opposite sign. [diagnosis: sign]')
    """

    def __init__(self, message: str, kind: str = "mismatch") -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of bplab.checks.KINDS; got {kind!r}.")
        super().__init__(f"{message} [diagnosis: {kind}]")
        self.kind = kind
        self.plain_message = message


def kind_of(text: str) -> str | None:
    """The kind a failure's text is tagged with, or None.

    Examples
    --------
    >>> kind_of("CheckFailure: g is not right [diagnosis: factor]")
    'factor'
    >>> kind_of("ZeroDivisionError: division by zero") is None
    True
    """
    found = _TAG.search(text)
    return found.group(1) if found and found.group(1) in KINDS else None


def untagged(text: str) -> str:
    """A failure's text without its tag.

    Examples
    --------
    >>> untagged("g is not right [diagnosis: sign]")
    'g is not right'
    """
    return _TAG.sub("", text).strip()


def plain_words(kind: str) -> str:
    """What ``kind`` means, in a few words for a report (the kind itself if unknown)."""
    return KINDS.get(kind, kind)
