"""Headers Django's SecurityMiddleware does not send itself, and a cap on request bodies."""

from django.conf import settings
from django.http import HttpResponse

# Room for the multipart framing and the other form fields around the largest upload.
BODY_OVERHEAD = 1024 * 1024


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy (no inline script) to every response, and
    refuses (413) a request whose declared body is larger than any upload may be.

    Django checks the size of uploaded files only after it has received them (spooling them
    to disk), so without this a single request could fill the disk before the upload form's
    own limit (UPLOAD_MAX_BYTES) ever ran. This runs before anything reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.refuse_large_body(request) or self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response

    def refuse_large_body(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse("Bad Content-Length.", 400)
        if length > settings.UPLOAD_MAX_BYTES + BODY_OVERHEAD:
            megabytes = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            return _refuse(
                f"The request is too large: at most {megabytes} MB of files at once.", 413
            )
        return None


def _refuse(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain")
    # The clickjacking middleware runs after this one, so it never sees this response.
    response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response
