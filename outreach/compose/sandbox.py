"""Jinja's sandbox with bounds: a template cannot run for minutes or make gigabytes.

A letter, script or sheet is a few pages, so a template has no business making text
longer than ``MAX_TEXT`` characters, taking more than ``MAX_STEPS`` steps (calls,
filters, operators, loop turns over ``range`` and pieces of output) or running longer
than ``RENDER_SECONDS``. Every operation that could make a huge value in one go
(``"word " * 10**7``, ``2**10**9``, ``"%999999999d" % 1``, ``"x"|center(10**9)``,
``s.replace("", s)``, ``s.join(long_list)``) is checked *before* it runs; every value
made by a call, a filter or an operator is checked after; the render's output is
counted as it comes. The time budget is the backstop for loops that call nothing (an
empty loop over a long string): an interval timer in the main thread, and a check at
every step elsewhere. Going past any bound raises ``RunAway``, which the caller turns
into one message naming the template and line.
"""

from __future__ import annotations

import contextlib
import operator
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from outreach.document.text import with_article

#: The longest text or list a template may make: far more than any document's pages hold.
MAX_TEXT = 100_000
#: Steps (calls, filters, operators, range turns, output pieces) in one render.
MAX_STEPS = 1_000_000
#: Seconds one render may take (rendering a document normally takes milliseconds).
RENDER_SECONDS = 5.0
#: Bits a number made by ``**`` may have.
MAX_BITS = 100_000

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


class RunAway(Exception):
    """A template went past one of the bounds above."""


class Budget:
    """The steps and the time one render has left."""

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + RENDER_SECONDS

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise RunAway(f"it takes more than {MAX_STEPS:,} steps (a loop that never "
                          "ends, or loops inside loops)")
        if time.monotonic() > self.deadline:
            raise _overtime()


def _overtime() -> RunAway:
    return RunAway(f"it runs longer than {RENDER_SECONDS:g} seconds (a loop that never "
                   "ends, or loops inside loops)")


def check_size(value: Any) -> Any:
    """``value`` itself, when it is not longer than a template may make."""
    if isinstance(value, _SIZED) and len(value) > MAX_TEXT:
        raise RunAway(f"it makes {with_article(type(value).__name__)} of {len(value):,} items or "
                      f"characters; a template makes at most {MAX_TEXT:,}")
    return value


def _too_long(estimate: int) -> None:
    if estimate > MAX_TEXT:
        raise RunAway(f"it would make a text or list of {estimate:,} characters or items; "
                      f"a template makes at most {MAX_TEXT:,}")


def _ints(values: Any) -> Iterator[int]:
    """The numbers among ``values`` (a value, a tuple or list of them, or a mapping)."""
    if isinstance(values, dict):
        values = tuple(values.values())
    for value in values if isinstance(values, (tuple, list)) else (values,):
        if isinstance(value, int):
            yield value


def check_format(fmt: str, args: Any) -> None:
    """A format (``%``, ``|format``, ``str.format``) cannot pad to a huge width: every
    number in the format string, and every number given when the format takes its
    width from the arguments (``%*d``, ``{:{}}``), must fit a document."""
    numbers = [int(n) for n in re.findall(r"\d+", fmt)]
    if "*" in fmt or re.search(r"\{[^{}]*\{", fmt):
        numbers += list(_ints(args))
    _too_long(max(numbers, default=0))


def _multiply(left: Any, right: Any) -> Any:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, _SIZED) and isinstance(times, int):
            _too_long(len(seq) * times)
    return left * right


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0 \
            and abs(left) > 1 and abs(left).bit_length() * right > MAX_BITS:
        raise RunAway(f"it computes a number of more than {MAX_BITS:,} bits")
    return left**right


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        check_format(left, right)
    return left % right


_GUARDED_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": _multiply, "**": _power, "%": _modulo, "+": operator.add}


def _join(sep: Any, items: Any) -> None:
    if isinstance(items, (list, tuple)):
        _too_long(sum(len(str(x)) for x in items) + len(str(sep)) * len(items))


def _replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str):
        old, new = str(old), str(new)
        count = text.count(old) if old else len(text) + 1
        _too_long(len(text) + count * max(len(new) - len(old), 0))


def _no_huge_number(args: Any) -> None:
    """A width, a count or a length given to a filter or a text method fits a document."""
    _too_long(max(_ints(args), default=0))


def before_method(method: Any, args: tuple[Any, ...]) -> None:
    """Checks before a text method runs: ``s.join(items)``, ``s.replace(a, b)``,
    ``s.center(n)`` and the like."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, str):
        return
    if name == "join" and args:
        _join(owner, args[0])
    elif name == "replace" and len(args) >= 2:
        _replace(owner, args[0], args[1])
    else:
        _no_huge_number(args)


def before_filter(name: str, value: Any, params: tuple[Any, ...]) -> None:
    """Checks before a filter runs, by what the filter does with its parameters."""
    if name == "join":
        _join(params[0] if params else "", value)
    elif name == "replace" and len(params) >= 2:
        _replace(value, params[0], params[1])
    elif name == "format" and isinstance(value, str):
        check_format(value, params)
    else:
        _no_huge_number(params)


class BoundedNamespace(Namespace):
    """``namespace()``, whose attributes a loop cannot grow past the bounds."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, check_size(value))


def _bounded_filter(env: BoundedEnvironment, name: str, func: Any) -> Any:
    """``func`` with its parameters checked before and its result after."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @wraps(func)  # keeps jinja_pass_arg, so Jinja still passes the context
    def bounded(*args: Any, **kwargs: Any) -> Any:
        env.budget.step()
        value, params = (args[skip:skip + 1] or (None,))[0], args[skip + 1:]
        before_filter(name, value, (*params, *kwargs.values()))
        return check_size(func(*args, **kwargs))

    return bounded


@contextlib.contextmanager
def _deadline() -> Iterator[None]:
    """Interrupt the render after ``RENDER_SECONDS``: an interval timer, in the main
    thread (elsewhere, the check at every step is the bound)."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return
    active = True

    def expire(_signum: int, _frame: Any) -> None:
        if active:
            raise _overtime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        yield
    finally:
        active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every bound of this module."""

    intercepted_binops = frozenset(_GUARDED_OPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        self.globals["range"] = self._range
        self.globals["namespace"] = BoundedNamespace
        self.filters = {name: _bounded_filter(self, name, func)
                        for name, func in self.filters.items()}

    def _range(self, *args: int) -> range:
        if len(rng := range(*args)) > MAX_RANGE:
            raise RunAway(f"range() of {len(rng):,} numbers; at most {MAX_RANGE:,}")
        self.budget.step(len(rng))
        return rng

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.step()
        return check_size(_GUARDED_OPS[operator](left, right))

    def call(__self, __context: Context, __obj: Any,  # Jinja's names: kwargs pass through
             *args: Any, **kwargs: Any) -> Any:
        __self.budget.step()
        for value in (*args, *kwargs.values()):
            check_size(value)
        before_method(__obj, (*args, *kwargs.values()))
        return check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__

        @wraps(wrapped)
        def checked(*args: Any, **kwargs: Any) -> str:
            check_format(fmt, (*args, *kwargs.values()))
            return wrapped(*args, **kwargs)

        return checked

    def render(self, template: Any, context: Any) -> str:
        """``template.render(context)`` within the bounds; a ``RunAway`` raised while
        the template runs carries the template's file and line in its traceback."""
        self.budget = Budget()
        parts: list[str] = []
        size = 0
        with _deadline():
            pieces = template.generate(context)
            for piece in pieces:
                size += len(piece)
                try:
                    self.budget.step()
                    _too_long(size)
                except RunAway as exc:
                    pieces.throw(exc)
                parts.append(piece)
        return "".join(parts)
