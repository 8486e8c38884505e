"""The user's outgoing mail server: ``smtp.yaml``, the connection, the login, the answers.

``smtp.yaml`` at the workspace's root says where (host, port), how (TLS), who (user)
and how fast (messages a minute); it is read like every file of the workspace (a link
out of it is refused). The password is never in a file: it comes from an environment
variable whose name says it is one (``OUTREACH_SMTP_PASSWORD``; ``password_env`` may
name another that starts with ``OUTREACH_`` or ends with ``SMTP_PASSWORD``), or is typed
when asked. A password goes in clear text only to a server on this machine: ``tls:
none`` with a ``user`` is refused for any other host before connecting. User and
password may hold any character (sent as UTF-8). Every answer of the server is said in
words. Interrupted (Ctrl-C, SIGTERM), the connection is dropped at once, without
waiting for the server to answer a QUIT.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import smtplib
import ssl
from typing import TYPE_CHECKING, Any, Literal, overload

from pydantic import Field, field_validator

from outreach.errors import OutreachError, display_path
from outreach.workspace.models import Text, _Model
from outreach.workspace.paths import readable

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

CONFIG = "smtp.yaml"
DEFAULT_PASSWORD_ENV = "OUTREACH_SMTP_PASSWORD"
#: The names ``password_env`` may give: clearly meant to hold a mail password.
PASSWORD_ENV = re.compile(r"OUTREACH_[A-Z0-9_]*|[A-Z0-9_]*SMTP_PASSWORD")
#: How long a connection waits for the server, in seconds.
TIMEOUT = 60
#: How long the goodbye (QUIT) may take once everything is sent.
QUIT_TIMEOUT = 5


class SmtpConfig(_Model):
    """``smtp.yaml``: the user's outgoing mail server."""

    host: Text
    #: Default: 587 with STARTTLS, 465 with SSL, 25 without TLS.
    port: int | None = Field(default=None, ge=1, le=65535)
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    user: Text | None = None
    password_env: Text = DEFAULT_PASSWORD_ENV
    #: The rate limit: at most this many messages a minute.
    per_minute: int = Field(default=10, ge=1, le=120)
    password: str | None = None

    @field_validator("password")
    @classmethod
    def _never_stored(cls, value: str | None) -> None:
        raise ValueError("a password is never kept in a file: set it in the environment "
                         f"variable {DEFAULT_PASSWORD_ENV} (or the one password_env names), "
                         "or type it when outreach send asks")

    @field_validator("password_env")
    @classmethod
    def _a_password_variable(cls, value: str) -> str:
        if PASSWORD_ENV.fullmatch(value.strip()):
            return value.strip()
        raise ValueError(f"{value} is not a variable outreach reads a password from: name "
                         f"one that starts with OUTREACH_ or ends with SMTP_PASSWORD (such "
                         f"as {DEFAULT_PASSWORD_ENV}), so that no other secret of the "
                         "environment can be sent to the server")

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.tls]


def load_config(workspace: Any) -> SmtpConfig:
    """``smtp.yaml`` of ``workspace``, read like every other file of it."""
    path = workspace.root / CONFIG
    if not path.is_file() and not path.is_symlink():
        raise OutreachError(
            f"no {display_path(path)}: describe your outgoing mail server there (host: "
            "smtp.example.org, port: 587, tls: starttls, user: you@example.org); the "
            f"password goes in the environment variable {DEFAULT_PASSWORD_ENV}")
    config, _ = workspace.load(SmtpConfig, readable(path, workspace.root))
    assert isinstance(config, SmtpConfig)
    check_clear_text(config)
    return config


def password_from(config: SmtpConfig, environ: dict[str, str]) -> str | None:
    """The password from the environment, or ``None`` (then the user is asked)."""
    return environ.get(config.password_env) or None


def on_this_machine(host: str) -> bool:
    """Is ``host`` this machine (a loopback address, or ``localhost``)? Only a name
    that cannot lead elsewhere counts: no look-up is trusted for it."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_clear_text(config: SmtpConfig) -> None:
    """Refuse, before connecting, to send a password in clear text over the network."""
    if config.tls == "none" and config.user and not on_this_machine(config.host):
        raise OutreachError(
            f"{CONFIG}: tls: none would send the password of {config.user} in clear text "
            f"to {config.host}, which is not this machine: use tls: starttls or tls: ssl "
            "(tls: none is only for a server on this machine, 127.0.0.1 or localhost)")


class _Utf8(str):
    """A login's text, which smtplib encodes as ASCII: encoded as UTF-8 instead."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return str.encode(self, "utf-8", errors)


class _SMTP(smtplib.SMTP):
    """smtplib's connection whose logins take a user and password in any script
    (UTF-8, as servers that take them expect; smtplib would encode them as ASCII)."""

    def auth_plain(self, challenge: ReadableBuffer | None = None) -> str:
        return _Utf8(f"\0{self.user}\0{self.password}")

    def auth_login(self, challenge: ReadableBuffer | None = None) -> str:
        if challenge is None or getattr(self, "_auth_challenge_count", 0) < 2:
            return _Utf8(self.user)
        return _Utf8(self.password)

    @overload
    def auth_cram_md5(self, challenge: None = None) -> None: ...
    @overload
    def auth_cram_md5(self, challenge: ReadableBuffer) -> str: ...

    def auth_cram_md5(self, challenge: ReadableBuffer | None = None) -> str | None:
        if challenge is None:
            return None  # as smtplib's own: no initial response
        digest = hmac.new(self.password.encode("utf-8"), bytes(challenge), "md5").hexdigest()
        return _Utf8(f"{self.user} {digest}")


class _SMTP_SSL(_SMTP, smtplib.SMTP_SSL):
    pass


def connect(config: SmtpConfig, password: str | None) -> smtplib.SMTP:
    """A connection to the server, secured and logged in as the config says."""
    check_clear_text(config)
    host, port = config.address
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if config.tls == "ssl":
        server = _SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
    else:
        server = _SMTP(host, port, timeout=TIMEOUT)
    try:
        if config.tls == "starttls":
            server.ehlo()
            if not server.has_extn("starttls"):
                raise NotOffered("the server does not offer STARTTLS (tls: ssl, or tls: "
                                 "none for a server on this machine)")
            server.starttls(context=context)
        if config.user:
            server.login(config.user, password or "")
    except BaseException:
        server.close()
        raise
    return server


def goodbye(server: smtplib.SMTP, interrupted: bool) -> None:
    """End the session: a QUIT waited for a few seconds at most; interrupted, the
    connection is dropped at once."""
    if not interrupted and server.sock is not None:
        try:
            server.sock.settimeout(QUIT_TIMEOUT)
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    server.close()


class NotOffered(OutreachError):
    """The server lacks what a message or the config needs (STARTTLS, SMTPUTF8)."""


def answer(code: int, text: bytes | str) -> str:
    """A server's answer in words: ``550 5.1.1 no such user``."""
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}".strip()


def failure(exc: BaseException, config: SmtpConfig) -> str:
    """What went wrong, in words (never a Python repr)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"the server refused the login of {config.user} (check the password): it "
                f"answered {answer(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = [f"{who} ({answer(code, text)})"
                   for who, (code, text) in exc.recipients.items()]
        return f"the server refused the recipient {', '.join(refused)}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        said = answer(exc.smtp_code, exc.smtp_error)
        return f"the server refused the sender {exc.sender!s} ({said})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {answer(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, OutreachError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({exc})" if str(exc) else \
            "the server closed the connection"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
