import datetime as dt

from ninja import Field, Schema


class PhoneIn(Schema):
    phone: str = Field(..., max_length=40, examples=["138 0000 0001"])


class VerifyIn(Schema):
    phone: str = Field(..., max_length=40, examples=["13800000001"])
    code: str = Field(..., max_length=20, examples=["123456"])


class CodeSentOut(Schema):
    resend_after: int = Field(..., description="seconds before another code may be requested")
    expires_in: int = Field(..., description="seconds the code stays valid")


class MeOut(Schema):
    id: int
    username: str
    phone: str | None
    phone_masked: str
    display_name: str
    is_staff: bool
    consent_required: bool
    privacy_consent_at: dt.datetime | None
    privacy_consent_version: str
    privacy_policy_version: str = Field(..., description="the statement in force now")


class SignInOut(Schema):
    user: MeOut
    created: bool = Field(..., description="true when this sign-in created the account")
    consent_required: bool
    csrf_token: str = Field(..., description="the new CSRF token (it changes at sign-in)")


class ConsentIn(Schema):
    version: str | None = Field(
        None, max_length=20, description="the statement version shown to the person"
    )


class DeclineOut(Schema):
    account_deleted: bool


class ProfileIn(Schema):
    display_name: str = Field(..., max_length=40)


class CsrfOut(Schema):
    csrf_token: str
