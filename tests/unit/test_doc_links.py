"""Relative links and `#anchors` in README.md and docs/*.md resolve.

The README sends readers to topic files under docs/ (and back); a section renamed or moved
must not leave a link pointing nowhere. Anchors are GitHub's heading slugs, which is how
the files are read. Links to the web are not followed (tests never reach the internet).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[2]
_MD = MarkdownIt("commonmark").enable("table")
_NOT_IN_SLUG = re.compile(r"[^\w\- ]")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to -."""
    return _NOT_IN_SLUG.sub("", heading.strip().lower()).replace(" ", "-")


def _inline_text(token: Token) -> str:
    """A heading's text as rendered: code spans keep their content, markup goes."""
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file (repeats get -1, -2 as on GitHub)."""
    tokens = _MD.parse(path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found: set[str] = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        slug = _slug(_inline_text(inline))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def _targets(path: Path) -> list[str]:
    """Link and image targets of a file, code blocks and code spans left out."""
    out: list[str] = []
    for token in _MD.parse(path.read_text(encoding="utf-8")):
        for child in token.children or []:
            if child.type == "link_open":
                out.append(str(child.attrGet("href") or ""))
            elif child.type == "image":
                out.append(str(child.attrGet("src") or ""))
    return out


def broken_links(files: list[Path]) -> list[str]:
    """`file: target` for each relative link whose file or anchor does not exist."""
    broken: list[str] = []
    found: dict[Path, set[str]] = {}  # each target file is parsed once, not once per link to it
    for path in files:
        for target in _targets(path):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
                continue
            name, _, anchor = target.partition("#")
            dest = (path.parent / unquote(name)).resolve() if name else path
            if not dest.exists():
                broken.append(f"{path.name}: {target} (no such file)")
            elif anchor and dest.suffix == ".md":
                if dest not in found:
                    found[dest] = anchors(dest)
                if unquote(anchor) not in found[dest]:
                    broken.append(f"{path.name}: {target} (no such heading)")
    return broken


def test_readme_and_docs_links_resolve() -> None:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(files) > 1
    assert broken_links(files) == []


def test_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Memory after the warm-up\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n## Settings (`[scale]`)\n\n## Settings (`[scale]`)\n\n"
        "[ok](other.md#memory-after-the-warm-up) [ok](#settings-scale) "
        "[ok](#settings-scale-1) [ok](https://example.com/x#y)\n"
        "[gone](missing.md) [bad](other.md#memory) [bad](#settings-scale-2)\n\n"
        "```\n[in code](nowhere.md)\n```\n"
    )
    assert broken_links([page]) == [
        "page.md: missing.md (no such file)",
        "page.md: other.md#memory (no such heading)",
        "page.md: #settings-scale-2 (no such heading)",
    ]
