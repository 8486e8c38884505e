"""Jinja2 over Markdown: template lookup, safe rendering, and the resources beside them.

Lookup order (first match wins): the workspace's ``templates/`` folder, then the
templates built into the package. Every ``{{ value }}`` is escaped for Markdown, so
data typed into a profile or contact is printed as typed and never run or formatted.
Templates run in Jinja's sandbox, within bounds of time and size (``sandbox.py``),
since a workspace may hold templates from elsewhere; every name a template reads
(include, import, from, extends) is a file inside ``templates/`` or the built-in
templates, never anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import jinja2

from outreach.document.markup import escape
from outreach.errors import TemplateError, display_path

from .sandbox import BoundedEnvironment, RunAway

T = TypeVar("T")


def _finalize(value: Any) -> str:
    """Every ``{{ value }}``: data is printed as typed, never read as Markdown."""
    if value is None:
        return ""
    return escape(str(value))


#: The templates built into the package.
BUILTIN = Path(__file__).resolve().parent / "templates"
#: The largest template a workspace may hold.
MAX_TEMPLATE_BYTES = 1024 * 1024


def inside_folder(folder: Path, name: str) -> Path | None:
    """The file ``name`` in ``folder``, or ``None`` when there is none; refused when the
    name or a link leads out of the folder. The one check that keeps templates, styles,
    the reference DOCX and the question bank inside ``templates/``."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts \
            or any(c in name for c in "\\:\0"):
        raise TemplateError(f"{name!r} is not a file in {display_path(folder)}: "
                            "templates (include, import, from, extends), styles and the "
                            "question bank are read only from the templates folder and "
                            "the built-in templates")
    candidate = folder.joinpath(*parts)
    if not candidate.is_file():
        return None
    if not candidate.resolve().is_relative_to(folder.resolve()):
        raise TemplateError(f"{display_path(candidate)} leads outside "
                            f"{display_path(folder)}: templates, styles and the question "
                            "bank are read only from the templates folder itself")
    return candidate


class _Refused(Exception):
    """A template named a file it may not read; located by the template's line."""


class _Loader(jinja2.BaseLoader):
    """The workspace's templates folder first, then the built-in templates; every name
    (of the top template, and of every include, import, from and extends) must be a
    file inside one of them."""

    def __init__(self, workspace_templates: Path | None) -> None:
        self.folders = [f for f in (workspace_templates, BUILTIN) if f is not None]

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.folders:
            try:
                path = inside_folder(folder, template)
            except TemplateError as exc:
                raise _Refused(str(exc)) from None
            if path is None:
                continue
            if path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise _Refused(f"{display_path(path)} is {path.stat().st_size // 1024} KB; "
                               f"a template is at most {MAX_TEMPLATE_BYTES // 1024} KB")
            shown = f"<built-in>/{template}" if folder == BUILTIN else str(path)
            return path.read_text(encoding="utf-8"), shown, lambda: True
        raise jinja2.TemplateNotFound(template)


class Templates:
    """Finds and renders templates and resources for one workspace."""

    def __init__(self, workspace_templates: Path | None) -> None:
        self.folder = workspace_templates
        self._memo: dict[str, Any] = {}
        self.env = BoundedEnvironment(
            loader=_Loader(workspace_templates),
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """``make()`` once per Templates (per command): data read from the templates."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[no-any-return]

    def origin(self, name: str) -> str:
        """Where a template or resource comes from, for messages."""
        if self.folder is not None and (self.folder / name).is_file():
            return display_path(self.folder / name)
        return f"built-in {name}"

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render one template; any failure names the template file and line."""
        try:
            return self.env.render(self.env.get_template(name), context)
        except TemplateError:
            raise
        except (_Refused, RunAway) as exc:
            ran_away = "template ran away: " if isinstance(exc, RunAway) else ""
            raise TemplateError(f"{_where(exc, self.origin(name))}: {ran_away}{exc}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"{_where(exc, '')}: template {exc.name} not found"
                                .removeprefix(": ")) from None
        except jinja2.TemplateSyntaxError as exc:
            where = _shown(exc.filename) if exc.filename else self.origin(name)
            raise TemplateError(f"{where}:{exc.lineno}: template syntax: {exc.message}") from None
        except UnicodeDecodeError:
            raise TemplateError(f"a template used by {name} in {display_path(self.folder)} is "
                                "not UTF-8 text; save it as UTF-8" if self.folder else
                                f"template {name} is not UTF-8 text") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{_where(exc, self.origin(name))}: template uses a value the "
                                f"document does not have: {exc.message}") from None
        except Exception as exc:  # a template failing as it runs (1 // 0, the sandbox)
            raise TemplateError(f"{_where(exc, self.origin(name))}: template failed: "
                                f"{type(exc).__name__}: {exc}") from None

    def resource(self, name: str) -> bytes:
        """A non-template file (CSS, reference DOCX, data): workspace first, then built in."""
        for folder in (self.folder, BUILTIN):
            path = inside_folder(folder, name) if folder is not None else None
            if path is not None:
                return path.read_bytes()
        raise TemplateError(f"built-in resource {name} is missing from the package")


def _shown(filename: str) -> str:
    """A template's file name as messages show it."""
    if filename.startswith("<built-in>/"):
        return "built-in " + filename.removeprefix("<built-in>/")
    return display_path(Path(filename))


def _where(exc: BaseException, fallback: str) -> str:
    """``file:line`` of the innermost template frame of the traceback (``fallback``
    when the traceback holds none)."""
    tb = exc.__traceback__
    where = fallback
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<frozen"):
            where = f"{_shown(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
