"""Application references: 12 characters in three groups, like 7K3M-9QXD-T2B5.

The alphabet is Crockford's base 32 (digits and letters without I, L, O and U, so
nothing reads as another character). The first 11 characters are random; the
12th is a Luhn mod 32 check character, which catches every single mistyped
character and all but about 0.2% of swaps of two neighbouring characters. When reading a
reference, case, spaces and hyphens are ignored, and I and L read as 1, O as 0.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
LENGTH = 12


def _check_character(payload: str) -> str:
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = _VALUE[char]
        if position % 2 == 0:
            value *= 2
            value = value // 32 + value % 32
        total += value
    return ALPHABET[(32 - total % 32) % 32]


def _grouped(compact: str) -> str:
    return "-".join(compact[i : i + 4] for i in range(0, LENGTH, 4))


def generate() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return _grouped(payload + _check_character(payload))


def normalise(text: str) -> str | None:
    """The reference in its canonical form, or None if it is not a valid reference."""
    compact = "".join(text.split()).replace("-", "").upper().translate(_ALIASES)
    if len(compact) != LENGTH or any(char not in _VALUE for char in compact):
        return None
    if _check_character(compact[:-1]) != compact[-1]:
        return None
    return _grouped(compact)
