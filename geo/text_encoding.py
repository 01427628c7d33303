"""One text encoding per file: a CSV whose lines mix UTF-8 and GBK is refused, naming lines.

Chinese Excel saves GBK; editors and web exports save UTF-8; a file pasted together from
both decodes without error as GB18030 (almost any byte string does) and every UTF-8 name
comes out garbled, silently. So when a file is not valid UTF-8 as a whole, each line is
looked at on its own: a line that is valid UTF-8 *and* holds non-ASCII text was written
as UTF-8; a line that is not valid UTF-8 was written in another encoding. Both kinds in
one file is an error that names them.
"""
from __future__ import annotations

MAX_LINES_NAMED = 5


def mixed_encoding_message(data: bytes) -> str:
    """"" for a file in one encoding, else one line naming UTF-8 and GBK lines."""
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
        else:
            utf8.append(number)
    if not utf8 or not other:
        return ""
    return (f"mixed text encodings: {_lines(utf8)} {'is' if len(utf8) == 1 else 'are'} UTF-8 but "
            f"{_lines(other)} {'is' if len(other) == 1 else 'are'} GBK/GB18030, so some names "
            "would come out garbled; save the file again in one encoding (UTF-8)")


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LINES_NAMED])
    more = f" and {len(numbers) - MAX_LINES_NAMED:,} more" if len(numbers) > MAX_LINES_NAMED else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


__all__ = ["mixed_encoding_message"]
