"""Numba set-up shared by every kernel module: a writable cache, one signature per kernel,
compile-time accounting.

Import this module before defining a kernel (each ``_kernels`` module does it on its first
line of imports); it must run before numba decides where ``cache=True`` functions live.

- **Cache directory.** A ``NUMBA_CACHE_DIR`` set by the user is used as it is. Otherwise numba
  writes next to the sources (``__pycache__``) when that folder is writable; when the package
  is installed read-only (a system or shared environment), the cache goes to the user cache
  folder (``$XDG_CACHE_HOME/disco/numba``, default ``~/.cache/disco/numba``) so a second run
  does not recompile. A cache directory that cannot be written falls back to a temporary
  folder with one warning, never a traceback.
- **Kernels compiled at install.** ``pip install .`` compiles every kernel for the machine
  into ``engine/_compiled`` (:mod:`engine._kernel_build`); a kernel is loaded from there
  first, then from the cache above, and compiled only when neither has it (an editable
  install, another numba or CPU, edited sources). What is compiled here goes to the cache
  above, never into the package.
- **One signature per kernel** (:func:`kernel`): numba compiles a new specialisation for
  every distinct tuple of argument types it sees, and inside compiled code a constant
  argument (``f(x, -1)``, a loop counter starting at ``0``) is its own ``Literal`` type, so a
  helper called from five places may compile five times. A :func:`kernel` has exactly one
  signature, compiled (or loaded from the cache) on its first call, not at import, so a run
  compiles only the kernels it uses; other argument types are converted to it (scalars) or
  refused (arrays: convert at the boundary).
- **Compile time** (:func:`compile_seconds`, :func:`compile_report`): seconds (wall or CPU)
  this process spent compiling kernels (cache loads excluded), in all and per kernel, so a
  report can say "compiling kernels, first run only" and a benchmark which kernels cost it.

Examples:
    >>> from engine._numba import kernel, compile_seconds
    >>> @kernel("int64(int64, int64)")
    ... def add(a, b):
    ...     return a + b
    >>> len(add.signatures)  # nothing compiled at definition
    0
    >>> add(2, 3), add(True, 4), len(add.signatures)
    (5, 5, 1)
    >>> compile_seconds() >= 0.0
    True
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "compile_report", "compile_seconds", "kernel", "kernel_array", "shipped_dir", "shipped_manifest",
           "user_cache_dir"]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def user_cache_dir() -> Path:
    """The user cache folder for numba's cache: ``$XDG_CACHE_HOME/disco/numba`` (default
    ``~/.cache/disco/numba``; ``%LOCALAPPDATA%\\disco\\numba`` on Windows)."""
    if os.name == "nt":  # pragma: no cover - not tested here
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "disco" / "numba"


def _writable(folder: Path) -> bool:
    """True when ``folder`` exists (or can be made) and a file can be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _choose_cache_dir() -> tuple[str | None, str | None]:
    """``(directory or None for numba's in-tree default, warning or None)``."""
    user_set = os.environ.get("NUMBA_CACHE_DIR", "")
    if user_set:
        if _writable(Path(user_set)):
            return user_set, None
        fallback = Path(tempfile.gettempdir()) / f"disco-numba-{os.getuid() if hasattr(os, 'getuid') else 0}"
        if _writable(fallback):
            return str(fallback), (f"NUMBA_CACHE_DIR={user_set!r} is not writable; compiled kernels "
                                   f"are cached in {str(fallback)!r} instead")
        return None, f"NUMBA_CACHE_DIR={user_set!r} is not writable; kernels are compiled without a cache"
    if _writable(_PACKAGE_ROOT / "engine" / "__pycache__"):
        return None, None
    for folder in (user_cache_dir(), Path(tempfile.gettempdir()) / "disco-numba"):
        if _writable(folder):
            return str(folder), None
    return None, "no writable folder for numba's cache; kernels are compiled on every run"


def _configure() -> str | None:
    """Point numba's cache at a writable folder (before any kernel is defined).

    Sets ``NUMBA_CACHE_DIR`` (read by numba when it is imported, and inherited by worker
    processes); when numba is imported already, its configuration too. Does not import numba.
    """
    chosen, warning = _choose_cache_dir()
    if warning is not None:
        warnings.warn(warning, RuntimeWarning, stacklevel=3)
    if chosen is not None:
        os.environ["NUMBA_CACHE_DIR"] = chosen
    else:
        os.environ.pop("NUMBA_CACHE_DIR", None)
    config = getattr(sys.modules.get("numba.core.config"), "CACHE_DIR", None)
    if config is not None:  # numba imported before us: update its copy of the setting
        sys.modules["numba.core.config"].CACHE_DIR = chosen or ""
    return chosen


#: kernels compiled at install by engine._kernel_build (see shipped_dir)
_SHIPPED = _PACKAGE_ROOT / "engine" / "_compiled"
#: set (to "1") by engine._kernel_build while it compiles into _SHIPPED
_BUILD_ENV = "DISCO_KERNEL_BUILD"
_SHIPPED_OK: bool | None = None
_CACHES: Any = None

_CACHE_DIR = _configure()
_CACHE_OK = _CACHE_DIR is not None or _writable(_PACKAGE_ROOT / "engine" / "__pycache__")


def cache_dir() -> str:
    """The folder numba caches compiled kernels in (``"in-tree"``: ``__pycache__`` next to the
    sources; ``"none"``: no writable folder).

    Examples:
        >>> from engine._numba import cache_dir
        >>> isinstance(cache_dir(), str)
        True
    """
    return _CACHE_DIR or ("in-tree" if _CACHE_OK else "none")


_CLOCK: Any = None
_DISPATCHER: Any = None


def _numba_parts() -> Any:
    """Import numba (first kernel definition only): the compile clock and the dispatcher class."""
    global _CLOCK, _DISPATCHER
    if _DISPATCHER is not None:
        return _DISPATCHER
    from numba.core import event
    from numba.core.registry import CPUDispatcher

    class CompileClock(event.Listener):
        """Adds up the wall and CPU (this thread's) time of outermost numba compilations (nested
        ones are inside), and each dispatcher's own share: its time less that of the
        compilations it set off (typing a caller compiles its callees)."""

        def __init__(self) -> None:
            self.total = 0.0
            self.cpu = 0.0
            self.own: dict[str, list[float]] = {}
            self._local = threading.local()

        def on_start(self, event: Any) -> None:
            stack = getattr(self._local, "stack", None)
            if stack is None:
                stack = self._local.stack = []
            now = (time.perf_counter(), time.thread_time())
            if stack:  # the enclosing compilation pauses
                _name, t0, own = stack[-1]
                own[0] += now[0] - t0[0]
                own[1] += now[1] - t0[1]
            else:
                self._local.outer = now
            stack.append((_kernel_name(event.data), now, [0.0, 0.0]))

        def on_end(self, event: Any) -> None:
            stack = self._local.stack
            name, t0, own = stack.pop()
            now = (time.perf_counter(), time.thread_time())
            mine = self.own.setdefault(name, [0.0, 0.0])
            mine[0] += own[0] + now[0] - t0[0]
            mine[1] += own[1] + now[1] - t0[1]
            if stack:  # the enclosing compilation resumes
                stack[-1] = (stack[-1][0], now, stack[-1][2])
            else:
                outer = self._local.outer
                self.total += now[0] - outer[0]
                self.cpu += now[1] - outer[1]

    class OneSignature(CPUDispatcher):
        """A CPU dispatcher with one explicit signature, compiled on first use (a Python call,
        or a call from another kernel being compiled); then compilation is disabled."""

        _disco_signature: Any = None

        def _disco_ensure(self) -> None:
            if self._can_compile:
                with self._disco_lock:
                    if self._can_compile:
                        self.compile(self._disco_signature)
                        self.disable_compile()

        def get_call_template(self, args, kws):  # a calling kernel is being typed
            self._disco_ensure()
            return super().get_call_template(args, kws)

        def _compile_for_args(self, *args, **kws):  # a Python call with no compiled match yet
            if self._can_compile:
                self._disco_ensure()
                return self  # the caller calls what this returns: dispatch again, compiled now
            return super()._compile_for_args(*args, **kws)

    _CLOCK = CompileClock()
    event.register("numba:compile", _CLOCK)
    _DISPATCHER = OneSignature
    return _DISPATCHER


def _kernel_name(data: Any) -> str:
    """``module.function`` of the dispatcher a ``numba:compile`` event is about."""
    fn = getattr(data.get("dispatcher") if isinstance(data, dict) else None, "py_func", None)
    if fn is None:
        return "?"
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}"


def compile_seconds(cpu: bool = False) -> float:
    """Seconds this process has spent compiling numba kernels (cache loads excluded): wall
    time, or with ``cpu=True`` the CPU time of the compiling threads (steadier on a shared
    machine)."""
    if _CLOCK is None:
        return 0.0
    return _CLOCK.cpu if cpu else _CLOCK.total


def compile_report() -> list[tuple[str, float, float]]:
    """``(kernel, wall seconds, CPU seconds)`` of each function numba compiled in this process,
    its own share (without the callees it compiled on the way), most expensive first. numba's
    own helper functions (array constructors...) appear under their numba module.

    Examples:
        >>> from engine._numba import compile_report, kernel
        >>> @kernel("int64(int64)")
        ... def twice(a):
        ...     return 2 * a
        >>> twice(4)
        8
        >>> len([name for name, wall, cpu in compile_report() if name.endswith(".twice")])
        1
    """
    if _CLOCK is None:
        return []
    return sorted(((k, v[0], v[1]) for k, v in _CLOCK.own.items()), key=lambda r: -r[2])


def kernel(signature: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(signature, cache=True, **options)``, compiled on first use, not at import.

    Args:
        signature: the one numba signature, e.g. ``"int64(uint64[:, ::1], int64)"``.
        **options: further njit options (``nogil=True``, ``fastmath``...).

    Raises:
        TypeError: ``fn`` has default arguments (a compiled caller could not omit them);
            at call time, an array argument of another dtype or layout.
    """

    def wrap(fn: Callable[..., Any]) -> Any:
        if fn.__defaults__ or fn.__kwdefaults__:
            raise TypeError(f"kernel {fn.__name__}: default arguments are not supported; pass every argument")
        from numba.core import config

        if config.DISABLE_JIT:  # pragma: no cover - debugging mode
            return fn
        targetoptions = {"nopython": True, **options}
        disp = _numba_parts()(py_func=fn, locals={}, targetoptions=targetoptions)
        disp._disco_signature = signature
        disp._disco_lock = threading.RLock()
        _attach_cache(disp)
        return disp

    return wrap


def shipped_dir() -> Path:
    """The folder of kernels compiled when the package was installed (``engine/_compiled``;
    absent in a source checkout or an editable install). See :mod:`engine._kernel_build`.

    Examples:
        >>> from engine._numba import shipped_dir
        >>> shipped_dir().name, shipped_dir().parent.name
        ('_compiled', 'engine')
    """
    return _SHIPPED


def shipped_manifest() -> dict | None:
    """The manifest of the kernels compiled at install (``engine/_compiled/manifest.json``:
    numba, numpy, Python, CPU, modules, failures), or None where there are none or they were
    compiled by another numba (then every kernel compiles on first use).

    Examples:
        >>> from engine._numba import shipped_manifest
        >>> m = shipped_manifest()
        >>> m is None or "modules" in m
        True
    """
    import json

    try:
        manifest = json.loads((_SHIPPED / "manifest.json").read_text())
        import numba

        if not isinstance(manifest, dict) or manifest.get("numba") != numba.__version__:
            return None
    except (OSError, ValueError):
        return None
    return manifest


def _shipped_ok() -> bool:
    """True when ``engine/_compiled`` was written by this numba (its manifest says so)."""
    global _SHIPPED_OK
    if _SHIPPED_OK is None:
        _SHIPPED_OK = shipped_manifest() is not None
    return _SHIPPED_OK


def _cache_classes() -> Any:
    """numba cache classes that read kernels compiled at install (``engine/_compiled``) before
    the user's cache, and write only to the user's cache (made on first use: imports numba)."""
    global _CACHES
    if _CACHES is not None:
        return _CACHES
    from numba.core import caching

    class ShippedLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
        """``engine/_compiled/<package path of the kernel's module>``; keyed, like numba's own
        locators, on the source file's content (not its path or time), so the files compiled
        from the build tree serve the installed copy."""

        def __init__(self, py_func: Any, py_file: str) -> None:
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            relative = Path(py_file).resolve().parent.relative_to(_PACKAGE_ROOT)
            self._cache_path = str(_SHIPPED.joinpath(*relative.parts))

        def get_source_stamp(self) -> Any:
            # the file's content (numba before 0.6x used its time and size, which an install changes)
            import hashlib

            with open(self._py_file, "rb") as f:
                return hashlib.sha256(f.read()).hexdigest()

        def ensure_cache_path(self) -> None:
            if os.environ.get(_BUILD_ENV):  # writing: engine._kernel_build
                os.makedirs(self._cache_path, exist_ok=True)

        def get_cache_path(self) -> str:
            return self._cache_path

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if not os.path.exists(py_file):
                return None
            try:
                return cls(py_func, py_file)
            except ValueError:  # a kernel defined outside the package (a user's own file)
                return None

    class ShippedImpl(caching.CompileResultCacheImpl):
        _locator_classes = [ShippedLocator]

    class ShippedCache(caching.FunctionCache):
        """Kernels compiled at install: read-only at run time."""

        _impl_class = ShippedImpl

    class LayeredCache(caching.FunctionCache):
        """The install-time kernels first, then numba's cache in the user's folder (which gets
        every kernel compiled here)."""

        def __init__(self, py_func: Any, shipped: Any) -> None:
            super().__init__(py_func)
            self._shipped = shipped

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            if self._shipped is not None:
                found = self._shipped.load_overload(sig, target_context)
                if found is not None:
                    return found
            return super().load_overload(sig, target_context)

    class ShippedOnly(caching.NullCache):
        """No writable cache: the install-time kernels, else compile every run."""

        def __init__(self, shipped: Any) -> None:
            self._shipped = shipped

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            return self._shipped.load_overload(sig, target_context)

    _CACHES = (ShippedCache, LayeredCache, ShippedOnly)
    return _CACHES


def _attach_cache(disp: Any) -> None:
    """Give a kernel its cache: install-time kernels (when the manifest matches this numba),
    then the user's numba cache. While ``engine._kernel_build`` runs, the cache is
    ``engine/_compiled`` itself."""
    from numba.core import caching, config

    if getattr(config, "CACHE_LOCATOR_CLASSES", ""):  # the user chose numba's locators: numba's own caching
        if _CACHE_OK:
            try:
                disp.enable_caching()
            except RuntimeError:
                pass
        return
    shipped_cls, layered_cls, shipped_only_cls = _cache_classes()
    building = bool(os.environ.get(_BUILD_ENV))
    shipped = None
    if building or _shipped_ok():
        try:
            shipped = shipped_cls(disp.py_func)
        except RuntimeError:  # no source file (an interactive or doctest definition)
            shipped = None
    if building:
        if shipped is not None:
            disp._cache = shipped
        return
    if _CACHE_OK:
        try:
            disp._cache = layered_cls(disp.py_func, shipped)
            return
        except RuntimeError:  # no file to key a cache on (an interactive or doctest definition)
            pass
    if shipped is not None:
        disp._cache = shipped_only_cls(shipped)
    else:
        disp._cache = caching.NullCache()


def kernel_array(a: Any, dtype: Any) -> Any:
    """``a`` as the array a kernel signature asks for: C-contiguous, writable, of ``dtype``
    (copied only when it is not one already, e.g. a read-only or strided view).

    Examples:
        >>> import numpy as np
        >>> from engine._numba import kernel_array
        >>> x = np.arange(6, dtype=np.int64)
        >>> kernel_array(x, np.int64) is x
        True
        >>> x.flags.writeable = False
        >>> y = kernel_array(x[::2], np.int64)
        >>> y.tolist(), y.flags.c_contiguous, y.flags.writeable
        ([0, 2, 4], True, True)
    """
    import numpy as np

    return np.require(a, dtype=dtype, requirements=("C", "W", "A"))
