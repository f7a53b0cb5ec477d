"""Bank + Recipe → Worksheet: select, order and shuffle questions, seeded.

Each version draws with its own ``random.Random`` derived from the recipe's
seed and the version letter, so version B is the same whether a recipe asks
for 2 versions or 30, and the same bank + recipe + seed always gives the
same worksheet. Per version:

1. take the questions the recipe names by id (every version has them),
   then pick each other line's questions from the questions that pass its
   filters (skill or sub-skill, kinds, sources, difficulty, grade band),
   most constrained line first, never the same question twice and never a
   named one; a version where one question prints the answer a look-it-up
   question asks for (``given_away``), or where two stand on the same claims
   (``same_claims``), is drawn again;
2. with ``shuffle`` (the default for a recipe that names no question):
   group them by skill (one part per skill, in the order the recipe first
   names each skill, a named question's skill where it is named) and
   shuffle the order inside each part, then move the shortest question to
   the front (it shares a page with the heading), and put questions of
   a part that print the same passage next to each other
   (``group_by_passage``: the worksheet prints the passage once, above
   them). Without: keep the
   recipe's order, line by line, named questions as listed and each drawn
   line's questions in drawn order; the worksheet's parts are then the
   runs of one skill, so a recipe that goes back to a skill opens a new
   part for it;
3. shuffle choices, the right-hand column of matching questions and the
   items of ordering questions; give parametric questions their own case;
4. write the printable answer (``WorksheetItem.key``).

A recipe the bank cannot satisfy raises RecipeError before anything is
drawn, saying which line is short and by how much.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from quizgen import excerpts as trimming
from quizgen import model
from quizgen.errors import Diagnostic, Location, RecipeError, close_match
from quizgen.parametric import CASE_CLAIMS, GENERATORS, instantiate
from quizgen.printed import format_number, letter_of
from quizgen.bank import QUOTE_GAP
from quizgen.catalog import matches, sources_of
from quizgen.recipe import describe

log = logging.getLogger(__name__)

#: Choices that only make sense in last place ("All of the above").
_PINNED_LAST = ("of the above", "all of these", "none of these")


def version_letter(index: int) -> str:
    """Return the letter of the version at ``index``: A … Z, then AA, AB …"""
    return letter_of(index)  # versions are lettered as choices are


def _where(recipe: model.Recipe, index: int, selection: model.Selection) -> Location:
    if selection.option:  # typed on the command line: name the option, not the recipe file
        return Location(selection.option)
    return Location(recipe.path or "recipe", selection.line, f"questions[{index}]")


def _id_where(recipe: model.Recipe, index: int, selection: model.Selection, k: int) -> Location:
    """Where the ``k``-th id of a naming line is written: questions[N].id or questions[N].id[K], on its own line."""
    if selection.option or len(selection.id_places) != len(selection.id):
        return _where(recipe, index, selection)
    field, line = selection.id_places[k]
    return Location(recipe.path or "recipe", line or selection.line, field)


def _named_pool(bank: model.Bank, recipe: model.Recipe, index: int, selection: model.Selection,
                unknown_names: list[Diagnostic], problems: list[Diagnostic]) -> list[model.Question]:
    """Return the questions a line names, in its order; report ids the bank lacks and look-ups cards leave out."""
    pool = []
    for k, ident in enumerate(selection.id):
        question = bank.questions.get(ident)
        if question is None:
            unknown_names.append(Diagnostic(_id_where(recipe, index, selection, k),
                                            f"unknown question '{ident}'{close_match(ident, bank.questions)}"))
        elif recipe.cards and model.LOOK_IT_UP in question.tags:
            problems.append(Diagnostic(_id_where(recipe, index, selection, k),
                                       f"question '{ident}' needs students to look something up, which cards: true "
                                       "leaves out; name another question or set cards: false"))
        else:
            if recipe.grade_band and model.GRADE_BANDS.index(question.grade_band) > model.GRADE_BANDS.index(recipe.grade_band):
                # The teacher chose it; a drawn line would not have (see catalog.matches).
                log.warning(Diagnostic(_id_where(recipe, index, selection, k), (
                    f"question '{ident}' is written for grades {question.grade_band}, above the recipe's grade_band "
                    f"{recipe.grade_band}; it is printed because the recipe names it"), severity="warning").format())
            pool.append(question)
    return pool


def _pools(bank: model.Bank, recipe: model.Recipe) -> list[list[model.Question]]:
    """Return each recipe line's candidate questions (bank order; a named line's in its order); raise on a shortfall."""
    problems: list[Diagnostic] = []
    unknown_sources: list[Diagnostic] = []
    unknown_names: list[Diagnostic] = []
    pools: list[list[model.Question]] = []
    named = {ident: index for index, selection in enumerate(recipe.questions) for ident in selection.id}
    for index, selection in enumerate(recipe.questions):
        if selection.id:
            pools.append(_named_pool(bank, recipe, index, selection, unknown_names, problems))
            continue
        problem = _unknown_source(bank, recipe, index, selection)
        if problem:
            if problem not in unknown_sources:
                unknown_sources.append(problem)
            pools.append([])
            continue
        pools.append(_drawn_pool(bank, recipe, index, selection, named, problems))
    if unknown_sources or unknown_names:  # a misspelt name, not a bank too small: say only that
        parts = []
        for found, noun in ((unknown_sources, "source"), (unknown_names, "question")):
            if found:
                parts.append(f"{len(found)} unknown {noun}{'' if len(found) == 1 else 's'}")
        raise RecipeError(f"{' and '.join(parts)}; nothing was written", unknown_sources + unknown_names)
    if not problems:
        problems += _overlaps(recipe, pools)
    if problems:
        noun = "line" if len(problems) == 1 else "lines"
        raise RecipeError(f"the bank cannot fill {len(problems)} recipe {noun}; nothing was written", problems)
    return pools


def _unknown_source(bank: model.Bank, recipe: model.Recipe, index: int, selection: model.Selection) -> Diagnostic | None:
    """Return the problem of a drawn line that names a source the bank lacks, or None."""
    unknown = [s for s in selection.sources if s not in bank.sources]
    if not unknown:
        return None
    known = ", ".join(bank.sources)
    # Sources typed once on the command line are reported once, against the option.
    where = Location(selection.sources_option) if selection.sources_option else _where(recipe, index, selection)
    return Diagnostic(where, f"unknown source '{unknown[0]}'{close_match(unknown[0], bank.sources)}; the bank has: {known}")


def _drawn_pool(bank: model.Bank, recipe: model.Recipe, index: int, selection: model.Selection,
                named: dict[str, int], problems: list[Diagnostic]) -> list[model.Question]:
    """Return the questions a drawn line may draw; add a problem, saying why, when they are too few."""
    pool = [q for q in bank.questions.values() if matches(bank, q, selection, recipe.grade_band)]
    # Cards stand for a class without web access: nothing there to look up with.
    offline = [q for q in pool if model.LOOK_IT_UP not in q.tags] if recipe.cards else pool
    left_out, pool = len(pool) - len(offline), offline
    # A question named by id is on the sheet already: never drawn a second time.
    taken = sorted({named[q.id] for q in pool if q.id in named})
    picked, pool = len(pool), [q for q in pool if q.id not in named]
    picked -= len(pool)
    if len(pool) < selection.count:
        have = len(pool) or "none"
        needs = "needs" if left_out == 1 else "need"
        why = f" ({left_out} more {needs} students to look something up, which cards: true leaves out)" if left_out else ""
        if picked:
            lines = ", ".join(f"questions[{i}]" for i in taken)
            why += f" ({picked} more {'is' if picked == 1 else 'are'} named by {lines}, and a question is printed once)"
        problems.append(Diagnostic(
            _where(recipe, index, selection),
            f"asked for {describe(selection, recipe.grade_band)}; the bank has {have}{why}",
        ))
    return pool


def _pick_order(pools: list[list[model.Question]], recipe: model.Recipe) -> list[int]:
    """Return the order in which to fill recipe lines: named questions, then the narrowest pool first.

    Filling narrow lines (a sub-skill) before broad ones (its skill) means a
    broad line never takes the only questions a narrow line could use.
    """
    return sorted(range(len(pools)), key=lambda i: (not recipe.questions[i].id, len(pools[i]), i))


def _overlaps(recipe: model.Recipe, pools: list[list[model.Question]]) -> list[Diagnostic]:
    """Report lines that are short once earlier (narrower) lines have taken their questions.

    Counting the worst case keeps the check independent of the draw: a line
    is safe when its pool, less everything the lines filled before it could
    take from that pool, still holds its count.
    """
    problems = []
    filled: list[int] = []
    for i in _pick_order(pools, recipe):
        selection = recipe.questions[i]
        if selection.id:  # named questions are out of every drawn line's pool already
            continue
        pool = {q.id for q in pools[i]}
        taken = 0
        takers = []
        for j in filled:
            shared = len(pool & {q.id for q in pools[j]})
            if shared:
                taken += min(shared, recipe.questions[j].count)
                takers.append(recipe.questions[j].option or f"questions[{j}]")
        if len(pool) - taken < selection.count:
            problems.append(Diagnostic(
                _where(recipe, i, selection),
                f"asked for {describe(selection, recipe.grade_band)}; the bank has {len(pool)}, "
                f"but {', '.join(takers)} may take {taken} of them",
            ))
        filled.append(i)
    return problems


def check_recipes(bank: model.Bank, folder: Path, bank_dir: Path | None = None) -> int:
    """Check that each recipe in ``folder`` reads and that ``bank`` can fill it; return how many.

    ``bank_dir`` is the bank's folder, whose bank.yaml gives the recipes'
    defaults (default: the shipped bank's). Raises RecipeError listing the
    problems of every recipe at once.
    """
    from quizgen.recipe import load_recipe

    problems: list[Diagnostic] = []
    if folder.exists() and not folder.is_dir():
        raise RecipeError("the bank's recipes cannot be read", [Diagnostic(Location(str(folder)), "is a file, not a folder of recipes")])
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
    for path in files:
        try:
            make_worksheet(bank, load_recipe(path, bank=bank_dir))
        except RecipeError as err:
            problems += err.diagnostics
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise RecipeError(f"{len(problems)} {noun} in the bank's recipes ({folder.name}/)", problems)
    return len(files)


def make_worksheet(bank: model.Bank, recipe: model.Recipe) -> model.Worksheet:
    """Return the worksheet ``recipe`` asks for, drawn from ``bank`` with the recipe's seed."""
    pools = _pools(bank, recipe)
    order = _pick_order(pools, recipe)
    skills = list(dict.fromkeys(skill for i, s in enumerate(recipe.questions)
                                for skill in ([q.skill for q in pools[i]] if s.id else [_skill_of(s.skill)])))
    named = {q.id for i, s in enumerate(recipe.questions) if s.id for q in pools[i]}
    _warn_named_give_aways(bank, recipe, [q for i in order if recipe.questions[i].id for q in pools[i]])
    versions = []
    # Points, kinds, difficulties and sub-skills per recipe line, as version A
    # drew them: every later version draws the same points on each line, so all
    # versions of a class total the same, and the same kinds, difficulties and
    # sub-skills where the bank has more than enough.
    profiles: dict[int, list[tuple[int, str, int, str]]] = {}
    for index in range(recipe.versions):
        letter = version_letter(index)
        rng = random.Random(f"quizgen/{recipe.seed}/version/{letter}")
        chosen, drew, away, by_line = _best_draw(bank, recipe, pools, order, profiles, named, rng)
        for asked, telling in away:
            log.warning("version %s: question %s prints the answer to look-it-up question %s (no other draw found)",
                        letter, telling, asked)
        for i, profile in drew.items():
            profiles.setdefault(i, profile)
        if recipe.shuffle:
            parts = _shuffled_parts(bank, skills, list(chosen.values()), rng)
        else:  # the recipe's order, as the teacher listed it
            parts = [q for i in range(len(recipe.questions)) for q in by_line[i]]
        versions.append(_version(bank, recipe, letter, index, parts, rng, grouped=recipe.shuffle))
    return _worksheet(bank, recipe, versions)


def _best_draw(bank: model.Bank, recipe: model.Recipe, pools: list[list[model.Question]], order: list[int],
               profiles: dict[int, list[tuple[int, str, int, str]]], named: set[str], rng: random.Random):
    """Draw one version up to _REDRAWS times; return the draw with the fewest faults, and its give-aways."""
    best = None
    for _ in range(_REDRAWS):
        chosen, drew, by_line = _draw_version(recipe, pools, order, profiles, rng)
        # A look-it-up answer printed by another question of the sheet is no
        # longer looked up, and two questions on the very same claims ask one
        # thing twice: draw the version again, keeping the best draw (the bank
        # may leave no other way).
        away = [pair for pair in given_away(bank, list(chosen.values())) if not set(pair) <= named]
        faults = (len(away), len(same_claims(list(chosen.values()))))
        if best is None or faults < best[0]:
            best = (faults, chosen, drew, away, by_line)
        if faults == (0, 0):
            break
    _, chosen, drew, away, by_line = best
    return chosen, drew, away, by_line


def _draw_version(recipe: model.Recipe, pools: list[list[model.Question]], order: list[int],
                  profiles: dict[int, list[tuple[int, str, int, str]]], rng: random.Random):
    """Fill every recipe line once, in ``order``: the questions chosen, each drawn line's profile, each line's questions."""
    chosen: dict[str, model.Question] = {}
    drew: dict[int, list[tuple[int, str, int, str]]] = {}
    by_line: dict[int, list[model.Question]] = {}
    for i in order:
        if recipe.questions[i].id:
            drawn = list(pools[i])  # named: on every version, as listed
        else:
            free = [q for q in pools[i] if q.id not in chosen]
            drawn = _draw(free, recipe.questions[i].count, profiles.get(i), rng)
            drew[i] = sorted(_slot(q) for q in drawn)
        by_line[i] = drawn
        for question in drawn:
            chosen[question.id] = question
    return chosen, drew, by_line


def _warn_named_give_aways(bank: model.Bank, recipe: model.Recipe, named: list[model.Question]) -> None:
    """Warn once of each give-away between two questions the recipe names: no draw can avoid it."""
    places = {ident: (i, k) for i, s in enumerate(recipe.questions) for k, ident in enumerate(s.id)}
    for asked, telling in given_away(bank, named):
        index, k = places[telling]
        log.warning(Diagnostic(_id_where(recipe, index, recipe.questions[index], k), (
            f"question '{telling}' prints the answer that look-it-up question '{asked}' asks students to look up; "
            "both were named in the recipe, so every version prints both (name one of them to keep the look-up)"),
            severity="warning").format())


def _shuffled_parts(bank: model.Bank, skills: list[str], chosen: list[model.Question],
                    rng: random.Random) -> list[model.Question]:
    """Return ``chosen`` grouped by skill in the order of ``skills``, shuffled inside each part."""
    parts = []
    for skill in skills:
        part = [q for q in chosen if q.skill == skill]
        rng.shuffle(part)
        if part:
            # A part's first question shares its page with the part's heading (and
            # question 1 with the sheet's header): the shortest to print goes there,
            # so a near-page-tall question does not leave the heading alone on a page.
            part.insert(0, part.pop(part.index(min(part, key=lambda q: _print_length(bank, q)))))
        parts.extend(part)
    return parts


def _slot(question: model.Question) -> tuple[int, str, int, str]:
    """What later versions match of a question version A drew: points, kind, difficulty, sub-skill."""
    return (question.points, question.kind, question.difficulty, question.subskill)


def _draw(free: list[model.Question], count: int, profile: list[tuple[int, str, int, str]] | None,
          rng: random.Random) -> list[model.Question]:
    """Draw ``count`` questions from ``free``, matching ``profile`` (version A's slots, see _slot).

    Version A (no profile) spreads its questions over the sub-skills, so five
    date-checking questions are not three on one idea. Later versions match
    points whenever the questions left allow it, so every version totals the
    same. Kind, difficulty and sub-skill are matched where the bank has more
    candidates than needed, else kind and difficulty, else the kind alone, the
    same way: where there is no spare, matching would give every version the
    same question, so that slot takes any question of the same points instead
    and versions still differ. When even the points cannot be matched (a
    narrower line took the questions in this version), any ``count`` will do.
    """
    if profile is None:
        return _spread(free, count, rng)
    kept: list[model.Question] = []
    left = _keep_where_spare(free, kept, profile, _slot, rng)
    left = _keep_where_spare(free, kept, [slot[:3] for slot in left], lambda q: _slot(q)[:3], rng)
    left = _keep_where_spare(free, kept, [slot[:2] for slot in left], lambda q: _slot(q)[:2], rng)
    open_points = [points for points, _ in left]  # slots to fill on points alone
    # Kinds and points; else points alone (the kinds kept so far given up); else anything.
    for start, points in ((kept, open_points), ([], [slot[0] for slot in profile])):
        drawn = _fill_by_points(free, start, points, rng)
        if drawn is not None:
            rng.shuffle(drawn)
            return drawn
    return rng.sample(free, count)


def _spread(free: list[model.Question], count: int, rng: random.Random) -> list[model.Question]:
    """Draw ``count`` questions at random, taking the sub-skills in turn (in a random order)."""
    if count > len(free):
        raise ValueError(f"cannot draw {count} questions from {len(free)}")  # as random.sample would
    by_subskill: dict[str, list[model.Question]] = {}
    for question in free:
        by_subskill.setdefault(question.subskill, []).append(question)
    turns = sorted(by_subskill)
    rng.shuffle(turns)
    for questions in by_subskill.values():
        rng.shuffle(questions)
    drawn: list[model.Question] = []
    while len(drawn) < count:
        for subskill in turns:
            if by_subskill[subskill] and len(drawn) < count:
                drawn.append(by_subskill[subskill].pop())
    rng.shuffle(drawn)
    return drawn


def _keep_where_spare(free: list[model.Question], kept: list[model.Question], slots: list[tuple],
                      key, rng: random.Random) -> list[tuple]:
    """Add to ``kept``, for each slot, a question of ``free`` whose ``key`` is that slot, where more
    than the slots need are left; return the slots that had no spare."""
    left: list[tuple] = []
    for slot, needed in sorted(Counter(slots).items()):
        same = [q for q in free if key(q) == slot and q not in kept]
        if len(same) > needed:
            kept += _pick(same, needed, kept, rng)
        else:
            left += [slot] * needed
    return left


def _fill_by_points(free: list[model.Question], drawn: list[model.Question], points: list[int],
                    rng: random.Random) -> list[model.Question] | None:
    """Return ``drawn`` plus one question of ``free`` per entry of ``points``, worth that; None if too few."""
    drawn = list(drawn)
    for value, needed in sorted(Counter(points).items()):
        left = [q for q in free if q.points == value and q not in drawn]
        if len(left) < needed:
            return None
        drawn += _pick(left, needed, drawn, rng)
    return drawn


def _pick(candidates: list[model.Question], needed: int, taken: list[model.Question],
          rng: random.Random) -> list[model.Question]:
    """Pick ``needed`` of ``candidates`` at random, preferring sub-skills ``taken`` has least of."""
    pool = list(candidates)
    rng.shuffle(pool)
    counts = Counter(q.subskill for q in taken)
    picked = []
    for _ in range(needed):
        best = min(pool, key=lambda q: counts[q.subskill])  # the first of the fewest: still random
        pool.remove(best)
        picked.append(best)
        counts[best.subskill] += 1
    return picked


def _printed_text(bank: model.Bank, question: model.Question) -> list[str]:
    """Return what a question prints for students: stem, excerpts and what they choose from."""
    text = [question.stem]
    if question.print_excerpts:
        text += [line for excerpt in excerpts_of(bank, question) for line in excerpt.lines]
    for field in ("choices", "pairs", "items", "passage"):
        value = getattr(question, field, None)
        if isinstance(value, str):
            text.append(value)
        elif value:
            text += [f"{v.left} {v.right}" if isinstance(v, model.Pair) else str(getattr(v, "text", v)) for v in value]
    return text


def _print_length(bank: model.Bank, question: model.Question) -> int:
    """Return about how much text a question prints."""
    return sum(len(t) for t in _printed_text(bank, question))


#: Draws of one version tried before a give-away or a same-claims pair is accepted.
_REDRAWS = 20


def _looked_up_answers(question: model.Question) -> list[str]:
    """Return what gives away a look-it-up question's answer: its answer terms, else its answers ([] for others)."""
    if model.LOOK_IT_UP not in question.tags:
        return []
    if question.answer_terms:
        return list(question.answer_terms)
    if isinstance(question, (model.SingleChoice, model.MultipleResponse)):
        return [c.text for c in question.choices if c.correct]
    if isinstance(question, model.ShortAnswer):
        return list(question.answers)
    if isinstance(question, model.Numeric):
        return [format_number(question.answer)]
    return []


def same_claims(questions: list[model.Question]) -> list[tuple[str, str]]:
    """Return pairs of questions that stand on exactly the same claims (say, a Juche conversion
    asked once as a number and once as a choice): on one sheet they ask one thing twice."""
    first: dict[frozenset, str] = {}
    pairs = []
    for question in questions:
        key = frozenset(question.claims)
        if key in first:
            pairs.append((first[key], question.id))
        else:
            first[key] = question.id
    return pairs


def given_away(bank: model.Bank, questions: list[model.Question]) -> list[tuple[str, str]]:
    """Return (look-it-up question, question printing its answer) for every give-away among ``questions``.

    "In which year did North Korea adopt the Juche calendar?" is no exercise
    on a sheet where another question says "adopted in 1997". An answer counts
    as printed where it stands as a whole word or number in another question's
    stem, excerpts or choices.
    """
    asked = [(q, answers) for q in questions if (answers := [a.strip() for a in _looked_up_answers(q) if a.strip()])]
    if not asked:
        return []
    printed = {q.id: _printed_text(bank, q) for q in questions}
    found = []
    for question, answers in asked:
        for answer in answers:
            pattern = re.compile(r"(?<!\w)" + re.escape(answer) + r"(?!\w)", re.IGNORECASE)
            found += [(question.id, other.id) for other in questions
                      if other.id != question.id and any(pattern.search(t) for t in printed[other.id])]
    return found


def whole_bank(bank: model.Bank, seed: int = 1) -> model.Worksheet:
    """Return a one-version worksheet holding every question of the bank, in bank order.

    For exporting the whole bank to an LMS: choices are shuffled and
    parametric questions instantiated with ``seed`` as in any worksheet.
    """
    counts: dict[str, int] = {}
    for q in bank.questions.values():
        counts[q.skill] = counts.get(q.skill, 0) + 1
    recipe = model.Recipe(
        title="Question bank",
        instructions="",
        questions=tuple(model.Selection(skill, count) for skill, count in counts.items()),
        seed=seed,
        name="bank",
    )
    rng = random.Random(f"quizgen/{seed}/version/A")
    version = _version(bank, recipe, "A", 0, list(bank.questions.values()), rng, grouped=False)
    return _worksheet(bank, recipe, [version])


def _skill_of(code: str) -> str:
    return model.SUBSKILLS[code][0].id if code in model.SUBSKILLS else code


def _worksheet(bank: model.Bank, recipe: model.Recipe, versions: list[model.Version]) -> model.Worksheet:
    """Wrap versions with the bank records they cite (sources and claims, bank order)."""
    claim_ids = {c for v in versions for item in v.items for c in item.question.claims}
    source_ids = {bank.claims[c].source for c in claim_ids} | {
        e.source for v in versions for item in v.items for e in item.excerpts
    }
    return model.Worksheet(
        recipe=recipe,
        versions=tuple(versions),
        sources={k: s for k, s in bank.sources.items() if k in source_ids},
        claims={k: c for k, c in bank.claims.items() if k in claim_ids},
    )


def _version(bank, recipe, letter: str, index: int, questions: list[model.Question], rng: random.Random,
             grouped: bool = True) -> model.Version:
    instances = [_instance(bank, question, recipe.seed, index) for question in questions]
    if grouped:  # a shuffled worksheet's order; the recipe's own order and the whole bank's are kept
        instances = group_by_passage(bank, instances)
    items = []
    for number, question in enumerate(instances, start=1):
        question, shuffled = _shuffle(question, rng)
        excerpts = excerpts_of(bank, question)
        items.append(model.WorksheetItem(number, question, answer_key(question, shuffled), excerpts, shuffled))
    return model.Version(letter, tuple(items))


def group_by_passage(bank: model.Bank, questions: list[model.Question]) -> list[model.Question]:
    """Return ``questions`` with those of one part (skill) that print lines of the same passage next to each other.

    The worksheet then prints the passage once, above the first of them
    (render.context.passage_plan). Order is otherwise kept: a question joins
    the end of the first group before it whose lines it shares, so a part
    still opens with its shortest question and the grouping is as seeded as
    the shuffle it follows.
    """
    groups: list[tuple[str, set[tuple[str, int]], list[model.Question]]] = []  # (skill, lines printed, questions)
    for question in questions:
        lines = _passage_lines(bank, question)
        group = next((g for g in groups if g[0] == question.skill and g[1] & lines), None)
        if group is None:
            groups.append((question.skill, set(lines), [question]))
        else:
            group[1].update(lines)
            group[2].append(question)
    return [question for _, _, members in groups for question in members]


def _passage_lines(bank: model.Bank, question: model.Question) -> set[tuple[str, int]]:
    """Return the (source, line) pairs a question prints as excerpts (none for a passage to mark or a quoting stem)."""
    if not question.print_excerpts or isinstance(question, model.MarkTheWords):
        return set()
    return {(e.source, n) for e in excerpts_of(bank, question) for n in range(e.first, e.last + 1)}


def _instance(bank: model.Bank, question: model.Question, seed: int, index: int) -> model.Question:
    """Instantiate a parametric question with this version's case.

    Cases are dealt out in a seeded order, one per version, so versions get
    different numbers whenever the question has enough cases (a plain random
    draw would often repeat a case across two versions).
    """
    spec = question.parametric
    if spec is None:
        return question
    deck = list(range(len(spec.cases)))
    random.Random(f"quizgen/{seed}/cases/{question.id}").shuffle(deck)
    case = spec.cases[deck[index % len(deck)]]
    values = {k: v for k, v in case.items() if k != CASE_CLAIMS}
    one = dataclasses.replace(question, parametric=model.Parametric(spec.generator, (values,)),
                              claims=case_claims(bank, question, case))
    return instantiate(one, random.Random(f"quizgen/{seed}/instance/{question.id}/{index}"))


def case_claims(bank: model.Bank, question: model.Question, case: dict) -> tuple[str, ...]:
    """Return the claims one case of a parametric question stands on: those it names, else
    those whose quote holds the text it quotes ("Juche 25"), else those whose lines give one
    of its dates or years, else all the question's.

    Printing the others would put a passage beside the question that has nothing to do with
    its numbers (a box showing "Juche 34 (1945)" under a question about Juche 25), and the key
    would discuss claims the question does not ask about.
    """
    if CASE_CLAIMS in case:
        return tuple(case[CASE_CLAIMS])
    if question.excerpts:
        return question.claims
    known = [c for c in question.claims if c in bank.claims]
    quoted = [str(case[name]) for name in GENERATORS[question.parametric.generator].quoted]
    if quoted:
        return tuple(c for c in known if any(t in bank.claims[c].quote for t in quoted)) or question.claims
    dates = case_dates(case)

    def printed(claim_id: str) -> str:  # the lines excerpts_of prints for this claim
        sid, first, last = quote_span(bank.sources[bank.claims[claim_id].source], bank.claims[claim_id])
        return bank.sources[sid].text(first, last)

    return tuple(c for c in known if any(d in printed(c) for d in dates)) or question.claims


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def case_dates(case: dict) -> set[str]:
    """Return the ways a source may write a case's years and dates: '1945', 'August 9', '9 August'."""
    out = set()
    for name, value in case.items():
        if name.endswith("year"):
            out.add(str(value))
        elif name.endswith("date"):
            day = dt.date.fromisoformat(value)
            month = _MONTHS[day.month - 1]  # the sources' English, whatever the machine's locale
            out |= {f"{month} {day.day}", f"{day.day} {month}"}
    return out


def _shuffle(question: model.Question, rng: random.Random) -> tuple[model.Question, tuple[str, ...]]:
    """Return the question with its choices (or pairs) in this version's order, and the shuffled column."""
    if isinstance(question, (model.SingleChoice, model.MultipleResponse)):
        pinned = [c for c in question.choices if c.text.strip().lower().rstrip(".").endswith(_PINNED_LAST)]
        free = [c for c in question.choices if c not in pinned]
        rng.shuffle(free)
        return dataclasses.replace(question, choices=tuple(free + pinned)), ()
    if isinstance(question, model.Matching):
        pairs = list(question.pairs)
        rng.shuffle(pairs)
        right = [p.right for p in pairs] + list(question.distractors)
        _shuffle_away(right, [p.right for p in pairs] + list(question.distractors), rng)
        return dataclasses.replace(question, pairs=tuple(pairs)), tuple(right)
    if isinstance(question, model.Ordering):
        items = list(question.items)
        _shuffle_away(items, list(question.items), rng)
        return question, tuple(items)
    return question, ()


def _shuffle_away(items: list, avoid: list, rng: random.Random) -> None:
    """Shuffle ``items`` in place into an order other than ``avoid`` (when one exists).

    A timeline printed already in order, or a matching column that lines up
    with its prompts, gives the answer away.
    """
    for _ in range(20):
        rng.shuffle(items)
        if items != avoid or len(set(items)) < 2:
            return
    items.reverse()


def answer_key(question: model.Question, shuffled: tuple[str, ...] = ()) -> str:
    """Return the answer as a teacher marks it on the printed sheet.

    Letters and numbers refer to the sheet: choice letters in printed order,
    matching as "1-C, 2-A" (prompt number, letter of the right-hand item),
    ordering as the numbers to write in the boxes, read top to bottom.
    """
    if isinstance(question, model.SingleChoice):
        return letter_of(question.correct_index)
    if isinstance(question, model.MultipleResponse):
        return ", ".join(letter_of(i) for i, c in enumerate(question.choices) if c.correct)
    if isinstance(question, model.TrueFalse):
        return "True" if question.answer else "False"
    if isinstance(question, model.ShortAnswer):
        return question.answers[0]
    if isinstance(question, model.Numeric):
        text = format_number(question.answer)
        if question.tolerance:
            text += f" ± {format_number(question.tolerance)}"
        return f"{text} {question.unit}".strip()
    if isinstance(question, model.Matching):
        return ", ".join(f"{n}-{letter_of(shuffled.index(p.right))}" for n, p in enumerate(question.pairs, start=1))
    if isinstance(question, model.Ordering):
        return "-".join(str(question.items.index(item) + 1) for item in shuffled)
    if isinstance(question, model.OpenResponse):
        return "see rubric"
    if isinstance(question, model.MarkTheWords):
        return "; ".join(question.answers)
    raise TypeError(f"no answer key for question kind {question.kind!r}")


def excerpts_of(bank: model.Bank, question: model.Question) -> tuple[model.Excerpt, ...]:
    """Return the passages printed with a question: its own, else its claims' spans.

    A claim's span is narrowed to the lines its quote stands on (see
    quote_span), and each of those lines to the sentences that hold the
    quote, with a little context (see quizgen.excerpts). Spans of the same
    source that overlap or touch are merged, so a passage is never printed
    twice for one question. Lines the question names itself (its
    ``excerpts`` field) print whole: its stem may ask about any word of them.
    """
    if question.excerpts:
        spans = [(sid, first, last, ()) for sid, first, last in question.excerpts]
    else:
        spans = []
        for cid in question.claims:
            if cid in bank.claims:
                claim = bank.claims[cid]
                parts = tuple(p.strip() for p in claim.quote.split(QUOTE_GAP) if p.strip())
                spans.append((*quote_span(bank.sources[claim.source], claim), parts))
    merged: list[list] = []
    for sid, first, last, needs in spans:
        for span in merged:
            if span[0] == sid and first <= span[2] + 1 and last >= span[1] - 1:
                span[1], span[2] = min(span[1], first), max(span[2], last)
                span[3] += needs
                break
        else:
            merged.append([sid, first, last, needs])
    quoted = trimming.needed_texts(question)
    out = []
    for sid, first, last, needs in merged:
        lines = bank.sources[sid].lines[first - 1 : last]
        needs = tuple(dict.fromkeys(needs + quoted)) if needs else ()
        out.append(model.Excerpt(sid, first, last, tuple(trimming.trim(line, needs) for line in lines), needs))
    return tuple(out)


def quote_span(source: model.Source, claim: model.Claim) -> tuple[str, int, int]:
    """Return (source, first, last): the lines of the claim's span that its quote stands on.

    A claim may give a wide span (a whole passage) for a quote on one of its
    lines; a student needs the quoted lines, and a question whose excerpt
    fills a page cannot be kept on one page. Falls back to the whole span
    when the quote cannot be found line by line.
    """
    first, last = claim.lines
    parts = [" ".join(p.split()) for p in claim.quote.split(QUOTE_GAP) if p.strip()]
    lines = [" ".join(line.split()) for line in source.lines[first - 1 : last]]
    if not parts or len(lines) <= 1:
        return (claim.source, first, last)
    head, tail = parts[0][:40], parts[-1][-40:]
    starts = [i for i, line in enumerate(lines) if head in line]
    ends = [i for i, line in enumerate(lines) if tail in line]
    if not starts or not ends or ends[-1] < starts[0]:
        return (claim.source, first, last)
    return (claim.source, first + starts[0], first + max(e for e in ends if e >= starts[0]))
