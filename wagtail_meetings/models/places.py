import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


def normalise_name(value):
    """Fold a town name for matching: no diacritics, case, punctuation or extra spaces.

    "'s-Gravenhage", "s Gravenhage" and "S-GRAVENHAGE" all fold to "s gravenhage".
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in stripped.casefold())
    return " ".join(cleaned.split())


class PlaceQuerySet(models.QuerySet):
    def matching(self, text):
        """Places whose name or an alternate name matches ``text`` after folding."""
        key = normalise_name(text)
        if not key:
            return self.none()
        return self.filter(names__name=key).distinct()

    def suggestions(self, text, limit=10):
        """Towns with a name that starts like ``text``, the largest first."""
        key = normalise_name(text)
        if len(key) < 2:
            return self.none()
        starting = PlaceName.objects.filter(name__startswith=key).values("place_id")
        return self.filter(pk__in=starting).order_by("-population", "name")[:limit]


class Place(models.Model):
    """A town: where a meeting is and where a member lives (never an address)."""

    geonames_id = models.PositiveIntegerField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), db_index=True)
    longitude = models.FloatField(_("longitude"), db_index=True)
    population = models.PositiveIntegerField(_("population"), default=0)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name", "province"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name with its province, to tell towns of the same name apart."""
        return f"{self.name} ({self.province})" if self.province else self.name


class PlaceName(models.Model):
    """A folded name under which a town can be found (its own and alternate names)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="meetings_placename_unique")
        ]

    def __str__(self):
        return self.name
