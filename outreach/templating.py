"""Jinja2 over Markdown: template lookup, safe rendering, and the resources beside them.

Lookup order (first match wins): the workspace's ``templates/`` folder, then the
templates built into the package. Every ``{{ value }}`` is escaped for Markdown, so
data typed into a profile or contact is printed as typed and never run or formatted.
Templates run in Jinja's sandbox, since a workspace may hold templates from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import TemplateError, display_path
from .markup import escape

T = TypeVar("T")


def _finalize(value: Any) -> str:
    """Every ``{{ value }}``: data is printed as typed, never read as Markdown."""
    if value is None:
        return ""
    return escape(str(value))


class _ConfinedLoader(jinja2.FileSystemLoader):
    """The workspace's templates folder, and nothing a link in it points to outside it:
    a template cannot include ~/.ssh/id_rsa through a symbolic link."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.root = folder.resolve()

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.root):
            raise TemplateError(f"{display_path(Path(filename))} leads outside "
                                f"{display_path(self.root)}: templates are read only from "
                                "the templates folder itself")
        return source, filename, uptodate


def _builtin_source(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    ref = resources.files("outreach") / "templates" / name
    if not ref.is_file():
        return None
    return ref.read_text(encoding="utf-8"), f"<built-in>/{name}", lambda: True


class Templates:
    """Finds and renders templates and resources for one workspace."""

    def __init__(self, workspace_templates: Path | None) -> None:
        self.folder = workspace_templates
        self._memo: dict[str, Any] = {}
        loaders: list[jinja2.BaseLoader] = []
        if workspace_templates is not None:
            loaders.append(_ConfinedLoader(workspace_templates))
        loaders.append(jinja2.FunctionLoader(_builtin_source))
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
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
            template = self.env.get_template(name)
            return template.render(context)
        except TemplateError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template {exc.name} not found") from None
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
        if self.folder is not None:
            candidate = self.folder / name
            if candidate.is_file():
                if not candidate.resolve().is_relative_to(self.folder.resolve()):
                    raise TemplateError(f"{display_path(candidate)} leads outside "
                                        f"{display_path(self.folder)}: resources are read "
                                        "only from the templates folder itself")
                return candidate.read_bytes()
        ref = resources.files("outreach") / "templates" / name
        if not ref.is_file():
            raise TemplateError(f"built-in resource {name} is missing from the package")
        return ref.read_bytes()


def _shown(filename: str) -> str:
    """A template's file name as messages show it."""
    if filename.startswith("<built-in>/"):
        return "built-in " + filename.removeprefix("<built-in>/")
    return display_path(Path(filename))


def _where(exc: BaseException, fallback: str) -> str:
    """``file:line`` of the innermost template frame of the traceback."""
    tb = exc.__traceback__
    where = f"{fallback}:?"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<frozen"):
            where = f"{_shown(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
