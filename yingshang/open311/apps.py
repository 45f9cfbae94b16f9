from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "yingshang.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
