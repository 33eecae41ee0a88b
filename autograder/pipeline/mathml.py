"""TeX in a rendered page turned into MathML, which browsers draw without any script.

Feedback pages are read on hubs without internet, where MathJax (fetched from a CDN)
never arrives and formulas would stay raw ``$\\frac{a}{b}$``. :func:`tex_to_mathml` finds
``$$...$$``, ``$...$``, ``\\[...\\]`` and ``\\(...\\)`` in the text of an HTML fragment
(already sanitised, so the TeX arrives HTML-escaped) and replaces each with the MathML
that ``latex2mathml`` makes of it; a formula it cannot convert stays as it was.
"""

from __future__ import annotations

import html
import re

__all__ = ["tex_to_mathml"]

_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$(?!\s)(.+?)(?<![\s\\])\$",
                   re.S)
_TAG = re.compile(r"(<[^>]*>)")


def _convert(match: re.Match[str]) -> str:
    from latex2mathml.converter import convert

    display = match.group(1) is not None or match.group(2) is not None
    tex = html.unescape(next(g for g in match.groups() if g is not None)).strip()
    try:
        return convert(tex, display="block" if display else "inline")
    except Exception:  # TeX that latex2mathml does not know: keep the source
        return match.group(0)


def tex_to_mathml(fragment: str) -> str:
    """``fragment`` with every formula in its text as MathML (see the module docstring).

    Examples
    --------
    >>> tex_to_mathml("<p>so $x^2$ grows</p>").startswith("<p>so <math")
    True
    >>> tex_to_mathml("<p>costs $5 and $6</p>")
    '<p>costs $5 and $6</p>'
    """
    parts = _TAG.split(str(fragment))
    # math may span inline tags (<em>), so convert the text between block boundaries
    out, text = [], []
    for part in parts:
        if part.startswith("<"):
            out.append(_MATH.sub(_convert, "".join(text)))
            out.append(part)
            text = []
        else:
            text.append(part)
    out.append(_MATH.sub(_convert, "".join(text)))
    return "".join(out)
