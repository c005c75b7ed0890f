"""The article reader: headline, outlet, byline, date, and numbered paragraphs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from newsquiz.tui.text import highlight, literal

if TYPE_CHECKING:
    from newsquiz.scenario.model import Scenario


class ArticleScreen(Screen[None]):
    """Reachable from the library, during play and from feedback; opens at a paragraph."""

    BINDINGS = [
        Binding("escape,q,a", "close", "Back"),
        Binding("home", "top", "Top", show=False),
        Binding("end", "bottom", "End", show=False),
    ]

    def __init__(
        self,
        scenario: Scenario,
        paragraph: int | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.paragraph = paragraph
        self.span = span

    def compose(self) -> ComposeResult:
        article = self.scenario.article
        if article is None:
            with VerticalScroll(id="article"):
                yield Static(
                    Content(
                        "This scenario has no article: its questions come from a question bank."
                    ),
                    id="headline",
                )
            return
        meta = [part for part in (article.outlet, article.byline) if part]
        if article.published:
            d = article.published
            meta.append(f"{d.day} {d:%B %Y}")
        with VerticalScroll(id="article"):
            yield Static(literal(article.headline, "bold"), id="headline")
            if meta:
                yield Static(literal(" · ".join(meta)), classes="meta")
            if article.url:
                yield Static(literal(article.url), classes="meta dim")
            for n, text in enumerate(article.paragraphs, 1):
                if n == self.paragraph and self.span:
                    body = highlight(text, *self.span)
                else:
                    body = literal(text)
                with Horizontal(
                    classes="para" + (" current" if n == self.paragraph else ""), id=f"p-{n}"
                ):
                    yield Static(Content(f"{n:>3}"), classes="para-number")
                    yield Static(body, classes="para-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Article"
        scroller = self.query_one("#article", VerticalScroll)
        scroller.focus()
        if self.paragraph:
            self.call_after_refresh(self._scroll_to_paragraph)

    def _scroll_to_paragraph(self) -> None:
        try:
            target = self.query_one(f"#p-{self.paragraph}")
        except Exception:
            return
        self.query_one("#article", VerticalScroll).scroll_to_widget(target, animate=False, top=True)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_top(self) -> None:
        self.query_one("#article", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#article", VerticalScroll).scroll_end(animate=False)
