from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    """The home page is the nearby-venues list: what residents come for."""
    from spaces.views import venue_list

    return venue_list(request)
