"""The Dutch towns that ``meetings_load_places`` imports from GeoNames, and matching them."""

from io import StringIO

import pytest
from django.core.management import call_command

from wagtail_meetings.models import Place, PlaceName
from wagtail_meetings.models.places import normalise_name

pytestmark = pytest.mark.django_db

PROVINCES = {
    "Drenthe",
    "Flevoland",
    "Friesland",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
}


def load(**options):
    out = StringIO()
    call_command("meetings_load_places", stdout=out, **options)
    return out.getvalue()


def test_dutch_towns_are_loaded():
    places = Place.objects.all()
    assert 1900 <= places.count() <= 2100
    assert set(places.values_list("country", flat=True)) == {"NL"}
    assert PlaceName.objects.count() > places.count()


def test_every_town_has_a_province_by_name():
    assert set(Place.objects.values_list("province", flat=True)) == PROVINCES


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("Utrecht", "Utrecht"),
        ("Amsterdam", "Noord-Holland"),
        ("Den Haag", "Zuid-Holland"),
        ("Rotterdam", "Zuid-Holland"),
        ("Maastricht", "Limburg"),
        ("Zwolle", "Overijssel"),
        ("Leeuwarden", "Friesland"),
        ("'s-Hertogenbosch", "Noord-Brabant"),
    ],
)
def test_known_towns_and_their_provinces(name, province):
    place = Place.objects.get(name=name)
    assert place.province == province
    assert place.label == f"{name} ({province})"
    assert 50.7 < place.latitude < 53.6
    assert 3.3 < place.longitude < 7.3
    assert place.population > 0


def test_the_hague_is_stored_under_its_dutch_name():
    assert not Place.objects.filter(name="The Hague").exists()
    assert Place.objects.filter(name="Den Haag").count() == 1


def test_running_the_command_again_changes_no_counts():
    places, names = Place.objects.count(), PlaceName.objects.count()
    ids = set(Place.objects.values_list("geonames_id", flat=True))
    pks = set(Place.objects.values_list("pk", flat=True))

    output = load()

    assert f"{places} towns of NL: 0 added, {places} updated." in output
    assert Place.objects.count() == places
    assert PlaceName.objects.count() == names
    assert set(Place.objects.values_list("geonames_id", flat=True)) == ids
    # The same rows are updated in place, so calls and profiles keep their town.
    assert set(Place.objects.values_list("pk", flat=True)) == pks


def test_running_the_command_again_restores_changed_data(organiser, utrecht):
    from .utils import make_call

    call = make_call(organiser=organiser, place=utrecht)
    Place.objects.filter(pk=utrecht.pk).update(province="Nowhere", name="Utreg")
    PlaceName.objects.filter(place=utrecht).delete()

    load()

    utrecht.refresh_from_db()
    assert (utrecht.name, utrecht.province) == ("Utrecht", "Utrecht")
    assert list(Place.objects.matching("Utrecht")) == [utrecht]
    call.refresh_from_db()
    assert call.place_id == utrecht.pk


def test_the_command_refuses_an_unknown_population_choice():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("meetings_load_places", "--min-population", "123")
    assert Place.objects.count() > 0


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("utrecht", "Utrecht"),
        ("UTRECHT", "Utrecht"),
        ("  Utrecht  ", "Utrecht"),
        ("Sint Odilienberg", "Sint Odiliënberg"),
        ("SINT ODILIËNBERG", "Sint Odiliënberg"),
        ("sint-odilienberg", "Sint Odiliënberg"),
        ("Damwald", "Damwâld"),
        ("damwâld", "Damwâld"),
        ("Tweede Exloermond", "Tweede Exloërmond"),
        ("Den Haag", "Den Haag"),
        ("den haag", "Den Haag"),
        ("'s-Gravenhage", "Den Haag"),
        ("s-Gravenhage", "Den Haag"),
        ("S GRAVENHAGE", "Den Haag"),
        ("The Hague", "Den Haag"),
        ("s-Hertogenbosch", "'s-Hertogenbosch"),
    ],
)
def test_matching_folds_diacritics_case_and_punctuation(typed, name):
    assert [place.name for place in Place.objects.matching(typed)] == [name]


def test_matching_finds_every_town_of_a_shared_name():
    provinces = {place.province for place in Place.objects.matching("hengelo")}
    assert provinces == {"Gelderland", "Overijssel"}


@pytest.mark.parametrize("typed", ["", "   ", "--", "Atlantis", "Utrecht Centraal 3"])
def test_matching_nothing(typed):
    assert not Place.objects.matching(typed).exists()


def test_normalise_name():
    assert normalise_name("'s-Gravenhage") == "s gravenhage"
    assert normalise_name("S-GRAVENHAGE") == "s gravenhage"
    assert normalise_name("Sint  Odiliënberg ") == "sint odilienberg"
    assert normalise_name(None) == ""
