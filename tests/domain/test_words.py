"""How the server's messages count."""

from __future__ import annotations

from compax_server.domain.words import agree, counted, listed, them


def test_a_count_has_its_noun_in_the_singular_only_for_one():
    assert [counted(n, "booking") for n in (0, 1, 2)] == ["0 bookings", "1 booking", "2 bookings"]
    assert counted(1, "delivery", "deliveries") == "1 delivery"
    assert counted(3, "delivery", "deliveries") == "3 deliveries"
    assert counted(1, "upcoming booking") == "1 upcoming booking"


def test_the_pronoun_follows_the_count():
    assert [them(n) for n in (0, 1, 2)] == ["them", "it", "them"]


def test_a_word_agrees_with_the_count():
    assert [agree(n, "is", "are") for n in (0, 1, 2)] == ["are", "is", "are"]


def test_what_is_named_follows_its_noun_in_the_singular_only_for_one():
    assert listed("feature", ["lift"]) == "feature lift"
    assert listed("feature", ["hologram", "lift"]) == "features hologram, lift"
    assert listed("kind", ["a", "b"], "kinds of email") == "kinds of email a, b"
