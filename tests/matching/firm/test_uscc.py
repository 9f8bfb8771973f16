import pytest

from matching.firm.uscc import check_character, check_uscc


def test_published_example_is_valid() -> None:
    # The example code printed in GB 32100-2015 explanations.
    assert check_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_check_character_round_trip() -> None:
    assert check_uscc("91330212MA2H1B7Q" + "0" + check_character("91330212MA2H1B7Q0"))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y44", "check character"),
        ("91350100M0001O0Y43", "cannot appear"),
        ("91ABCDEFM000100Y43", "region code"),
    ],
)
def test_invalid_codes(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_uscc(code)
