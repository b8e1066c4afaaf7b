"""factory-boy factories shared by every app's tests."""

from decimal import Decimal

import factory

from inventory.models import Category, Product, Tag, Variant
from nexusone.accounts.choices import Plan, Role
from nexusone.accounts.models import Membership, Merchant, User
from nexusone.suppliers.models import SupplierAccount


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Store {n}")
    plan = Plan.PRO


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    role = Role.OWNER


class SupplierAccountFactory(factory.django.DjangoModelFactory):
    """A CJ connection with the API key the CJ sandbox accepts (CJ_SANDBOX_API_KEY's default)."""

    class Meta:
        model = SupplierAccount

    merchant = factory.SubFactory(MerchantFactory)
    supplier = "cj"
    api_key = "sandbox-key"
    qps = 50


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    external_id = factory.Sequence(lambda n: f"{1400000000000000000 + n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"CJSKU{n:06d}")
    cost_price = Decimal("4.00")
    price = Decimal("5.60")
    markup = factory.LazyFunction(lambda: {"type": "percent", "value": "40"})
    stock_quantity = 0  # what can be sold; the supplier's stock follows it unless given
    reserved_quantity = 0
    supplier_stock = factory.LazyAttribute(lambda product: product.stock_quantity + product.reserved_quantity)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    merchant = factory.SelfAttribute("product.merchant")
    external_id = factory.Sequence(lambda n: f"V{2400000000000000000 + n}")
    sku = factory.Sequence(lambda n: f"CJSKU-V{n:06d}")
    name = factory.Sequence(lambda n: f"Variant {n}")
    cost_price = Decimal("4.00")
    price = Decimal("5.60")
    stock_quantity = 20  # what can be sold; the supplier's stock follows it unless given
    reserved_quantity = 0
    supplier_stock = factory.LazyAttribute(lambda variant: variant.stock_quantity + variant.reserved_quantity)
