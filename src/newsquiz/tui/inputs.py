"""The app's one text box: keys are applied in the order they were typed.

Textual inserts a typed character as soon as the focused :class:`Input` receives it, but
runs the box's own key bindings (backspace, delete, the arrows, home/end…) only once the
key has bubbled up to the app.  In a burst (a paste, a fast typist, keys < 10 ms apart)
the characters typed after a backspace were inserted before it ran, and the backspace
then deleted one of them: "2022" typed over "20" became "220".  :class:`TextBox` runs an
editing key's action as soon as it receives the key, so nothing overtakes it.

Every text box of the app is a :class:`TextBox` (a test checks that no module of
``newsquiz.tui`` builds Textual's plain ``Input``).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TextBox(Input):
    """An :class:`Input` whose editing keys run in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # A priority binding of the screen or app has run already; an action
                # the box refuses (check_action) goes on up, as Textual would do.
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
