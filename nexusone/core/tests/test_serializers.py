from concurrent.futures import ThreadPoolExecutor

from rest_framework import serializers

from nexusone.accounts.models import Merchant
from nexusone.core.serializers import SharedFieldsMixin


class MerchantSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Merchant
        fields = ["name", "plan", "label"]

    def get_label(self, merchant: Merchant) -> str:
        return f"{merchant.name} ({merchant.plan})"


class BodySerializer(SharedFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1, required=False, default=1)


def test_model_fields_are_built_once_per_class_and_shared_by_every_instance(monkeypatch):
    built = []
    original = serializers.ModelSerializer.get_fields

    def counting(self):
        built.append(type(self))
        return original(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    monkeypatch.delattr(MerchantSerializer, "_shared_fields", raising=False)

    first = MerchantSerializer(Merchant(name="North", plan="pro"))
    second = MerchantSerializer(Merchant(name="South", plan="free"))

    assert first.data == {"name": "North", "plan": "pro", "label": "North (pro)"}
    assert second.data == {"name": "South", "plan": "free", "label": "South (free)"}
    assert built == [MerchantSerializer]
    assert first.fields["name"] is second.fields["name"]


def test_shared_fields_validate_each_body_on_its_own_across_threads():
    def check(i: int) -> tuple[bool, dict]:
        body = BodySerializer(data={"name": "x" * (i % 8), "count": i % 3})
        valid = body.is_valid()
        return valid, (body.validated_data if valid else body.errors)

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(check, range(400)))

    for i, (valid, detail) in enumerate(outcomes):
        name_ok, count_ok = 1 <= i % 8 <= 5, i % 3 >= 1
        assert valid == (name_ok and count_ok), (i, detail)
        if valid:
            assert detail == {"name": "x" * (i % 8), "count": i % 3}
        else:
            assert ("name" in detail) != name_ok
            assert ("count" in detail) != count_ok


def test_a_partial_serializer_builds_its_own_fields():
    partial = BodySerializer(data={"count": 2}, partial=True)
    full = BodySerializer(data={"count": 2})

    assert partial.is_valid()
    assert partial.validated_data == {"count": 2}
    assert not full.is_valid()
    assert "name" in full.errors
    assert partial.fields["name"] is not full.fields["name"]
    assert partial.fields["name"].root is partial
