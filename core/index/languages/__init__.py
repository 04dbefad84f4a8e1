"""The table of languages: file extensions, grammar name, query file and the node types
the extractor and fingerprints treat specially. One `.scm` query per language sits beside this file.

A query may start with `; inherits: a, b`: the queries a.scm and b.scm come first (ecma.scm and
jsx.scm are such shared fragments, not languages).

Query capture conventions (see python.scm):
  @definition.<kind>  the definition node; @name its name (in the same pattern);
                      optional @scope: a qualifier prefixed to the name (Go receivers,
                      Rust impl types, C++ `A::f`) that is not itself a symbol
  @call.name          the called name (a call is on self/this when the text before it is
                      one of the language's `self_prefixes`)
  @inherit.name       a base class / implemented interface, inside the class it belongs to
  @import.source      what an import statement names (module, path or package)
  @import.name        a name that import binds in the file (optional)
  @group              a node that is grouping parentheses when it has no comma: hashed as its content
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Callable

from tether.core.index.languages import imports as _imp


@dataclass(frozen=True)
class LanguageSpec:
    name: str  # tree-sitter-language-pack grammar name
    extensions: tuple[str, ...]
    # Comment node types: never part of a fingerprint.
    comments: frozenset[str] = frozenset({"comment"})
    # String literal node types: quote delimiters are blanked, inner whitespace kept.
    strings: frozenset[str] = frozenset({"string"})
    # (old, new) replacements on the shape (comments, string internals and grouping nodes already gone),
    # for equivalent spellings: a Python docstring, Python's optional tuple parentheses, a JS arrow
    # function's lone parameter without parentheses.
    structure_rewrites: tuple[tuple[str, str], ...] = ()
    # (field label, node opening) pairs: `label (node A B)` is `label A label B` (Python's x[(a, b)]).
    spread: tuple[tuple[str, str], ...] = ()
    # The node type of an implicit string concatenation, hashed as the one string a formatter may
    # join it into (Python's "a" "b" is "ab", as ruff format prints it; C's, which clang-format splits).
    concatenation: str = ""
    # Hexadecimal escapes are read in lower case ('\xAB' == '\xab'), as ruff format prints them.
    hex_escapes: bool = False
    # Node types hashed as their children only (redundant grouping such as parentheses).
    transparent: frozenset[str] = frozenset({"parenthesized_expression"})
    # Numeric literals are case-normalised (0XFF == 0xff, 1E5 == 1e5), as formatters do.
    numbers: bool = False
    # The formatter whose other number spellings hash as its own ("black": .5 == 0.5, 1. == 1.0,
    # 1e+5 == 1e5, 1J == 1j; "prettier": .5 == 0.5, 1.50 == 1.5, 1. == 1, 1e+05 == 1e5, 1e0 == 1).
    number_format: str = ""
    # A string's prefix letters are a set: u dropped, lower case, r first (u'a' == 'a', B'a' == b'a',
    # br'a' == Rb'a' == rb'a'); Python's.
    string_prefixes: bool = False
    # Where an escaped quote is the quote itself ('a\'b' == "a'b"): the parent node types of the
    # grammar's escape_sequence nodes that count (none in raw strings, regexes or JSX attributes).
    escaped_quotes: frozenset[str] = frozenset()
    # (old, new) replacements on the printed tree before anything is left out, for equivalent leaves: PHP's "abc" (no escape, no variable) is 'abc'.
    node_rewrites: tuple[tuple[str, str], ...] = ()
    # The grammar's own readings made one (core/index/fingerprint.py `_READINGS`): constructs its
    # grammar reads two ways, or misreads, read as the form the formatter's other spelling gives.
    grammar_readings: str = ""
    # C++03's `> >` closing nested template arguments is parsed as `>>` (core/index/extract.py
    # `_join_closers`): tree-sitter-cpp reads `f<A<B> >(x)` as comparisons, clang-format's GNU style writes it.
    joined_closers: bool = False
    # Node types wrapping a definition that belong to its span (decorators).
    wrappers: frozenset[str] = frozenset()
    # Field names of a definition's body: its signature is everything before it.
    body_fields: tuple[str, ...] = ("body",)
    # Maps an import source to candidate repository paths.
    import_candidates: Callable[[str, str], list[str]] = field(default=_imp.no_candidates)
    # Text right before a called name that makes it a call on the enclosing class's instance.
    self_prefixes: tuple[bytes, ...] = ()
    # File names (not extensions) that belong to this language.
    filenames: tuple[str, ...] = ()

    @property
    def query_source(self) -> str:
        return _query_text(self.name)


def _query_text(stem: str) -> str:
    """A .scm file with the files its first line `; inherits: a, b` names put before it."""
    text = resources.files(__package__).joinpath(f"{stem}.scm").read_text("utf-8")
    first = text.split("\n", 1)[0]
    if not first.startswith("; inherits:"):
        return text
    parents = [p.strip() for p in first.split(":", 1)[1].split(",") if p.strip()]
    return "\n".join([*(_query_text(p) for p in parents), text])


PYTHON = LanguageSpec(
    name="python",
    extensions=(".py", ".pyi"),
    comments=frozenset({"comment", "line_continuation"}),
    strings=frozenset({"string"}),
    # A module's docstring is no code (a function's or class's: grammar_readings); a parenthesized tuple is the bare one (`(a, b) = x`, `return (a, b)`,
    # `for (k, v) in d`, `del (a, b)`): black and ruff add and remove these parentheses.
    structure_rewrites=(("(module (string)", "(module"),
                        ("(tuple_pattern ", "(pattern_list "), ("(tuple ", "(expression_list ")),
    spread=(("subscript: ", "(expression_list "),),
    concatenation="concatenated_string",
    grammar_readings="python",
    hex_escapes=True,
    numbers=True,
    number_format="black",
    string_prefixes=True,
    escaped_quotes=frozenset({"string_content"}),
    wrappers=frozenset({"decorated_definition"}),
    self_prefixes=(b"self.", b"cls."),
    import_candidates=_imp.python,
)

_OBJECT_KEYS = (("(pair key: (string) ", "(pair key: (property_identifier) "),
                ("(pair key: (number) ", "(pair key: (property_identifier) "))
# Each entry below is owned by its language's .scm and fixture test (tests/test_lang_<name>.py).
JAVASCRIPT = LanguageSpec(
    name="javascript",
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    # Formatters drop stray `;` (and `semi: false` adds them before `(`/`[` lines): never code.
    comments=frozenset({"comment", "html_comment", "hash_bang_line", "empty_statement"}),
    strings=frozenset({"string", "regex"}),  # template literals: their fragments, in the .scm
    # `x => x` is `(x) => x`; `{ 'a': 1, '0': 2 }` is `{ a: 1, 0: 2 }` (ecma.scm leaves the quotes out).
    structure_rewrites=(("(arrow_function parameter: (identifier) ",
                         "(arrow_function parameters: (formal_parameters (identifier)) "), *_OBJECT_KEYS),
    numbers=True,
    number_format="prettier",
    escaped_quotes=frozenset({"string", "template_string"}),
    # A function bound by `const f =`, a class field or `exports.f =` spans its binding.
    wrappers=frozenset({"export_statement", "variable_declarator", "field_definition", "assignment_expression"}),
    self_prefixes=(b"this.",),
    import_candidates=_imp.javascript,
)
TYPESCRIPT = LanguageSpec(
    name="typescript",
    extensions=(".ts", ".mts", ".cts"),
    comments=JAVASCRIPT.comments,
    strings=JAVASCRIPT.strings,
    structure_rewrites=(("(arrow_function parameter: (identifier) ",
                         "(arrow_function parameters: (formal_parameters (required_parameter pattern: (identifier))) "),
                        *_OBJECT_KEYS),
    transparent=frozenset({"parenthesized_expression", "parenthesized_type"}),
    numbers=True,
    number_format="prettier",
    escaped_quotes=frozenset({"string", "template_string"}),
    wrappers=frozenset({"export_statement", "variable_declarator", "public_field_definition",
                        "ambient_declaration"}),
    self_prefixes=(b"this.",),
    import_candidates=_imp.typescript,
)
TSX = replace(TYPESCRIPT, name="tsx", extensions=(".tsx",))
GO = LanguageSpec(
    name="go",
    extensions=(".go",),
    strings=frozenset({"interpreted_string_literal", "raw_string_literal", "rune_literal"}),
    numbers=True,  # gofmt lowercases 0X and 1E5
    body_fields=("body", "type"),  # a type_spec's type (struct fields, interface) is its body
    import_candidates=_imp.go,
)
RUST = LanguageSpec(
    name="rust",
    extensions=(".rs",),
    comments=frozenset({"line_comment", "block_comment", "doc_comment",
                        "outer_doc_comment_marker", "inner_doc_comment_marker"}),
    strings=frozenset({"string_literal", "raw_string_literal", "char_literal"}),
    self_prefixes=(b"self.", b"Self::"),
    import_candidates=_imp.rust,
)
JAVA = LanguageSpec(
    name="java",
    extensions=(".java",),
    comments=frozenset({"line_comment", "block_comment"}),
    strings=frozenset({"string_literal", "character_literal"}),
    numbers=True,
    self_prefixes=(b"this.",),
    import_candidates=_imp.java,
)
C = LanguageSpec(
    name="c",
    extensions=(".c", ".h"),
    strings=frozenset({"string_literal", "char_literal", "system_lib_string"}),
    # Adjacent literals are one string: clang-format splits a long one (`"ab"` / `"a" "b"`).
    concatenation="concatenated_string",
    wrappers=frozenset({"type_definition"}),  # `typedef struct {...} Name;` is the struct's span
    import_candidates=_imp.c_include,
)
CPP = LanguageSpec(
    name="cpp",
    extensions=(".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"),
    strings=frozenset({"string_literal", "char_literal", "system_lib_string", "raw_string_literal"}),
    concatenation="concatenated_string",
    wrappers=frozenset({"type_definition", "template_declaration"}),
    joined_closers=True,
    self_prefixes=(b"this->",),
    import_candidates=_imp.c_include,
)
CSHARP = LanguageSpec(
    name="csharp",
    extensions=(".cs",),
    comments=frozenset({"comment"}),
    strings=frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal",
                       "interpolated_string_expression", "character_literal"}),
    numbers=True,
    # Properties: the signature stops at the accessors or at `=> expr`.
    body_fields=("body", "accessors", "value"),
    self_prefixes=(b"this.",),
)
RUBY = LanguageSpec(
    name="ruby",
    extensions=(".rb", ".rake", ".gemspec", ".ru"),
    filenames=("Rakefile", "Gemfile"),
    comments=frozenset({"comment"}),
    strings=frozenset({"string", "heredoc_body", "subshell", "regex", "delimited_symbol"}),
    transparent=frozenset({"parenthesized_statements"}),
    numbers=True,
    self_prefixes=(b"self.",),
    import_candidates=_imp.ruby,
)
PHP = LanguageSpec(
    name="php",
    extensions=(".php",),
    comments=frozenset({"comment"}),
    strings=frozenset({"string", "encapsed_string", "heredoc", "nowdoc", "shell_command_expression"}),
    # php-cs-fixer's single_quote: "abc" is 'abc' when nothing in it is an escape or a variable;
    # 'it\'s' is "it's" (in a heredoc or backticks \" keeps its backslash).
    node_rewrites=(("(encapsed_string (string_content))", "(string (string_content))"),
                   ("(encapsed_string)", "(string)")),
    escaped_quotes=frozenset({"string", "encapsed_string"}),
    numbers=True,
    self_prefixes=(b"$this->", b"$this?->", b"self::", b"static::"),
    import_candidates=_imp.php,
)

LANGUAGES: tuple[LanguageSpec, ...] = (
    PYTHON, JAVASCRIPT, TYPESCRIPT, TSX, GO, RUST, JAVA, C, CPP, CSHARP, RUBY, PHP,
)

_BY_EXT = {ext: spec for spec in LANGUAGES for ext in spec.extensions}
_BY_NAME = {fn: spec for spec in LANGUAGES for fn in spec.filenames}


def resolve_import(source: str, importer: str, paths) -> str | None:
    """The file an import names: its language's first candidate that is a repository file.
    By the importer's extension alone: C and C++ share their candidates, so a `.h` need not be read."""
    spec = language_for(importer)
    if spec is None:
        return None
    return next((c for c in spec.import_candidates(source, importer) if c in paths and c != importer), None)


# A `.h` header is C++ when one of these starts a line in its first _HEADER_SCAN bytes outside an
# `#ifdef __cplusplus` group (where C headers put their C++ extras): a namespace (`namespace x {`,
# `namespace x MACRO(...)`, `namespace x = y;`, `using namespace`), a template, a class (`class X {`,
# `class X : ...`, `class X;`, also with an export macro or `final`), an access specifier, or a
# standard header without extension (`#include <vector>`). `::` does not count, nor a word in a
# comment or string: those start no line so.
_CPP_HEADER = re.compile(
    rb"^[ \t]*(?:namespace(?:[ \t]+[A-Za-z_][\w:]*)?[ \t]*\{"
    rb"|namespace[ \t]+[A-Za-z_][\w:]*[ \t]*(?:=|\w+[ \t]*\(|\r?$)|using[ \t]+namespace\b|template[ \t]*<"
    rb"|class[ \t]+(?:\w+[ \t]+)*\w+[ \t]*(?:final[ \t]*)?[:{;]|(?:public|private|protected)[ \t]*:(?!:)"
    rb"|\#[ \t]*include[ \t]*<[\w/]+>)",
    re.MULTILINE,
)
_CONDITIONAL = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|endif)\b[^\n]*", re.MULTILINE)
# `#ifdef __cplusplus`, `#if defined(__cplusplus)`: not a C++ header's own `#if __cplusplus >= 201703L`.
_GUARD = re.compile(rb"(?:ifn?def|defined)[ \t(]*__cplusplus\b")
_HEADER_SCAN = 64 * 1024


def _is_cpp_header(source: bytes) -> bool:
    head = source[:_HEADER_SCAN]
    if b"__cplusplus" not in head:
        return _CPP_HEADER.search(head) is not None
    pos, depth, guarded = 0, 0, None  # guarded: the depth of the `#if` group on __cplusplus we are in
    for m in _CONDITIONAL.finditer(head):
        if guarded is None and _CPP_HEADER.search(head, pos, m.start()):
            return True
        word = m[1]
        if word != b"endif":
            depth += word != b"elif"
            if guarded is None and _GUARD.search(m[0]):
                guarded = depth
        else:
            guarded = None if guarded == depth else guarded
            depth -= 1
        pos = m.end()
    return guarded is None and _CPP_HEADER.search(head, pos) is not None


def language_for(path: str, source: bytes | None = None) -> LanguageSpec | None:
    """The language of a file by its name; given its bytes (as the indexer does), a `.h` header is
    C or C++ by its content. A pure function of path and bytes: the same on every machine and run."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    spec = _BY_NAME.get(name) or (_BY_EXT.get(name[dot:].lower()) if dot > 0 else None)
    if spec is C and source is not None and name[dot:].lower() == ".h" and _is_cpp_header(source):
        return CPP
    return spec


@cache
def compiled(spec: LanguageSpec):
    """(parser, query) for a language, built once per process."""
    from tree_sitter import Query
    from tree_sitter_language_pack import get_language, get_parser

    # Comments, docstrings (@skip in the .scm) and strings are captured for fingerprints.
    extra = "".join(f"\n({t}) @skip" for t in sorted(spec.comments))
    extra += "".join(f"\n({t}) @string" for t in sorted(spec.strings))
    extra += f"\n({spec.concatenation}) @concat" if spec.concatenation else ""
    return get_parser(spec.name), Query(get_language(spec.name), spec.query_source + extra)
