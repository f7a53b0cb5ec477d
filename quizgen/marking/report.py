"""The class report (HTML and PDF) and the students' feedback sheets: contexts, charts, rendering.

Like the worksheets, everything a page prints is computed here and the
templates (``templates/reports/``) only loop and print. Charts are SVG
drawn by the templates from the geometry worked out here (bars of a
histogram, a bar per skill), so the HTML page needs nothing from outside
and the PDF goes through the same WeasyPrint pipeline as the worksheets
(quizgen.render.pdf). The HTML page carries its stylesheet inline.
"""

from __future__ import annotations

import re
import statistics
from fractions import Fraction

from quizgen import paths, scoring
from quizgen.marking.results import (
    ClassResults,
    StudentResult,
    by_skill,
    histogram,
    subskill_description,
)
from quizgen.printed import skill_name, subskill_name
from quizgen.marking.rubric_sheet import points_text

STYLESHEET = "reports/report.css"
#: The most-missed questions the class report explains.
MOST_MISSED = 5
#: Up to this many students, the PDF class report has a row per student too (the HTML page always has).
STUDENT_TABLE = 60
#: Feedback sheets fit one page: texts are cut at a sentence (the answer key has them whole), to
#: these lengths (stem, answer, explanation) with up to ``ROOMY`` missed questions, and shorter
#: with more, down to ``TIGHT``, which fits 12 questions missed with every text long.
ROOMY, TIGHT = (160, 160, 300), (100, 60, 160)
ROOMY_COUNT = 6
_ROUTES = {"response file": "response files", "PDF form": "PDF forms", "marks sheet": "a marks sheet",
           "Moodle": "Moodle reports", "Canvas": "Canvas reports"}
_VERDICTS = {"corroborated": "Corroborated", "partly-corroborated": "Partly corroborated",
             "contradicted": "Contradicted", "unverifiable": "Unverifiable", "opinion-loaded": "Opinion / loaded"}


def pct(value: Fraction | None) -> str:
    """Return a percentage as printed: '71 %', '—' when there is none."""
    return "—" if value is None else f"{round(float(value))} %"


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut after the last whole sentence within ``limit`` characters (or a word, with '…')."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = [m.end() for m in re.finditer(r"[.!?](?=\s)", text[:limit])]
    if cut and cut[-1] > limit // 2:
        return text[:cut[-1]]
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def answer_in_words(position: dict, answer: object) -> str:
    """Return an answer with what its letters stand for: 'C: Seoul', 'A: …; C: …', '1-C, 2-A', 'True'."""
    if scoring.is_blank(answer):
        return "(no answer)"
    kind = position["kind"]
    if kind in ("single-choice", "multiple-response"):
        letters = [answer] if isinstance(answer, str) else sorted(answer)
        return "; ".join(f"{x}: {position['choices'][ord(x) - ord('A')]['text']}" for x in letters)
    return scoring.answer_text(position, answer)


# --------------------------------------------------------------------------
# Class report


def class_report_context(results: ClassResults, *, inline_css: bool) -> dict:
    """Return what the class report prints."""
    build = results.build
    percents = [s.percent() for s in results.students]
    marked = [p for p in percents if p is not None]
    return {
        "doc": {"title": f"{build.title} — class report", "lang": "en",
                "css": (paths.templates_dir() / STYLESHEET).read_text(encoding="utf-8") if inline_css else ""},
        "build": {"id": build.id, "title": build.title, "name": build.name},
        "summary": {
            "students": len(results.students),
            "marked": len(marked),
            "mean": pct(Fraction(statistics.fmean(marked)) if marked else None),
            "median": pct(Fraction(statistics.median(marked)) if marked else None),
            "to_mark": sum(len(s.to_mark) for s in results.students),
            "versions": _versions_text(sorted({s.version for s in results.students}, key=lambda v: (len(v), v))),
            "routes": ", ".join(sorted({_ROUTES.get(s.submission.route, s.submission.route) for s in results.students})),
        },
        "distribution": distribution_chart(marked) if marked else None,
        "distribution_note": _waiting_note(len(marked), results),
        "skills": skills_chart(results),
        "subskills": _subskills(results),
        # A table of every student lays out slowly in print (a page per 35 students): the PDF shows it for a
        # class, the lists by skill always.
        "students": [_student_row(results, s) for s in results.students]
        if inline_css or len(results.students) <= STUDENT_TABLE else [],
        "needs": needs_by_skill(results),
        "skill_names": [skill_name(k) for k in results.skills],
        "most_missed": most_missed(results),
        "items": [_item_row(item) for item in results.items],
        "disagreements": [{
            "student": d.student, "where": d.origin, "version": d.version, "position": d.position,
            "question": d.question, "given": d.given, "ours": scoring.number_text(d.ours),
            "theirs": scoring.number_text(d.theirs), "maximum": scoring.number_text(d.maximum)}
            for d in results.disagreements],
        "has_lms": any(s.submission.lms_marks for s in results.students),
    }


def _versions_text(letters: list[str]) -> str:
    """Return the versions answered: 'version A', 'versions A, B', '30 versions (A–AD)'."""
    if len(letters) > 6:
        return f"{len(letters)} versions ({letters[0]}–{letters[-1]})"
    return ("version " if len(letters) == 1 else "versions ") + ", ".join(letters)


def _waiting_note(marked: int, results: ClassResults) -> str:
    """Return what the score chart says of the students it leaves out: those with open answers still to mark."""
    waiting = sum(len(s.to_mark) for s in results.students)
    if not waiting:
        return ""
    if not marked:
        return f"Scores appear once the open answers are marked ({waiting} to mark)."
    return (f"{marked} of {len(results.students)} students; the others appear once their open answers are"
            f" marked ({waiting} to mark).")


def distribution_chart(percents: list[Fraction]) -> dict:
    """Return the geometry of the score histogram: ten bars of 10 percentage points each."""
    counts = histogram(percents)
    top = max(counts + [1])
    width, height, left, bottom = 420, 160, 30, 24
    bar = (width - left) / len(counts)
    bars = []
    for i, count in enumerate(counts):
        h = (height - bottom - 14) * count / top
        bars.append({"x": round(left + i * bar + 2, 1), "y": round(height - bottom - h, 1), "width": round(bar - 4, 1),
                     "height": round(h, 1), "count": count, "label": f"{i * 10}–{i * 10 + 10 if i < 9 else 100}",
                     "label_x": round(left + i * bar + bar / 2, 1)})
    return {"width": width, "height": height, "bars": bars, "axis_y": height - bottom, "left": left,
            "label": "Number of students by overall percentage; "
                     + ", ".join(f"{b['label']} %: {b['count']}" for b in bars)}


def skills_chart(results: ClassResults) -> dict:
    """Return the geometry of the per-skill chart: the class mean and the share of students in three bands."""
    scores = by_skill(results)
    rows = []
    width, row_h, left = 420, 34, 110
    span = width - left - 40
    for i, skill in enumerate(results.skills):
        values = scores.get(skill, [])
        mean = Fraction(statistics.fmean(values)) if values else None
        bands = [sum(1 for v in values if v < 50), sum(1 for v in values if 50 <= v < 80), sum(1 for v in values if v >= 80)]
        segments, x = [], left
        for band, count in zip(("low", "middle", "high"), bands):
            w = span * count / len(values) if values else 0
            segments.append({"band": band, "x": round(x, 1), "width": round(w, 1), "count": count})
            x += w
        waiting = sum(1 for a in (a for s in results.students for a in s.to_mark) if a.position["skill"] == skill)
        rows.append({"name": skill_name(skill), "y": 8 + i * row_h, "mean": pct(mean), "segments": segments,
                     # No mean to draw until some of the skill is marked: a line at 0 % would say the class scored 0.
                     "mean_x": None if mean is None else round(left + span * float(mean) / 100, 1),
                     "students": len(values), "lines": _skill_row_text(mean, len(values), waiting)})
    return {"width": width, "height": 16 + len(rows) * row_h, "rows": rows, "left": left, "span": span,
            "label": "Per skill, students under 50 %, from 50 to 79 % and 80 % or more; "
                     + "; ".join(f"{r['name']}: {', '.join(line for line in r['lines'] if line)}, " + ", ".join(str(s["count"]) for s in r["segments"])
                                 for r in rows)}


def _skill_row_text(mean: Fraction | None, students: int, waiting: int) -> tuple[str, str]:
    """Return the two lines under a skill's name: its mean over the students marked, and what is still to mark."""
    marked = "none marked yet" if mean is None else f"mean {pct(mean)}, {students} student{'s' if students != 1 else ''}"
    return marked, f"{waiting} open answer{'s' if waiting != 1 else ''} to mark" if waiting else ""


def _subskills(results: ClassResults) -> list[dict]:
    out = []
    for code in results.subskills:
        values = [p for s in results.students if (p := s.percent(subskill=code)) is not None]
        out.append({"name": subskill_name(code), "mean": pct(Fraction(statistics.fmean(values)) if values else None),
                    "students": len(values)})
    return out


def _student_row(results: ClassResults, s: StudentResult) -> dict:
    points, maximum, pending = s.total()
    skills = []
    for k in results.skills:
        p, m, waiting = s.total(k)
        skills.append({"text": "to mark" if waiting else pct(p * 100 / m) if m else "",
                       "low": bool(m) and not waiting and p * 100 / m < 50})
    return {"name": s.student.name, "version": s.version,
            "score": f"{scoring.number_text(points)} / {scoring.number_text(maximum)}",
            "percent": "to mark" if pending else pct(points * 100 / maximum), "skills": skills,
            "needs": needs(results, s)}


def needs_by_skill(results: ClassResults) -> list[dict]:
    """Return, per skill, the students who most need it (their lowest skill under 80 %), then the rest."""
    groups: dict[str, list[str]] = {skill_name(k): [] for k in results.skills}
    waiting, fine = [], []
    for s in results.students:
        need = needs(results, s)
        if need:
            percent = min(p for k in results.skills if (p := s.percent(k)) is not None)
            groups[need].append(f"{s.student.name} ({pct(percent)})")
        elif s.to_mark:
            waiting.append(s.student.name)
        else:
            fine.append(s.student.name)
    out = [{"title": f"Most need practice in {name.lower()}", "names": names} for name, names in groups.items() if names]
    if fine:
        out.append({"title": "80 % or more in every skill", "names": fine})
    if waiting:
        out.append({"title": "Open answers still to mark", "names": waiting})
    return out


def needs(results: ClassResults, s: StudentResult) -> str:
    """Return the skill a student most needs to practise: the lowest under 80 %, or ''."""
    marked = [(p, k) for k in results.skills if (p := s.percent(k)) is not None and p < 80]
    return skill_name(min(marked)[1]) if marked else ""


def most_missed(results: ClassResults) -> list[dict]:
    """Return the questions with the lowest facility, with their explanations and claims."""
    # Lowest facility first; of equal facility, the question more students were asked.
    items = sorted((i for i in results.items if i.facility is not None and i.facility < 1),
                   key=lambda i: (i.facility, -len(i.scores), i.question))[:MOST_MISSED]
    out = []
    for item in items:
        p = item.position
        # An open answer is counted as "(marked)": there are no other answers to show.
        wrong = [] if p["kind"] == "open-response" else [
            (text, n) for text, n in item.choices.most_common() if text not in item.right][:3]
        out.append({
            "question": p["question"], "stem": p["stem"], "facility": pct(item.facility * 100),
            "students": len(item.scores),
            "skill": skill_name(p["skill"]), "subskill": subskill_name(p["subskill"]),
            "answer": _keys_text(item) if p["kind"] != "open-response" else "see the rubric",
            "explanation": p["explanation"],
            "claims": [{"summary": c["summary"], "verdict": _VERDICTS.get(c["verdict"], c["verdict"])} for c in p["claims"]],
            "wrong": [{"text": text, "count": n} for text, n in wrong],
        })
    return out


def key_in_words(position: dict) -> str:
    """Return the key as a student reads it: 'C: Seoul', a passage's phrases to mark, '1-C, 2-A'."""
    if position["kind"] == "mark-the-words":
        return "; ".join(position["scoring"]["phrases"])
    return answer_in_words(position, scoring.key_answer(position))


def _keys_text(item) -> str:
    """Return the key of a question, or of each version where they differ: '34 (version C); 42 (versions D, F)'."""
    if len(item.right) == 1:
        return key_in_words(item.position)
    return "; ".join(f"{text} (version{'s' if len(letters) > 1 else ''} {', '.join(letters)})"
                     for text, letters in item.right.items())


def _item_row(item) -> dict:
    p = item.position
    d = item.discrimination
    choices = []
    if p["kind"] in ("single-choice", "multiple-response", "true-false"):
        # Every version's choices: they differ where a question's numbers do.
        options = item.options if p["kind"] == "single-choice" else None
        for text in options or [t for t, _ in item.choices.most_common()]:
            choices.append({"text": shorten(text, 70), "count": item.choices.get(text, 0), "right": text in item.right})
        if item.choices.get("(blank)"):
            choices.append({"text": "(blank)", "count": item.choices["(blank)"], "right": False})
    elif p["kind"] in ("numeric", "short-answer"):
        choices = _written_answers(item)
    return {"question": p["question"], "kind": p["kind"], "subskill": p["subskill"],
            "students": len(item.scores) + item.to_mark, "facility": "—" if item.facility is None else f"{float(item.facility):.2f}",
            "discrimination": "—" if d is None else f"{d:.2f}", "flags": item.flags, "choices": choices,
            "to_mark": item.to_mark}


#: The written answers (short answer, number) the item analysis lists, commonest first.
WRITTEN_ANSWERS = 5


def _written_answers(item) -> list[dict]:
    """Return the commonest written answers, as the key compares them (case, spacing, a final stop set aside)."""
    counts: dict[str, int] = {}
    for text, count in item.choices.items():
        if text != "(blank)":
            key = scoring.normalize_text(text) if item.position["kind"] == "short-answer" else text
            counts[key] = counts.get(key, 0) + count
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:WRITTEN_ANSWERS]
    out = [{"text": shorten(text, 70), "count": n,
            "right": any(scoring.score(p, text).status == scoring.CORRECT for p in item.positions.values())}
           for text, n in top]
    if item.choices.get("(blank)"):
        out.append({"text": "(blank)", "count": item.choices["(blank)"], "right": False})
    return out


def class_report_html(results: ClassResults) -> str:
    """Return the class report as one self-contained HTML page (styles inline, charts as SVG)."""
    from quizgen.render import render_html

    return render_html("reports/class_report.html.j2", class_report_context(results, inline_css=True))


def class_report_pdf(results: ClassResults) -> bytes:
    """Return the class report as PDF bytes, through the worksheets' WeasyPrint pipeline."""
    from quizgen.render import render_html
    from quizgen.render.pdf import render_documents

    context = class_report_context(results, inline_css=False)
    html = render_html("reports/class_report.html.j2", context)
    return render_documents("class-report", [html], [STYLESHEET], title=context["doc"]["title"]).pdf


# --------------------------------------------------------------------------
# Feedback sheets


def _limits(missed: int, tight: bool) -> tuple[int, int, int]:
    """Return how long a feedback sheet's stems, answers and explanations may be with ``missed`` questions."""
    if tight:
        return TIGHT
    share = min(1.0, ROOMY_COUNT / max(missed, 1))
    return tuple(max(t, round(r * share)) for r, t in zip(ROOMY, TIGHT))


def feedback_context(results: ClassResults, s: StudentResult, tight: bool = False) -> dict:
    """Return what one student's feedback sheet prints (``tight``: the shortest texts)."""
    points, maximum, pending = s.total()
    missed, waiting, lost = [], [], {}
    wrong = [a for a in s.answers if a.score.counted and a.score.status != scoring.CORRECT]
    stem, answer, why = _limits(len(wrong), tight)
    for a in s.answers:
        p = a.position
        if not a.score.counted:
            waiting.append({"number": p["position"], "stem": shorten(p["stem"], stem)})
            continue
        if a.score.status == scoring.CORRECT:
            continue
        lost[p["subskill"]] = lost.get(p["subskill"], 0) + a.score.maximum - a.score.points
        missed.append({
            "number": p["position"], "stem": shorten(p["stem"], stem),
            "points": _points_of(a.score.points, a.score.maximum),
            "given": "(no answer)" if a.score.status == scoring.BLANK else shorten(answer_in_words(p, a.answer), answer),
            # Once marked, the rubric may be shown (the model answer stays with the teacher).
            "right": shorten(key_in_words(p), answer) if p["kind"] != "open-response"
            else shorten(_rubric_feedback(p, a.score.points), answer + why // 2),
            "explanation": shorten(p["explanation"], why),
        })
    skills = []
    for k in results.skills:
        p, m, w = s.total(k)
        if m:
            share = float(p / (m - w)) if m - w else 0.0
            skills.append({"name": skill_name(k), "text": (f"{scoring.number_text(p)} of {scoring.number_text(m - w)}"
                                                             + (f", {scoring.number_text(w)} to mark" if w else "")),
                           "percent": pct(p * 100 / (m - w)) if m - w else "—", "bar": round(share * 100, 1)})
    practise = [{"name": subskill_name(code), "description": subskill_description(code)}
                for code, _ in sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    return {
        "name": s.student.name, "version": s.version, "title": results.build.title,
        "score": (f"{scoring.number_text(points)} of {scoring.number_text(maximum)} points ({pct(points * 100 / maximum)})"
                  if not pending else f"{scoring.number_text(points)} of {scoring.number_text(maximum - pending)} points so far;"
                  f" {scoring.number_text(pending)} still to mark"),
        "skills": skills, "missed": missed, "waiting": waiting, "practise": practise,
    }


def _points_of(points: Fraction, maximum: Fraction) -> str:
    """Return '0 of 1 point', '1.5 of 2 points'."""
    return f"{scoring.number_text(points)} of {scoring.number_text(maximum)} point{'' if maximum == 1 else 's'}"


def _rubric_feedback(position: dict, points: Fraction) -> str:
    """Return the level an open answer reached and what full marks take: 'Emergent (1 of 2 points). Full marks: …'."""
    levels = position["scoring"]["levels"]
    maximum = Fraction(position["points"])
    reached = next((level["name"] for level in levels if Fraction(level["points"]) == points), "Marked")
    top = max(levels, key=lambda level: Fraction(level["points"]))
    return f"{reached} ({_points_of(points, maximum)}). Full marks: {top['text']}"


def feedback_pdf(results: ClassResults) -> bytes:
    """Return every student's feedback sheet, one page each, as one PDF to print.

    A sheet that runs over a page (many long texts) is made again with the
    shortest texts.
    """
    from quizgen.render.pdf import render_documents

    title = f"{results.build.title} — feedback sheets"
    documents = [_feedback_html(results, s, tight=False) for s in results.students]
    rendered = render_documents("feedback", documents, [STYLESHEET], title=title, split=True)
    if rendered.pages > len(documents):
        long = {i for i, part in enumerate(rendered.parts) if _page_count(part) > 1}
        documents = [_feedback_html(results, s, tight=i in long) for i, s in enumerate(results.students)]
        rendered = render_documents("feedback", documents, [STYLESHEET], title=title)
    return rendered.pdf


def _feedback_html(results: ClassResults, s: StudentResult, tight: bool) -> str:
    from quizgen.render import render_html

    return render_html("reports/feedback.html.j2", {"doc": {"title": f"{results.build.title} — feedback", "lang": "en",
                                                            "css": ""}, "sheet": feedback_context(results, s, tight)})


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def rubric_rows(results: ClassResults) -> list[dict]:
    """Return the rubric sheet's rows: every open answer that is not blank, by question and then student."""
    rows = []
    for s in results.students:
        for a in s.answers:
            if a.position["kind"] == "open-response" and a.score.status != scoring.BLANK:
                rows.append({"student": s.student, "version": s.version, "position": a.position, "text": a.given,
                             "points": points_text(a.score.points)})
    return sorted(rows, key=lambda r: (r["position"]["question"], r["student"].name.casefold(), r["version"]))
