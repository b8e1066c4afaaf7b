from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from nexusone.core.api import MerchantScopedMixin
from nexusone.core.permissions import IsMemberOfAnyRole, IsMerchantMember

from ..actions import mark_all_read, mark_read
from ..filters import NotificationFilter
from ..models import Notification
from .serializers import MarkedReadSerializer, NotificationSerializer


class NotificationViewSet(MerchantScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The merchant's in-app notification center (`unread=true` for the unread ones)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    permission_classes = [IsAuthenticated, IsMerchantMember]

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsMemberOfAnyRole])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (viewers too: it changes no store data)."""
        notification = mark_read(self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(
        detail=False, methods=["post"], url_path="read-all", permission_classes=[IsAuthenticated, IsMemberOfAnyRole]
    )
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        return Response(MarkedReadSerializer({"marked_read": mark_all_read(self.merchant)}).data)
