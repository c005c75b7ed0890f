"""A simulated student for load tests: drives one textual-serve session over its
websocket, as the browser page does (``["stdin", keys]`` out, terminal bytes in).

Used by ``make bench`` and the tests; it only ever connects to the address it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any

#: Terminal escape sequences (CSI, OSC, and two-byte ones), removed to read the screen.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def screen_text(raw: bytes) -> str:
    return _ESCAPES.sub("", raw.decode("utf-8", "replace"))


class Student:
    """One browser tab on ``url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, url: str, width: int = 100, height: int = 40) -> None:
        self.url = url.rstrip("/")
        self.width = width
        self.height = height
        self._raw = bytearray()
        self._changed = asyncio.Event()
        self._session: Any = None
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        import aiohttp

        self._session = aiohttp.ClientSession()
        ws_url = self.url.replace("http://", "ws://", 1)
        self._ws = await self._session.ws_connect(
            f"{ws_url}/ws?width={self.width}&height={self.height}", max_msg_size=0
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import aiohttp

        async for msg in self._ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self._raw += msg.data
                self._changed.set()
            elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break

    def mark(self) -> int:
        """Where the output is now: :meth:`wait_for` after a mark sees only what follows."""
        return len(self._raw)

    def text(self, since: int = 0) -> str:
        return screen_text(bytes(self._raw[since:]))

    async def wait_for(
        self, words: str | tuple[str, ...], since: int = 0, timeout: float = 30
    ) -> str:
        """Wait until any of ``words`` is on screen after ``since``; return which."""
        wanted = (words,) if isinstance(words, str) else words
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text(since)
            for w in wanted:
                if w in shown:
                    return w
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"none of {wanted!r} on screen; last: {shown[-300:]!r}")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    async def keys(self, data: str) -> None:
        await self._ws.send_json(["stdin", data])

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
        if self._session is not None:
            await self._session.close()
