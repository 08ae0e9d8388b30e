"""docs/RULES.md is the rule book that code comments link to: every link must land on a heading.

1. Every reference to an anchor of the rule book in the repository's .py, .md and .sql files (written
   `docs/RULES.md` + `#` + anchor, or `RULES.md` + `#` + anchor from inside docs/), and every in-page link
   of the book itself (`](#anchor)`), names a heading of docs/RULES.md. Anchors follow GitHub's slug
   rules: lowercase, punctuation dropped, spaces become hyphens, a repeated heading gets -1, -2, ...
2. No comment or docstring under nba_features/ cites the product specs that live outside the repository
   (phase4.md, quality.md, decisions.md, "decision <number>"): the rule book replaces them.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "RULES.md"
PACKAGE = ROOT / "nba_features"
SCANNED_SUFFIXES = {".py", ".md", ".sql"}
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "build", "dist"}

# A link to the rule book: `RULES.md` + `#` + anchor, with or without a leading path (docs/, ../docs/).
BOOK_LINK = re.compile(r"RULES\.md" "#" r"([A-Za-z0-9_-]+)")
IN_PAGE_LINK = re.compile(r"\]\(#([A-Za-z0-9_-]+)\)")
SPEC_CITATION = re.compile(r"\b(?:phase4|quality|decisions)\.md\b|\bdecisions?\s+\d+", re.IGNORECASE)
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, characters other than letters, digits, `_`, `-` and
    spaces dropped (backticks, dots, colons, parentheses ...), each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def rule_book_anchors(text: str) -> list[str]:
    """The anchors of the book's headings in document order (fenced code skipped), with GitHub's
    -1, -2 suffixes for repeated slugs."""
    anchors: list[str] = []
    seen: Counter[str] = Counter()
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            slug = github_slug(match.group(2))
            anchors.append(slug if not seen[slug] else f"{slug}-{seen[slug]}")
            seen[slug] += 1
    return anchors


def scanned_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part.startswith(".") or part in SKIPPED_DIRECTORIES or part.endswith(".egg-info") for part in relative.parts):
            continue  # .git, .venv, .dagster_home, caches, build output
        if path.is_file() and path.suffix in SCANNED_SUFFIXES:
            files.append(path)
    return files


def book_references() -> list[tuple[str, int, str]]:
    """(file, line, anchor) of every link to the rule book, including the book's own in-page links."""
    found = []
    for path in scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        patterns = [BOOK_LINK, IN_PAGE_LINK] if path == RULES else [BOOK_LINK]
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern in patterns:
                found += [(str(path.relative_to(ROOT)), number, m.group(1)) for m in pattern.finditer(line)]
    return found


def comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the comments, docstrings and SQL `--` comments inside string literals of a module."""
    source = path.read_text(encoding="utf-8")
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node, clean=False)
            if docstring and node.body:
                first = node.body[0]
                found += [(first.lineno + offset, line) for offset, line in enumerate(docstring.splitlines())]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "--" in node.value:
            for offset, line in enumerate(node.value.splitlines()):
                if "--" in line:
                    found.append((node.lineno + offset, line[line.index("--") :]))
    return found


def test_the_rule_book_exists_and_its_anchors_are_unique():
    anchors = rule_book_anchors(RULES.read_text(encoding="utf-8"))
    assert anchors, "docs/RULES.md has no headings"
    repeated = sorted(a for a, n in Counter(anchors).items() if n > 1)
    assert not repeated, f"headings of docs/RULES.md share an anchor: {repeated}"
    assert all(re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", a) for a in anchors), anchors


def test_github_slug_rules():
    assert github_slug("Point in time") == "point-in-time"
    assert github_slug("Cache-miss fallback") == "cache-miss-fallback"
    assert github_slug("`ml_feature_store_v2`: the row (fields)") == "ml_feature_store_v2-the-row-fields"
    assert rule_book_anchors("# A\n## A\n```\n# not a heading\n```\n## A") == ["a", "a-1", "a-2"]


def test_every_link_to_the_rule_book_names_one_of_its_headings():
    anchors = set(rule_book_anchors(RULES.read_text(encoding="utf-8")))
    broken = [f"{file}:{line}: #{anchor}" for file, line, anchor in book_references() if anchor not in anchors]
    assert not broken, "links to headings docs/RULES.md does not have:\n" + "\n".join(broken)


def test_no_comment_or_docstring_in_the_package_cites_the_external_specs():
    citations = [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in comments_and_docstrings(path)
        if SPEC_CITATION.search(text)
    ]
    assert not citations, "cite docs/RULES.md anchors instead of the specs outside the repository:\n" + "\n".join(citations)
