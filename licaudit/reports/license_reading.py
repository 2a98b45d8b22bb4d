"""`licaudit explain "<any string>"`: how licaudit reads a string, with the evidence of each part."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from licaudit.knowledge import Knowledge
from licaudit.reports.escaping import clean_text
from licaudit.terms.expressions import expression_terms, render
from licaudit.terms.propagation import terms_effect
from licaudit.terms.recognition import Reading, Recognition
from licaudit.terms.vocabulary import Effect


def reading_document(text: str, knowledge: Knowledge) -> dict[str, Any]:
    """The reading as data: each license found (how, how sure, the words), the expression, verdicts."""
    reading = knowledge.normaliser.recogniser.read(text)
    expr = knowledge.normaliser.normalise(text)
    return {
        "text": text,
        "expression": render(expr),
        "combination": reading.combination.value,
        "licenses": [_recognition(r) for r in reading.recognitions],
        "restrictions": [_recognition(r) for r in reading.restrictions],
        "verdicts": {use: _verdict(knowledge, text, use).value for use in knowledge.rules.uses},
    }


def render_reading(text: str, knowledge: Knowledge, console: Console) -> None:
    document = reading_document(text, knowledge)
    console.print(Text.assemble(("Read: ", "bold"), Text(repr(clean_text(_short(text))))))
    console.print(Text.assemble(("As:   ", "bold"), Text(clean_text(document["expression"]), style="blue")))
    if len(document["licenses"]) > 1:
        how = "all apply" if document["combination"] == "all" else "the licensee chooses one"
        console.print(Text(f"      ({how})", style="dim"))
    for title, items in (("License", document["licenses"]), ("Restriction", document["restrictions"])):
        for item in items:
            console.print(_item_text(title, item))
    if not document["licenses"] and not document["restrictions"]:
        console.print(Text("Nothing in it names a license licaudit knows: its terms are unknown.", style="yellow"))
    verdicts = ", ".join(f"{use}: {effect}" for use, effect in document["verdicts"].items())
    console.print(Text.assemble(("As an artifact's own license: ", "bold"), verdicts))


def _item_text(title: str, item: dict[str, Any]) -> Text:
    line = Text(f"- {title}: ", style="bold")
    line.append(clean_text(item["license"] or f"not catalogued: {item['known_as']}"), style="cyan")
    line.append(f" ({item['category']}; {item['method']}, confidence {item['confidence']:.2f})")
    line.append(f"\n    from {clean_text(repr(_short(item['quote'])))}", style="dim")
    if item["note"]:
        line.append(f"\n    note: {clean_text(item['note'])}", style="dim")
    return line


def _recognition(recognition: Recognition) -> dict[str, Any]:
    return {
        "license": recognition.license_id,
        "known_as": recognition.known_as,
        "category": recognition.category.value,
        "method": recognition.method.value,
        "confidence": round(recognition.confidence, 3),
        "quote": recognition.quote,
        "note": recognition.note,
    }


def _verdict(knowledge: Knowledge, text: str, use: str) -> Effect:
    def judge(terms: list[Any]) -> Effect:
        return terms_effect(knowledge.rules, use, terms)

    return judge(expression_terms(knowledge.normaliser.normalise(text), judge))


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["Reading", "reading_document", "render_reading"]
