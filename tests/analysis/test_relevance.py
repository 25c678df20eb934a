from stockgroups.analysis.link import find_mentions
from stockgroups.analysis.relevance import score_entities


def entities(title, text, kb):
    body = title + "\n\n" + text
    return {e.id: e for e in score_entities(body, len(title), find_mentions(body, kb), kb)}


def test_subject_outranks_listed_and_thanked_countries(kb_small):
    title = "Kazakhstan president orders troops to fire"
    text = ("Protests in Almaty grew. Tokayev said order was restored in Kazakhstan. "
            "The president thanked Uzbekistan, China and Russia for their support. "
            "The alliance includes Kazakhstan, Armenia, Belarus and Russia.")
    ents = entities(title, text, kb_small)
    assert ents["country:KZ"].relevance == 1.0
    for other in ("country:UZ", "country:CN", "country:AM", "country:BY"):
        assert ents[other].relevance < 0.2, other
    assert "listed" in ents["country:AM"].roles
    assert "passing" in ents["country:UZ"].roles


def test_places_and_people_count_towards_their_country(kb_small):
    ents = entities("Unrest in Almaty", "Tokayev spoke in Almaty. Aktau was calm.", kb_small)
    assert ents["country:KZ"].relevance > 0.5
    assert ents["country:KZ"].mentions == 0  # counted through its places, never named


def test_org_leader_gets_a_share(kb_small):
    ents = entities("Troops arrive", "The CSTO sent soldiers.", kb_small)
    assert "country:RU" in ents
    assert any(r.startswith("leads org:csto") for r in ents["country:RU"].roles)


def test_no_mentions_no_entities(kb_small):
    assert entities("A recipe", "Mix flour and water.", kb_small) == {}
