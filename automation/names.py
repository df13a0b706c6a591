"""Names compared as people write them in different scripts and spellings.

A name is transliterated to ASCII (anyascii: Александр -> Aleksandr), lower-cased,
and spellings that vary between transliteration schemes are folded to one
(Alexander/Aleksandr, Youssef/Yusuf, Mohammed/Muhamad). Each part of the shorter
name is compared with its closest part of the other (Jaro-Winkler similarity,
rapidfuzz), so that the order of the names and a middle name given on one side only
do not count. Scripts that write no short vowels (Arabic, Hebrew) are compared by
their consonants: محمد علي and Mohamed Ali are both "mhmd l".
"""

import re
import unicodedata

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

# Applied in order, on lower-case ASCII. Hand-written because no maintained library
# folds transliteration variants of names from many languages at once; these are
# common variants of Arabic, Cyrillic, Persian and South Asian names in Latin letters.
_FOLDS = [
    (r"x", "ks"),
    (r"ph", "f"),
    (r"(?<=[a-z])h", ""),  # kh/gh/dh/th/sh and Mohammed/Moammed: an h after a letter is often left out
    (r"ck|q|c", "k"),
    (r"w", "v"),
    (r"ou|oo", "u"),
    (r"ee|ie", "i"),
    (r"y", "i"),
    # Inner vowels vary most between schemes: a; o and u; e and i.
    (r"(?<=[a-z])[aeiou](?=[a-z])", lambda m: {"a": "a", "o": "u", "u": "u"}.get(m.group(), "e")),
    (r"([a-z])\1+", r"\1"),
]
_ABJADS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA")


def _ascii_parts(name: str) -> list[str]:
    return re.sub(r"[^a-z]+", " ", anyascii(name).lower()).split()


def _fold(part: str) -> str:
    for pattern, replacement in _FOLDS:
        part = re.sub(pattern, replacement, part)
    return part


def normalise(name: str) -> str:
    """The name's folded parts, sorted."""
    return " ".join(sorted(_fold(part) for part in _ascii_parts(name)))


def _skeleton(name: str) -> list[str]:
    return [skeleton for part in _ascii_parts(name) if (skeleton := re.sub(r"[aeiouyw]|(?<=.)h", "", part))]


def _written_without_vowels(name: str) -> bool:
    return any(unicodedata.name(char, "").startswith(_ABJADS) for char in name)


def _parts_similarity(one: list[str], other: list[str]) -> float:
    shorter, longer = sorted((one, other), key=len)
    if not shorter:
        return 0.0
    if len(shorter) == 1 and len(longer) > 1:
        # One name against a full name: compared whole, so that "Ali" does not match every Ali.
        return JaroWinkler.normalized_similarity(" ".join(shorter), " ".join(sorted(longer)))
    return sum(max(JaroWinkler.normalized_similarity(part, candidate) for candidate in longer) for part in shorter) / len(shorter)


def name_similarity(one: str, other: str) -> float:
    """From 0 (nothing alike) to 1 (the same name once normalised)."""
    score = _parts_similarity(normalise(one).split(), normalise(other).split())
    if _written_without_vowels(one) or _written_without_vowels(other):
        score = max(score, _parts_similarity(_skeleton(one), _skeleton(other)))
    return score
