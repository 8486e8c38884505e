"""``outreach send`` against a real SMTP server on 127.0.0.1 (aiosmtpd) that records what
it receives: a dry run sends nothing; a real run delivers each draft once and records it
in the history; a second run sends nothing; a refused connection loses nothing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import run, snapshot
from outreach.channels.send import send
from outreach.workspace.folder import Workspace


@dataclass
class Inbox:
    """What the server received: one (envelope sender, recipients, message bytes) each."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              bytes(envelope.original_content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _check_login(server: Any, session: Any, envelope: Any, mechanism: str,
                 data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"dana", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            authenticator=_check_login, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _config(ws: Path, port: int, **extra: Any) -> None:
    # the highest rate smtp.yaml allows: the pause between two messages is real in a
    # command run (half a second); a test of the pause itself sets its own rate
    data = {"host": "127.0.0.1", "port": port, "tls": "none", "per_minute": 120} | extra
    (ws / "smtp.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def never_written(ws: Path, cid: str) -> None:
    """The sample's contact ``cid`` as someone not yet written to (no history)."""
    path = ws / "profiles" / "contacts" / f"{cid}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("history:")], encoding="utf-8")


def _drafts(ws: Path) -> None:
    never_written(ws, "jim-park")  # the sample wrote to him by post: no approach by e-mail
    assert run(ws, "letter", "jim-park", "maria-lopez", "--format", "eml").code == 0
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date",
               "2026-11-20").code == 0


def _history(ws: Path, cid: str) -> list[dict[str, Any]]:
    path = ws / "profiles" / "contacts" / f"{cid}.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8")).get("history") or [])


def test_a_dry_run_sends_nothing_and_changes_nothing(ws: Path,
                                                     smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _config(ws, port)
    _drafts(ws)
    before = snapshot(ws)
    result = run(ws, "send", "--all")
    assert result.code == 0, result.err
    assert result.out.count("would send") == 3
    assert "to Jim Park <jpark@example.gov>" in result.out
    assert inbox.messages == []
    assert snapshot(ws) == before


def test_each_draft_is_delivered_once_recorded_and_never_sent_again(
        ws: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _config(ws, port, per_minute=12)
    _drafts(ws)
    waits: list[float] = []
    report = send(Workspace(ws), None, really=True, sleep=waits.append)
    assert report.error is None
    assert len(inbox.messages) == 3
    assert waits == [5.0, 5.0]  # the rate limit: 12 a minute, one every 5 seconds
    by_to = {}
    for mail_from, rcpt, raw in inbox.messages:
        msg = BytesParser(policy=default).parsebytes(raw)
        assert mail_from == "dana.kehr@example.org"
        assert msg["X-Unsent"] is None and msg["X-Outreach-Kind"] is None
        assert msg["Date"]
        by_to[rcpt[0]] = msg
    assert sorted(by_to) == ["jpark@example.gov", "maria.lopez@example.org",
                             "praman@example.org"]
    resume = [a.get_filename() for a in by_to["praman@example.org"].iter_attachments()]
    assert resume == ["resume.pdf"]
    for cid, event in (("jim-park", "letter-sent"), ("maria-lopez", "letter-sent"),
                       ("priya-raman", "thank-you-sent")):
        last = _history(ws, cid)[-1]
        draft = ws / "output" / cid / ("thank-you.eml" if event == "thank-you-sent"
                                       else "approach-letter.eml")
        sent_id = BytesParser(policy=default).parsebytes(draft.read_bytes())["Message-ID"]
        assert (last["event"], last["mode"], last["message_id"]) == (event, "e-mail", sent_id)
    # a second run, and a draft written again unchanged (the same Message-ID): nothing
    assert run(ws, "letter", "jim-park", "--format", "eml", "--force").code == 0
    again = run(ws, "send", "--all", "--send")
    assert again.code == 0, again.err
    assert again.out.count("already sent") == 3 and "nothing to send" in again.out
    assert len(inbox.messages) == 3
    assert run(ws, "contacts").out.count("e-mail") == 0  # the list shows events only


def test_a_refused_connection_loses_nothing_and_says_what_failed(ws: Path) -> None:
    port = _free_port()  # nothing listens there
    _config(ws, port)
    _drafts(ws)
    before = snapshot(ws)
    result = run(ws, "send", "--all", "--send")
    assert result.code == 1
    assert f"connecting to 127.0.0.1:{port} failed" in result.err
    assert "refused" in result.err.lower()
    assert "0 sent and recorded, 3 not sent" in result.err
    assert snapshot(ws) == before


def test_the_login_uses_the_password_from_the_environment(
        ws: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    _config(ws, port, user="dana", password_env="MY_SMTP_PASSWORD")
    _drafts(ws)
    before = snapshot(ws)
    monkeypatch.setenv("MY_SMTP_PASSWORD", "wrong")
    refused = run(ws, "send", "jim-park", "--send")
    assert refused.code == 1 and "refused the login of dana" in refused.err
    assert snapshot(ws) == before and inbox.messages == []
    monkeypatch.setenv("MY_SMTP_PASSWORD", "s3cret")
    assert run(ws, "send", "jim-park", "--send").code == 0
    assert len(inbox.messages) == 1
    assert "s3cret" not in "".join(p.read_text(errors="replace") for p in ws.rglob("*")
                                   if p.is_file() and p.suffix in (".yaml", ".eml"))


@pytest.mark.parametrize("text, message", [
    ("host: 127.0.0.1\npassword: hunter2\n", "smtp.yaml:2: password: a password is never "
                                             "kept in a file"),
    ("host: 127.0.0.1\ntls: tls\n", "smtp.yaml:2: tls: must be one of starttls, ssl, none"),
    ("hots: 127.0.0.1\n", "smtp.yaml:1: hots: unknown field; did you mean 'host'?"),
])
def test_a_bad_config_is_an_error_with_its_line(ws: Path, text: str, message: str) -> None:
    (ws / "smtp.yaml").write_text(text, encoding="utf-8")
    result = run(ws, "send", "--all")
    assert result.code == 1 and message in result.err, result.err


def test_without_a_config_the_message_says_what_to_write(ws: Path) -> None:
    result = run(ws, "send", "--all", "--send")
    assert result.code == 1 and "host:" in result.err
    assert "smtp.yaml: describe your outgoing mail server" in result.err


def test_an_email_mode_is_only_for_what_was_sent(ws: Path) -> None:
    result = run(ws, "log", "jim-park", "--event", "meeting", "--mode", "e-mail",
                 "--date", "2026-11-20")
    assert result.code == 2 and "mode: e-mail is for what was sent" in result.err
    assert run(ws, "log", "jim-park", "--event", "letter-sent", "--mode", "e-mail",
               "--date", "2026-11-20").code == 0
