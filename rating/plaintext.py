"""Letters and digits are what count (DESIGN "Rules people rely on"): user text without the
characters that show nothing or reorder what is shown (pure).

Every text a member types (review title and body, reply, report comment, claim
justification…) goes through `visible` before its length is checked or its contacts are
masked: thirty zero-width spaces are not a 30-character review, a right-to-left override
does not show a review backwards. `narrow` reads full-width letters and digits
("ｍａｒｉｅ＠ｆｒｅｅ．ｆｒ") as the plain ones they are, for the masking; the text itself keeps
them (they are what the author typed, and show as such).
"""

import unicodedata

# Shown as blank yet letters to Unicode (category Lo), so not caught by the Cf rule below.
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space and full stop, as plain ASCII.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULL_WIDTH.update({0x3000: ord(" "), 0x3002: ord(".")})


def invisible(char: str) -> bool:
    """Zero-width characters, bidi embeddings, overrides, isolates and marks, the soft
    hyphen, tags, and other format characters (Unicode category Cf); blank letters."""
    return unicodedata.category(char) == "Cf" or char in BLANK_LETTERS


def visible(text: str | None) -> str:
    """`text` without invisible characters: what is left is what a reader sees, in the order
    written ("" for None)."""
    if not text:
        return ""
    if text.isascii():  # nearly every text: nothing to do
        return text
    return "".join(char for char in text if not invisible(char))


def narrow(text: str) -> str:
    """Full-width ASCII as ASCII, the ideographic space and full stop as " " and ".": one
    character for one, so a match in the narrow text is at the same place in `text`."""
    return text.translate(FULL_WIDTH)
