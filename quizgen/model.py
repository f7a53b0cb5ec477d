"""The domain: skills, sources, claims, questions, recipes and worksheets.

Everything here is an immutable value with no I/O. The bank loader builds
these from YAML; assembly turns a Bank and a Recipe into a Worksheet; the
renderers and exporters read a Worksheet and nothing else.

Text fields hold plain text (never escaped HTML or XML): escaping happens only
inside templates and exporters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

# --------------------------------------------------------------------------
# Skills: the three tags of the product and the sub-skills of the reference
# dossier (claims-and-evidence.md §1.10).


@dataclass(frozen=True)
class SubSkill:
    """A sub-skill such as B1 "Calendar conversion"."""

    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Skill:
    """One of the three skills a question trains."""

    id: str
    letter: str
    name: str
    description: str
    subskills: tuple[SubSkill, ...]

    def subskill(self, code: str) -> SubSkill:
        """Return the sub-skill with this code (KeyError if it is not this skill's)."""
        for sub in self.subskills:
            if sub.code == code:
                return sub
        raise KeyError(code)


SKILLS: tuple[Skill, ...] = (
    Skill(
        "identify-bias",
        "A",
        "Identify bias",
        "Spot loaded language, propaganda techniques, one-sided framing and who is speaking.",
        (
            SubSkill("A1", "Source and purpose", "Who produced the text, for whom, and why."),
            SubSkill("A2", "Loaded language", "Find the words that carry judgement; say it neutrally."),
            SubSkill("A3", "Named technique", "Name the propaganda technique a passage uses."),
            SubSkill("A4", "Fact, opinion or loaded fact", "Separate the checkable part of a sentence from its framing."),
            SubSkill("A5", "Reading the silences", "Notice which actors or events a text leaves out."),
        ),
    ),
    Skill(
        "date-checking",
        "B",
        "Check dates",
        "Convert calendars, work out elapsed time, put events in order and spot anachronisms.",
        (
            SubSkill("B1", "Calendar conversion", "Juche year = Gregorian year - 1911, and back."),
            SubSkill("B2", "Anachronism", "Labels or calendars used before they existed."),
            SubSkill("B3", "Sequence and consistency", "Put events in order; find contradictions inside or across documents."),
            SubSkill("B4", "Source-event time gap", "How long after the events the source was produced, and why it matters."),
            SubSkill("B5", "Date arithmetic in claims", "Check numbers such as '40 years' or 'the 65th anniversary'."),
        ),
    ),
    Skill(
        "corroborate",
        "C",
        "Corroborate",
        "Check a claim against an independent outside source and weigh what it says.",
        (
            SubSkill("C1", "Isolate the checkable claim", "Pick out the part of a sentence that can be checked."),
            SubSkill("C2", "Choose an outside source", "Pick a source that can settle the claim; spot aligned sources that cannot."),
            SubSkill("C3", "Verdict with evidence", "Give a verdict on the five-level scale and the evidence for it."),
            SubSkill("C4", "Weigh disagreeing sources", "Compare outside sources that disagree, without forcing one answer."),
            SubSkill("C5", "Check one document against another", "Compare what two of the documents say."),
        ),
    ),
)

SKILLS_BY_ID: dict[str, Skill] = {s.id: s for s in SKILLS}
SUBSKILLS: dict[str, tuple[Skill, SubSkill]] = {
    sub.code: (skill, sub) for skill in SKILLS for sub in skill.subskills
}

#: The verdict scale of the reference dossier, in order of strength.
VERDICTS: tuple[str, ...] = (
    "corroborated",
    "partly-corroborated",
    "contradicted",
    "unverifiable",
    "opinion-loaded",
)
VERDICT_LABELS: dict[str, str] = {
    "corroborated": "Corroborated",
    "partly-corroborated": "Partly corroborated",
    "contradicted": "Contradicted",
    "unverifiable": "Unverifiable",
    "opinion-loaded": "Opinion / loaded",
}

#: How every id in a bank is written (sources, claims, questions): lower-case words joined by hyphens.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

#: What a claim is about.
CLAIM_KINDS: tuple[str, ...] = ("date", "quantity", "event", "attribution", "evaluation")

#: The tag of questions that students cannot answer without looking something up.
LOOK_IT_UP = "look-it-up"

#: Tags that mark a question's teaching purpose; the bank's tests count them.
QUESTION_TAGS: dict[str, str] = {
    "true-in-propaganda": "the source is right here; students must not reject it just because of who wrote it",
    "who-is-behind": "who produced or hosts the text, and what that means for reading it",
    "cross-source": "checks one document against another",
    "disagreement": "outside experts disagree; the key presents the disagreement, not one answer",
    LOOK_IT_UP: (
        "the answer rests on an outside record that neither the question nor a card prints: students look it up"
        " (lateral reading), so the worksheet says so, and a recipe with cards (no web access) leaves it out"
    ),
}

#: Grade bands a question can be written for.
GRADE_BANDS: tuple[str, ...] = ("6-8", "9-10", "11-12")

# --------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class Repair:
    """One change made to a raw document while cleaning it.

    ``rule`` names the general cleaning rule (e.g. ``backslash-word``),
    ``line`` is the line of the cleaned text it affects (None for text that
    was removed whole, such as site chrome), ``raw_lines`` the lines of the
    raw file it came from, ``before``/``after`` a short sample of the text,
    ``reason`` why the change was made.
    """

    rule: str
    line: int | None
    raw_lines: tuple[int, int]
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class SourceDates:
    """What is known, and what is not, about a document's dates.

    Each value is free text as precise as the evidence allows ("2010-09-14",
    "1998", "unknown"); ``notes`` says how it is known.
    """

    published: str
    captured: str
    events: str
    notes: str


@dataclass(frozen=True)
class Source:
    """A source document: metadata, cleaned line-numbered text, repair log."""

    id: str
    title: str
    outlet: str
    publisher: str
    kind: str
    language: str
    origin: str
    original_file: str
    sha256: str
    dates: SourceDates
    lines: tuple[str, ...]
    repairs: tuple[Repair, ...]
    notes: str = ""

    def text(self, first: int, last: int) -> str:
        """Return lines first..last (1-based, inclusive) joined by newlines."""
        return "\n".join(self.lines[first - 1 : last])

    @property
    def repaired(self) -> bool:
        """Whether any change was made to the raw text (beyond removing chrome)."""
        return any(r.line is not None for r in self.repairs)


# --------------------------------------------------------------------------
# Claims


@dataclass(frozen=True)
class Reference:
    """An outside source behind a verdict: who, what, when, and what it says."""

    author: str
    title: str
    year: str
    says: str
    url: str = ""


@dataclass(frozen=True)
class ClaimDate:
    """A date as written in the source and its Gregorian reading.

    ``juche`` is the Juche year when the text uses one; ``gregorian`` is the
    Gregorian year (or ISO date) it stands for.
    """

    as_written: str
    gregorian: str
    juche: int | None = None


@dataclass(frozen=True)
class Claim:
    """A checkable statement in a source, with its verdict and evidence."""

    id: str
    source: str
    lines: tuple[int, int]
    quote: str
    kind: str
    summary: str
    verdict: str
    verdict_note: str
    references: tuple[Reference, ...] = ()
    dates: tuple[ClaimDate, ...] = ()
    techniques: tuple[str, ...] = ()
    teacher_note: str = ""
    dossier: str = ""
    #: Words the claim's prose puts in quotation marks that quote no source:
    #: terms, labels, titles (quizgen.bankrules checks every other quoted span).
    quoted_terms: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Questions


@dataclass(frozen=True)
class Choice:
    """One choice of a choice question."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """One matching pair: a prompt on the left, its match on the right."""

    left: str
    right: str


@dataclass(frozen=True)
class RubricPattern:
    """A half-right answer a teacher will meet, and how to score it."""

    name: str
    description: str
    level: str = "emergent"


@dataclass(frozen=True)
class Rubric:
    """A three-level rubric (HAT style: Proficient / Emergent / Basic)."""

    proficient: str
    emergent: str
    basic: str
    patterns: tuple[RubricPattern, ...] = ()


@dataclass(frozen=True)
class OutsideSource:
    """For corroborate questions: the kind of source that settles it and what it says."""

    kind: str
    says: str
    #: True when students need no outside source for the question: the stem
    #: tells them what this source says, or reasoning from the texts answers it.
    #: A worksheet printed without outside-source cards then asks no look-up.
    in_stem: bool = False


@dataclass(frozen=True)
class Parametric:
    """How a parametric question is instantiated.

    ``generator`` names a function in quizgen.parametric; ``cases`` are the
    values taken from the sources that it may draw from. Stem, explanation
    and choice texts may use ``{name}`` placeholders filled per instance.
    """

    generator: str
    cases: tuple[dict, ...]


@dataclass(frozen=True)
class Question:
    """Fields every question kind shares. Use one of the kind classes below."""

    id: str
    skill: str
    subskill: str
    claims: tuple[str, ...]
    stem: str
    explanation: str
    difficulty: int
    grade_band: str
    points: int = 1
    techniques: tuple[str, ...] = ()
    #: Teaching tags from QUESTION_TAGS (e.g. "true-in-propaganda").
    tags: tuple[str, ...] = ()
    outside_source: OutsideSource | None = None
    #: Extra excerpts to print, as (source id, first line, last line); when
    #: empty, the claims' own spans are printed.
    excerpts: tuple[tuple[str, int, int], ...] = ()
    #: False when the stem and answers quote all a student needs: the
    #: worksheet then prints where the quotes come from, not the passages.
    print_excerpts: bool = True
    teacher_note: str = ""
    #: Look-it-up questions: words or numbers that give the answer away if
    #: another question on the sheet prints them (default: the answer itself).
    answer_terms: tuple[str, ...] = ()
    #: Words the question puts in quotation marks that quote no source: terms,
    #: labels, titles, words a student might write (see quizgen.bankrules).
    quoted_terms: tuple[str, ...] = ()
    parametric: Parametric | None = None
    #: Minutes a student needs for it, when the kind's usual time
    #: (quizgen.timing.MINUTES_PER_KIND) is not right; None: the kind's.
    minutes: Decimal | None = None
    #: For an instantiated parametric question: the values it was drawn with.
    instance: tuple[tuple[str, object], ...] = ()

    #: The kind name used in YAML and templates; set by each subclass.
    kind = "question"


@dataclass(frozen=True)
class SingleChoice(Question):
    """Pick the one correct choice."""

    choices: tuple[Choice, ...] = ()
    kind = "single-choice"

    @property
    def correct_index(self) -> int:
        """Return the index of the correct choice."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class MultipleResponse(Question):
    """Pick every correct choice; scored with partial credit."""

    choices: tuple[Choice, ...] = ()
    kind = "multiple-response"


@dataclass(frozen=True)
class TrueFalse(Question):
    """Decide whether the statement in the stem is true."""

    answer: bool = True
    kind = "true-false"


@dataclass(frozen=True)
class ShortAnswer(Question):
    """Write a word or short phrase; any accepted answer scores (case-insensitive)."""

    answers: tuple[str, ...] = ()
    lines: int = 1
    kind = "short-answer"


@dataclass(frozen=True)
class Numeric(Question):
    """Write a number; within ``tolerance`` of ``answer`` scores."""

    answer: Decimal = Decimal(0)
    tolerance: Decimal = Decimal(0)
    unit: str = ""
    kind = "numeric"


@dataclass(frozen=True)
class Matching(Question):
    """Match each left item to one right item; ``distractors`` are extra right items."""

    pairs: tuple[Pair, ...] = ()
    distractors: tuple[str, ...] = ()
    kind = "matching"


@dataclass(frozen=True)
class Ordering(Question):
    """Put ``items`` (given here in the correct order) in order, e.g. a timeline."""

    items: tuple[str, ...] = ()
    kind = "ordering"


@dataclass(frozen=True)
class OpenResponse(Question):
    """A written answer marked with a three-level rubric."""

    rubric: Rubric = Rubric("", "", "")
    model_answer: str = ""
    lines: int = 4
    kind = "open-response"


@dataclass(frozen=True)
class MarkTheWords(Question):
    """Mark the loaded words in ``passage``; ``answers`` are the phrases to mark.

    ``optional`` phrases are credited either way, marked or not: they earn
    nothing and cost nothing (banks/README.md, "Marking mark-the-words").
    """

    passage: str = ""
    answers: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    kind = "mark-the-words"


AnyQuestion = Union[
    SingleChoice,
    MultipleResponse,
    TrueFalse,
    ShortAnswer,
    Numeric,
    Matching,
    Ordering,
    OpenResponse,
    MarkTheWords,
]

#: Question class per kind name, in the order teachers see them listed.
QUESTION_KINDS: dict[str, type[Question]] = {
    cls.kind: cls
    for cls in (
        SingleChoice,
        MultipleResponse,
        TrueFalse,
        ShortAnswer,
        Numeric,
        Matching,
        Ordering,
        OpenResponse,
        MarkTheWords,
    )
}


# --------------------------------------------------------------------------
# The bank


@dataclass(frozen=True)
class Bank:
    """Everything loaded from banks/: sources, claims and questions, checked."""

    sources: dict[str, Source]
    claims: dict[str, Claim]
    questions: dict[str, Question]

    def claims_of(self, question: Question) -> tuple[Claim, ...]:
        """Return the claims a question is built on, in the order it names them."""
        return tuple(self.claims[c] for c in question.claims)


# --------------------------------------------------------------------------
# Recipes and worksheets


@dataclass(frozen=True)
class Selection:
    """One line of a recipe: how many questions of which skill or sub-skill.

    ``skill`` is a skill id or a sub-skill code; the other filters narrow it.
    """

    skill: str
    count: int
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 3)
    #: Line of this entry in the recipe file, for messages (None from options).
    line: int | None = None
    #: The command-line option that gave this line, e.g. "--questions C4=1", for messages.
    option: str = ""
    #: "--sources" when the command line gave the sources, for messages.
    sources_option: str = ""
    #: Questions named by id (``- id: …`` in the recipe), in the recipe's
    #: order; such a line draws nothing (``skill`` is empty, ``count`` is
    #: how many it names).
    id: tuple[str, ...] = ()
    #: Where each of ``id`` is written in the recipe: (field, line), e.g.
    #: ("questions[0].id[1]", 4), so a message points at that id; not
    #: part of what the line selects, so not compared.
    id_places: tuple[tuple[str, int | None], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Recipe:
    """What a teacher asks for.

    ``instructions`` is the paragraph printed under the title: the text
    about the sources (``about_sources``, also kept on its own), then the
    instructions proper.
    """

    title: str
    instructions: str
    questions: tuple[Selection, ...]
    grade_band: str | None = None
    versions: int = 1
    seed: int = 1
    paper: str = "letter"
    large_print: bool = False
    excerpts: bool = True
    #: Print the outside evidence of verdict questions (C3–C5) as a card, for
    #: classes that cannot look it up (the offline "corroboration card").
    cards: bool = False
    output: str = "output"
    formats: tuple[str, ...] = ("pdf",)
    per_version_files: bool = False
    #: The class pack is for double-sided printing: a blank page after every
    #: version of an odd number of pages, so each version starts a new sheet.
    double_sided: bool = True
    #: The time the class has, in minutes; the build warns when a version's
    #: estimated working time (quizgen.timing) is longer. None: no limit.
    minutes: int | None = None
    #: Answer-sheet mode: a reusable question booklet per version, without
    #: room to write, and a short answer sheet per student.
    answer_sheet: bool = False
    #: With answer_sheet: how many answer sheets the class pack holds, versions
    #: dealt round-robin (0: one blank sheet per version, to copy).
    students: int = 0
    name: str = "worksheet"
    #: The short instruction printed at the head of each skill's part, as
    #: (skill id, text) pairs; templates/defaults.yml gives the defaults.
    skill_instructions: tuple[tuple[str, str], ...] = ()
    #: Display path of the recipe file, for messages ("" when built in code).
    path: str = ""
    #: Where the texts come from, in a sentence or two (the recipe's, else the bank's bank.yaml).
    about_sources: str = ""
    #: Shuffle question order in each version (grouped in parts by skill); False keeps
    #: the recipe's order, the default once a line names questions by id.
    shuffle: bool = True


@dataclass(frozen=True)
class Excerpt:
    """A passage of a source printed with a worksheet, with its line numbers.

    ``lines`` is what each line prints: the source line, or for a claim's
    passage only the sentences the question needs with "…" for the rest
    (see quizgen.excerpts); ``needs`` is the quoted text those lines were
    trimmed around (empty: every line printed whole).
    """

    source: str
    first: int
    last: int
    lines: tuple[str, ...]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorksheetItem:
    """A question as it appears in one version.

    ``question`` is instantiated (no parametric left) and its choices, pairs'
    right-hand column or ordering items are already in this version's order.
    ``key`` is the answer in printable form (e.g. "C", "1936", "3-1-2").
    """

    number: int
    question: Question
    key: str
    excerpts: tuple[Excerpt, ...] = ()
    #: For matching: the right-hand column in printed order. For ordering:
    #: the items in printed (shuffled) order.
    shuffled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Version:
    """One version of a worksheet (A, B, C …)."""

    letter: str
    items: tuple[WorksheetItem, ...]

    @property
    def points(self) -> int:
        """Return the total points of this version."""
        return sum(item.question.points for item in self.items)


@dataclass(frozen=True)
class Worksheet:
    """A recipe's result: versions plus the bank records they cite."""

    recipe: Recipe
    versions: tuple[Version, ...]
    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
