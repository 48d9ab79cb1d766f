"""The commune chooser (`/x/`): where a user serving several communes picks one (issue 17)."""

from django.contrib.auth.decorators import login_required

from .current import choose_page, local_path


@login_required
def commune_choose(request):
    """Every commune the user serves, each opening the page asked for (`next`) under it."""
    return choose_page(request, next_path=local_path(request, request.GET.get("next", "/")))
