from django.apps import AppConfig


class CatalogConfig(AppConfig):
    # The label stays `treatments`: the catalog's tables, permissions and migration history
    # were created under it.
    name = "treatments.catalog"
    label = "treatments"
    verbose_name = "Treatment catalog"
