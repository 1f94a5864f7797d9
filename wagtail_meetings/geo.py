"""Distances between towns, computed by the database.

A search within N km first narrows the candidates with a bounding box on the
indexed latitude and longitude, then keeps what lies within the exact
great-circle (haversine) distance. Both steps are plain SQL expressions that
run on PostgreSQL and on SQLite (Django provides the maths functions there).
"""

import math

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088

# The distances a member can search within, in km.
RADIUS_CHOICES = [(5, "5 km"), (10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km")]


def bounding_box(latitude, longitude, km, prefix=""):
    """A ``Q`` for the points within a box around a point that holds every point within ``km``."""
    delta_lat = math.degrees(km / EARTH_RADIUS_KM)
    # Degrees of longitude shrink towards the poles; keep the box valid near them.
    shrink = max(math.cos(math.radians(latitude)), 0.01)
    delta_lon = math.degrees(km / (EARTH_RADIUS_KM * shrink))
    return Q(
        **{
            f"{prefix}latitude__range": (latitude - delta_lat, latitude + delta_lat),
            f"{prefix}longitude__range": (longitude - delta_lon, longitude + delta_lon),
        }
    )


def distance_km(latitude, longitude, prefix=""):
    """An expression for the great-circle distance in km from a point to each row's point."""
    row_lat = Radians(F(f"{prefix}latitude"))
    row_lon = Radians(F(f"{prefix}longitude"))
    lat = Value(math.radians(latitude), output_field=FloatField())
    lon = Value(math.radians(longitude), output_field=FloatField())
    half_chord = Power(Sin((row_lat - lat) / 2), 2) + Cos(row_lat) * Value(
        math.cos(math.radians(latitude)), output_field=FloatField()
    ) * Power(Sin((row_lon - lon) / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(half_chord))
