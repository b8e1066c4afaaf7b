from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from nexusone.core.api import MerchantScopedMixin
from nexusone.core.permissions import IsMemberOfAnyRole, IsMerchantMember

from ..actions import mark_read
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "level", "title", "body", "link", "data", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationViewSet(MerchantScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The merchant's in-app notification center."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated, IsMerchantMember]

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsMemberOfAnyRole])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (viewers too: it changes no store data)."""
        notification = mark_read(self.get_object())
        return Response(self.get_serializer(notification).data)
