"""The portal's own middleware: the interface language, and no caching of signed-in pages."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class PortalLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Many office computers and phones here run an English browser; the browser's
    Accept-Language must not turn a Vietnamese administration's portal English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreWhenSignedInMiddleware:
    """Every answer to a signed-in person carries `Cache-Control: no-store`.

    Offices and homes share computers: after one person logs out, "Back" or a proxy's cache
    must not show the next one their pages, reports, rosters or downloads. Static files are
    answered by WhiteNoise before this runs, and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
