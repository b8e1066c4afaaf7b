from django.db import models


class StockStatus(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    LOW = "low", "Low"
    OUT = "out", "Out of stock"
