"""Answering an interactive page the way a student does: by keyboard alone, or by pointer.

``Planned`` is what the test means to answer at one position (worked out
from the model, independently of the page), and the value the response file
must then hold. ``Student(page, "keyboard")`` reaches every control with Tab
and Shift+Tab and operates it with keys only; ``Student(page, "pointer")``
clicks, drags and types.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizgen import model
from quizgen.assemble import format_number, letter_of
from quizgen.responses import passage_words, phrase_words


@dataclass(frozen=True)
class Planned:
    """What to answer at one position and what the saved response must then say."""

    position: int
    kind: str
    answer: object
    expected: object


def right_answer(item: model.WorksheetItem) -> Planned:
    """Return the keyed answer of ``item``, as a student would give it on the page."""
    q, n = item.question, item.number
    if isinstance(q, model.SingleChoice):
        letter = letter_of(q.correct_index)
        return Planned(n, q.kind, letter, letter)
    if isinstance(q, model.MultipleResponse):
        letters = [letter_of(i) for i, c in enumerate(q.choices) if c.correct]
        return Planned(n, q.kind, letters, tuple(letters))
    if isinstance(q, model.TrueFalse):
        return Planned(n, q.kind, q.answer, q.answer)
    if isinstance(q, model.Numeric):
        return Planned(n, q.kind, format_number(q.answer), format_number(q.answer))
    if isinstance(q, model.ShortAnswer):
        return Planned(n, q.kind, q.answers[0], q.answers[0])
    if isinstance(q, model.Matching):
        letters = [letter_of(item.shuffled.index(p.right)) for p in q.pairs]
        return Planned(n, q.kind, letters, tuple(letters))
    if isinstance(q, model.Ordering):
        order = [item.shuffled.index(text) + 1 for text in q.items]  # printed item numbers, first to last
        places = tuple(q.items.index(text) + 1 for text in item.shuffled)
        return Planned(n, q.kind, order, places)
    if isinstance(q, model.MarkTheWords):
        indices = sorted({i for phrase in q.answers for i in phrase_words(q.passage, phrase)[0]})
        words = {w.index: w.text for w in passage_words(q.passage)}
        return Planned(n, q.kind, indices, tuple((i, words[i]) for i in indices))
    if isinstance(q, model.OpenResponse):
        text = f"My answer to question {n}: the source leaves out who did what."
        return Planned(n, q.kind, text, text)
    raise TypeError(q.kind)


def wrong_answer(item: model.WorksheetItem) -> Planned:
    """Return an answer to ``item`` that the key does not accept (open response: none)."""
    q, n = item.question, item.number
    right = right_answer(item)
    if isinstance(q, model.SingleChoice):
        letter = next(letter_of(i) for i, c in enumerate(q.choices) if not c.correct)
        return Planned(n, q.kind, letter, letter)
    if isinstance(q, model.MultipleResponse):
        letters = [letter_of(i) for i, c in enumerate(q.choices) if not c.correct][:1] or right.answer[:-1]
        return Planned(n, q.kind, letters, tuple(letters))
    if isinstance(q, model.TrueFalse):
        return Planned(n, q.kind, not q.answer, not q.answer)
    if isinstance(q, model.Numeric):
        text = format_number(q.answer + q.tolerance + 1)
        return Planned(n, q.kind, text, text)
    if isinstance(q, model.ShortAnswer):
        return Planned(n, q.kind, "no idea", "no idea")
    if isinstance(q, model.Matching):
        letters = right.answer[1:] + right.answer[:1]
        return Planned(n, q.kind, letters, tuple(letters))
    if isinstance(q, model.Ordering):
        order = list(range(1, len(item.shuffled) + 1))
        order[0], order[1] = order[1], order[0]  # one swap away from the printed order, which is never the key's
        places = tuple(order.index(k) + 1 for k in range(1, len(order) + 1))
        if order == right.answer:
            order, places = list(range(len(order), 0, -1)), tuple(range(len(order), 0, -1))
        return Planned(n, q.kind, order, places)
    if isinstance(q, model.MarkTheWords):
        keyed = set(right.answer)
        either = {i for phrase in q.optional for found in phrase_words(q.passage, phrase) for i in found}
        words = passage_words(q.passage)
        extra = next(w for w in words if w.index not in keyed | either)
        indices = sorted(keyed | {extra.index})
        texts = {w.index: w.text for w in words}
        return Planned(n, q.kind, indices, tuple((i, texts[i]) for i in indices))
    raise TypeError(q.kind)


class Student:
    """Answers questions on an open page, by ``"keyboard"`` alone or by ``"pointer"``."""

    def __init__(self, page, how: str):
        assert how in ("keyboard", "pointer")
        self.page, self.how = page, how

    # -- keyboard ---------------------------------------------------------

    def active_matches(self, selector: str) -> bool:
        return self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)

    def tab_to(self, selector: str, limit: int = 400) -> None:
        """Press Tab (or Shift+Tab, if the target comes before the focus) until ``selector`` has the focus."""
        direction = self.page.evaluate(
            """s => { const t = document.querySelector(s); const a = document.activeElement;
                     if (!t) return 'missing'; if (!a || a === document.body) return 'Tab';
                     return (a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING) ? 'Shift+Tab' : 'Tab'; }""",
            selector)
        assert direction != "missing", f"no element {selector}"
        for _ in range(limit):
            if self.active_matches(selector):
                return
            self.page.keyboard.press(direction)
        raise AssertionError(f"Tab never reached {selector}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    # -- answering ----------------------------------------------------------

    def answer(self, planned: Planned) -> None:
        getattr(self, "_" + planned.kind.replace("-", "_"))(planned.position, planned.answer)

    def _radio(self, n: int, value: str) -> None:
        target = f"#q{n}-{value}"
        if self.how == "pointer":
            self.page.click(f"label[for='q{n}-{value}']")
            return
        self.tab_to(f"#q{n} input[type=radio]")
        for _ in range(10):
            if self.active_matches(target):
                self.press("Space")
                return
            self.press("ArrowDown")
        raise AssertionError(f"arrow keys never reached {target}")

    def _single_choice(self, n: int, letter: str) -> None:
        self._radio(n, letter)

    def _true_false(self, n: int, value: bool) -> None:
        self._radio(n, "True" if value else "False")

    def _multiple_response(self, n: int, letters: list[str]) -> None:
        for letter in letters:
            if self.how == "pointer":
                self.page.click(f"label[for='q{n}-{letter}']")
            else:
                self.tab_to(f"#q{n}-{letter}")
                self.press("Space")

    def _text(self, selector: str, text: str) -> None:
        if self.how == "pointer":
            self.page.click(selector)
        else:
            self.tab_to(selector)
        self.page.keyboard.type(text)

    def _numeric(self, n: int, text: str) -> None:
        self._text(f"#q{n}-number", text)

    def _short_answer(self, n: int, text: str) -> None:
        self._text(f"#q{n}-text", text)

    def _open_response(self, n: int, text: str) -> None:
        self._text(f"#q{n}-text", text)

    def _matching(self, n: int, letters: list[str]) -> None:
        for part, letter in enumerate(letters, start=1):
            selector = f"#q{n}-{part}"
            if self.how == "pointer":
                self.page.select_option(selector, letter)
                continue
            self.tab_to(selector)
            for _ in range(12):  # a closed list: arrow keys step through its letters
                if self.page.eval_on_selector(selector, "s => s.value") == letter:
                    break
                self.press("ArrowDown")
            assert self.page.eval_on_selector(selector, "s => s.value") == letter

    def order(self, n: int) -> list[int]:
        return self.page.eval_on_selector_all(f"#q{n} .order-item", "items => items.map(i => Number(i.dataset.item))")

    def _ordering(self, n: int, target: list[int]) -> None:
        if self.how == "pointer":
            self._drag_into(n, target)
        else:
            for place, item in enumerate(target):
                while self.order(n).index(item) > place:
                    up = f"#q{n} .order-item[data-item='{item}'] .move[data-step='-1']"
                    self.tab_to(up)
                    self.press("Enter")
        assert self.order(n) == target, (self.order(n), target)

    def _drag_into(self, n: int, target: list[int]) -> None:
        """Drag items with the mouse, one at a time, into the target order (first place first)."""
        for place, item in enumerate(target):
            current = self.order(n)
            if current.index(item) == place:
                continue
            self.page.locator(f"#q{n} .order-list").scroll_into_view_if_needed()
            source = self.page.locator(f"#q{n} .order-item[data-item='{item}'] .order-text").bounding_box()
            slot = self.page.locator(f"#q{n} .order-item[data-item='{current[place]}']").bounding_box()
            x, y = source["x"] + 10, source["y"] + source["height"] / 2
            self.page.mouse.move(x, y)
            self.page.mouse.down()
            goal = slot["y"] + slot["height"] * 0.25
            steps = 12
            for k in range(1, steps + 1):
                self.page.mouse.move(x, y + (goal - y) * k / steps)
            self.page.mouse.up()

    def _mark_the_words(self, n: int, indices: list[int]) -> None:
        if self.how == "pointer":
            for index in indices:
                self.page.click(f"#q{n} .word[data-index='{index}']")
            return
        self.tab_to(f"#q{n} .word[tabindex='0']")
        for index in indices:
            for _ in range(500):
                if self.active_matches(f"#q{n} .word[data-index='{index}']"):
                    break
                current = self.page.evaluate("() => Number(document.activeElement.dataset.index)")
                self.press("ArrowRight" if current < index else "ArrowLeft")
            self.press("Space")

    def check(self, n: int) -> str:
        """Press question ``n``'s Check button; return the feedback text."""
        button = f"#q{n} .check-button"
        if self.how == "pointer":
            self.page.click(button)
        else:
            self.tab_to(button)
            self.press("Enter")
        return self.page.inner_text(f"#q{n}-feedback")
