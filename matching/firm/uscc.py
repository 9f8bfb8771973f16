"""Unified social credit code (统一社会信用代码) validation, GB 32100-2015."""

from matching.messages import MESSAGES

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V and Z are never used
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character for the first 17, by the GB/T 17710 mod-31 scheme."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check_uscc(code: str) -> str:
    """Return the code upper-cased if it is a valid USCC, else raise ValueError naming the fault."""
    code = code.strip().upper()
    if len(code) != 18:
        raise ValueError(MESSAGES.say("en", "a unified social credit code has 18 characters, got {length}",
                                      length=len(code)))
    bad = sorted({char for char in code if char not in ALPHABET})
    if bad:
        raise ValueError(MESSAGES.say("en", "characters {characters} cannot appear in a unified social credit code",
                                      characters=repr("".join(bad))))
    if not code[2:8].isdigit():
        raise ValueError(MESSAGES.say("en", "characters 3-8 must be the six-digit region code of the registering "
                                      "authority"))
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValueError(MESSAGES.say("en", "check character is {found} but should be {expected}",
                                      found=repr(code[17]), expected=repr(expected)))
    return code
