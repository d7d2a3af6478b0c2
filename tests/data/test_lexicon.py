"""The words: verbs agree with their subject and tense."""

from tinythink.data import lexicon


def test_verbs_agree_with_their_subject_and_tense():
    assert lexicon.conjugate("buy", third=True, past=False) == "buys"
    assert lexicon.conjugate("buy", third=False, past=False) == "buy"
    assert lexicon.conjugate("buy", third=True, past=True) == "bought"
    assert lexicon.conjugate("carry", third=True, past=False) == "carries"
    assert lexicon.conjugate("carry", third=True, past=True) == "carried"
    assert lexicon.conjugate("wash", third=True, past=False) == "washes"
    assert lexicon.conjugate("be", third=False, past=False, first=True) == "am"
    assert lexicon.conjugate("be", third=False, past=True) == "were"
