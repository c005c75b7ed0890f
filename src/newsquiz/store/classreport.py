"""The class report as text, CSV, JSON or one self-contained HTML file.

The HTML file has no script, no external link (fonts, styles, images are all inline) and
prints on A4; every text from the class (names, questions, answers) is escaped.  CSV has
one section per table (a ``section`` column first), with the same protection against
spreadsheet formulas as ``export``.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from newsquiz.store.classroom import ClassReport
from newsquiz.store.export import _cell
from newsquiz.text import clean


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _opt(value: Any, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def render(report: ClassReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(report)
    if fmt == "html":
        return _html(report)
    return _text(report)


def _text(r: ClassReport) -> str:
    out = [f"Class {clean(r.name)} — {r.total_answers} answers", "", "Students"]
    if not r.students:
        out.append("  (no student has played yet)")
    for s in r.students:
        out.append(
            f"  {clean(s.name)}: {s.attempts} attempt(s), {s.finished} finished, "
            f"best {_opt(s.best_percent, '%')}, latest {_opt(s.latest_percent, '%')}, "
            f"{round(s.seconds / 60, 1)} min, {s.answers} answers"
        )
    out += ["", "Questions (first answers)"]
    for q in r.questions:
        bar = "#" * round(10 * (q.success or 0))
        out.append(
            f"  [{bar:<10}] {_pct(q.success):>4}  {clean(q.scenario_title)}: {clean(q.question)}"
        )
        extra = (
            f"; most chosen wrong: {clean(q.most_chosen_wrong)} (×{q.most_chosen_wrong_count})"
            if q.most_chosen_wrong
            else ""
        )
        out.append(
            f"                    {q.correct}/{q.answered} right, median "
            f"{_opt(q.median_seconds, 's')}, hints used by {q.hint_uses}{extra}"
        )
    out += ["", "Scenarios"]
    for sc in r.scenarios:
        endings = ", ".join(f"{clean(t)} ×{n}" for t, n in sorted(sc.endings.items()))
        out.append(
            f"  {clean(sc.title)}: {sc.attempts} attempt(s), {sc.finished} finished "
            f"({_pct(sc.completion)} of those played here), {sc.imported} imported"
            + (f"; endings: {endings}" if endings else "")
        )
    return "\n".join(out) + "\n"


def _csv(r: ClassReport) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(
        ["section", "name", "attempts", "finished", "best_percent", "latest_percent",
         "seconds", "answers"]
    )  # fmt: skip
    for s in r.students:
        w.writerow([_cell(v) for v in (
            "student", s.name, s.attempts, s.finished, s.best_percent, s.latest_percent,
            round(s.seconds, 1), s.answers)])  # fmt: skip
    w.writerow([])
    w.writerow(
        ["section", "scenario_id", "question_id", "question", "answered", "correct",
         "success_rate", "most_chosen_wrong", "most_chosen_wrong_count", "median_seconds",
         "hint_uses"]
    )  # fmt: skip
    for q in r.questions:
        rate = None if q.success is None else round(q.success, 4)
        w.writerow([_cell(v) for v in (
            "question", q.scenario_id, q.node_id, q.question, q.answered, q.correct, rate,
            q.most_chosen_wrong, q.most_chosen_wrong_count, q.median_seconds,
            q.hint_uses)])  # fmt: skip
    w.writerow([])
    w.writerow(["section", "scenario_id", "title", "attempts", "finished", "imported",
                "completion_rate", "endings"])  # fmt: skip
    for sc in r.scenarios:
        rate = None if sc.completion is None else round(sc.completion, 4)
        endings = "; ".join(f"{t} ×{n}" for t, n in sorted(sc.endings.items()))
        w.writerow([_cell(v) for v in (
            "scenario", sc.scenario_id, sc.title, sc.attempts, sc.finished, sc.imported, rate,
            endings)])  # fmt: skip
    return buf.getvalue()


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ccc; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.bar { width: 160px; height: 12px; background: #eee; border: 1px solid #999; }
.bar > div { height: 100%; background: #2a7; }
@media print { body { margin: 1cm; } .bar > div { -webkit-print-color-adjust: exact;
  print-color-adjust: exact; } tr { page-break-inside: avoid; } }
"""


def _e(value: Any) -> str:
    return html.escape(clean(str(value)), quote=True)


def _html(r: ClassReport) -> str:
    rows = []
    for s in r.students:
        rows.append(
            f"<tr><td>{_e(s.name)}</td><td class=num>{s.attempts}</td>"
            f"<td class=num>{s.finished}</td><td class=num>{_e(_opt(s.best_percent, '%'))}</td>"
            f"<td class=num>{_e(_opt(s.latest_percent, '%'))}</td>"
            f"<td class=num>{round(s.seconds / 60, 1)} min</td></tr>"
        )
    students = "\n".join(rows) or "<tr><td colspan=6>No student has played yet.</td></tr>"
    rows = []
    for q in r.questions:
        width = round(100 * (q.success or 0))
        wrong = (
            f"{_e(q.most_chosen_wrong)} (×{q.most_chosen_wrong_count})"
            if q.most_chosen_wrong
            else "—"
        )
        rows.append(
            f"<tr><td>{_e(q.scenario_title)}</td><td>{_e(q.question)}</td>"
            f'<td><div class=bar role=img aria-label="{_pct(q.success)} right">'
            f'<div style="width:{width}%"></div></div></td>'
            f"<td class=num>{_e(_pct(q.success))} ({q.correct}/{q.answered})</td>"
            f"<td>{wrong}</td><td class=num>{_e(_opt(q.median_seconds, ' s'))}</td>"
            f"<td class=num>{q.hint_uses}</td></tr>"
        )
    questions = "\n".join(rows) or "<tr><td colspan=7>No answers yet.</td></tr>"
    rows = []
    for sc in r.scenarios:
        endings = "<br>".join(f"{_e(t)} ×{n}" for t, n in sorted(sc.endings.items())) or "—"
        rows.append(
            f"<tr><td>{_e(sc.title)}</td><td class=num>{sc.attempts}</td>"
            f"<td class=num>{sc.finished}</td><td class=num>{_e(_pct(sc.completion))}</td>"
            f"<td class=num>{sc.imported}</td><td>{endings}</td></tr>"
        )
    scenarios = "\n".join(rows) or "<tr><td colspan=6>No attempts yet.</td></tr>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Class {_e(r.name)} — newsquiz report</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Class {_e(r.name)}</h1>
<p>{r.total_answers} answers. Success rates count first answers only.</p>
<h2>Students</h2>
<table>
<tr><th>Student</th><th>Attempts</th><th>Finished</th><th>Best</th><th>Latest</th><th>Time</th></tr>
{students}
</table>
<h2>Questions</h2>
<table>
<tr><th>Scenario</th><th>Question</th><th>Success</th><th></th><th>Most chosen wrong answer</th>
<th>Median time</th><th>Hints</th></tr>
{questions}
</table>
<h2>Scenarios</h2>
<table>
<tr><th>Scenario</th><th>Attempts</th><th>Finished</th><th>Completion</th><th>Imported</th>
<th>Endings reached</th></tr>
{scenarios}
</table>
</body>
</html>
"""
