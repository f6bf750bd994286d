"""Accounts API, mounted at /api/accounts.

Browsers: GET /csrf first (sets the csrftoken cookie), then send X-CSRFToken on every POST,
PATCH and DELETE. Sign-in: POST /otp/request, POST /otp/verify (signs the session in),
then POST /consent when ``consent_required`` is true.
"""

from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Status

from accounts import otp, services
from accounts.auth import csrf_protect_anonymous, resident_auth
from accounts.http import client_ip, export_response
from accounts.models import User
from accounts.privacy import PRIVACY_POLICY_VERSION, consent_needed
from accounts.schemas import (
    CodeSentOut,
    ConsentIn,
    CsrfOut,
    DeclineOut,
    MeOut,
    PhoneIn,
    ProfileIn,
    SignInOut,
    VerifyIn,
)
from linli.api_docs import errors

router = Router(tags=["accounts"])

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def me_payload(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "phone": user.phone,
        "phone_masked": user.phone_masked,
        "display_name": user.display_name,
        "is_staff": user.is_staff,
        "consent_required": consent_needed(user),
        "privacy_consent_at": user.privacy_consent_at,
        "privacy_consent_version": user.privacy_consent_version,
        "privacy_policy_version": PRIVACY_POLICY_VERSION,
    }


@router.get("/csrf", response=CsrfOut, auth=None)
def csrf(request: HttpRequest):
    """Sets the csrftoken cookie and returns the token to send as X-CSRFToken."""
    return {"csrf_token": get_token(request)}


@router.post("/otp/request", response={202: CodeSentOut}, auth=None, openapi_extra=errors(429, 503))
def request_code(request: HttpRequest, payload: PhoneIn):
    """Text a 6-digit sign-in code. Errors: invalid_phone (422), cooldown and rate_limited
    (429, with Retry-After), sms_failed (503), csrf_failed (403)."""
    csrf_protect_anonymous(request)
    sent = otp.login_code_request(phone=payload.phone, ip=client_ip(request))
    return Status(202, {"resend_after": sent.resend_after, "expires_in": sent.expires_in})


@router.post("/otp/verify", response=SignInOut, auth=None, openapi_extra=errors(429))
def verify_code(request: HttpRequest, payload: VerifyIn):
    """Sign the session in. Errors: invalid_phone, invalid_code, code_expired, code_used
    (422), too_many_attempts (429), account_disabled and csrf_failed (403)."""
    csrf_protect_anonymous(request)
    result = otp.login_code_verify(phone=payload.phone, code=payload.code)
    login(request, result.user, backend=MODEL_BACKEND)
    return {
        "user": me_payload(result.user),
        "created": result.created,
        "consent_required": result.consent_required,
        "csrf_token": get_token(request),
    }


@router.post("/consent", response=MeOut)
def give_consent(request: HttpRequest, payload: ConsentIn):
    """Agree to the current privacy statement (409 policy_version_mismatch if ``version``
    names another one)."""
    user = services.privacy_consent_give(user=request.auth, version=payload.version)
    return me_payload(user)


@router.post("/consent/decline", response=DeclineOut)
def decline_consent(request: HttpRequest):
    """Say no: signs the session out, and deletes the account if it holds nothing yet."""
    declined = services.privacy_consent_decline(user=request.auth)
    logout(request)
    return {"account_deleted": declined.account_deleted}


@router.get("/me", response=MeOut)
def get_me(request: HttpRequest):
    return me_payload(request.auth)


@router.patch("/me", response=MeOut, auth=resident_auth)
def update_me(request: HttpRequest, payload: ProfileIn):
    """Change the name venue staff see. Needs consent (403 consent_required)."""
    user = services.user_update_profile(user=request.auth, display_name=payload.display_name)
    return me_payload(user)


@router.get("/me/export")
def export_me(request: HttpRequest):
    """Everything Linli holds about you, as a JSON file download."""
    return export_response(request.auth)


@router.delete("/me", response={204: None})
def delete_me(request: HttpRequest):
    """Erase your data and account (403 staff_account for staff). Signs the session out."""
    services.account_delete(user=request.auth)
    logout(request)
    return Status(204, None)


@router.post("/sign-out", response={204: None}, auth=None)
def sign_out(request: HttpRequest):
    csrf_protect_anonymous(request)
    logout(request)
    return Status(204, None)
