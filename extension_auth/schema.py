"""OpenAPI: extension tokens are bearer JWTs (loaded by the app config so drf-spectacular finds it)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ExtensionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "extension_auth.authentication.ExtensionTokenAuthentication"
    name = "extensionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token made on the dashboard's Extension page; reaches only its permissions' endpoints.",
        }
