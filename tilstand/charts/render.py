"""PNG images of chart figures, rendered with kaleido 1.x in Debian's Chromium and cached on disk by content.

A report rebuilt with unchanged numbers renders nothing: the bytes are kept under the hash of the figure's
JSON, size and scale. Nothing else in tilstand.charts needs a browser, so this module stands alone and
only the callers that make images (the DOCX report, its tests and benchmarks) import it.

Why not `kaleido.start_sync_server()`: its server answers callers from one shared result queue, so two
threads rendering at once can get each other's images, and when Chromium cannot start, the server
thread dies and every later call waits forever. Here one event loop thread owns one `kaleido.Kaleido`
with a few tabs; callers submit coroutines to it, which is thread-safe, renders a batch concurrently,
and turns a missing or hung browser into a ChartRenderError.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import hashlib
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go

from tilstand.charts._layout import HEIGHT, SCALE, WIDTH, place
from tilstand.charts._words import RENDER_ERRORS
from tilstand.errors import TilstandError


class ChartRenderError(TilstandError):
    """A chart could not be turned into an image (no Chromium, or it failed or hung)."""


TABS = max(1, min(4, os.cpu_count() or 1))  # concurrent renders; more tabs than cores only adds start time
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def browser_path() -> str | None:
    """Debian's Chromium (or $BROWSER_PATH); never a browser kaleido or choreographer downloaded."""
    env = os.environ.get("BROWSER_PATH")
    candidates = [env] if env else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def renderer_available() -> bool:
    """False when no Chromium binary is found, so callers can leave the images out with a message."""
    return browser_path() is not None


def cache_dir() -> Path:
    """$TILSTAND_CACHE/charts, or data/cache/charts (data/ is git-ignored). Read on every call."""
    return Path(os.environ.get("TILSTAND_CACHE") or Path("data") / "cache") / "charts"


class _Renderer:
    """One Chromium with TABS tabs, driven by kaleido from an event loop in its own thread."""

    def __init__(self, browser: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tilstand-charts", daemon=True)
        self.thread.start()
        self.kaleido: Any = None
        try:
            self.kaleido = self._call(self._open(browser), START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    async def _open(self, browser: str) -> Any:
        # Imported here, not at the top: kaleido starts logging and checks versions at import, and only a
        # caller that really renders (a DOCX with images) should pay for it.
        import kaleido  # noqa: PLC0415 (see above)

        k = kaleido.Kaleido(n=TABS, timeout=RENDER_TIMEOUT, mathjax=False, path=browser)
        await k.open()
        return k

    def _call(self, coro, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def render(self, jobs: list[tuple[dict, dict]]) -> list[bytes]:
        async def batch() -> list[bytes]:
            return await asyncio.gather(*(self.kaleido.calc_fig(fig, opts=opts) for fig, opts in jobs))

        return self._call(batch(), RENDER_TIMEOUT + 5 * len(jobs))

    def close(self) -> None:
        if self.kaleido is not None:
            try:
                self._call(self.kaleido.close(), 15)
            except Exception:  # noqa: BLE001 - closing a broken browser is best effort
                pass
            self.kaleido = None
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


_lock = threading.Lock()
_renderer: _Renderer | None = None
_rendered = 0


def _get_renderer() -> _Renderer:
    global _renderer
    with _lock:
        if _renderer is None:
            browser = browser_path()
            if browser is None:
                raise ChartRenderError(RENDER_ERRORS["no_browser"])
            try:
                _renderer = _Renderer(browser)
            except concurrent.futures.TimeoutError:
                raise ChartRenderError(RENDER_ERRORS["start_timeout"].format(seconds=START_TIMEOUT)) from None
            except Exception as e:
                raise ChartRenderError(RENDER_ERRORS["start_failed"].format(error=e)) from e
        return _renderer


def stop_renderer() -> None:
    """Close the browser (at exit, or to start afresh); the next png() call starts a new one."""
    global _renderer
    with _lock:
        r, _renderer = _renderer, None
    if r is not None:
        r.close()


atexit.register(stop_renderer)  # close Chromium while the loop thread still runs


def rendered_count() -> int:
    """How many figures this process has rendered (not served from the cache): for tests and benchmarks."""
    return _rendered


def _sized(fig: go.Figure, width: int, height: int) -> go.Figure:
    if fig.layout.height == height or not (fig.layout.meta or {}).get("tilstand"):
        return fig
    out = go.Figure(fig)
    place(out, height)
    return out


def _key(fig_json: str, width: int, height: int, scale: float) -> str:
    h = hashlib.sha256(f"plotly {plotly.__version__}|{width}x{height}@{scale}|".encode())
    h.update(fig_json.encode())
    return h.hexdigest()


def png(figures: Sequence[go.Figure], *, scale: float = SCALE, width: int = WIDTH, height: int = HEIGHT) -> list[bytes]:
    """PNG bytes per figure, in the same order.

    Cached on disk by content (figure JSON, size and scale), so an unchanged chart is never rendered
    twice; the rest are rendered concurrently in one batch. Raises ChartRenderError (Norwegian
    message) when Chromium is missing or fails.
    """
    global _rendered
    directory = cache_dir()
    keys: list[str] = []
    specs: dict[str, go.Figure] = {}
    for fig in figures:
        sized = _sized(fig, width, height)
        fig_json = sized.to_json()
        key = _key(fig_json, width, height, scale)
        keys.append(key)
        specs.setdefault(key, sized)
    found: dict[str, bytes] = {}
    for key in specs:
        try:
            data = (directory / f"{key}.png").read_bytes()
        except OSError:
            continue
        if data.startswith(_PNG_SIGNATURE):  # a torn or foreign file is rendered again
            found[key] = data
    missing = [k for k in specs if k not in found]
    if missing:
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        jobs = [(specs[k].to_dict(), opts) for k in missing]
        renderer = _get_renderer()
        try:
            images = renderer.render(jobs)
        except concurrent.futures.TimeoutError:
            stop_renderer()
            raise ChartRenderError(RENDER_ERRORS["render_timeout"].format(seconds=RENDER_TIMEOUT)) from None
        except Exception as e:
            stop_renderer()  # the browser may be gone; start afresh next time
            raise ChartRenderError(RENDER_ERRORS["render_failed"].format(error=e)) from e
        with _lock:
            _rendered += len(images)
        for key, data in zip(missing, images, strict=False):
            found[key] = data
            _store(directory, key, data)
    return [found[k] for k in keys]


def _store(directory: Path, key: str, data: bytes) -> None:
    """Write atomically (temp file + rename), so a reader never sees half an image. A cache that
    cannot be written (read-only disk) only costs speed."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, directory / f"{key}.png")
    except OSError:
        pass
