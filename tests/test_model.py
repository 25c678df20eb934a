"""The record helpers of model.py: quick_init and replace build the same records as dataclasses."""
from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from stockgroups.model import Analysis, Article, GroupHit, Mention, quick_init, replace


@pytest.mark.parametrize("args, kwargs", [
    (("industry:uranium", "industry", "Uranium", 0.5, "up", ("why",)), {}),
    (("industry:uranium", "industry", "Uranium", 0.5, "up", ("why",), "subject"), {}),
    ((), {"id": "country:KZ", "kind": "country", "name": "Kazakhstan", "score": 0.4, "direction": "down",
          "evidence": ()}),
])
def test_quick_init_sets_the_same_fields_as_dataclass_init(args, kwargs):
    hit = GroupHit(*args, **kwargs)
    names = [f.name for f in dataclasses.fields(GroupHit)]
    expected = {"role": "second-order", **dict(zip(names, args)), **kwargs}
    assert {name: getattr(hit, name) for name in names} == expected
    assert vars(hit) == expected  # stored in the instance, nothing else
    assert hit == GroupHit(*args, **kwargs) and hash(hit) == hash(GroupHit(*args, **kwargs))
    assert pickle.loads(pickle.dumps(hit)) == hit


def test_quick_init_record_stays_frozen_and_checks_its_arguments():
    m = Mention("country:KZ", 0, 10, "Kazakhstan")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Mention("country:KZ", 0)  # type: ignore[call-arg]


def test_quick_init_refuses_fields_it_cannot_set_directly():
    @dataclass(frozen=True)
    class WithFactory:
        items: list = field(default_factory=list)

    @dataclass(frozen=True)
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    for cls in (WithFactory, WithPostInit):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_replace_gives_what_dataclasses_replace_gives():
    a = Analysis(article=Article(source="s", title="T", text="body"), body="T\n\nbody")
    for changes in ({"body": "other"}, {"mentions": (Mention("country:KZ", 0, 1, "K"),)}, {}):
        assert replace(a, **changes) == dataclasses.replace(a, **changes)
    assert replace(a, body="x") is not a and a.body == "T\n\nbody"
    with pytest.raises(TypeError):
        replace(a, no_such_field=1)
