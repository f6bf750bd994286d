from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import user_find
from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = (
        "Issue an API token for USER (a username, or a resident's phone number). "
        "The token is printed once, as the last word of the output; only its hash is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", help="username, or phone number of a resident")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'front desk'")

    def handle(self, *args, user: str, name: str, **options):
        owner = user_find(identifier=user)
        if owner is None:
            raise CommandError(f"No user with username or phone number {user!r}.")
        if not owner.is_active:
            raise CommandError(f"User {owner.username!r} is inactive; activate it first.")
        token, plain = api_token_create(user=owner, name=name)
        label = f" ({token.name})" if token.name else ""
        self.stdout.write(
            f"Created token #{token.pk} {token.prefix}…{label} for {owner.username}. "
            "Store it now, it is not shown again:"
        )
        self.stdout.write(plain)
