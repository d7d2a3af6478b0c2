"""The words: verbs agree with their subject and tense."""

from tinythink.data.lexicon.grammar import conjugate


def test_verbs_agree_with_their_subject_and_tense():
    assert conjugate("buy", third=True, past=False) == "buys"
    assert conjugate("buy", third=False, past=False) == "buy"
    assert conjugate("buy", third=True, past=True) == "bought"
    assert conjugate("carry", third=True, past=False) == "carries"
    assert conjugate("carry", third=True, past=True) == "carried"
    assert conjugate("wash", third=True, past=False) == "washes"
    assert conjugate("be", third=False, past=False, first=True) == "am"
    assert conjugate("be", third=False, past=True) == "were"
