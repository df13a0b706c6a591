from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    # PostgreSQL has casework_search_name as an SQL function (migration 0003); SQLite gets the same in Python.
    if connection.vendor == "sqlite":
        from casework.search import search_name_sqlite

        connection.connection.create_function("casework_search_name", 1, search_name_sqlite, deterministic=True)


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="casework_sqlite_functions")
