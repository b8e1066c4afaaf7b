"""The sandbox's deterministic catalog: the same seed always gives the same products.

IDs follow CJ's two shapes (uppercase UUIDs and 19-digit numbers), prices are
USD with two decimals, weights grams and sizes millimetres, as CJ sends them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

SEED = 20261001
PRODUCT_COUNT = 240

CATEGORIES = [
    # (first level, second level, third level)
    ("Home & Garden", "Home Storage", "Kitchen Storage"),
    ("Home & Garden", "Home Decor", "Wall Art"),
    ("Home & Garden", "Kitchen", "Cooking Tools"),
    ("Sports & Outdoors", "Fitness", "Yoga Gear"),
    ("Sports & Outdoors", "Camping", "Camping Lights"),
    ("Pet Supplies", "Dogs", "Dog Toys"),
    ("Pet Supplies", "Cats", "Cat Beds"),
    ("Consumer Electronics", "Phone Accessories", "Phone Cases"),
    ("Consumer Electronics", "Audio", "Earphones"),
    ("Jewelry & Watches", "Fashion Jewelry", "Necklaces"),
    ("Toys & Hobbies", "Puzzles", "Jigsaw Puzzles"),
    ("Health & Beauty", "Makeup Tools", "Makeup Brushes"),
]
ADJECTIVES = [
    "Foldable",
    "Portable",
    "Wireless",
    "Vintage",
    "Minimalist",
    "Magnetic",
    "Waterproof",
    "Bamboo",
    "Silicone",
    "Adjustable",
    "Rechargeable",
    "Handmade",
    "Compact",
    "Ergonomic",
    "Reusable",
    "Glow",
]
NOUNS = {
    "Kitchen Storage": ["Storage Box", "Spice Rack", "Jar Set", "Drawer Organizer"],
    "Wall Art": ["Canvas Print", "Wall Clock", "Photo Frame", "Tapestry"],
    "Cooking Tools": ["Spatula Set", "Garlic Press", "Measuring Cups", "Whisk"],
    "Yoga Gear": ["Yoga Mat", "Resistance Band", "Yoga Block", "Foam Roller"],
    "Camping Lights": ["Camping Lantern", "Head Torch", "String Lights", "Flashlight"],
    "Dog Toys": ["Chew Rope", "Squeaky Ball", "Tug Toy", "Treat Puzzle"],
    "Cat Beds": ["Cat Bed", "Cat Cave", "Window Perch", "Heated Pad"],
    "Phone Cases": ["Phone Case", "Card Holder Case", "Bumper Case", "Ring Stand"],
    "Earphones": ["Earbuds", "Sport Headset", "Ear Hooks", "Charging Case"],
    "Necklaces": ["Pendant Necklace", "Choker", "Chain Necklace", "Locket"],
    "Jigsaw Puzzles": ["Jigsaw Puzzle", "Wooden Puzzle", "3D Puzzle", "Puzzle Mat"],
    "Makeup Brushes": ["Brush Set", "Blending Sponge", "Brush Cleaner", "Kabuki Brush"],
}
COLORS = ["Black", "White", "Grey", "Blue", "Pink", "Green", "Red", "Beige"]
SIZES = ["S", "M", "L", "XL"]
WAREHOUSES = [
    # (areaId, areaEn, countryCode)
    (1, "China Warehouse", "CN"),
    (2, "US Warehouse", "US"),
    (3, "Germany Warehouse", "DE"),
]


@dataclass
class SandboxVariant:
    vid: str
    pid: str
    sku: str
    key: str  # CJ variantKey, e.g. "Black-M"
    name_en: str
    sell_price: Decimal
    suggested_price: Decimal
    weight: int
    length: int
    width: int
    height: int
    # countryCode -> (cjInventory, factoryInventory)
    stock: dict[str, tuple[int, int]] = field(default_factory=dict)
    on_sale: bool = True

    def total(self, country: str) -> int:
        cj, factory = self.stock.get(country, (0, 0))
        return cj + factory


@dataclass
class SandboxProduct:
    pid: str
    name_en: str
    sku: str
    category_id: str
    category_name: str
    category_path: tuple[str, str, str]
    option_names: str  # CJ productKeyEn, e.g. "Color-Size"
    description: str
    weight: int
    created_ms: int
    listed_num: int
    supplier_name: str
    variants: list[SandboxVariant] = field(default_factory=list)
    on_sale: bool = True

    def prices(self) -> list[Decimal]:
        return [v.sell_price for v in self.variants]

    def sell_price_label(self) -> str:
        low, high = min(self.prices()), max(self.prices())
        return f"{low:.2f}" if low == high else f"{low:.2f} -- {high:.2f}"

    def inventory(self, countries: set[str] | None = None) -> int:
        return sum(
            v.total(country) for v in self.variants for country in v.stock if countries is None or country in countries
        )


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _numeric_id(rng: random.Random) -> str:
    return str(rng.randrange(1_400_000_000_000_000_000, 1_999_999_999_999_999_999))


def category_ids(rng: random.Random) -> dict[str, str]:
    return {third: _uuid(rng) for _, _, third in CATEGORIES}


def _group_id(*names: str) -> str:
    """A stable id for a first- or second-level group (the seeded random stream stays as it was)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cj-sandbox-category:" + "/".join(names))).upper()


def category_tree(categories: dict[str, str]) -> list[dict]:
    """`product/getCategory`'s data: CJ's three levels, leaves carrying the ids listV2 filters by."""
    tree: dict[str, dict[str, list[dict]]] = {}
    for first, second, third in CATEGORIES:
        tree.setdefault(first, {}).setdefault(second, []).append(
            {"categoryId": categories[third], "categoryName": third}
        )
    return [
        {
            "categoryFirstId": _group_id(first),
            "categoryFirstName": first,
            "categoryFirstList": [
                {
                    "categorySecondId": _group_id(first, second),
                    "categorySecondName": second,
                    "categorySecondList": leaves,
                }
                for second, leaves in seconds.items()
            ],
        }
        for first, seconds in tree.items()
    ]


def build_catalog(seed: int = SEED, count: int = PRODUCT_COUNT) -> tuple[dict[str, SandboxProduct], dict[str, str]]:
    """Products keyed by pid, and third-level category name → category id."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible catalog, not a secret
    categories = category_ids(rng)
    products: dict[str, SandboxProduct] = {}
    for index in range(count):
        first, second, third = CATEGORIES[index % len(CATEGORIES)]
        noun = NOUNS[third][(index // len(CATEGORIES)) % len(NOUNS[third])]
        name = f"{ADJECTIVES[index % len(ADJECTIVES)]} {noun} {index + 1:03d}"
        # Every fifth product has a long numeric pid, as some CJ products do.
        pid = _numeric_id(rng) if index % 5 == 4 else _uuid(rng)
        sku = f"CJ{third[:2].upper()}{2048000 + index * 7}"
        base_price = Decimal(rng.randrange(150, 4500)) / 100
        weight = rng.randrange(40, 2400)
        has_sizes = index % 3 == 0
        option_names = "Color-Size" if has_sizes else "Color"
        colors = rng.sample(COLORS, k=rng.randrange(1, 4))
        sizes = rng.sample(SIZES, k=rng.randrange(1, 3)) if has_sizes else [""]
        product = SandboxProduct(
            pid=pid,
            name_en=name,
            sku=sku,
            category_id=categories[third],
            category_name=third,
            category_path=(first, second, third),
            option_names=option_names,
            description=f"<p>{name}: a {noun.lower()} for everyday use.</p><p>Ships from our warehouses.</p>",
            weight=weight,
            created_ms=1_735_689_600_000 + index * 86_400_000,
            listed_num=rng.randrange(0, 5000),
            supplier_name=f"Supplier {1 + index % 17}",
            on_sale=index % 47 != 46,
        )
        for color in colors:
            for size in sizes:
                key = f"{color}-{size}" if size else color
                price = (base_price + Decimal(SIZES.index(size) if size else 0) * Decimal("0.55")).quantize(
                    Decimal("0.01")
                )
                out_of_stock = index % 23 == 7
                stock = {"CN": (0, 0) if out_of_stock else (rng.randrange(0, 900), rng.randrange(0, 400))}
                if index % 4 == 1:
                    stock["US"] = (0, 0) if out_of_stock else (rng.randrange(0, 120), 0)
                if index % 9 == 2:
                    stock["DE"] = (rng.randrange(0, 60), 0)
                product.variants.append(
                    SandboxVariant(
                        vid=_numeric_id(rng) if index % 5 == 4 else _uuid(rng),
                        pid=pid,
                        sku=f"{sku}-{key}",
                        key=key,
                        name_en=f"{name} {key.replace('-', ' ')}",
                        sell_price=price,
                        suggested_price=(price * Decimal("2.5")).quantize(Decimal("0.01")),
                        weight=weight + rng.randrange(0, 60),
                        length=rng.randrange(50, 500),
                        width=rng.randrange(30, 300),
                        height=rng.randrange(5, 120),
                        stock=stock,
                    )
                )
        products[pid] = product
    return products, categories
