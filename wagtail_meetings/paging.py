"""Pages of a long list in one query: the total comes with the page."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

TOTAL = "paging_total"


class CountingPaginator(Paginator):
    """A paginator whose page query also counts the whole list (``COUNT(*) OVER ()``).

    Django's paginator counts the list first and then reads the page: two queries
    over the same filter, the board's most expensive one twice. Here the database
    counts while it reads the page. A page past the end (an old bookmark) or an
    invalid number is answered as Django's ``get_page`` does, at the usual cost.
    """

    def get_page(self, number):
        try:
            number = self.validate_number_format(number)
        except PageNotAnInteger:
            number = 1  # as Django's get_page: no page or a bad one is the first
        except EmptyPage:
            return super().get_page(number)
        if self.orphans:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL)
        elif number == 1:
            self.__dict__["count"] = 0
        else:
            return super().get_page(number)
        return self._get_page(rows, number, self)

    def validate_number_format(self, number):
        """``number`` as a page number of 1 or more, without counting the list."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
