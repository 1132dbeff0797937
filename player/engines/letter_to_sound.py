"""A letter-to-sound guess for words the pronunciation dictionary lacks ("DeLaurentis").

Plain English spelling rules to ARPAbet phones (the shipped en-us model's phone set): enough
for forced alignment, which only needs a plausible sequence of sounds to place a name between
its neighbours. Pure Python; used by ``player.engines.pocketsphinx_aligner``.
"""

from __future__ import annotations

__all__ = ["guess_phones"]

_GROUPS: tuple[tuple[str, str], ...] = (
    ("tion", "SH AH N"),
    ("sion", "ZH AH N"),
    ("ough", "AO"),
    ("augh", "AO"),
    ("eigh", "EY"),
    ("igh", "AY"),
    ("tch", "CH"),
    ("sch", "SH"),
    ("dge", "JH"),
    ("ch", "CH"),
    ("sh", "SH"),
    ("th", "TH"),
    ("ph", "F"),
    ("wh", "W"),
    ("ck", "K"),
    ("ng", "NG"),
    ("qu", "K W"),
    ("gh", "G"),
    ("kn", "N"),
    ("ee", "IY"),
    ("ea", "IY"),
    ("ie", "IY"),
    ("oo", "UW"),
    ("ou", "AW"),
    ("ow", "OW"),
    ("oi", "OY"),
    ("oy", "OY"),
    ("ai", "EY"),
    ("ay", "EY"),
    ("ei", "EY"),
    ("ey", "EY"),
    ("au", "AO"),
    ("aw", "AO"),
    ("ue", "UW"),
    ("ui", "UW"),
    ("oa", "OW"),
    ("ar", "AA R"),
    ("er", "ER"),
    ("ir", "ER"),
    ("ur", "ER"),
    ("or", "AO R"),
)
_LETTERS = {
    "a": "AE",
    "b": "B",
    "c": "K",
    "d": "D",
    "e": "EH",
    "f": "F",
    "g": "G",
    "h": "HH",
    "i": "IH",
    "j": "JH",
    "k": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "o": "AA",
    "p": "P",
    "q": "K",
    "r": "R",
    "s": "S",
    "t": "T",
    "u": "AH",
    "v": "V",
    "w": "W",
    "x": "K S",
    "y": "Y",
    "z": "Z",
}
_SPELLED = {
    "a": "EY",
    "b": "B IY",
    "c": "S IY",
    "d": "D IY",
    "e": "IY",
    "f": "EH F",
    "g": "JH IY",
    "h": "EY CH",
    "i": "AY",
    "j": "JH EY",
    "k": "K EY",
    "l": "EH L",
    "m": "EH M",
    "n": "EH N",
    "o": "OW",
    "p": "P IY",
    "q": "K Y UW",
    "r": "AA R",
    "s": "EH S",
    "t": "T IY",
    "u": "Y UW",
    "v": "V IY",
    "w": "D AH B AH L Y UW",
    "x": "EH K S",
    "y": "W AY",
    "z": "Z IY",
}
_VOWELS = set("aeiouy")


def guess_phones(word: str) -> str:
    """Space-separated ARPAbet phones for ``word`` (lower-case letters and apostrophes).

    A single letter is its name ("u" -> Y UW); other letters are read by spelling rules.
    Returns ``"AH"`` for a word with no letters, so the result is never empty.
    """
    letters = "".join(c for c in word.lower() if c.isascii() and c.isalpha())
    if len(letters) == 1:
        return _SPELLED[letters]
    phones: list[str] = []
    at = 0
    while at < len(letters):
        rest = letters[at:]
        for group, sound in _GROUPS:
            if rest.startswith(group):
                phones.extend(sound.split())
                at += len(group)
                break
        else:
            letter = rest[0]
            following = rest[1:2]
            if letter == "e" and at == len(letters) - 1 and at > 1:
                at += 1  # a silent final e
                continue
            if letter == "c" and following in {"e", "i", "y"}:
                phones.append("S")
            elif letter == "g" and following in {"e", "i", "y"} and at > 0:
                phones.append("JH")
            elif letter == "y" and at > 0:
                phones.append("IY")
            elif letter in _LETTERS:
                sound = _LETTERS[letter]
                if not (phones and phones[-1] == sound and letter not in _VOWELS):
                    phones.extend(sound.split())
            at += 1
    return " ".join(phones) or "AH"
