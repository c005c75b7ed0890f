"""The play screen, the answer widgets, and the feedback screen."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from newsquiz.engine import present
from newsquiz.engine.errors import EngineError, InvalidAnswer
from newsquiz.engine.review import Confidence
from newsquiz.engine.session import Outcome, Session
from newsquiz.store.tracker import Progress
from newsquiz.text import clean
from newsquiz.tui.inputs import TextBox
from newsquiz.tui.text import Hanging, hanging, highlight, literal, phrases, plain, prose, toast

# ------------------------------------------------------------------ widgets


class Submitted(Message):
    """An answer widget has an answer ready."""

    def __init__(self, response: object) -> None:
        super().__init__()
        self.response = response


def _number(i: int, count: int) -> str:
    """``1. `` — right-aligned when there are ten or more, so the texts line up."""
    return f"{i + 1}.".rjust(len(f"{count}.")) + " "


class ChoiceList(OptionList):
    """Choices with numbers: a number key (or ↑↓) chooses, enter answers; ``multi``
    lets space or a number tick several and enter submit them.  A number never answers
    by itself, so a slip can be taken back."""

    BINDINGS = [Binding("space", "tick", "Tick", show=False)]

    def __init__(self, choices: list[tuple[str, str]], multi: bool = False) -> None:
        self.ids = [cid for cid, _ in choices]
        self.texts = [text for _, text in choices]
        self.multi = multi
        self.ticked: set[str] = set()
        super().__init__(*[Option(self._prompt(i)) for i in range(len(choices))], classes="answer")

    def _prompt(self, i: int) -> Hanging:
        # A choice that wraps goes on under its text, not under its number (or box).
        number = literal(_number(i, len(self.ids))).stylize("bold")
        if self.multi:
            box = "[x] " if self.ids[i] in self.ticked else "[ ] "
            number = number + literal(box)
        return hanging(number, literal(self.texts[i]))

    def action_tick(self) -> None:
        if not self.multi or self.highlighted is None:
            return
        cid = self.ids[self.highlighted]
        self.ticked.symmetric_difference_update({cid})
        self.replace_option_prompt_at_index(self.highlighted, self._prompt(self.highlighted))

    def pick(self, number: int) -> None:
        if not 1 <= number <= len(self.ids):
            return
        self.highlighted = number - 1
        if self.multi:
            self.action_tick()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.multi:
            self.post_message(Submitted([cid for cid in self.ids if cid in self.ticked]))
        else:
            self.post_message(Submitted(self.ids[event.option_index]))


class OrderList(OptionList):
    """Items to put in order: ``u``/``d`` (or shift+↑/↓) move the highlighted item."""

    BINDINGS = [
        Binding("u,shift+up", "move(-1)", "Move up"),
        Binding("d,shift+down", "move(1)", "Move down"),
    ]

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = list(items)
        self.moved = False
        self.asked = False
        super().__init__(*[Option(self._prompt(i)) for i in range(len(items))], classes="answer")

    def _prompt(self, i: int) -> Hanging:
        number = literal(_number(i, len(self.items))).stylize("bold")
        return hanging(number, literal(self.items[i][1]))

    def action_move(self, delta: int) -> None:
        i = self.highlighted
        if i is None or not 0 <= i + delta < len(self.items):
            return
        j = i + delta
        self.items[i], self.items[j] = self.items[j], self.items[i]
        self.replace_option_prompt_at_index(i, self._prompt(i))
        self.replace_option_prompt_at_index(j, self._prompt(j))
        self.highlighted = j
        self.moved = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.moved and not self.asked:
            # Enter on the order as shown is most likely a slip: ask once.
            self.asked = True
            self.post_message(OrderUntouched())
            return
        self.post_message(Submitted([int(item_id) for item_id, _ in self.items]))


class OrderUntouched(Message):
    """Enter on an order nobody moved: the screen asks once before answering."""


class AnswerInput(TextBox):
    """The typed-answer box: its keys run in the order they were typed (see
    :class:`TextBox`: a burst of backspaces then digits once recorded "220" for "2022").
    Focus coming back (tab) does not select the whole answer, so the next key does not
    replace it.
    """

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder=plain(placeholder), classes="answer", select_on_focus=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Submitted(clean(event.value)))


class ContinueButton(Static, can_focus=True):
    """Focusable 'continue' line for scenes without a question."""

    BINDINGS = [Binding("enter,space", "go", "Continue")]

    def __init__(self) -> None:
        super().__init__(Content("▶ Press enter to continue"), classes="answer")

    def action_go(self) -> None:
        self.post_message(Submitted(None))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_go()


# ------------------------------------------------------------------- screens


class PlayScreen(Screen[Session | None]):
    """One node at a time: narrative, question, answer; feedback after each answer."""

    BINDINGS = [
        Binding("h", "hint", "Hint"),
        # In a typed answer letters are text: these keys stand in (and show in the footer).
        Binding("ctrl+t", "typed_hint", "Hint", priority=True),
        Binding("a", "article", "Article"),
        Binding("ctrl+r", "typed_article", "Article", priority=True),
        Binding("s", "skip", "Skip"),
        Binding("escape", "leave", "Library"),
        # In a typed answer escape first leaves the box: the footer says so there.
        Binding("escape", "leave_box", "Leave the box"),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False),
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, session: Session, progress: Progress) -> None:
        super().__init__()
        self.session = session
        self.progress = progress
        self.answer_widget: Widget | None = None
        #: Ask how sure the player is before each verdict (set by the app): a flag, or
        #: what tells it, asked when the first answer is chosen (saved progress, still
        #: opening when the first scene is painted, holds the setting).
        self.confidence: bool | Callable[[], bool] = False

    def compose(self) -> ComposeResult:
        with Vertical(id="status-bar"):
            yield Static(id="status")
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="progress")
        # Not focusable: focus stays on the answer, so enter always answers; the body
        # scrolls with the mouse wheel and page up/down.
        with VerticalScroll(id="body", can_focus=False):
            yield Static(id="scene-title")
            yield Static(id="narrative")
            yield Static(id="prompt")
            yield Static(id="hints")
            yield Static(id="answer-slot")
            yield Static(id="instructions", classes="dim")
            yield Static(id="error")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = plain(self.session.scenario.title)
        if self.session.finished:
            # Over before it began (the start skipped to an ending, or the scenario could
            # not go on): the results say so, never a blank play screen.
            self.call_later(self.after_move)
            return
        self.show_node()

    # ---------------------------------------------------------------- display

    def show_status(self) -> None:
        s = self.session
        _, n = s.progress()
        parts = [present.question_counter(s), f"Score {present.path_score(s)}"]
        if s.streak >= 2:
            parts.append(f"Streak {s.streak}")
        self.query_one("#status", Static).update(
            # What changes comes first, so a long title cannot push it off a narrow screen.
            literal("  ·  ".join(parts)).stylize("bold")
            + Content("  ·  ")
            + literal(s.scenario.title)
        )
        # Filled by the questions answered, out of those the path can reach: full at
        # the end of every path.
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(n, 1), progress=len(s.answered))

    def show_node(self) -> None:
        s = self.session
        if s.finished:
            return
        node = s.node
        q = node.question
        self.query_one("#scene-title", Static).update(literal(node.title, "bold"))
        narrative = self.query_one("#narrative", Static)
        narrative.update(prose(node.text))
        narrative.display = bool(node.text.strip())
        prompt = self.query_one("#prompt", Static)
        prompt.update(prose(q.prompt, "bold") if q else "")
        prompt.display = q is not None
        self.query_one("#scene-title", Static).display = bool(node.title)
        self.query_one("#error", Static).update("")
        self._show_hints()
        if self.answer_widget is not None:
            self.answer_widget.remove()
        widget: Widget
        if q is None:
            widget = ContinueButton()
        elif q.kind in ("single", "truefalse"):
            widget = ChoiceList([(c.id, c.text) for c in s.choices()])
        elif q.kind == "multiple":
            widget = ChoiceList([(c.id, c.text) for c in s.choices()], multi=True)
        elif q.kind == "order":
            widget = OrderList([(c.id, c.text) for c in s.choices()])
        else:
            unit = f" (in {q.unit})" if q.kind == "numeric" and q.unit else ""
            placeholder = "Type a number" if q.kind == "numeric" else "Type your answer"
            widget = AnswerInput(placeholder + unit)
        self.query_one("#body", VerticalScroll).mount(widget, after=self.query_one("#answer-slot"))
        self.answer_widget = widget
        widget.focus()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.show_instructions()
        self.show_status()
        self.refresh_bindings()

    def show_instructions(self) -> None:
        """The keys for this question, phrase by phrase (a phrase never wraps inside)."""
        s = self.session
        q = s.question
        widget = self.answer_widget
        if q is None:
            parts = ["enter: continue", "a: article"]
        elif q.kind in ("single", "truefalse"):
            parts = ["↑↓ or 1–9: choose", "enter: answer"]
        elif q.kind == "multiple":
            parts = ["select all that apply", "space or 1–9: tick", "enter: answer"]
        elif q.kind == "order":
            parts = ["put in order", "u/d or shift+↑↓: move the item", "enter: answer"]
        elif self._typing() or self.focused is widget:
            parts = ["enter: answer", "ctrl+r: article", "escape: leave the box"]
        else:
            # Out of the box: letters are commands again, typing goes back into it.
            parts = ["type or tab: back to your answer", "a: article", "escape: library"]
        if q is not None:
            left = len(s.hints_left())
            if left:
                key = "ctrl+t" if self._typing() else "h"
                parts.append(f"{key}: hint ({left} left)")
            if s.skippable and not self._typing():
                parts.append("s: skip")
        self.query_one("#instructions", Static).update(phrases(parts))

    def _show_hints(self) -> None:
        s = self.session
        hints = s.hints_shown() if s.question is not None else []
        text = Content("")
        for n, hint in enumerate(hints, 1):
            text += literal(f"Hint {n}: ").stylize("bold") + literal(hint.text) + Content("\n")
        hints_widget = self.query_one("#hints", Static)
        hints_widget.update(text)
        hints_widget.display = bool(hints)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        s = self.session
        if s.finished:
            return action == "leave"
        if action == "hint":
            return s.question is not None and bool(s.hints_left()) and not self._typing()
        if action == "typed_hint":
            return s.question is not None and bool(s.hints_left()) and self._typing()
        if action == "typed_article":
            return self._typing()
        if action == "leave":
            return not self._typing()
        if action == "leave_box":
            return self._typing()
        if action == "skip":
            # In a typed answer `s` is a letter: leave the box (escape) to skip.
            return s.skippable and not self._typing()
        if action == "pick":
            q = s.question
            return q is not None and q.kind in ("single", "truefalse", "multiple")
        return True

    # ---------------------------------------------------------------- actions

    def on_submitted(self, message: Submitted) -> None:
        message.stop()
        s = self.session
        if s.finished:
            return
        if s.question is None:
            s.advance()
            self.progress.save(s)
            self.after_move()
            return
        if callable(self.confidence):
            self.confidence = self.confidence()
        if self.confidence:
            from newsquiz.tui.confidence import ConfidenceScreen

            def sure(level: Confidence | None) -> None:
                self.progress.confide(s, level)
                self._answer(message.response)

            self.app.push_screen(ConfidenceScreen(), sure)
            return
        self._answer(message.response)

    def _answer(self, response: object) -> None:
        s = self.session
        try:
            outcome = s.answer(response)
        except InvalidAnswer as err:
            self.query_one("#error", Static).update(
                literal("⚠ " + str(err).capitalize()).stylize("bold")
            )
            return
        except EngineError as err:
            toast(self, str(err), severity="error", title="This scenario has a problem")
            return
        self.progress.save(s)
        self.show_status()
        self.show_feedback(outcome)

    def on_order_untouched(self, message: OrderUntouched) -> None:
        message.stop()
        self.query_one("#error", Static).update(
            literal("⚠ " + present.ORDER_UNTOUCHED).stylize("bold")
        )

    def action_pick(self, number: int) -> None:
        if isinstance(self.answer_widget, ChoiceList):
            self.answer_widget.pick(number)

    def show_feedback(self, outcome: Outcome) -> None:
        def done(_: None) -> None:
            self.after_move()

        self.app.push_screen(FeedbackScreen(self.session, outcome), done)

    def after_move(self) -> None:
        s = self.session
        if s.finished:
            if s.halted is not None:
                toast(
                    self.app,
                    s.halted.message,
                    title="This scenario has a problem",
                    severity="error",
                    timeout=12,
                )
            self.progress.save(s)
            self.dismiss(s)  # the app shows the results
            return
        self.show_node()

    def action_hint(self) -> None:
        s = self.session
        left = s.hints_left() if s.question is not None else []
        if not left:
            toast(self, "There are no more hints for this question.")
            return
        n = len(s.hints_shown()) + 1
        total = n + len(left) - 1
        title, question = present.hint_question(n, total, left[0].cost)

        def answer(yes: bool | None) -> None:
            if yes:
                s.hint()
                self.progress.save(s)
                self._show_hints()
                self.show_node_instructions()

        from newsquiz.tui.dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen(title, question), answer)

    def show_node_instructions(self) -> None:
        # Cheap refresh after a hint: the answer widget keeps its state.
        self.show_instructions()
        self.show_status()
        self.refresh_bindings()

    def action_skip(self) -> None:
        s = self.session
        if not s.skippable:
            return
        outcome = s.skip()
        self.progress.save(s)
        self.show_status()
        self.show_feedback(outcome)

    def action_article(self) -> None:
        from newsquiz.tui.article import ArticleScreen

        self.app.push_screen(ArticleScreen(self.session.scenario))

    def action_leave(self) -> None:
        self.dismiss(None)

    def action_leave_box(self) -> None:
        if self._typing():
            self.set_focus(None)
            self._focus_changed()

    async def on_key(self, event: events.Key) -> None:
        # Escape inside a typed answer first leaves the box, then the screen.
        focused = self.focused
        widget = self.answer_widget
        if event.key == "escape" and isinstance(focused, Input):
            event.stop()
            event.prevent_default()
            self.set_focus(None)
            self._focus_changed()
            return
        if (
            focused is None
            and isinstance(widget, AnswerInput)
            and event.is_printable
            and event.character is not None
        ):
            active = self.app.active_bindings.get(event.key)
            if active is None or not active.enabled:
                # A key no command uses goes back into the box (never lost).
                event.stop()
                event.prevent_default()
                widget.focus()
                widget.insert_text_at_cursor(event.character)
                self._focus_changed()

    def _focus_changed(self) -> None:
        self.refresh_bindings()
        if self.answer_widget is not None and not self.session.finished:
            self.show_instructions()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._focus_changed()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._focus_changed()

    def _typing(self) -> bool:
        return isinstance(self.focused, Input)

    def action_typed_hint(self) -> None:
        self.action_hint()

    def action_typed_article(self) -> None:
        self.action_article()

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#body", VerticalScroll)
        if pages < 0:
            body.scroll_page_up(animate=False)
        else:
            body.scroll_page_down(animate=False)


class FeedbackScreen(Screen[None]):
    """The verdict (symbol and words, not colour alone), feedback and evidence."""

    BINDINGS = [
        Binding("enter,space", "close", "Continue"),
        Binding("o", "open_article", "Open article at the evidence"),
        Binding("escape", "close", "Continue", show=False),
    ]

    def __init__(self, session: Session, outcome: Outcome) -> None:
        super().__init__()
        self.session = session
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        # What must be seen without scrolling at 80×24 comes first: the verdict, the
        # student's answer (and the right one), and the highlighted evidence.  The
        # feedback, the question and the paragraphs around the evidence follow.
        o = self.outcome
        with VerticalScroll(id="feedback"):
            verdict = literal(f" {present.verdict_label(o.verdict)} ").stylize("bold")
            points = "  " + present.points_text(o)
            css = f"verdict-{o.verdict}"
            node = self.session.scenario.node_map.get(o.node_id)
            yield Static(verdict + literal(points), id="verdict", classes=css)
            # A long answer goes on under itself, not under its label.
            yield Static(hanging(Content("Your answer: ").stylize("bold"), literal(o.your_answer)))
            if o.tries_left:
                yield Static(literal(present.tries_left(o.tries_left)), id="tries-left")
            elif o.verdict != "correct":
                yield Static(
                    hanging(Content("Right answer: ").stylize("bold"), literal(o.correct_answer)),
                    id="right-answer",
                )
            for ev in o.evidence:
                with Vertical(classes="evidence"):
                    yield Static(
                        literal(f"Evidence — paragraph {ev.paragraph}").stylize("bold"),
                        classes="evidence-title",
                    )
                    if ev.paragraph_text:
                        yield Static(
                            highlight(ev.paragraph_text, ev.start, ev.end), classes="evidence-text"
                        )
                    elif ev.quote:
                        yield Static(literal(f"“{ev.quote}”"), classes="evidence-text")
            for text in o.feedback:
                yield Static(prose(text), classes="feedback-text")
            if o.explanation:
                yield Static(prose(o.explanation), classes="explanation")
            if node is not None and node.question is not None:
                yield Static(
                    Content("The question: ").stylize("bold") + prose(node.question.prompt),
                    classes="dim feedback-question",
                )
            for ev in o.evidence:
                # The paragraphs around the evidence, each with its number, apart from it.
                if ev.before and ev.paragraph > 1:
                    before = present.cut_left(present.one_line(ev.before), present.CONTEXT)
                    yield Static(
                        literal(f"Paragraph {ev.paragraph - 1} (before): ").stylize("bold")
                        + literal(before),
                        classes="context dim",
                    )
                if ev.after and ev.paragraph:
                    after = present.cut_right(present.one_line(ev.after), present.CONTEXT)
                    yield Static(
                        literal(f"Paragraph {ev.paragraph + 1} (after): ").stylize("bold")
                        + literal(after),
                        classes="context dim",
                    )
            if o.changes:
                yield Static(Content(""), classes="changes")
        with Horizontal(id="feedback-bar"):
            yield Static(
                # Where the game stands after this answer (after the last one,
                # "Question n of n"); the footer names the keys in full.
                literal(
                    f"{present.answered_counter(self.session)}  ·  "
                    f"Score {present.path_score(self.session)}  ·  enter: continue  ·  o: article"
                ),
                id="feedback-score",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feedback", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open_article(self) -> None:
        from newsquiz.tui.article import ArticleScreen

        evidence = self.outcome.evidence
        if evidence:
            ev = evidence[0]
            span = (ev.start, ev.end) if ev.end > ev.start else None
            self.app.push_screen(ArticleScreen(self.session.scenario, ev.paragraph, span))
        else:
            self.app.push_screen(ArticleScreen(self.session.scenario))
