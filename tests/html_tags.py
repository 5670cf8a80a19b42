"""Start tags in rendered HTML as a browser parses them, for tests that check what markup survives."""

from __future__ import annotations

from html.parser import HTMLParser


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag in rendered HTML, as a browser would parse it."""
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags
