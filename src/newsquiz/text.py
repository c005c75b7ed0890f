"""Text that may reach a terminal: one definition of what is unsafe, for every output.

The loader refuses these characters in scenario files (NQ010); every player and report
still passes text through :func:`clean` before printing it, so nothing that slipped in by
another way (a damaged save, a future code path) can drive the terminal.
"""

from __future__ import annotations

import re

# Not `from typing import TYPE_CHECKING`: `newsquiz --help` does not import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: C0 controls except tab, LF and CR; DEL; C1 controls; bidirectional embeddings,
#: overrides and isolates (the "Trojan Source" characters).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})


def clean(text: str) -> str:
    """``text`` with line breaks as ``\\n`` and no forbidden character left."""
    return FORBIDDEN.sub("", text.replace("\r\n", "\n").translate(_LINE_BREAKS))


def clean_data(value: Any) -> Any:
    """``value`` with :func:`clean` applied to every string in it (dict keys, list and
    tuple items, nested); other values unchanged.  For what is stored and exported."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_data(v) for v in value]
    return value
