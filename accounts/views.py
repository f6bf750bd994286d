from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def sign_in(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/sign_in.html", {})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/me.html", {})


def privacy(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/privacy.html", {})
