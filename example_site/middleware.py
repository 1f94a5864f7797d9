from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils import translation


class SiteLanguageMiddleware:
    """Dutch unless the visitor chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the
    association's site speaks Dutch first, whatever language the browser has.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's directives under ``ADMIN_URL_PREFIX``.

    Every other path gets the strict ``CONTENT_SECURITY_POLICY``; a view's own
    ``csp_replace`` or ``csp_update`` still wins.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.replace is None:
            prefix = getattr(settings, "ADMIN_URL_PREFIX", None)
            if prefix and request.path_info.startswith(prefix):
                parts.replace = settings.ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES
        return parts
