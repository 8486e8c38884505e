"""E-mail addresses as the mail system takes them: lengths, international domains.

An address is checked when a draft is written, so a draft never holds one a server must
refuse: at most 64 octets before the ``@``, 255 in the domain (63 a label) and 254 in all
(RFC 5321, 4.5.3.1). A domain outside ASCII (``bücher.de``) is written as the DNS knows
it, in IDNA 2008 (``xn--bcher-kva.de``), never as an encoded-word inside the address
(RFC 2047 forbids it there). A part before the ``@`` outside ASCII (``josé@…``) has no
ASCII form: such an address is written as UTF-8 (RFC 6532) and can only be sent through
a server that offers SMTPUTF8 (RFC 6531).
"""

from __future__ import annotations

from email.errors import HeaderParseError

import idna

#: RFC 5321, 4.5.3.1: the longest local part, domain, label and address, in octets.
LOCAL_PART, DOMAIN, LABEL, ADDRESS = 64, 255, 63, 254


def _length(what: str, text: str, most: int) -> str | None:
    size = len(text.encode("utf-8"))
    if size <= most:
        return None
    return f"{what} is {size} characters long; the mail system takes at most {most}"


def ascii_domain(domain: str) -> str:
    """``domain`` as the DNS knows it (IDNA 2008 with UTS 46 mapping); ValueError when
    it has no such form."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the domain {domain} cannot be written for the DNS: {exc}") from None


def _well_formed(local: str, domain: str) -> bool:
    """Is ``local@domain`` one address (RFC 5322; a part before the @ outside ASCII
    judged by its form, as RFC 6532 allows it)?"""
    from email.headerregistry import Address  # deferred: email.headerregistry

    plain = "".join(c if c.isascii() else "a" for c in local)
    dns = "".join(c if c.isascii() else "a" for c in domain)
    try:
        parsed = Address(addr_spec=f"{plain}@{dns}")
    except (HeaderParseError, ValueError, IndexError):
        return False
    return parsed.username == plain and parsed.domain == dns and "." in dns


def problem(address: str) -> str | None:
    """Why ``address`` cannot go in a draft, or None: the reason in words."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or not _well_formed(local, domain):
        return f"{shown(text)} is not an e-mail address (name@example.org)"
    for what, part, most in (("the address", text, ADDRESS),
                             ("the part before the @", local, LOCAL_PART)):
        found = _length(what, part, most)
        if found:
            return found
    try:
        dns = ascii_domain(domain)
    except ValueError as exc:
        return str(exc)
    if len(dns) > DOMAIN:
        return _length("the domain", dns, DOMAIN)
    long = next((label for label in dns.split(".") if len(label) > LABEL), None)
    return _length(f"the part {shown(long)} of the domain", long, LABEL) if long else None


def shown(text: str) -> str:
    """A value quoted in a message, cut short when long."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def envelope(username: str, domain: str) -> str:
    """The address as the SMTP envelope carries it: the domain in ASCII."""
    return f"{username}@{ascii_domain(domain)}"
