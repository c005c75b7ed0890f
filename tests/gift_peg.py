"""Our GIFT tree in the shape of the GIFT-grammar-PEG.js parse trees (the corpus's JSON)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from newsquiz.authoring import gift as g


def _num(d: Decimal | None) -> float | int | None:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def _text(t: g.GiftText | None) -> dict[str, str] | None:
    return None if t is None else {"format": t.format, "text": t.text}


def _weight(a: g.Answer | g.NumericAnswer) -> float | int | None:
    return _num(a.weight)


def _numeric_text(a: g.NumericAnswer) -> dict[str, Any]:
    if a.form == "range":
        return {"type": "high-low", "numberHigh": _num(a.high), "numberLow": _num(a.low)}
    if a.form == "simple":
        return {"type": "simple", "number": _num(a.value)}
    return {"type": "range", "number": _num(a.value), "range": _num(a.tolerance)}


def to_peg(item: g.Item) -> dict[str, Any]:
    if isinstance(item, g.Category):
        return {"type": "Category", "title": item.path}
    out: dict[str, Any] = {
        "id": item.id or None,
        "tags": list(item.tags) or None,
        "title": item.title or None,
        "stem": _text(item.stem),
        "hasEmbeddedAnswers": item.embedded,
    }
    if isinstance(item, g.Description):
        out["type"] = "Description"
        return out
    out["globalFeedback"] = _text(item.general_feedback)
    if isinstance(item, g.Essay):
        out["type"] = "Essay"
    elif isinstance(item, g.TrueFalse):
        out.update(
            type="TF",
            isTrue=item.answer,
            trueFeedback=_text(item.wrong_feedback),
            falseFeedback=_text(item.right_feedback),
        )
    elif isinstance(item, (g.MultipleChoice, g.ShortAnswer)):
        out["type"] = "MC" if isinstance(item, g.MultipleChoice) else "Short"
        out["choices"] = [
            {
                "isCorrect": a.correct,
                "weight": _weight(a),
                "text": _text(a.text),
                "feedback": _text(a.feedback),
            }
            for a in item.answers
        ]
    elif isinstance(item, g.Numerical):
        out["type"] = "Numerical"
        if not item.listed and len(item.answers) == 1:
            out["choices"] = _numeric_text(item.answers[0])
        else:
            out["choices"] = [
                {
                    "isCorrect": a.correct,
                    "weight": _weight(a),
                    "text": _numeric_text(a)
                    if a.value is not None
                    else {"format": item.stem.format, "text": "*"},
                    "feedback": _text(a.feedback),
                }
                for a in item.answers
            ]
    elif isinstance(item, g.Matching):
        out["type"] = "Matching"
        out["matchPairs"] = [
            {"subquestion": _text(p.question), "subanswer": p.answer} for p in item.pairs
        ]
    return out
