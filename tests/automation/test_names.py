import pytest

from automation.names import name_similarity, normalise

THRESHOLD = 0.88  # settings.WATCH_LIST_MATCH_THRESHOLD's default


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Александр Иванов", "Aleksandr Ivanov"),  # Cyrillic and its transliteration
        ("Alexander Ivanov", "Aleksandr Ivanov"),
        ("Mohammed Ali", "Ali Muhammad"),  # spelling and order
        ("محمد علي", "Mohamed Ali"),  # Arabic script, written without short vowels
        ("Youssef Ahmed", "Yusuf Ahmad"),
        ("José García", "JOSE GARCIA"),
        ("Sergei Petrov", "Sergey Petrov"),
        ("Eileen Marie Collins", "Eileen Collins"),  # a middle name on one side only
        ("Zhang Wei", "Wei Zhang"),
    ],
)
def test_transliterations_and_spellings_of_one_name_match(one, other):
    assert name_similarity(one, other) >= THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"),
    [("Eileen Collins", "Mary Jones"), ("Ali Khan", "Ali Hassan"), ("Jane Smith", "John Smith"), ("Ali", "Ali Khan")],
)
def test_different_names_do_not_match(one, other):
    assert name_similarity(one, other) < THRESHOLD


def test_normalised_names_ignore_case_accents_and_order():
    assert normalise("GARCÍA, José") == normalise("jose garcia")


def test_an_empty_name_matches_nothing():
    assert name_similarity("", "Ali Khan") == 0.0
