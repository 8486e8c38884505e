"""Envelopes and address labels: their sizes and where the addresses go, as CSS.

The envelope follows the profile's paper: a US No. 10 (9.5 x 4.125 in) for letter, the
DL (220 x 110 mm) that takes an A4 sheet folded in three. The return address sits in the
top-left corner; the delivery address a little below the middle and right of centre,
inside the zone the sorting machines read (for the No. 10, USPS's OCR read area: at least
1/2 in from the left and right edges, its top no higher than 2 3/4 in above the bottom)
and clear of the stamp in the top-right corner and of the bar-code strip along the
bottom edge (5/8 in on the No. 10, 15 mm on the DL).

Labels come on the sheet most offices keep: Avery 5160 on letter paper (30 labels of
2 5/8 x 1 in, 3 across and 10 down; 8160, 5960 and 18160 share its layout) and Avery
L7160 on A4 (21 labels of 63.5 x 38.1 mm, 3 across and 7 down; J8160 shares it).

The geometry is here, written as CSS placed before ``document.css``: it is exact
whatever stylesheet a workspace keeps, and a copy of ``document.css`` can still move a
block (a printer that feeds envelopes off-centre) with a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.workspace.models import Paper


@dataclass(frozen=True)
class Box:
    """Where a block goes on the page, from its top-left corner (CSS lengths)."""

    top: str
    left: str
    width: str
    #: The most height it may take: what runs longer is an error, never clipped unseen.
    height: str

    def css(self, selector: str) -> str:
        return (f"{selector} {{ position: absolute; top: {self.top}; left: {self.left}; "
                f"width: {self.width}; height: {self.height}; overflow: hidden; }}\n")


@dataclass(frozen=True)
class Envelope:
    name: str
    width: str
    height: str
    return_address: Box
    delivery_address: Box


@dataclass(frozen=True)
class LabelSheet:
    name: str
    page: str
    columns: int
    rows: int
    width: str
    height: str
    #: The sheet's top and left margins, and the gap between two columns.
    top: str
    left: str
    gap: str
    #: The type size that fits the sheet's labels (set here, with the sizes; a rule in
    #: document.css may change it).
    font_size: str

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


ENVELOPES: dict[Paper, Envelope] = {
    "letter": Envelope("US No. 10", "9.5in", "4.125in",
                       return_address=Box("0.3in", "0.35in", "3.6in", "1in"),
                       delivery_address=Box("1.9in", "4in", "5in", "1.6in")),
    "a4": Envelope("DL", "220mm", "110mm",
                   return_address=Box("9mm", "10mm", "90mm", "30mm"),
                   delivery_address=Box("50mm", "100mm", "110mm", "45mm")),
}

SHEETS: dict[Paper, LabelSheet] = {
    "letter": LabelSheet("Avery 5160", "8.5in 11in", 3, 10, "2.625in", "1in",
                         top="0.5in", left="0.1875in", gap="0.125in", font_size="9pt"),
    "a4": LabelSheet("Avery L7160", "210mm 297mm", 3, 7, "63.5mm", "38.1mm",
                     top="15.15mm", left="7.25mm", gap="2.54mm", font_size="10pt"),
}


#: Measured from the paper's edge: without the page's margin, the body's own (8 px by
#: default) would shift every block. A pass of layout holds one kind, so no other
#: document shares this body.
_EDGE = "body { margin: 0; }\n"


def envelope_css(paper: Paper) -> str:
    """The envelope's page and its two address blocks."""
    envelope = ENVELOPES[paper]
    return (f"@page envelope {{ size: {envelope.width} {envelope.height}; margin: 0; }}\n"
            + _EDGE + "section.envelope { page: envelope; position: relative; }\n"
            + envelope.return_address.css("section.envelope .part.return-address")
            + envelope.delivery_address.css("section.envelope .part.delivery-address"))


def labels_css(paper: Paper) -> str:
    """The label sheet: a grid of fixed cells from the sheet's margins, one sheet a page."""
    sheet = SHEETS[paper]
    return (f"@page address-labels {{ size: {sheet.page}; margin: 0; }}\n" + _EDGE
            + f"section.address-labels {{ page: address-labels; font-size: {sheet.font_size}; }}\n"
            "section.address-labels .part.sheet { display: grid; "
            f"grid-template-columns: repeat({sheet.columns}, {sheet.width}); "
            f"grid-template-rows: repeat({sheet.rows}, {sheet.height}); "
            f"column-gap: {sheet.gap}; row-gap: 0; "
            f"padding: {sheet.top} 0 0 {sheet.left}; }}\n"
            "section.address-labels .part.sheet + .part.sheet { break-before: page; }\n"
            "section.address-labels .part.label { box-sizing: border-box; "
            f"height: {sheet.height}; overflow: hidden; display: flex; "
            "flex-direction: column; justify-content: center; }\n")


# -- addresses abroad --------------------------------------------------------------------

#: Country names as an address's last line gives them (the UPU's and common English
#: short names), and other names for some of them, each with the name it stands for.
_COUNTRIES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|
Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|
Comoros|Congo|Costa Rica|Côte d'Ivoire|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|
Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|
Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|
Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|
India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Macao|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|
Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|
Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|
North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Puerto Rico|Qatar|Romania|Russia|Russian Federation|Rwanda|
Saint Lucia|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|
Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|
Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|
Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|
Uganda|Ukraine|United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|
Vanuatu|Vatican City|Venezuela|Vietnam|Viet Nam|Yemen|Zambia|Zimbabwe
"""
_OTHER_NAMES = {
    "usa": "United States", "u.s.a.": "United States", "us": "United States",
    "u.s.": "United States", "united states of america": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "great britain": "United Kingdom",
    "england": "United Kingdom", "scotland": "United Kingdom", "wales": "United Kingdom",
    "northern ireland": "United Kingdom", "korea": "South Korea",
    "republic of korea": "South Korea", "south korea": "South Korea",
    "deutschland": "Germany", "españa": "Spain", "italia": "Italy", "nederland": "Netherlands",
    "the netherlands": "Netherlands", "schweiz": "Switzerland", "suisse": "Switzerland",
    "österreich": "Austria", "méxico": "Mexico", "brasil": "Brazil", "ελλάδα": "Greece",
    "hellas": "Greece", "czechia": "Czech Republic", "türkiye": "Turkey",
    "viet nam": "Vietnam", "russian federation": "Russia", "éire": "Ireland",
    "people's republic of china": "China", "prc": "China", "uae": "United Arab Emirates",
}


def _key(name: str) -> str:
    return " ".join(name.split()).strip(" .,").casefold()


_CANONICAL = {_key(name): name.strip() for name in _COUNTRIES.replace("\n", "").split("|")} \
    | {_key(other): name for other, name in _OTHER_NAMES.items()}


def country(lines: list[str]) -> str | None:
    """The country an address names on its last line of its own (``Republic of Korea``,
    ``USA``), as one name for all its spellings (``South Korea``, ``United States``)."""
    if len(lines) < 2:
        return None
    return _CANONICAL.get(_key(lines[-1]))


def for_the_post(sender: list[str], recipient: list[str]
                 ) -> tuple[list[str], list[str], bool]:
    """The return and delivery addresses as the post reads them, and whether the letter
    goes abroad. Abroad (the delivery address names a country other than the sender's):
    the country alone on the last line, in capitals (UPU practice), and the sender's
    country in the return address. At home, the country line is left off both."""
    to, home = country(recipient), country(sender)
    if to is None or to == home:
        return (sender[:-1] if home else sender), (recipient[:-1] if to else recipient), False
    return sender, [*recipient[:-1], recipient[-1].strip().upper()], True
