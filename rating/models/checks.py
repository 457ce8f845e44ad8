"""SQL text of CHECK constraints shared by the models, portable to SQLite and PostgreSQL."""

from rating.vocabulary import ANSWERED_FROM, MAX_TRANSFERS

# Luhn: from the right, every second digit is doubled (and 9 subtracted above 9).
# For a 9-digit SIREN the doubled digits are positions 2, 4, 6 and 8 from the left.
_PLAIN = {str(d): d for d in range(10)}
_DOUBLED = {str(d): (2 * d - 9 if 2 * d > 9 else 2 * d) for d in range(10)}


def one_of(column: str, values) -> str:
    """`column IN (...)` for a closed list of string values."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def between(column: str, low: int, high: int) -> str:
    """`column BETWEEN low AND high`, true for NULL (optional values)."""
    return f"{column} IS NULL OR {column} BETWEEN {low} AND {high}"


def answered_checks() -> list[tuple[str, str]]:
    """(name, SQL) of the checks on where a call was answered (reviews and audit tests)."""
    from_known = one_of("answered_from", ANSWERED_FROM)
    return [
        ("answered_from_known", f"answered_from IS NULL OR {from_known}"),
        (
            "answered_country_abroad",
            "answered_country IS NULL OR "
            "(answered_from = 'abroad' AND length(answered_country) = 2)",
        ),
        ("transfers_range", between("transfers", 0, MAX_TRANSFERS)),
    ]


def _digit(column: str, position: int, table: dict) -> str:
    cases = " ".join(f"WHEN '{char}' THEN {value}" for char, value in table.items())
    return f"(CASE substr({column}, {position}, 1) {cases} END)"


def siren_check(column: str = "siren") -> str:
    """9 digits whose Luhn sum is a multiple of 10; a non-digit makes the sum NULL and fails."""
    terms = " + ".join(
        _digit(column, pos, _DOUBLED if pos % 2 == 0 else _PLAIN) for pos in range(1, 10)
    )
    return f"{column} IS NULL OR (length({column}) = 9 AND COALESCE({terms}, 1) % 10 = 0)"


_DOUBLE_DIGIT = str.maketrans("0123456789", "0246813579")  # 2d, less 9 above 9


def luhn_valid(siren: str) -> bool:
    """The same rule in Python, for forms, demo data and the SIRENE import (fast: C loops)."""
    if len(siren) != 9 or not siren.isdigit() or not siren.isascii():
        return False
    plain = sum(map(int, siren[0::2]))
    doubled = sum(map(int, siren[1::2].translate(_DOUBLE_DIGIT)))
    return (plain + doubled) % 10 == 0
