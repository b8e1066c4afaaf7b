from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from extension_auth.authentication import WITH_EXTENSION_TOKENS
from extension_auth.permissions import ExtensionScope, is_extension_request
from nexusone.core.api import MerchantScopedMixin, api_validation_error
from nexusone.core.permissions import IsMerchantMember

from .. import actions
from ..filters import ImportJobFilter
from ..models import ImportItem, ImportJob
from .serializers import ImportJobDetailSerializer, ImportJobSerializer, ImportRequestSerializer


def _with_items(queryset):
    return queryset.prefetch_related(Prefetch("items", queryset=ImportItem.objects.order_by("position")))


class ImportAPIMixin(MerchantScopedMixin):
    authentication_classes = WITH_EXTENSION_TOKENS
    permission_classes = [IsAuthenticated, IsMerchantMember, ExtensionScope]
    extension_scope = "import"
    queryset = ImportJob.objects.select_related("created_by")


class ImportCreateView(ImportAPIMixin, generics.GenericAPIView):
    """Start an import: 202 with the job; invalid, duplicate and over-limit items are decided at once."""

    serializer_class = ImportRequestSerializer

    def post(self, request: Request) -> Response:
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = request.auth if is_extension_request(request) else None
        markup = data.get("markup") or None
        try:
            job = actions.start_import(
                self.merchant,
                source=data["source"],
                inputs=[*data.get("urls", []), *data.get("product_ids", [])],
                markup=markup,
                category=data.get("category", ""),
                tags=data.get("tags"),
                user=request.user,
                extension_session=session,
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None
        job = _with_items(ImportJob.objects.select_related("created_by")).get(pk=job.pk)
        return Response(ImportJobDetailSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobDetailView(ImportAPIMixin, generics.RetrieveAPIView):
    serializer_class = ImportJobDetailSerializer

    def get_queryset(self):
        return _with_items(super().get_queryset())


class ImportJobListView(ImportAPIMixin, generics.ListAPIView):
    """The import history, newest first (items are on each job's own page)."""

    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter
