"""The tags a Word template may use, and the sandboxed jinja2 environment that refuses everything else.

A municipality's own template is a file from outside, and jinja2 is a programming language: a tag such as
`{{ cycler.__init__.__globals__.os.popen('id').read() }}` runs a shell command. So a template may only
print the documented context values (report_templates/README.md), through a few plain text filters, and
choose paragraphs with `{% if %}`. The check sits in the environment's parser, so every piece of a template
docxtpl compiles (body, headers, footers, footnotes, document properties) is checked before any of it can
run; jinja2's SandboxedEnvironment, with no globals and only the listed filters, is the second wall.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from tilstand.errors import InputError

# The context report.render fills; README.md in report_templates/ documents each.
TAGS = (
    "title",
    "short_title",
    "municipality",
    "region_code",
    "year",
    "date",
    "status",
    "language",
    "kostra_group",
    "county",
    "sample",
    "sample_notice",
    "sample_header",
    "body",
    "appendix",
)
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # those docxtpl renders
FILTERS = ("upper", "lower", "capitalize", "title", "trim")  # text in, text out, no arguments
# Expression nodes a condition or an output may hold; anything else (attribute and item look-ups, calls,
# tests, list literals, arithmetic, ...) is refused.
_EXPRESSIONS = (nodes.Name, nodes.Const, nodes.Not, nodes.And, nodes.Or, nodes.Compare, nodes.Operand, nodes.Filter)
_STATEMENTS = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If)
_COMPARISONS = ("eq", "ne")
_BLOCK_WORDS = {"if": True, "elif": True, "else": False, "endif": False}  # word -> takes a condition
_SHOWN = 80  # characters of an offending tag quoted in the message


class TemplateGuard(SandboxedEnvironment):
    """A sandbox that compiles only templates made of the documented tags; `file` names the template
    in the Norwegian message."""

    def __init__(self, file: Path | str | None) -> None:
        super().__init__(autoescape=True)
        self.file = file
        self.globals.clear()  # no range, lipsum, cycler, joiner, namespace, dict
        self.filters = {name: self.filters[name] for name in FILTERS}
        self.tests = {}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        for tag, words in _tags(self, source):
            self._check_tag(tag, words)
        tree = super()._parse(source, name, filename)
        _check_tree(self, tree, "")  # the whole template too: nothing but checked tags can compile
        return tree

    def _check_tag(self, tag: str, words: list[tuple[str, str]]) -> None:
        """One `{{ … }}` or `{% … %}` as typed: parse it alone and check it, so the message quotes it."""
        if words[0][0] == "variable_begin":
            inner = "".join(value for _, value in words[1:-1])
            tree = super()._parse("{{" + inner + "}}", None, None)
            _check_tree(self, tree, tag)
            return
        at = next((i for i, (token, _) in enumerate(words) if token == "name"), None)
        if at is None or words[at][1] not in _BLOCK_WORDS:
            self.refuse(
                tag,
                "er ikke tillatt. En mal kan bare sette inn taggene og velge avsnitt med "
                "{% if … %}, {% elif … %}, {% else %} og {% endif %}.",
            )
        word = words[at][1]
        condition = "".join(value for _, value in words[at + 1 : -1])
        if _BLOCK_WORDS[word]:
            tree = super()._parse("{% if " + condition + " %}{% endif %}", None, None)
            _check_tree(self, tree, tag)
        elif condition.strip():
            self.refuse(tag, f"er ikke tillatt: {{% {word} %}} står alene.")

    def refuse(self, tag: str, why: str) -> NoReturn:
        shown = tag if len(tag) <= _SHOWN else tag[:_SHOWN] + "…"
        raise InputError(self.file, None, "mal", f"taggen «{shown}» {why}")


def _tags(env: SandboxedEnvironment, source: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Every tag in the source as typed, with its tokens (comments are skipped: they print nothing)."""
    current: list[tuple[str, str]] = []
    try:
        for _, token, value in env.lexer.tokeniter(source, None):
            if token in ("variable_begin", "block_begin"):
                current = [(token, value)]
            elif current:
                current.append((token, value))
                if token in ("variable_end", "block_end"):
                    yield "".join(v for _, v in current).strip(), current
                    current = []
    except TemplateSyntaxError:
        return  # the real parse says where the syntax is broken


def _check_tree(env: TemplateGuard, tree: nodes.Node, tag: str) -> None:
    for node in _walk(tree):
        if not isinstance(node, _EXPRESSIONS + _STATEMENTS):
            env.refuse(
                tag or _describe(node),
                "er ikke tillatt: en mal kan ikke slå opp i verdier, kalle "
                "funksjoner, regne eller lage løkker, bare sette inn taggene (se report_templates/README.md).",
            )
        if isinstance(node, nodes.Name) and (node.ctx != "load" or node.name not in TAGS):
            env.refuse(tag or node.name, f"er ukjent: Tilstand fyller bare ut {', '.join(TAGS)}.")
        if isinstance(node, nodes.Filter) and (
            node.name not in FILTERS
            or node.args
            or node.kwargs
            or node.dyn_args
            or node.dyn_kwargs
            or node.node is None
        ):
            env.refuse(
                tag or node.name, f"er ikke tillatt: bare filtrene {', '.join(FILTERS)} (uten argumenter) kan brukes."
            )
        if isinstance(node, nodes.Operand) and node.op not in _COMPARISONS:
            env.refuse(tag or node.op, "er ikke tillatt: en betingelse kan bare sammenligne med == og !=.")
        if isinstance(node, nodes.Const) and not isinstance(node.value, str | int | bool | None):
            env.refuse(tag or repr(node.value), "er ikke tillatt: bare tekst, heltall og true/false.")


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _describe(node: nodes.Node) -> str:
    """A refused node in words when no tag text is at hand (the whole-template check)."""
    return type(node).__name__


def check(env: TemplateGuard, tpl) -> None:
    """Every part of a docxtpl template (body, headers, footers, document properties) before anything is
    rendered, so a refused template costs no chart rendering; render() checks again as it compiles."""
    tpl.get_undeclared_template_variables(jinja_env=env)
    props = tpl.get_docx().core_properties
    for prop in PROPERTIES:
        env.parse(getattr(props, prop) or "")
