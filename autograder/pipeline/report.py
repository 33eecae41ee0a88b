"""Turn graded results into grades.csv, problems.csv and an HTML report with plots."""

import base64
import csv
import html
import io
from collections import Counter, defaultdict
from pathlib import Path

from bplab.checks.kinds import plain_words

from .. import exercise_of

__all__ = ["exercise_scores", "write_grades", "mistakes", "write_outputs"]



def exercise_scores(result):
    """``{exercise: (score, max)}`` for one result, summing its test cells."""
    totals = defaultdict(lambda: [0.0, 0.0])
    for grade_id, cell in result["cells"].items():
        entry = totals[exercise_of(grade_id)]
        entry[0] += cell["score"]
        entry[1] += cell["max"]
    return {ex: tuple(v) for ex, v in sorted(totals.items())}


def write_grades(path, results):
    """One row per student; a column per assignment's exercise, its total, and the total."""
    columns, rows = [], defaultdict(dict)
    for result in sorted(results, key=lambda r: (r["assignment"], r["student"])):
        row = rows[result["student"]]
        got_all = 0.0
        for exercise, (got, top) in exercise_scores(result).items():
            column = f"{result['assignment']}/{exercise}"
            if column not in columns:
                columns.append(column)
            row[column] = f"{got:g}"
            got_all += got
        total_column = f"{result['assignment']}/total"
        if total_column not in columns:
            columns.append(total_column)
        row[total_column] = f"{got_all:g}"
        if result["status"] != "graded":
            row["status"] = (row.get("status", "") + f" {result['assignment']}: "
                             f"{result['status']}").strip()
    columns = sorted(columns, key=lambda c: (c.split("/")[0], c.endswith("/total")))
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "status"])
        for student in sorted(rows):
            row = rows[student]
            total = sum(float(row[c]) for c in columns if c.endswith("/total") and c in row)
            writer.writerow([student, *(row.get(c, "") for c in columns), f"{total:g}",
                             row.get("status", "graded")])


def mistakes(results):
    """``{(assignment, exercise): Counter(diagnosis kind)}`` over failing test cells."""
    counts = defaultdict(Counter)
    for result in results:
        for grade_id, cell in result["cells"].items():
            if cell["score"] < cell["max"]:
                kind = cell.get("diagnosis") or "mismatch"
                counts[(result["assignment"], exercise_of(grade_id))][kind] += 1
    return counts


def _figure_png(fig):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _plot_mistakes(ax, exercises, counts, name, top=4):
    """Stacked bars: per exercise, how many failing test cells had each diagnosis."""
    kinds = Counter()
    for (_, _), counter in counts.items():
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
        ax.barh(exercises, widths, left=left, color=f"C{colour}",
                label=plain_words(kind))
        left = [a + b for a, b in zip(left, widths)]
    ax.set(xlabel="failing test cells", title="mistakes diagnosed most often")
    ax.invert_yaxis()
    if shown:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.xaxis.get_major_locator().set_params(integer=True)


def _plots(results):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    by_assignment = defaultdict(list)
    for result in results:
        by_assignment[result["assignment"]].append(result)
    images = []
    for name, group in sorted(by_assignment.items()):
        scores = [exercise_scores(r) for r in group]
        exercises = sorted({ex for s in scores for ex in s})
        percent = [100 * sum(v[0] for v in s.values()) / max(sum(v[1] for v in s.values()), 1)
                   for s in scores]
        passed = [sum(1 for s in scores if s.get(ex, (0, 1))[0] >= s.get(ex, (0, 1))[1])
                  / len(scores) for ex in exercises]
        fig, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 3.8), layout="constrained")
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


def write_outputs(out, results, problems):
    """Write grades.csv, problems.csv and report.html under ``out``."""
    out = Path(out)
    write_grades(out / "grades.csv", results)
    with open(out / "problems.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["where", "reason"])
        writer.writerows((p.where, p.reason) for p in problems)
    parts = ["<!doctype html><meta charset='utf-8'><title>Grading report</title>",
             "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
             "td,th{padding:.2em .8em;text-align:left}</style>",
             f"<h1>Grading report</h1><p>{len(results)} submissions graded; "
             f"{len(problems)} problems.</p>"]
    for name, png in (_plots(results) if results else []):
        parts.append(f"<h2>{html.escape(name)}</h2><img alt='plots for {html.escape(name)}' "
                     f"src='data:image/png;base64,{png}'>")
    parts.append("<h2>Mistakes diagnosed most often</h2><table><tr><th>assignment</th>"
                 "<th>exercise</th><th>mistakes (count)</th></tr>")
    for (name, exercise), counter in sorted(mistakes(results).items()):
        listed = ", ".join(f"{plain_words(kind)} ({n})" for kind, n in counter.most_common())
        parts.append(f"<tr><td>{html.escape(name)}</td><td>{html.escape(exercise)}</td>"
                     f"<td>{html.escape(listed)}</td></tr>")
    parts.append("</table>")
    review = [r for r in results if r["status"] != "graded"]
    if review or problems:
        parts.append("<h2>Needs your attention</h2><ul>")
        parts += [f"<li>{html.escape(r['student'])} / {html.escape(r['assignment'])}: "
                  f"{html.escape(r['note'])}</li>" for r in review]
        parts += [f"<li>{html.escape(p.where)}: {html.escape(p.reason)}</li>" for p in problems]
        parts.append("</ul>")
    (out / "report.html").write_text("\n".join(parts))
