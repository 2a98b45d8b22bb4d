"""How terms travel and what they mean: intended uses, relation rules and contested questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from licaudit.artifacts import Relation
from licaudit.errors import DataFileError
from licaudit.terms.vocabulary import Effect, TermKind
from licaudit.yaml_data import Fields, iter_yaml_files, load_yaml_file


class Reading(StrEnum):
    STRICT = "strict"
    PERMISSIVE = "permissive"


@dataclass(frozen=True)
class Stance:
    """Which reading of each unsettled question applies: a default, with per-question choices."""

    default: Reading = Reading.STRICT
    per_question: tuple[tuple[str, Reading], ...] = ()

    def reading(self, question: str) -> Reading:
        for name, reading in self.per_question:
            if name == question:
                return reading
        return self.default

    @property
    def label(self) -> str:
        if not self.per_question:
            return self.default.value
        choices = ", ".join(f"{q}={r.value}" for q, r in self.per_question)
        return f"{self.default.value} ({choices})"


STRICT = Stance(Reading.STRICT)


@dataclass(frozen=True)
class ContestedFlow:
    question: str
    kinds: frozenset[TermKind]


@dataclass(frozen=True)
class RelationRule:
    relation: Relation
    description: str
    passes_all: bool
    passes: frozenset[TermKind]
    activates_outputs: bool
    contested: tuple[ContestedFlow, ...]

    def question_for(self, kind: TermKind) -> str | None:
        for flow in self.contested:
            if kind in flow.kinds:
                return flow.question
        return None


@dataclass(frozen=True)
class Source:
    url: str
    quote: str | None


@dataclass(frozen=True)
class QuestionReading:
    summary: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    readings: dict[Reading, QuestionReading]
    notes: str | None


@dataclass(frozen=True)
class Use:
    name: str
    description: str
    effects: dict[TermKind, Effect]


@dataclass
class FlowRules:
    uses: dict[str, Use] = field(default_factory=dict)
    relations: dict[Relation, RelationRule] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    def effect(self, use: str, kind: TermKind, override: Effect | None) -> Effect:
        return override if override is not None else self.uses[use].effects[kind]


Reader = Callable[[Path], object]


def load_flow_rules(rules_folder: Path, read: Reader = load_yaml_file) -> FlowRules:
    rules = FlowRules()
    rules.uses = _load_uses(rules_folder / "uses.yaml", read)
    rules.questions = _load_questions(rules_folder / "questions", read)
    rules.relations = _load_relations(rules_folder / "relations.yaml", set(rules.questions), read)
    return rules


def _load_uses(path: Path, read: Reader) -> dict[str, Use]:
    top = Fields(read(path), path, "uses.yaml")
    top.schema_version()
    uses_field = top.mapping("uses")
    if uses_field is None:
        raise top.error("`uses` is missing")
    uses: dict[str, Use] = {}
    for name in uses_field.data:
        use = Fields(uses_field.data[name], path, f"uses.{name}")
        effects_field = use.mapping("effects")
        if effects_field is None:
            raise use.error("`effects` is missing")
        effects: dict[TermKind, Effect] = {}
        for kind in TermKind:
            value = effects_field.data.get(kind.value)
            if value not in {e.value for e in Effect}:
                raise effects_field.error(
                    f"effect of `{kind.value}` is {value!r}; allowed: {[e.value for e in Effect]}"
                )
            effects[kind] = Effect(value)
        extra = set(effects_field.data) - {k.value for k in TermKind}
        if extra:
            raise effects_field.error(f"unknown term kind(s) {sorted(extra)}")
        uses[str(name)] = Use(str(name), use.opt_text("description") or "", effects)
    return uses


def _kinds(fields: Fields, key: str) -> frozenset[TermKind]:
    names = fields.text_list(key)
    unknown = [n for n in names if n not in {k.value for k in TermKind}]
    if unknown:
        raise fields.error(f"unknown term kind(s) {unknown}; allowed: {[k.value for k in TermKind]}")
    return frozenset(TermKind(n) for n in names)


def _load_relations(path: Path, questions: set[str], read: Reader) -> dict[Relation, RelationRule]:
    top = Fields(read(path), path, "relations.yaml")
    top.schema_version()
    relations_field = top.mapping("relations")
    if relations_field is None:
        raise top.error("`relations` is missing")
    rules: dict[Relation, RelationRule] = {}
    for name, body in relations_field.data.items():
        if name not in {r.value for r in Relation}:
            raise relations_field.error(f"unknown relation {name!r}; allowed: {[r.value for r in Relation]}")
        rule = Fields(body, path, f"relations.{name}")
        rule.reject_unknown({"description", "passes", "outputs", "contested"})
        passes_all = rule.data.get("passes") == "all"
        contested = []
        for flow in rule.mappings("contested"):
            question = flow.text("question")
            if question not in questions:
                raise flow.error(f"question {question!r} has no file in rules/questions/")
            contested.append(ContestedFlow(question, _kinds(flow, "kinds")))
        rules[Relation(name)] = RelationRule(
            relation=Relation(name),
            description=rule.opt_text("description") or "",
            passes_all=passes_all,
            passes=frozenset(TermKind) if passes_all else _kinds(rule, "passes"),
            activates_outputs=bool(rule.data.get("outputs", False)),
            contested=tuple(contested),
        )
    missing = sorted({r.value for r in Relation} - {r.value for r in rules})
    if missing:
        raise DataFileError(path, None, f"relations without a rule: {missing}")
    return rules


def _load_questions(folder: Path, read: Reader) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for path in iter_yaml_files(folder):
        top = Fields(read(path), path, "question")
        top.schema_version()
        question_id = top.text("id")
        if question_id != path.stem:
            raise top.error(f"file name must be {question_id}.yaml")
        readings_field = top.mapping("readings")
        if readings_field is None:
            raise top.error("`readings` is missing")
        readings: dict[Reading, QuestionReading] = {}
        for reading in Reading:
            body = readings_field.mapping(reading.value)
            if body is None:
                raise readings_field.error(f"reading `{reading.value}` is missing: encode both readings")
            sources = tuple(Source(s.text("url"), s.opt_text("quote")) for s in body.mappings("sources"))
            if not sources:
                raise body.error("each reading needs at least one source")
            readings[reading] = QuestionReading(body.text("summary"), sources)
        questions[question_id] = Question(question_id, top.text("question"), readings, top.opt_text("notes"))
    return questions
