"""What `newsquiz play FILE` needs before its first frame, gathered beside the interface.

Before the game can be painted the file must be read, parsed, built and checked, and the
saved progress asked whether a game of it is unfinished (the resume offer comes first
then) and which theme to paint in.  None of that needs the interface, and loading the
interface (Textual) takes most of the start-up on one core: so :meth:`Prestart.begin`
starts a helper process that does it (``python -c`` running :func:`main`) while this
process loads the interface, and :meth:`Prestart.facts` collects the answer.

The helper only ever saves time: on a machine with one core, where a helper cannot be
started, or when it fails, dies, hangs or answers anything unexpected, the same
:func:`gather` runs here instead, and the app behaves exactly the same.  Its answer is a
pickle read with an unpickler that builds only newsquiz's own classes, dates and
built-in containers (never a function or anything else a stream could name).
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from newsquiz import __version__
from newsquiz.frozen import Frozen, lazy_dataclass

if TYPE_CHECKING:
    from newsquiz.scenario.diagnostics import CheckResult

#: First line of the helper's answer: which program and version wrote the pickle after it.
_HEADER = f"newsquiz-prestart {__version__}\n".encode()
#: How long the helper may take before the work is done here instead (a hung helper
#: only; reading the largest file allowed takes well under a second).
TIMEOUT = 30.0
#: Runs in the helper: the current folder is never searched for modules (``-c`` would
#: put it first on ``sys.path``, and a file there could stand in for one of ours).
_HELPER_CODE = (
    "import sys\n"
    "if sys.path and sys.path[0] in ('', '.'): del sys.path[0]\n"
    "from newsquiz.prestart import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Facts(Frozen):
    """What the first frame of ``newsquiz play FILE`` depends on."""

    #: The file's check, as :func:`newsquiz.scenario.loader.check_file` returns it.
    result: CheckResult
    #: The file's size and modification time when it was read (the library's cache key).
    stamp: tuple[int, ...]
    #: Whether any player has an unfinished game of the scenario: False when certainly
    #: not (the game can start before saved progress is opened), None when unknown.
    unfinished: bool | None
    #: The saved theme (None: none saved, or it could not be read).
    theme: object


def gather(path: Path, data_dir: str | None) -> Facts:
    """The facts, worked out in this process (``data_dir``: as ``--data-dir``)."""
    from newsquiz.store.paths import THEME_SETTING, peek

    checked = check_only(path)
    result = checked.result
    scenario_id = result.scenario.id if result.ok and result.scenario is not None else None
    theme, unfinished = peek(data_dir, THEME_SETTING, scenario_id)
    return replace(checked, unfinished=unfinished, theme=theme)


def main(argv: list[str]) -> int:
    """The helper: ``DATA_DIR FILE`` → the header and the pickled :class:`Facts` on
    standard output."""
    data_dir, file = argv
    facts = gather(Path(file), data_dir or None)
    out = sys.stdout.buffer
    out.write(_HEADER)
    pickle.dump(facts, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    return 0


class _OwnClasses(pickle.Unpickler):
    """Builds newsquiz's classes, dates and built-in containers; refuses anything else."""

    _ALLOWED = {
        ("builtins", "frozenset"),
        ("builtins", "set"),
        ("datetime", "date"),
        ("datetime", "datetime"),
    }

    def find_class(self, module: str, name: str) -> type:
        if module.startswith("newsquiz.") or (module, name) in self._ALLOWED:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"not one of newsquiz's own values: {module}.{name}")


def _read_answer(stream: IO[bytes] | bytes) -> Facts:
    data = stream if isinstance(stream, bytes) else stream.read()
    if not data.startswith(_HEADER):
        raise ValueError("the helper's answer does not start as expected")
    facts = _OwnClasses(io.BytesIO(data[len(_HEADER) :])).load()
    if not isinstance(facts, Facts):
        raise ValueError("the helper did not answer with the facts")
    return facts


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Prestart:
    """The facts about one file, being gathered (:meth:`begin`) and then collected
    (:meth:`facts`, once)."""

    def __init__(self, path: Path, data_dir: str | None) -> None:
        self.path = path
        self.data_dir = data_dir
        self._proc: subprocess.Popen[bytes] | None = None
        #: Why the helper was not used, or failed ('' when it answered).
        self.why_here = "not started"

    @classmethod
    def begin(cls, path: Path, data_dir: str | None, *, helper: bool | None = None) -> Prestart:
        """Start gathering the facts: in a helper process when that can save time
        (``helper``: None decides by the number of cores; True/False force it)."""
        started = cls(path, data_dir)
        if helper is None:
            helper = _cores() > 1
        if not helper:
            started.why_here = "one core: nothing would run beside the interface"
            return started
        try:
            started._proc = subprocess.Popen(
                [sys.executable, "-c", _HELPER_CODE, data_dir or "", str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except (OSError, ValueError) as err:
            started.why_here = f"the helper could not start: {err}"
        return started

    def facts(self, timeout: float = TIMEOUT) -> Facts:
        """The facts: the helper's answer, or (without one) worked out here."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                out, _ = proc.communicate(timeout=timeout)
                if proc.returncode != 0:
                    raise ValueError(f"the helper exited with {proc.returncode}")
                facts = _read_answer(out)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                self.why_here = "the helper took too long"
            except Exception as err:  # anything at all: the work is done here instead
                self.why_here = f"the helper failed: {err}"
            else:
                self.why_here = ""
                return facts
        return gather(self.path, self.data_dir)

    def cancel(self) -> None:
        """Stop the helper if it is still running (the app did not start)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.communicate()


def check_only(path: Path) -> Facts:
    """The file's check alone, here (saved progress is opened before the game)."""
    from newsquiz.scenario.library import file_stamp
    from newsquiz.scenario.loader import check_file

    try:
        stamp = tuple(file_stamp(path))  # before reading: a change while it is read shows
    except OSError:
        stamp = ()
    return Facts(check_file(path), stamp, None, None)
