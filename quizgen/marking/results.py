"""Score every submission and work out what the class did: per student, per skill, per question.

Everything here is computed from the submissions, the rubric marks and the
build, in a fixed order (students by name), so the same answers always give
the same results, however many runs they came in.

Percentages leave out what is still to mark: a student with an open
answer to mark has a score so far and the points still to mark, and no
overall percentage until it is marked.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from quizgen import model, scoring
from quizgen.marking.answers import Submission
from quizgen.marking.build import Build
from quizgen.marking.rubric_sheet import same_answer

#: Facility outside this range flags an item (too hard, too easy).
FACILITY_RANGE = (0.2, 0.95)
#: Within this share of a question's points, quizgen and the LMS agree: Moodle's Grades report
#: rounds each mark and its maximum to two decimals, which alone can move a share by 0.015.
AGREEMENT = Fraction(1, 50)


@dataclass
class Answer:
    """One student's answer to one position, scored."""

    position: dict
    answer: object
    given: str
    score: scoring.Score
    #: The LMS's mark, as a share of the points (None: none, or not marked there).
    lms: Fraction | None = None


@dataclass
class StudentResult:
    """One student's results."""

    submission: Submission
    answers: list[Answer]
    #: (points, maximum, points to mark) overall (key None), per skill and per sub-skill, summed once.
    totals: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        groups: dict = {}
        for a in self.answers:
            for key in (None, ("skill", a.position["skill"]), ("subskill", a.position["subskill"])):
                groups.setdefault(key, []).append(a.score)
        # Whole points add as ints (most answers); Fraction arithmetic only for partial credit.
        self.totals = {key: (_sum(s.points for s in scores if s.counted), _sum(s.maximum for s in scores),
                             _sum(s.maximum for s in scores if not s.counted)) for key, scores in groups.items()}

    @property
    def student(self):
        """Return who this is."""
        return self.submission.student

    @property
    def version(self) -> str:
        """Return the version letter the student answered."""
        return self.submission.version

    def total(self, skill: str | None = None, subskill: str | None = None) -> tuple[Fraction, Fraction, Fraction]:
        """Return (points, maximum, points to mark) over the answers of a skill or sub-skill, or all."""
        key = ("skill", skill) if skill else ("subskill", subskill) if subskill else None
        return self.totals.get(key, _NOTHING)

    def percent(self, skill: str | None = None, subskill: str | None = None) -> Fraction | None:
        """Return the percentage of a skill, sub-skill or all; None while some of it is to mark (or none asked)."""
        points, maximum, pending = self.total(skill, subskill)
        if pending or not maximum:
            return None
        return points * 100 / maximum

    @property
    def to_mark(self) -> list[Answer]:
        """Return the answers still to mark."""
        return [a for a in self.answers if not a.score.counted]


_NOTHING = (Fraction(0), Fraction(0), Fraction(0))


def _sum(values) -> Fraction:
    whole, parts = 0, []
    for value in values:
        if value.denominator == 1:
            whole += value.numerator
        else:
            parts.append(value)
    return sum(parts, Fraction(whole))


@dataclass
class Item:
    """What the class did on one question (across the versions that hold it)."""

    question: str
    position: dict  # the first position holding it, for its texts
    scores: list[float] = field(default_factory=list)  # share of the points, per student who was asked
    rests: list[float] = field(default_factory=list)  # the same students' percentage on the rest
    choices: Counter = field(default_factory=Counter)  # chosen answer (in words) → students
    to_mark: int = 0
    blank: int = 0
    #: The key in words → the versions it is the key of; several where versions differ (a parametric question).
    right: dict[str, list[str]] = field(default_factory=dict)
    #: Every choice's text in the versions answered, first seen first (choices differ in a parametric question).
    options: list[str] = field(default_factory=list)
    #: The position holding the question in each version answered.
    positions: dict[str, dict] = field(default_factory=dict)

    def saw(self, version: str, position: dict) -> None:
        """Note what one version's position holds: its key and its choices."""
        if version in self.positions:
            return
        self.positions[version] = position
        if position["kind"] != "open-response":
            versions = self.right.setdefault(in_words(position, scoring.key_answer(position)), [])
            if version not in versions:
                versions.append(version)
        self.options += [c["text"] for c in position.get("choices", ()) if c["text"] not in self.options]

    @cached_property
    def facility(self) -> float | None:
        """Return the mean share of the points earned (None with no marked answer)."""
        return statistics.fmean(self.scores) if self.scores else None

    @cached_property
    def discrimination(self) -> float | None:
        """Return the point-biserial (item–rest) correlation; None when it cannot be computed."""
        return correlation(self.scores, self.rests)

    @property
    def flags(self) -> list[str]:
        """Return what a teacher should look at: negative discrimination, facility outside 0.2–0.95."""
        out = []
        d, f = self.discrimination, self.facility
        if d is not None and d < 0:
            out.append("negative discrimination")
        if f is not None and f < FACILITY_RANGE[0]:
            out.append("very hard")
        if f is not None and f > FACILITY_RANGE[1]:
            out.append("very easy")
        return out


@dataclass
class Disagreement:
    """An answer the LMS marked otherwise than quizgen."""

    student: str
    route: str
    origin: str
    version: str
    position: int
    question: str
    given: str
    ours: Fraction
    theirs: Fraction
    maximum: Fraction


@dataclass
class ClassResults:
    """Everything the reports print."""

    build: Build
    students: list[StudentResult]
    items: list[Item]
    disagreements: list[Disagreement]
    #: Open answers whose mark was dropped because the answer changed (student, version, position).
    stale_marks: list[tuple[str, str, int]] = field(default_factory=list)

    @cached_property
    def skills(self) -> list[str]:
        """Return the skills asked in this build, in the product's order."""
        asked = {p["skill"] for v in self.build.versions.values() for p in v.positions.values()}
        return [s.id for s in model.SKILLS if s.id in asked] + sorted(asked - set(model.SKILLS_BY_ID))

    @cached_property
    def subskills(self) -> list[str]:
        """Return the sub-skills asked in this build, in order."""
        asked = {p["subskill"] for v in self.build.versions.values() for p in v.positions.values()}
        return sorted(asked)


def mark(build: Build, submissions: list[Submission], rubric: dict) -> ClassResults:
    """Score ``submissions`` (already checked: one per student) with the teacher's ``rubric`` marks."""
    students, stale = [], []
    for submission in sorted(submissions, key=lambda s: (s.student.name.casefold(), s.student.key)):
        version = build.versions[submission.version]
        answers = []
        for number, position in sorted(version.positions.items()):
            value = submission.answers.get(number)
            score = scoring.score(position, value)
            given = submission.given.get(number, scoring.answer_text(position, value))
            if score.status == scoring.TO_MARK:
                marked = rubric.get((submission.student.key, version.letter, number))
                if marked is not None and same_answer(marked[1], given):
                    score = scoring.score_marked(position, marked[0])
                elif marked is not None:
                    stale.append((submission.student.name, version.letter, number))
            answers.append(Answer(position, value, given, score, submission.lms_marks.get(number)))
        students.append(StudentResult(submission, answers))
    return ClassResults(build, students, item_analysis(students), disagreements(students), stale)


def item_analysis(students: list[StudentResult]) -> list[Item]:
    """Return each question's facility, discrimination and answer counts, in order of first appearance."""
    items: dict[str, Item] = {}
    for result in students:
        for a in result.answers:
            item = items.setdefault(a.position["question"], Item(a.position["question"], a.position))
            item.saw(result.version, a.position)
            if not a.score.counted:
                item.to_mark += 1
                continue
            if a.score.status == scoring.BLANK:
                item.blank += 1
            item.scores.append(float(a.score.points) / float(a.score.maximum))
            points, maximum, pending = result.total()
            rest_max = float(maximum - pending - a.score.maximum)
            item.rests.append((float(points) - float(a.score.points)) * 100 / rest_max if rest_max else 0.0)
            item.choices[_in_words(a)] += 1
    return list(items.values())


def _in_words(a: Answer) -> str:
    """Return an answer as the item analysis counts it: a choice's text, True/False, or what was written."""
    return "(blank)" if a.score.status == scoring.BLANK else in_words(a.position, a.answer)


def in_words(position: dict, answer: object) -> str:
    """Return a (not blank) answer in words: a choice's text, choices' texts joined by " + ", or as written."""
    kind = position["kind"]
    if kind == "single-choice":
        return position["choices"][ord(answer) - ord("A")]["text"]
    if kind == "multiple-response":
        return " + ".join(position["choices"][ord(x) - ord("A")]["text"] for x in sorted(answer))
    if kind in ("numeric", "short-answer"):
        return " ".join(str(answer).split())
    return scoring.answer_text(position, answer) if kind != "open-response" else "(marked)"


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Return Pearson's r of two lists (point-biserial when ``xs`` are 0 and 1); None without variance."""
    if len(xs) < 3:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def disagreements(students: list[StudentResult]) -> list[Disagreement]:
    """Return every answer on which the LMS's mark and quizgen's differ by more than rounding."""
    out = []
    for result in students:
        for a in result.answers:
            if a.lms is None or not a.score.counted:
                continue
            ours = a.score.points / a.score.maximum
            if abs(ours - a.lms) > AGREEMENT:
                s = result.submission
                out.append(Disagreement(s.student.name, s.route, s.origin.prefix(), s.version, a.position["position"],
                                        a.position["question"], a.given, ours * a.score.maximum,
                                        a.lms * a.score.maximum, a.score.maximum))
    return out


def subskill_description(code: str) -> str:
    """Return what a sub-skill practises, for feedback sheets."""
    found = model.SUBSKILLS.get(code)
    return found[1].description if found else ""


def histogram(percents: list[Fraction], bins: int = 10) -> list[int]:
    """Return how many percentages fall in each tenth (the last bin holds 100)."""
    counts = [0] * bins
    for p in percents:
        counts[min(bins - 1, int(p * bins / 100))] += 1
    return counts


def by_skill(results: ClassResults) -> dict[str, list[Fraction]]:
    """Return each skill's percentages over the students with it fully marked."""
    out: dict[str, list[Fraction]] = defaultdict(list)
    for student in results.students:
        for skill in results.skills:
            p = student.percent(skill)
            if p is not None:
                out[skill].append(p)
    return out
