"""Make untrusted trace text safe for a terminal: control sequences become visible, tabs expand."""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P|X|^|_ ... ST), and two-character escapes. They are shown, not interpreted.
_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates can reorder what the reviewer sees; show them as tags.
_BIDI_CONTROLS = {
    "\u202a": "<LRE>",
    "\u202b": "<RLE>",
    "\u202c": "<PDF>",
    "\u202d": "<LRO>",
    "\u202e": "<RLO>",
    "\u2066": "<LRI>",
    "\u2067": "<RLI>",
    "\u2068": "<FSI>",
    "\u2069": "<PDI>",
}
_BIDI_RE = re.compile("[" + "".join(_BIDI_CONTROLS) + "]")
TAB_SIZE = 4


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code in _C0_PICTURES:
        return _C0_PICTURES[code]
    return f"\\x{code:02x}"  # C1 controls (0x80-0x9f), e.g. the 8-bit CSI 0x9b


def sanitize(text: str | None, *, tab_size: int = TAB_SIZE) -> str:
    """Return `text` with every terminal control character made visible and tabs expanded.

    Newlines are kept; `\\r\\n` becomes `\\n`; ESC shows as `␛`, other C0 controls as their
    Unicode control pictures and C1 controls as `\\xNN`, so an escape sequence in a trace
    can neither restyle nor move the terminal but the reviewer still sees it was there.
    """
    if not text:
        return ""
    value = text.replace("\r\n", "\n")
    if "\t" in value:
        value = "\n".join(line.expandtabs(tab_size) for line in value.split("\n"))
    value = _CONTROL_RE.sub(_visible, value)
    if _BIDI_RE.search(value):
        value = _BIDI_RE.sub(lambda m: _BIDI_CONTROLS[m.group(0)], value)
    return value


def one_line(text: str | None, limit: int = 200) -> str:
    """A sanitized single line (newlines shown as `⏎`), cut to `limit` characters."""
    value = sanitize(text).replace("\n", " \u23ce ")
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def identifier(text: str) -> str:
    """An id, release or model name on one line with its control characters made visible.

    Applied at ingest, so no later output (CLI, exports, errors) can carry an escape sequence
    hidden in a field that is printed without further cleaning.
    """
    return sanitize(text).replace("\n", " \u23ce ")
