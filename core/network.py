"""The address a request really came from, behind the portal's reverse proxies."""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's address behind `settings.PORTAL_PROXY_COUNT` reverse proxies.

    Each proxy appends the address it was connected from to X-Forwarded-For, and the last
    one is REMOTE_ADDR. So behind n proxies the client is the n-th entry from the right;
    entries further left were written by the client itself and are never believed.
    django-ipware counts only the proxies listed *in* the header, hence n - 1; not strict,
    so a request carrying a forged entry is counted under its real address rather than
    falling back to the proxy's. Without proxies the header is ignored altogether.
    """
    proxies = settings.PORTAL_PROXY_COUNT
    if proxies:
        address, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    # No proxy, or a request that did not come through them all (a health check on the
    # server itself): the connection's own address.
    return request.META.get("REMOTE_ADDR")
