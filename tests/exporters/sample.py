"""A worksheet with every question kind, built straight from the model classes.

Exporter tests use it instead of the real bank, so they exercise every kind
and every awkward character regardless of what the bank holds: two versions
with choices in different orders, a parametric numeric instantiated with a
different year per version, Hangul (세기와 더불어), typographic quotes, the
GIFT specials ``~ = # { } :`` and backslash, ``]]>``, ``<&>`` and an excerpt
with its citation.

``worksheet_all_kinds(extra)`` puts ``extra`` (hostile text from Hypothesis)
into every text field, so a property test can push it through an exporter
and look for it again after parsing the export back.
"""

from __future__ import annotations

from decimal import Decimal

from quizgen import model as m

#: Text with every character class the exporters must survive.
AWKWARD = "“세기와 더불어” ~ = # { } : \\ ]]> <&> 'quoted' // not a comment"

SOURCE = m.Source(
    id="memoir",
    title="With the Century (세기와 더불어) <vol. 8> & “Reminiscences”",
    outlet="Foreign Languages Publishing House",
    publisher="Korean Workers' Party",
    kind="memoir",
    language="en",
    origin="DPRK",
    original_file="memoir.txt",
    sha256="0" * 64,
    dates=m.SourceDates(published="1998", captured="2024-01-02", events="1945", notes=""),
    lines=(
        "In August 1945 the Korean People's Revolutionary Army liberated the homeland.",
        "The “great Leader” crushed the Japanese imperialists ~ at a stroke {sic}.",
        "Juche 34 (1945) is remembered as the year of liberation.",
        "Text with ]]> and <tags> & ampersands: a#b=c.",
    ),
    repairs=(),
)

CLAIM = m.Claim(
    id="mem-liberation",
    source="memoir",
    lines=(1, 2),
    quote="liberated the homeland",
    kind="event",
    summary="The KPRA liberated Korea in August 1945.",
    verdict="contradicted",
    verdict_note="Soviet and US forces accepted the Japanese surrender.",
)

RECIPE = m.Recipe(
    title="Liberation 1945: sample / all kinds",
    instructions="Answer every question.",
    questions=(m.Selection("identify-bias", 9),),
    versions=2,
    seed=7,
)


def _common(qid: str, skill: str, sub: str, stem: str, extra: str, **kw) -> dict:
    return dict(
        id=qid,
        skill=skill,
        subskill=sub,
        claims=("mem-liberation",),
        stem=stem + extra,
        explanation=f"Explanation for {qid}: {AWKWARD}{extra}",
        difficulty=2,
        grade_band="9-10",
        **kw,
    )


def _questions(extra: str, juche: int) -> list[m.Question]:
    """Return one question of each kind, in bank order (correct order for ordering)."""
    return [
        m.SingleChoice(
            **_common("ib-single", "identify-bias", "A2", f"Which word is loaded? {AWKWARD}", extra,
                      techniques=("glittering-generality", "name-calling")),
            choices=(
                m.Choice("“great Leader”" + extra, True, "Yes: praise, not description." + extra),
                m.Choice("August" + extra, False, "A month is not loaded."),
                m.Choice("homeland <&> ]]>" + extra, False, ""),
                m.Choice("a = b # c ~ d" + extra, False, "Feedback with {braces}"),
            ),
        ),
        m.MultipleResponse(
            **_common("ib-multi", "identify-bias", "A3", "Which are propaganda techniques?", extra, points=2),
            choices=(
                m.Choice("Name-calling" + extra, True, "Right."),
                m.Choice("Glittering generality" + extra, True),
                m.Choice("Footnote" + extra, False, "A footnote is a citation."),
                m.Choice("Transfer: flag & “glory”" + extra, True),
                m.Choice("Index" + extra, False),
            ),
        ),
        m.TrueFalse(
            **_common("co-tf", "corroborate", "C3", "Outside sources confirm the KPRA alone liberated Korea.", extra),
            answer=False,
        ),
        m.ShortAnswer(
            **_common("co-short", "corroborate", "C2", "Name the army that entered Pyongyang in August 1945.", extra),
            answers=("Soviet Red Army" + extra, "Red Army" + extra, "소련군"),
        ),
        m.Numeric(
            **_common("dc-juche", "date-checking", "B1", f"The text says Juche {juche}. Which Gregorian year is that?",
                      extra, parametric=None, instance=(("juche", juche), ("written", f"Juche {juche}"))),
            answer=Decimal(juche + 1911),
            tolerance=Decimal(0),
            unit="",
        ),
        m.Numeric(
            **_common("dc-gap", "date-checking", "B4", "How long after 1945 was the memoir published?", extra),
            answer=Decimal("53"),
            tolerance=Decimal("0.5"),
            unit="years",
        ),
        m.Matching(
            **_common("dc-match", "date-checking", "B3", "Match each event to its year.", extra),
            pairs=(
                m.Pair("Liberation of Korea" + extra, "1945" + extra),
                m.Pair("Founding of the DPRK: {state}" + extra, "1948" + extra),
                m.Pair("Start of the Korean War = 6·25" + extra, "1950" + extra),
            ),
            distractors=("1953 <armistice>" + extra,),
        ),
        m.Ordering(
            **_common("dc-order", "date-checking", "B3", "Put the events in order, earliest first.", extra),
            items=(
                "Japanese surrender broadcast" + extra,
                "Soviet troops reach Pyongyang" + extra,
                "Kim Il Sung's first public speech" + extra,
                "Founding of the DPRK ~ 1948" + extra,
            ),
        ),
        m.OpenResponse(
            **_common("co-open", "corroborate", "C4", "Compare the memoir's account with an outside source.", extra,
                      points=4, outside_source=m.OutsideSource("history book", "Soviet forces entered first.")),
            rubric=m.Rubric(
                proficient="Names an independent source and weighs it." + extra,
                emergent="Names a source but does not weigh it.",
                basic="Restates the memoir.",
                patterns=(m.RubricPattern("aligned source", "Cites KCNA as outside: not independent." + extra),),
            ),
            model_answer="The memoir credits the KPRA; Soviet records show the Red Army entered first." + extra,
        ),
        m.MarkTheWords(
            **_common("ib-mark", "identify-bias", "A2", "Mark the loaded words.", extra),
            passage="The “great Leader” crushed the imperialists at a stroke" + extra + ".",
            answers=("“great Leader”", "crushed", "at a stroke" + extra),
        ),
    ]


def _letter(i: int) -> str:
    return "ABCDEFGHIJ"[i]


def _item(number: int, q: m.Question, reverse: bool, ws_excerpt: bool) -> m.WorksheetItem:
    """Return a WorksheetItem with this version's choice/right-column/ordering order and key."""
    shuffled: tuple[str, ...] = ()
    if isinstance(q, (m.SingleChoice, m.MultipleResponse)):
        choices = tuple(reversed(q.choices)) if reverse else q.choices
        q = _replace(q, choices=choices)
        key = ", ".join(_letter(i) for i, c in enumerate(choices) if c.correct)
    elif isinstance(q, m.TrueFalse):
        key = "True" if q.answer else "False"
    elif isinstance(q, m.ShortAnswer):
        key = q.answers[0]
    elif isinstance(q, m.Numeric):
        key = str(q.answer)
    elif isinstance(q, m.Matching):
        right = [p.right for p in q.pairs] + list(q.distractors)
        shuffled = tuple(reversed(right)) if reverse else tuple(right[1:] + right[:1])
        key = ", ".join(f"{i + 1}-{_letter(shuffled.index(p.right))}" for i, p in enumerate(q.pairs))
    elif isinstance(q, m.Ordering):
        shuffled = tuple(reversed(q.items)) if reverse else tuple(q.items[2:] + q.items[:2])
        key = "-".join(str(shuffled.index(it) + 1) for it in q.items)
    elif isinstance(q, m.OpenResponse):
        key = q.model_answer
    else:
        key = "; ".join(q.answers)
    excerpts = ()
    if ws_excerpt:
        excerpts = (m.Excerpt("memoir", 1, 4, SOURCE.lines),)
    return m.WorksheetItem(number=number, question=q, key=key, excerpts=excerpts, shuffled=shuffled)


def _replace(q, **changes):
    import dataclasses

    return dataclasses.replace(q, **changes)


def worksheet_all_kinds(extra: str = "") -> m.Worksheet:
    """Return a two-version worksheet holding every question kind (``extra`` appended to every text)."""
    source = SOURCE
    if extra:
        source = _replace(SOURCE, title=SOURCE.title + extra, lines=SOURCE.lines[:3] + (SOURCE.lines[3] + extra,))
    versions = []
    for v, juche in enumerate((34, 37)):
        questions = _questions(extra, juche)
        if v == 1:
            questions = questions[1:] + questions[:1]
        items = []
        for n, q in enumerate(questions, start=1):
            item = _item(n, q, reverse=(v == 1), ws_excerpt=q.id in ("ib-single", "ib-mark", "co-open"))
            if extra and item.excerpts:
                item = _replace(item, excerpts=(m.Excerpt("memoir", 1, 4, source.lines),))
            items.append(item)
        versions.append(m.Version(letter="AB"[v], items=tuple(items)))
    return m.Worksheet(
        recipe=RECIPE,
        versions=tuple(versions),
        sources={"memoir": source},
        claims={"mem-liberation": CLAIM},
    )


def big_worksheet(count: int = 1000) -> m.Worksheet:
    """Return a one-version worksheet of ``count`` questions: the sample's, repeated under new ids."""
    base = worksheet_all_kinds().versions[0].items
    items = []
    for n in range(count):
        item = base[n % len(base)]
        q = _replace(item.question, id=f"{item.question.id}-{n:04d}")
        items.append(_replace(item, number=n + 1, question=q))
    sample = worksheet_all_kinds()
    return m.Worksheet(
        recipe=_replace(RECIPE, title="Benchmark bank", versions=1),
        versions=(m.Version(letter="A", items=tuple(items)),),
        sources=sample.sources,
        claims=sample.claims,
    )
