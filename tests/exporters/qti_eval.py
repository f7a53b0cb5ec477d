"""A tiny QTI 2.1 response-processing evaluator, for tests only.

It runs an item's responseProcessing (its own rules, or the standard
match_correct / map_response templates read from the schemas folder) on a
response and returns the outcome values. It knows the expressions quizgen
writes and the templates use: variable, correct, baseValue, match, equal
(exact and absolute tolerance), isNull, mapResponse, multiple, index, and,
or, not, sum, gte, lte; rules: responseCondition and setOutcomeValue.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from lxml import etree

NS = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


def _local(el) -> str:
    return etree.QName(el).localname


def _typed(text: str, base_type: str):
    text = (text or "").strip() if base_type != "string" else (text or "")
    if base_type in ("float", "integer"):
        return Decimal(text)
    if base_type in ("directedPair", "pair"):
        a, b = text.split()
        return (a, b) if base_type == "directedPair" else frozenset((a, b))
    if base_type == "boolean":
        return text == "true"
    return text


class Item:
    """An assessmentItem ready to score responses."""

    def __init__(self, data: bytes, templates: Path | None = None):
        self.root = etree.fromstring(data)
        self.templates = templates
        self.declarations = {d.get("identifier"): d for d in self.root.iter(f"{NS}responseDeclaration")}
        self.outcomes = {d.get("identifier"): d for d in self.root.iter(f"{NS}outcomeDeclaration")}

    def value(self, declaration, values: list[str]):
        base = declaration.get("baseType")
        card = declaration.get("cardinality")
        typed = [_typed(v, base) for v in values]
        if card == "single":
            return typed[0] if typed else None
        return typed or None

    def key(self, identifier: str = "RESPONSE"):
        d = self.declarations[identifier]
        return self.value(d, [v.text or "" for v in d.findall(f"{NS}correctResponse/{NS}value")])

    def default(self, identifier: str):
        d = self.outcomes[identifier]
        values = [v.text for v in d.findall(f"{NS}defaultValue/{NS}value")]
        if not values:
            return None if d.get("cardinality") != "single" or d.get("baseType") not in ("float", "integer") else Decimal(0)
        return self.value(d, values)

    def score(self, response) -> dict:
        """Return the outcomes after response processing of ``response`` (typed like ``key()``)."""
        state = {name: self.default(name) for name in self.outcomes}
        state["RESPONSE"] = response
        rp = self.root.find(f"{NS}responseProcessing")
        if rp is None:
            return state
        if rp.get("template"):
            name = rp.get("template").rstrip("/").rsplit("/", 1)[-1]
            rp = etree.parse(str(self.templates / f"{name}.xml")).getroot()
        for rule in rp:
            if isinstance(rule.tag, str):
                self._rule(rule, state)
        return state

    def _rule(self, rule, state) -> None:
        kind = _local(rule)
        if kind == "setOutcomeValue":
            (expr,) = [c for c in rule if isinstance(c.tag, str)]
            state[rule.get("identifier")] = self._expr(expr, state)
        elif kind == "responseCondition":
            for branch in rule:
                if not isinstance(branch.tag, str):
                    continue
                name = _local(branch)
                children = [c for c in branch if isinstance(c.tag, str)]
                if name in ("responseIf", "responseElseIf"):
                    if self._expr(children[0], state) is True:
                        for r in children[1:]:
                            self._rule(r, state)
                        return
                else:
                    for r in children:
                        self._rule(r, state)
                    return
        else:
            raise NotImplementedError(kind)

    def _expr(self, el, state):
        kind = _local(el)
        kids = [self._expr(c, state) for c in el if isinstance(c.tag, str)] if kind not in ("mapResponse",) else []
        if kind == "variable":
            return state.get(el.get("identifier"))
        if kind == "correct":
            return self.key(el.get("identifier"))
        if kind == "baseValue":
            return _typed(el.text, el.get("baseType"))
        if kind == "isNull":
            return kids[0] is None or kids[0] == [] or kids[0] == ""
        if kind == "match":
            a, b = kids
            if a is None or b is None:
                return None
            card = self.declarations[el[0].get("identifier")].get("cardinality") if _local(el[0]) == "variable" else "single"
            if card == "multiple":
                return Counter(a) == Counter(b)
            return a == b
        if kind == "equal":
            a, b = kids
            if a is None or b is None:
                return None
            if el.get("toleranceMode", "exact") == "exact":
                return a == b
            low, high = (Decimal(t) for t in (el.get("tolerance").split() * 2)[:2])
            return b - low <= a <= b + high
        if kind == "multiple":
            out = []
            for k in kids:
                if k is None:
                    continue
                out.extend(k if isinstance(k, list) else [k])
            return out or None
        if kind == "index":  # the n-th value of an ordered container, 1-based
            container, n = kids[0], int(el.get("n"))
            return container[n - 1] if container is not None and 0 < n <= len(container) else None
        if kind == "and":
            return all(k is True for k in kids)
        if kind == "or":
            return any(k is True for k in kids)
        if kind == "not":
            return not kids[0]
        if kind == "sum":
            return sum(kids, Decimal(0))
        if kind == "gte":
            return kids[0] >= kids[1]
        if kind == "lte":
            return kids[0] <= kids[1]
        if kind == "mapResponse":
            return self._map(el.get("identifier"), state)
        raise NotImplementedError(kind)

    def _map(self, identifier: str, state):
        d = self.declarations[identifier]
        mapping = d.find(f"{NS}mapping")
        base = d.get("baseType")
        value = state.get(identifier)
        if value is None:
            return Decimal(mapping.get("defaultValue", "0"))
        values = value if isinstance(value, list) else [value]
        entries = []
        for e in mapping.findall(f"{NS}mapEntry"):
            entries.append((_typed(e.get("mapKey"), base), Decimal(e.get("mappedValue")), e.get("caseSensitive", "true") == "true"))
        total = Decimal(0)
        for v in dict.fromkeys(values):  # each distinct value counts once (QTI 2.1 mapResponse)
            for key, mapped, case in entries:
                if v == key or (base == "string" and not case and str(v).casefold() == str(key).casefold()):
                    total += mapped
                    break
            else:
                total += Decimal(mapping.get("defaultValue", "0"))
        if mapping.get("lowerBound") is not None:
            total = max(total, Decimal(mapping.get("lowerBound")))
        if mapping.get("upperBound") is not None:
            total = min(total, Decimal(mapping.get("upperBound")))
        return total
