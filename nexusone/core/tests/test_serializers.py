from rest_framework import serializers

from nexusone.accounts.models import Merchant
from nexusone.core.serializers import BuiltOnceFieldsMixin


class MerchantSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["name", "plan"]


def test_model_fields_are_built_once_per_class_and_each_instance_gets_its_own_copy(monkeypatch):
    built = []
    original = serializers.ModelSerializer.get_fields

    def counting(self):
        built.append(type(self))
        return original(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    monkeypatch.delattr(MerchantSerializer, "_built_fields", raising=False)

    first = MerchantSerializer(Merchant(name="North", plan="pro"))
    second = MerchantSerializer(Merchant(name="South", plan="free"))

    assert first.data == {"name": "North", "plan": "pro"}
    assert second.data == {"name": "South", "plan": "free"}
    assert built == [MerchantSerializer]
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first
