"""Who sees what (pure): a person's sight per organisation, and the first names helpers see."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.access.privileges import REGISTERS, SIGNALS, VIEWS, Sight, first_name, first_names
from groepsaanbod.access.roles import ROLES


def test_the_widest_sight_of_the_roles_held_counts():
    assert REGISTERS.sight({"volunteer"}) is Sight.ASSIGNED
    assert REGISTERS.sight({"volunteer", "guest_teacher"}) is Sight.ASSIGNED
    assert REGISTERS.sight({"volunteer", "coordinator"}) is Sight.ALL
    assert REGISTERS.sight(()) is Sight.NONE
    assert SIGNALS.sight({"cjg_staff"}) is Sight.ALL
    assert SIGNALS.sight({"volunteer", "mentor"}) is Sight.NONE
    assert SIGNALS.roles == {"coordinator", "admin", "cjg_staff"}


def test_every_view_names_every_role_and_no_route_twice():
    routes = [route for view in VIEWS for route in view.routes]
    assert len(routes) == len(set(routes))
    for view in VIEWS:
        assert set(view.sights) == set(ROLES), view.key


def test_first_names():
    assert first_name("  Aaltje  de Vries ") == "Aaltje"
    assert first_name("") == "?"
    assert first_names(["Fennegien Zwartkruis", "Aaltje de Vries", "Aaltje Bakker"]) == [
        "Fennegien",
        "Aaltje V.",
        "Aaltje B.",
    ]
    assert first_names(["Aaltje Bakker", "Aaltje Bakker", "Mo"]) == ["Aaltje B. (1)", "Aaltje B. (2)", "Mo"]
    assert first_names(["Mo", "Mo Ali"]) == ["Mo", "Mo A."]


names = st.lists(
    st.lists(st.sampled_from(["Aaltje", "Mo", "de", "Vries", "Bakker", "Ali", "van", "Berg"]), min_size=1, max_size=4),
    max_size=12,
).map(lambda people: [" ".join(words) for words in people])


@given(names)
def test_helpers_tell_everyone_apart_and_see_no_more_than_an_initial_of_the_rest(full_names):
    shown = first_names(full_names)
    assert len(shown) == len(full_names) == len(set(shown))
    for name, label in zip(full_names, shown, strict=True):
        words = name.split()
        assert label.split()[0] == words[0]
        # Past the first name at most one initial and a number.
        assert len(label.split()) <= 3
