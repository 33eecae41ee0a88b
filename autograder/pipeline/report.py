"""Turn graded results into grades.csv, problems.csv and an HTML report with plots.

The report starts with what needs the instructor (a run without the sandbox, submissions
to review, plagiarism flags, problems), then a plot row per assignment (grade
distribution, pass rate per exercise, the mistakes diagnosed most often), sized to fit
a 1,300-pixel window, then the mistakes as a table.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bplab.checks.kinds import plain_words

from .. import exercise_of
from .plagiarism import Flag
from .progress import format_duration
from .results import Status, SubmissionResult
from .submissions import Problem

__all__ = ["write_grades", "mistakes", "write_outputs", "UNSANDBOXED_NOTE"]

UNSANDBOXED_NOTE = ("These grades were made WITHOUT the sandbox (--no-sandbox): student code "
                    "ran with the grading account's rights, could read other submissions and "
                    "the hidden tests, reach the network and change results. Grade again "
                    "with the sandbox before you rely on them.")
_STYLE = """
body{font-family:sans-serif;max-width:1240px;margin:1em auto;padding:0 1em;color:#222}
img{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;max-width:100%}
td,th{padding:.2em .8em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.danger{background:#b00020;color:#fff;padding:.8em 1em;font-weight:bold;font-size:1.1em}
.flag{color:#8a4b00}
"""


def write_grades(path: str | Path, results: Iterable[SubmissionResult]) -> None:
    """One row per student; a column per assignment's exercise, its total, and the total."""
    columns: list[str] = []
    rows: dict[str, dict[str, str]] = defaultdict(dict)
    for result in sorted(results, key=lambda r: (r.assignment, r.student)):
        row = rows[result.student]
        got_all = 0.0
        for exercise, (got, _) in result.exercise_scores().items():
            column = f"{result.assignment}/{exercise}"
            if column not in columns:
                columns.append(column)
            row[column] = f"{got:g}"
            got_all += got
        total_column = f"{result.assignment}/total"
        if total_column not in columns:
            columns.append(total_column)
        row[total_column] = f"{got_all:g}"
        if result.status is not Status.GRADED:
            row["status"] = (row.get("status", "") + f" {result.assignment}: "
                             f"{result.status}").strip()
        if result.seconds_late > 0:
            row["late"] = (row.get("late", "") + f" {result.assignment}: "
                           f"{format_duration(result.seconds_late)} late").strip()
    columns = sorted(columns, key=lambda c: (c.split("/")[0], c.endswith("/total")))
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "status", "late"])
        for student in sorted(rows):
            row = rows[student]
            total = sum(float(row[c]) for c in columns if c.endswith("/total") and c in row)
            writer.writerow([student, *(row.get(c, "") for c in columns), f"{total:g}",
                             row.get("status", "graded"), row.get("late", "")])


def mistakes(results: Iterable[SubmissionResult]) -> dict[tuple[str, str], Counter]:
    """``{(assignment, exercise): Counter(diagnosis kind)}`` over failing test cells."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for result in results:
        for grade_id, cell in result.cells.items():
            if cell.score < cell.max:
                counts[(result.assignment, exercise_of(grade_id))][cell.diagnosis or
                                                                     "mismatch"] += 1
    return counts


def _figure_png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _plot_mistakes(ax: Any, exercises: list[str], counts: dict[tuple[str, str], Counter],
                   name: str, top: int = 4) -> None:
    """Stacked bars: per exercise, how many failing test cells had each diagnosis."""
    kinds: Counter = Counter()
    for counter in counts.values():
        kinds.update(counter)
    shown = [kind for kind, _ in kinds.most_common(top)]
    rest = ["other"] if len(kinds) > top else []
    left = [0] * len(exercises)
    for colour, kind in enumerate(shown + rest):
        widths = []
        for exercise in exercises:
            counter = counts.get((name, exercise), Counter())
            widths.append(counter[kind] if kind != "other"
                          else sum(n for k, n in counter.items() if k not in shown))
        ax.barh(exercises, widths, left=left, color=f"C{colour}", label=plain_words(kind))
        left = [a + b for a, b in zip(left, widths)]
    ax.set(xlabel="failing test cells", title="mistakes diagnosed most often")
    ax.invert_yaxis()
    if shown:  # below the axes, inside the figure: nothing is cut off at the right
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2,
                  frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)


def _plots(results: Sequence[SubmissionResult]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    by_assignment: dict[str, list[SubmissionResult]] = defaultdict(list)
    for result in results:
        by_assignment[result.assignment].append(result)
    images = []
    for name, group in sorted(by_assignment.items()):
        scores = [r.exercise_scores() for r in group]
        exercises = sorted({ex for s in scores for ex in s})
        percent = [100 * sum(v[0] for v in s.values()) / max(sum(v[1] for v in s.values()), 1)
                   for s in scores]
        passed = [sum(1 for s in scores if s.get(ex, (0, 1))[0] >= s.get(ex, (0, 1))[1])
                  / len(scores) for ex in exercises]
        # 15 x 4.6 inches at 80 dpi: 1,200 pixels wide, inside a 1,300-pixel window
        fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
        left.hist(percent, bins=range(0, 105, 5), color="C0", edgecolor="white")
        left.set(xlabel="grade (%)", ylabel="students", title=f"{name}: grade distribution")
        left.yaxis.get_major_locator().set_params(integer=True)
        middle.barh(exercises, [100 * p for p in passed], color="C2")
        middle.set(xlim=(0, 100), xlabel="students with full marks (%)",
                   title="pass rate per exercise")
        middle.invert_yaxis()
        _plot_mistakes(right, exercises, mistakes(group), name)
        images.append((name, _figure_png(fig)))
    return images


def _attention(results: Sequence[SubmissionResult], problems: Sequence[Problem],
               flags: Sequence[Flag]) -> list[str]:
    parts = []
    review = [r for r in results if r.status is Status.NEEDS_REVIEW]
    checked = [r for r in results if r.status is Status.CHECKED_ONLY]
    for title, group in (("Needs review", review), ("Scored by the independent check only",
                                                    checked)):
        if group:
            parts.append(f"<h3>{title} ({len(group)})</h3><ul>")
            parts += [f"<li>{html.escape(r.student)} / {html.escape(r.assignment)}: "
                      f"{html.escape(r.note)}</li>" for r in group]
            parts.append("</ul>")
    late = [r for r in results if r.seconds_late > 0]
    if late:
        parts.append(f"<h3>Handed in late ({len(late)})</h3><ul>")
        parts += [f"<li>{html.escape(r.student)} / {html.escape(r.assignment)}: "
                  f"{html.escape(format_duration(r.seconds_late))} after the due date</li>"
                  for r in late]
        parts.append("</ul>")
    if flags:
        parts.append(f"<h3>Possible plagiarism ({len(flags)})</h3><p>Answers compared after "
                     "renaming every name and dropping comments, spacing and docstrings; "
                     "a reason to look, not a verdict.</p><ul>")
        parts += [f"<li class='flag'>{html.escape(f.assignment)} / {html.escape(f.cell)}: "
                  f"{html.escape(', '.join(f.students))}: {html.escape(f.what)}</li>"
                  for f in flags]
        parts.append("</ul>")
    if problems:
        parts.append(f"<h3>Not graded ({len(problems)})</h3><ul>")
        parts += [f"<li>{html.escape(p.where)}: {html.escape(p.reason)}</li>" for p in problems]
        parts.append("</ul>")
    withdrawn = sum(1 for r in results for c in r.cells.values() if c.withdrawn)
    if withdrawn:
        parts.append(f"<p>{withdrawn} test cells passed only in the student's own kernel and "
                     "scored 0 (diagnosis: passed only in the student&#x27;s own kernel).</p>")
    if not parts:
        return ["<h2>Needs your attention</h2><p>Nothing: every submission was graded and "
                "confirmed.</p>"]
    return ["<h2>Needs your attention</h2>", *parts]


def write_outputs(out: str | Path, results: Sequence[SubmissionResult],
                  problems: Sequence[Problem], sandboxed: bool = True,
                  flags: Sequence[Flag] = ()) -> None:
    """Write grades.csv, problems.csv and report.html under ``out``."""
    out = Path(out)
    write_grades(out / "grades.csv", results)
    with open(out / "problems.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["where", "reason"])
        writer.writerows((p.where, p.reason) for p in problems)
    unsandboxed = not sandboxed or any(not r.sandboxed for r in results)
    parts = ["<!doctype html><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width'><title>Grading report</title>",
             f"<style>{_STYLE}</style>"]
    if unsandboxed:
        parts.append(f"<p class='danger' role='alert'>{html.escape(UNSANDBOXED_NOTE)}</p>")
    parts.append(f"<h1>Grading report</h1><p>{len(results)} submissions graded; "
                 f"{len(problems)} problems.</p>")
    parts += _attention(results, problems, flags)
    for name, png in (_plots(results) if results else []):
        parts.append(f"<h2>{html.escape(name)}</h2><img alt='plots for {html.escape(name)}' "
                     f"src='data:image/png;base64,{png}'>")
    found = mistakes(results)
    if found:  # a panel with nothing to show is left out
        parts.append("<h2>Mistakes diagnosed most often</h2><table><tr><th>assignment</th>"
                     "<th>exercise</th><th>mistakes (count)</th></tr>")
        for (name, exercise), counter in sorted(found.items()):
            listed = ", ".join(f"{plain_words(kind)} ({n})" for kind, n in counter.most_common())
            parts.append(f"<tr><td>{html.escape(name)}</td><td>{html.escape(exercise)}</td>"
                         f"<td>{html.escape(listed)}</td></tr>")
        parts.append("</table>")
    (out / "report.html").write_text("\n".join(parts))
