from copy import copy

from django.db import models


class CoveringIndex(models.Index):
    """An index that carries extra ``covering`` columns where the database can.

    PostgreSQL answers a query from such an index without visiting the table. SQLite
    has no covering indexes, and Django's own ``include=`` makes every ``check`` and
    ``migrate`` there print models.W040; the extra columns only save table lookups, so
    on SQLite the plain index is the right one and nothing needs silencing.
    """

    def __init__(self, *expressions, covering=(), **kwargs):
        super().__init__(*expressions, **kwargs)
        self.covering = tuple(covering)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        if self.covering:
            kwargs["covering"] = self.covering
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if self.covering and schema_editor.connection.features.supports_covering_indexes:
            index = copy(self)
            index.include = self.covering
        return models.Index.create_sql(index, model, schema_editor, using=using, **kwargs)
