import pytest

from applications import reference


def test_generated_references_are_valid_and_formatted():
    for _ in range(200):
        ref = reference.generate()
        assert len(ref) == 14 and ref[4] == ref[9] == "-"
        assert reference.normalise(ref) == ref


def test_every_single_mistyped_character_is_caught():
    ref = reference.generate().replace("-", "")
    for position in range(len(ref)):
        for char in reference.ALPHABET:
            if char != ref[position]:
                assert reference.normalise(ref[:position] + char + ref[position + 1 :]) is None


@pytest.mark.parametrize("typed", ["7k3m 9qxd t2b?", "7K3M9QXDT2B", "", "7K3M-9QXD-T2B5-X"])
def test_malformed_references_are_refused(typed):
    assert reference.normalise(typed) is None


def test_case_spaces_and_lookalike_letters_are_forgiven():
    ref = reference.generate()
    typed = ref.lower().replace("-", " ").replace("1", "l").replace("0", "o")

    assert reference.normalise(typed) == ref
