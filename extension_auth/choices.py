from django.db import models


class ExtensionPermission(models.TextChoices):
    IMPORT = "import", "Import products"
    PRODUCTS_READ = "products:read", "Read products"


DEFAULT_PERMISSIONS = (ExtensionPermission.IMPORT.value, ExtensionPermission.PRODUCTS_READ.value)
DEFAULT_TTL_HOURS = 168
MIN_TTL_HOURS = 1
MAX_TTL_HOURS = 720
MAX_ACTIVE_SESSIONS_PER_USER = 10
LAST_USED_RESOLUTION_SECONDS = 60
