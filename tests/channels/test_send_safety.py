"""``outreach send`` never sends a message twice, nor to the wrong person, nor one the
history has overtaken; what the server is told and answers is right and said in words.

Each test stands for a case that went wrong before (the campaign issue's "send checks
the history", the trust round's sending cases 1-10, the e-mail drafts' internal
headers), against a real SMTP server on 127.0.0.1 (aiosmtpd) started by the test.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from channels.test_send import _config, _free_port, _history, never_written
from conftest import REPO, run, snapshot

CONTACTS = Path("profiles", "contacts")


@dataclass
class Server:
    """What the server received: (envelope sender, recipients, bytes) each; it refuses
    the recipients in ``refuse`` and takes ``delay`` seconds over each message."""

    port: int = 0
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: tuple[str, ...] = ()
    delay: float = 0.0
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              bytes(envelope.original_content)))
        return "250 OK"


def _start(server: Server, **options: Any) -> Controller:
    server.port = _free_port()

    def check(_s: Any, _session: Any, _env: Any, _mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            server.logins.append((data.login, data.password))
        ok = isinstance(data, LoginPassword) and data.password == "pässwörd".encode()
        return AuthResult(success=ok, handled=False)

    controller = Controller(server, hostname="127.0.0.1", port=server.port,
                            authenticator=check, auth_require_tls=False, **options)
    controller.start()
    return controller


@pytest.fixture
def mail() -> Iterator[Server]:
    server = Server()
    controller = _start(server)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def mail_ascii() -> Iterator[Server]:
    """A server that does not offer SMTPUTF8 (aiosmtpd does by default)."""
    server = Server()
    controller = _start(server, enable_SMTPUTF8=False)
    try:
        yield server
    finally:
        controller.stop()


def _contact(ws: Path, cid: str, text: str) -> Path:
    path = ws / CONTACTS / f"{cid}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _ngozi(ws: Path, history: str = "", email: str = "ngozi@example.ng") -> Path:
    """A contact unlike the sample's: an alumna in Lagos, name in two parts."""
    return _contact(ws, "ngozi-eze", (
        "name: Ngozi Eze\ntitle: Head of Urban Mobility\norganization: Lagos Metropolitan "
        "Area Transport Authority\nrelationship: alumni\nhow_we_met: I found your name in "
        f"the alumni directory of the public policy program\nemail: {email}\n"
        + (f"history:\n{history}" if history else "")))


def _send(ws: Path, *args: str) -> Any:
    """``outreach send`` in-process, the pause between two messages (``per_minute``)
    asked for but not slept: what is sent is the subject here (test_send.py shows the
    pause, commands run as processes here take it)."""
    from unittest import mock

    from outreach.channels import send as sending

    paced = functools.partial(sending.send, sleep=lambda _seconds: None)
    with mock.patch.object(sending, "send", paced):
        return run(ws, "send", *args)


def _message_id(path: Path) -> str:
    return str(BytesParser(policy=default).parsebytes(path.read_bytes())["Message-ID"])


def _log(ws: Path) -> list[dict[str, Any]]:
    import json

    path = ws / "send-log.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the campaign: send checks the history before anything leaves ------------------------


def test_an_approach_letter_to_someone_met_is_refused_naming_the_entry(
        ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    assert run(ws, "log", "ngozi-eze", "--event", "meeting", "--mode", "phone").code == 0
    before = snapshot(ws)
    result = _send(ws, "ngozi-eze", "--send")
    assert result.code == 1 and mail.messages == []
    assert "refused" in result.out and "ngozi-eze was met on" in result.out
    assert "ngozi-eze.yaml:8" in result.out  # the history entry: its file and line
    assert snapshot(ws) == before
    forced = _send(ws, "ngozi-eze", "--send", "--force")
    assert forced.code == 0, forced.err
    assert len(mail.messages) == 1 and "forced: ngozi-eze was met on" in forced.out


def test_an_approach_letter_to_someone_written_to_by_post_is_refused(
        ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    assert run(ws, "log", "ngozi-eze", "--event", "letter-sent").code == 0
    result = _send(ws, "--all", "--send")
    assert result.code == 1 and mail.messages == []
    assert "ngozi-eze was written to on" in result.out


def test_a_thank_you_for_a_conversation_already_thanked_is_refused(
        ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    assert run(ws, "thank-you", "thomas-whitfield", "--format", "eml").code == 0
    assert run(ws, "log", "thomas-whitfield", "--event", "thank-you-sent").code == 0
    result = _send(ws, "thomas-whitfield", "--send")
    assert result.code == 1 and mail.messages == []
    assert "thomas-whitfield was thanked on" in result.out


def test_a_draft_older_than_the_last_event_is_refused(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws, "  - {date: 2026-11-02, event: meeting, mode: phone}\n")
    assert run(ws, "thank-you", "ngozi-eze", "--format", "eml", "--date",
               "2026-11-03").code == 0
    assert run(ws, "log", "ngozi-eze", "--event", "follow-up", "--date",
               "2026-11-10").code == 0
    result = _send(ws, "ngozi-eze", "--send")
    assert result.code == 1 and mail.messages == []
    assert "written on 2026-11-03, before the follow-up of 2026-11-10" in result.out


def test_the_dry_run_shows_each_message_and_needs_no_server_file(ws: Path) -> None:
    never_written(ws, "jim-park")
    _ngozi(ws, "  - {date: 2026-11-02, event: meeting, mode: phone}\n")
    assert run(ws, "letter", "jim-park", "--format", "eml").code == 0
    assert run(ws, "thank-you", "ngozi-eze", "--format", "eml").code == 0
    draft = ws / "output" / "jim-park" / "approach-letter.eml"
    draft.write_bytes(b"Bcc: Archive <archive@example.net>\n" + draft.read_bytes())
    assert run(ws, "log", "jim-park", "--event", "call").code == 0
    result = _send(ws, "--all")
    assert result.code == 1  # one draft refused: the dry run says so as the real one would
    out = result.out
    assert "refused       " in out and "jim-park" in out
    assert "bcc Archive <archive@example.net>" in out
    assert "would send" in out and "to Ngozi Eze <ngozi@example.ng>" in out
    assert "subject: Thank you for our conversation on November 2" in out
    assert "| Dear Ms. Eze:" in out or "| Dear Ngozi Eze:" in out
    assert "no smtp.yaml yet" in out


def test_limit_sends_at_most_n(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    for n in range(4):
        _contact(ws, f"kofi-{n}", f"name: Kofi Mensah {n}\nrelationship: friend\n"
                                  f"email: kofi{n}@example.gh\n")
    assert run(ws, "letter", *[f"kofi-{n}" for n in range(4)], "--format", "eml").code == 0
    result = _send(ws, "--all", "--send", "--limit", "2")
    assert result.code == 0, result.err
    assert len(mail.messages) == 2 and result.out.count("held back") == 2
    again = _send(ws, "--all", "--send", "--limit", "2")
    assert len(mail.messages) == 4 and again.out.count("already sent") == 2


def test_a_draft_is_recorded_only_when_the_server_took_it(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    mail.refuse = ("ngozi@example.ng",)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    before = snapshot(ws / "profiles")
    result = _send(ws, "ngozi-eze", "--send")
    assert result.code == 1 and mail.messages == []
    assert _log(ws) == [] and snapshot(ws / "profiles") == before


# -- 1. "already sent" is this document for this occasion, whatever its wording ----------


def test_an_edited_letter_is_not_sent_again(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    never_written(ws, "jim-park")
    assert run(ws, "letter", "jim-park", "maria-lopez", "--format", "eml").code == 0
    assert _send(ws, "--all", "--send").code == 0
    assert len(mail.messages) == 2
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("urban planning",
                                                                   "city planning"),
                       encoding="utf-8")
    old = _message_id(ws / "output" / "jim-park" / "approach-letter.eml")
    assert run(ws, "letter", "jim-park", "maria-lopez", "--format", "eml", "--force").code == 0
    assert _message_id(ws / "output" / "jim-park" / "approach-letter.eml") != old
    dry = _send(ws, "jim-park", "maria-lopez")
    assert dry.out.count("already sent") == 2 and "would send" not in dry.out
    assert "jim-park received an approach letter on" in dry.out
    assert _send(ws, "jim-park", "maria-lopez", "--send").code == 0
    assert len(mail.messages) == 2


def test_a_second_thank_you_for_one_conversation_is_not_sent(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date",
               "2026-11-19").code == 0
    assert _send(ws, "priya-raman", "--send").code == 0
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date", "2026-11-19",
               "--force").code == 0
    # the history now says thanked; even forced, the send log says it went already
    again = _send(ws, "priya-raman", "--send", "--force")
    assert "already sent" in again.out and len(mail.messages) == 1


# -- 2. the not-recorded case: one message, and a repair that holds ----------------------


def test_sent_but_not_in_the_history_says_one_thing_and_is_repaired(
        ws: Path, mail: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.errors import OutreachError
    from outreach.workspace import history

    _config(ws, mail.port)
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date",
               "2026-11-19").code == 0

    def broken(*_args: Any, **_kw: Any) -> None:
        raise OutreachError("profiles/contacts/priya-raman.yaml: cannot write: disk full")

    monkeypatch.setattr(history, "append_entries", broken)
    result = _send(ws, "--all", "--send")
    monkeypatch.undo()
    assert result.code == 1 and len(mail.messages) == 1
    assert "was sent to" in result.err and "not recorded" in result.err
    assert "the send log has it, so it will not be sent again" in result.err
    assert "outreach send priya-raman --kind thank-you --record" in result.err
    assert "sent and recorded" not in result.err  # never "recorded" beside "not recorded"
    again = _send(ws, "--all", "--send")
    assert len(mail.messages) == 1 and "already sent" in again.out
    repaired = _send(ws, "priya-raman", "--kind", "thank-you", "--record")
    assert repaired.code == 0, repaired.err
    sent_id = _message_id(ws / "output" / "priya-raman" / "thank-you.eml")
    assert _history(ws, "priya-raman")[-1]["message_id"] == sent_id
    assert _send(ws, "--all", "--send").code == 0 and len(mail.messages) == 1


def test_recorded_nowhere_is_said_and_record_keeps_it_from_going_again(
        ws: Path, mail: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.channels import sendlog
    from outreach.errors import OutreachError
    from outreach.workspace import history

    _config(ws, mail.port)
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date",
               "2026-11-19").code == 0

    def broken(*_args: Any, **_kw: Any) -> None:
        raise OutreachError("disk full")

    monkeypatch.setattr(history, "append_entries", broken)
    monkeypatch.setattr(sendlog, "append", broken)
    result = _send(ws, "--all", "--send")
    monkeypatch.undo()
    assert "recorded nowhere, so a send would deliver it again" in result.err
    assert "outreach send priya-raman --kind thank-you --record" in result.err
    assert _send(ws, "priya-raman", "--kind", "thank-you", "--record").code == 0
    assert [r["via"] for r in _log(ws)] == ["record"]
    assert _send(ws, "--all", "--send").code == 0 and len(mail.messages) == 1


# -- 3. the address it goes to, and the folder it sits in --------------------------------


def test_a_draft_whose_address_was_corrected_is_refused(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    path = _ngozi(ws, email="ngozi@exmaple.ng")
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("exmaple", "example"),
                    encoding="utf-8")
    result = _send(ws, "ngozi-eze", "--send", "--force")
    assert result.code == 1 and mail.messages == []
    assert "addressed to Ngozi Eze <ngozi@exmaple.ng>, but ngozi-eze's address is now " \
           "ngozi@example.ng" in result.out


def test_a_draft_copied_into_another_folder_is_refused_and_sent_once_from_its_own(
        ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    never_written(ws, "jim-park")
    assert run(ws, "letter", "ngozi-eze", "jim-park", "--format", "eml").code == 0
    own = ws / "output" / "ngozi-eze" / "approach-letter.eml"
    stray = ws / "output" / "jim-park" / "approach-letter.eml"
    stray.write_bytes(own.read_bytes())  # the draft only: what a file manager copies
    result = _send(ws, "--all", "--send", "--force")
    assert result.code == 1
    assert [m[1] for m in mail.messages] == [["ngozi@example.ng"]]
    assert "jim-park's address is" in result.out
    assert _history(ws, "jim-park") == []
    # with the facts beside it too, it is named as another contact's draft
    (stray.parent / ".approach-letter.eml.json").write_bytes(
        (own.parent / ".approach-letter.eml.json").read_bytes())
    again = _send(ws, "jim-park")
    assert "written for ngozi-eze, but it sits in the folder of jim-park" in again.out


# -- 4, 5, 8. the login ----------------------------------------------------------------


def test_a_password_outside_ascii_logs_in(ws: Path, mail: Server,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _config(ws, mail.port, user="dana.kehr", password_env="OUTREACH_SMTP_PASSWORD")
    monkeypatch.setenv("OUTREACH_SMTP_PASSWORD", "pässwörd")
    never_written(ws, "jim-park")
    assert run(ws, "letter", "jim-park", "--format", "eml").code == 0
    result = _send(ws, "jim-park", "--send")
    assert result.code == 0, result.err
    assert mail.logins == [(b"dana.kehr", "pässwörd".encode())] and len(mail.messages) == 1


@pytest.mark.parametrize("host", ["192.0.2.10", "smtp.example.org", "[2001:db8::1]",
                                  "127.0.0.1.example.org"])
def test_no_password_in_clear_text_to_another_machine(ws: Path, host: str) -> None:
    (ws / "smtp.yaml").write_text(f"host: '{host}'\nport: 2525\ntls: none\nuser: dana\n",
                                  encoding="utf-8")
    never_written(ws, "jim-park")
    assert run(ws, "letter", "jim-park", "--format", "eml").code == 0
    started = time.monotonic()
    result = _send(ws, "jim-park", "--send")
    assert result.code == 1
    assert "would send the password of dana in clear text" in result.err
    assert time.monotonic() - started < 30  # refused before any connection was tried


@pytest.mark.parametrize("name", ["PATH", "HOME", "AWS_SECRET_ACCESS_KEY", "SMTP_HOST"])
def test_password_env_names_only_a_mail_password(ws: Path, name: str) -> None:
    (ws / "smtp.yaml").write_text(f"host: 127.0.0.1\npassword_env: {name}\n", encoding="utf-8")
    result = _send(ws, "--all")
    assert result.code == 1
    assert f"smtp.yaml:2: password_env: {name} is not a variable outreach reads a " \
           "password from" in result.err


# -- 6. interrupted against a server that stalls ---------------------------------------


class _Stall:
    """An SMTP server that greets, answers EHLO, then never answers MAIL FROM."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.stalled = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        self.conns.append(conn)
        conn.sendall(b"220 stall ESMTP\r\n")
        reader = conn.makefile("rb")
        for line in reader:
            if line.upper().startswith((b"EHLO", b"HELO")):
                conn.sendall(b"250 stall\r\n")
            elif line.upper().startswith(b"MAIL"):
                self.stalled.set()  # and never answer

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        self.listener.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupt_is_obeyed_at_once_against_a_stalled_server(
        ws: Path, signum: int) -> None:
    stall = _Stall()
    try:
        _config(ws, stall.port)
        never_written(ws, "jim-park")
        assert run(ws, "letter", "jim-park", "--format", "eml").code == 0
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        process = subprocess.Popen([sys.executable, "-m", "outreach", "--workspace", str(ws),
                                    "send", "jim-park", "--send"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert stall.stalled.wait(60), "the command never reached the server"
        process.send_signal(signum)
        started = time.monotonic()
        process.communicate(timeout=50)  # the old QUIT wait took 60 s
        assert time.monotonic() - started < 30
        assert process.returncode != 0
        assert _log(ws) == [] and _history(ws, "jim-park") == []
    finally:
        stall.close()


# -- 7. two sends at once; letters marked sent by post ----------------------------------


def _six(ws: Path) -> list[str]:
    ids = []
    for n, name in enumerate(["Aiko Tanaka", "Björn Ek", "Chidi Okoro", "Dilnoza Karimova",
                              "Eitan Levi", "Fatma Şahin"]):
        cid = f"person-{n}"
        _contact(ws, cid, f"name: {name}\nrelationship: friend\nemail: p{n}@example.net\n")
        ids.append(cid)
    assert run(ws, "letter", *ids, "--format", "eml").code == 0
    return ids


def test_two_sends_at_once_deliver_each_message_once(ws: Path, mail: Server) -> None:
    from outreach.channels.send import send
    from outreach.workspace.folder import Workspace

    _config(ws, mail.port, per_minute=120)
    ids = _six(ws)
    mail.delay = 0.2
    errors: list[BaseException] = []

    def one() -> None:
        try:
            send(Workspace(ws), ids, really=True, sleep=lambda _s: None)
        except BaseException as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    delivered = sorted(rcpt[0] for _, rcpt, _ in mail.messages)
    assert delivered == [f"p{n}@example.net" for n in range(6)]
    assert len(_log(ws)) == 6
    for cid in ids:
        assert [e["event"] for e in _history(ws, cid)] == ["letter-sent"]


def test_two_processes_at_once_deliver_each_message_once(ws: Path, mail: Server) -> None:
    _config(ws, mail.port, per_minute=120)
    _six(ws)
    mail.delay = 0.2
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "outreach", "--workspace", str(ws), "send", "--all",
               "--send"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        process.communicate(timeout=240)
    assert len(mail.messages) == 6
    assert len({m[1][0] for m in mail.messages}) == 6


def test_letters_marked_sent_by_post_are_not_emailed(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    assert run(ws, "thank-you", "thomas-whitfield", "--format", "eml", "--format", "pdf",
               "--mark-sent").code == 0
    assert run(ws, "keep-in-touch", "--landed", "Analyst, Kano Water Board",
               "evelyn-okafor", "--format", "eml", "--format", "pdf",
               "--mark-sent").code == 0
    result = _send(ws, "--all", "--send")
    assert mail.messages == []
    assert "thomas-whitfield was thanked on" in result.out
    assert "evelyn-okafor was sent a keep in touch letter on" in result.out


# -- 9. international addresses, lengths, answers in words ------------------------------


def test_an_international_domain_is_written_in_punycode(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _contact(ws, "joerg", "name: Jörg Größer\nrelationship: friend\nemail: jörg@bücher.de\n")
    _contact(ws, "maren", "name: Maren Strauß\nrelationship: friend\n"
                          "email: maren@straße.de\n")
    assert run(ws, "letter", "maren", "--format", "eml").code == 0
    raw = (ws / "output" / "maren" / "approach-letter.eml").read_bytes()
    to = next(line for line in raw.splitlines() if line.startswith(b"To:"))
    assert to.endswith(b"<maren@xn--strae-oqa.de>") and b"=?" not in to.split(b"<")[1]
    assert _send(ws, "maren", "--send").code == 0
    assert mail.messages[0][1] == ["maren@xn--strae-oqa.de"]


def test_a_local_part_outside_ascii_needs_smtputf8(ws: Path, mail_ascii: Server,
                                                  mail: Server) -> None:
    _contact(ws, "joerg", "name: Jörg Größer\nrelationship: friend\nemail: jörg@bücher.de\n")
    assert run(ws, "letter", "joerg", "--format", "eml").code == 0
    _config(ws, mail_ascii.port)
    refused = _send(ws, "joerg", "--send")
    assert refused.code == 1 and mail_ascii.messages == []
    assert "does not offer SMTPUTF8" in refused.err and "STARTTLS" not in refused.err
    _config(ws, mail.port)
    sent = _send(ws, "joerg", "--send")
    assert sent.code == 0, sent.err
    assert mail.messages[0][1] == ["jörg@xn--bcher-kva.de"]
    assert b"To: J\xc3\xb6rg Gr\xc3\xb6\xc3\x9fer <j\xc3\xb6rg@xn--bcher-kva.de>" \
        in mail.messages[0][2]


def test_a_refused_recipient_is_said_in_words(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    mail.refuse = ("ngozi@example.ng",)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    result = _send(ws, "ngozi-eze", "--send")
    assert "550 5.1.1 <ngozi@example.ng>: no such user here" in result.err
    assert "{" not in result.err and "b'" not in result.err


@pytest.mark.parametrize("email, said", [
    ("a" * 290 + "@example.org", "the address is 302 characters long; the mail system "
                                  "takes at most 254"),
    ("x" * 65 + "@example.org", "the part before the @ is 65 characters long"),
    ("ana@" + "d" * 64 + ".org", "of the domain is 64 characters long"),
])
def test_an_address_too_long_is_refused_when_the_draft_is_written(
        ws: Path, email: str, said: str) -> None:
    _contact(ws, "ana", f"name: Ana Lima\nrelationship: friend\nemail: {email}\n")
    before = snapshot(ws)
    result = run(ws, "letter", "ana", "--format", "eml")
    assert result.code == 1 and "ana.yaml:3: email: " in result.err and said in result.err
    assert snapshot(ws) == before


# -- 10. ids, kinds, Bcc, links ---------------------------------------------------------


def test_a_contact_id_too_long_for_a_temporary_file_is_refused_at_load(ws: Path) -> None:
    cid = "a" * 240
    _contact(ws, cid, "name: Ana Lima\nrelationship: friend\nemail: ana@example.org\n")
    result = run(ws, "contacts")
    assert result.code == 1 and "at most 100 characters" in result.err
    assert f"{cid}.yaml" in result.err


def test_an_unknown_kind_is_a_usage_error(ws: Path) -> None:
    result = _send(ws, "--all", "--kind", "bogus")
    assert result.code == 2 and "no document kind 'bogus'" in result.err
    script = _send(ws, "--all", "--kind", "phone-script")
    assert script.code == 2 and "never e-mailed" in script.err


def test_a_bcc_added_to_a_draft_is_shown_and_sent_but_never_in_the_message(
        ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    _ngozi(ws)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    draft = ws / "output" / "ngozi-eze" / "approach-letter.eml"
    draft.write_bytes(b"Cc: Desk <desk@example.ng>\nBcc: archive@example.net\n"
                      + draft.read_bytes())
    dry = _send(ws, "ngozi-eze")
    assert "to Ngozi Eze <ngozi@example.ng>, cc Desk <desk@example.ng>, bcc " \
           "archive@example.net" in dry.out
    sent = _send(ws, "ngozi-eze", "--send")
    assert "bcc archive@example.net" in sent.out
    assert mail.messages[0][1] == ["ngozi@example.ng", "desk@example.ng",
                                   "archive@example.net"]
    assert b"archive@" not in mail.messages[0][2]


def test_smtp_yaml_through_a_link_out_of_the_workspace_is_refused(
        ws: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.yaml"
    outside.write_text("host: 127.0.0.1\n", encoding="utf-8")
    (ws / "smtp.yaml").symlink_to(outside)
    result = _send(ws, "--all")
    assert result.code == 1 and "outside the workspace" in result.err


# -- e-mails read as e-mails: no internal headers --------------------------------------


def test_no_internal_header_in_a_draft_nor_in_what_leaves(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    assert run(ws, "thank-you", "thomas-whitfield", "--format", "eml").code == 0
    draft = ws / "output" / "thomas-whitfield" / "thank-you.eml"
    assert b"X-Outreach" not in draft.read_bytes()
    assert _send(ws, "--all", "--send").code == 0
    head = mail.messages[0][2].split(b"\r\n\r\n")[0]
    assert b"X-Outreach" not in head and b"X-Unsent" not in head


def test_an_older_draft_with_internal_headers_is_still_read(ws: Path, mail: Server) -> None:
    _config(ws, mail.port)
    assert run(ws, "thank-you", "thomas-whitfield", "--format", "eml").code == 0
    draft = ws / "output" / "thomas-whitfield" / "thank-you.eml"
    (draft.parent / ".thank-you.eml.json").unlink()
    draft.write_bytes(b"X-Outreach-Kind: thank-you\nX-Outreach-Answers: thank-you for the "
                      b"call of 2026-10-01\n" + draft.read_bytes())
    result = _send(ws, "--all")
    assert "it answers the call of 2026-10-01, but the last is the declined of " \
           "2026-11-19" in result.out


def test_the_smtp_yaml_of_docs_sending_is_valid_and_record_sends_nothing(ws: Path) -> None:
    import re

    import yaml

    from outreach.channels.smtp import SmtpConfig

    text = (REPO / "docs" / "sending.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    SmtpConfig.model_validate(yaml.safe_load(block.group(1)))
    both = _send(ws, "--all", "--record", "--send")
    assert both.code == 2 and "--record sends nothing" in both.err


def test_an_email_an_earlier_version_recorded_counts_as_sent(ws: Path, mail: Server) -> None:
    """Before the send log, send wrote only the history (with the Message-ID): a letter
    written again since, with another Message-ID, is already sent, even forced."""
    _config(ws, mail.port)
    _ngozi(ws, "  - {date: 2026-11-02, event: letter-sent, mode: e-mail, "
               "message_id: '<0a1b.approach-letter@example.org>'}\n")
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    result = _send(ws, "ngozi-eze", "--send", "--force")
    assert result.code == 0 and mail.messages == []
    assert "ngozi-eze was e-mailed an approach letter on 2026-11-02" in result.out


def test_a_draft_linked_out_of_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    _ngozi(ws)
    assert run(ws, "letter", "ngozi-eze", "--format", "eml").code == 0
    draft = ws / "output" / "ngozi-eze" / "approach-letter.eml"
    outside = tmp_path.parent / f"{tmp_path.name}-draft.eml"
    outside.write_bytes(draft.read_bytes())
    draft.unlink()
    draft.symlink_to(outside)
    result = _send(ws, "--all")
    assert result.code == 1 and "outside the workspace" in result.err


def test_a_campaign_at_every_stage_sends_only_what_fits_and_nothing_twice(
        ws: Path, mail: Server) -> None:
    import datetime as dt

    _config(ws, mail.port, per_minute=120)
    today = dt.date.today()
    people = {"new": "Aroha Ngata", "approached": "Bilal Qureshi", "scheduled": "Chen Jing",
              "met": "Dagny Holm", "declined": "Émile Roux", "thanked": "Farah Haddad"}
    for stage, name in people.items():
        _contact(ws, stage, f"name: {name}\nrelationship: friend\nemail: {stage}@example.net\n")
    assert run(ws, "letter", *people, "--format", "eml").code == 0  # all new, so far
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    for cid, args in (("approached", ["--event", "letter-sent"]),
                      ("scheduled", ["--event", "meeting", "--date",
                                     (today + dt.timedelta(days=2)).isoformat(),
                                     "--at", "10:00"]),
                      ("met", ["--event", "meeting", "--mode", "phone", "--date", yesterday]),
                      ("declined", ["--event", "declined", "--date", yesterday]),
                      ("thanked", ["--event", "call", "--date", yesterday])):
        assert run(ws, "log", cid, *args).code == 0, cid
    assert run(ws, "thank-you", "met", "declined", "thanked", "--format", "eml",
               "--date", yesterday).code == 0
    assert run(ws, "log", "thanked", "--event", "thank-you-sent").code == 0
    first = _send(ws, "--all", "--send")
    assert first.code == 1  # the drafts that no longer fit are refused, and said
    assert sorted(rcpt[0] for _, rcpt, _ in mail.messages) == [
        "declined@example.net", "met@example.net", "new@example.net"]
    refused = sorted(line.split("/output/")[1].split()[0] for line in first.out.splitlines()
                     if line.startswith("refused"))
    assert refused == ["approached/approach-letter.eml", "declined/approach-letter.eml",
                       "met/approach-letter.eml", "scheduled/approach-letter.eml",
                       "thanked/approach-letter.eml", "thanked/thank-you.eml"]
    second = _send(ws, "--all", "--send")
    assert len(mail.messages) == 3 and second.out.count("already sent") >= 3


# -- 8. the re-check reads each contact file once a batch, and again only when it changed --


def test_a_file_changed_during_the_batch_is_judged_as_it_is_now(ws: Path, mail: Server
                                                                 ) -> None:
    """Between two messages (the pause of ``per_minute``), one contact declines and
    another's address changes in place to one of the same length, in the same instant:
    each is judged on what its file says then."""
    from outreach.channels.send import send
    from outreach.workspace.folder import Workspace

    _config(ws, mail.port, per_minute=120)
    ids = _six(ws)
    pauses: list[float] = []

    def meanwhile(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:
            declined = ws / CONTACTS / "person-3.yaml"
            declined.write_text(declined.read_text(encoding="utf-8") + "history:\n  - {date: "
                                f"{time.strftime('%Y-%m-%d')}, event: declined}}\n",
                                encoding="utf-8")
            moved = ws / CONTACTS / "person-5.yaml"
            stat = moved.stat()
            moved.write_text(moved.read_text(encoding="utf-8").replace("p5@", "q5@"),
                             encoding="utf-8")
            os.utime(moved, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time

    done = send(Workspace(ws), ids, really=True, sleep=meanwhile)
    delivered = sorted(rcpt[0] for _, rcpt, _ in mail.messages)
    assert delivered == ["p0@example.net", "p1@example.net", "p2@example.net",
                         "p4@example.net"]
    why = {o.contact.id: v for o, v in done.judged}
    assert why["person-3"].status == "refused" and "declined" in why["person-3"].why
    assert why["person-5"].status == "refused" and "q5@example.net" in why["person-5"].why


def test_each_contact_file_is_parsed_once_a_batch_and_again_only_when_changed(
        ws: Path, mail: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.channels.send import send
    from outreach.workspace import folder
    from outreach.workspace.folder import Workspace

    _config(ws, mail.port, per_minute=120)
    ids = _six(ws)
    everyone = len(list((ws / CONTACTS).glob("*.yaml")))
    parsed: list[str] = []
    real = folder.read_unfilled

    def counted(model: Any, path: Path) -> Any:
        parsed.append(path.stem)
        return real(model, path)

    monkeypatch.setattr(folder, "read_unfilled", counted)
    send(Workspace(ws), ids, really=True, sleep=lambda _s: None)
    assert len(mail.messages) == 6
    # find_drafts reads the six; the first book every file; each later book only the
    # contact whose history the message before it was written into
    assert sorted(parsed[6:6 + everyone]) == sorted(p.stem for p in (ws / CONTACTS).glob(
        "*.yaml"))
    assert parsed[6 + everyone:] == ids[:-1]
