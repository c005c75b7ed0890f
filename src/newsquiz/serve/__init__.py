"""``newsquiz serve``: one class plays in the browser, served by textual-serve.

textual-serve starts one app process per browser tab (its websocket), running
``newsquiz --data-dir DIR class play --class NAME …`` — the app in class mode.  What the
page shows is our copy of textual-serve's page (``templates/app_index.html``): its title
is "newsquiz — class NAME" (textual-serve would show the whole command line, with the
server's paths), and its font comes from textual-serve's own static folder instead of
an external font host, so that the page works on a network without the internet.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


def page_title(class_name: str) -> str:
    return f"newsquiz — class {class_name}"


def app_command(
    class_name: str,
    paths: Sequence[Path],
    data_dir: Path,
    roster: Path | None = None,
) -> str:
    """The shell command textual-serve runs for each browser tab."""
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data_dir), "class", "play"]
    argv += ["--class", class_name]
    if roster is not None:
        argv += ["--roster", str(roster)]
    argv += ["--", *(str(p) for p in paths)]
    return shlex.join(argv)


def make_server(command: str, class_name: str, host: str, port: int, *, quiet: bool = False) -> Any:
    """A textual-serve ``Server`` for ``command`` with our page and title."""
    import textual_serve
    from textual_serve.server import Server

    statics = Path(textual_serve.__file__).resolve().parent / "static"

    class ClassServer(Server):
        async def on_startup(self, app: Any) -> None:
            # textual-serve prints the command (with the server's paths): say only
            # where the class is.
            if not quiet:
                print(
                    f"newsquiz: class {class_name} is served at {self.public_url}/\n"
                    "Give this address to the students. Press Ctrl+C to stop.",
                    flush=True,
                )

    return ClassServer(
        command,
        host=host,
        port=port,
        title=page_title(class_name),
        statics_path=statics,
        templates_path=TEMPLATES,
    )
