from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import api_token_find
from accounts.tokens import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token, given its id, the prefix shown for it (ll_xxxxxxx) or the token."

    def add_arguments(self, parser):
        parser.add_argument("key", metavar="PREFIX_OR_ID")

    def handle(self, *args, key: str, **options):
        tokens = api_token_find(key=key)
        if not tokens:
            raise CommandError(f"No API token matches {key!r}.")
        if len(tokens) > 1:
            listed = ", ".join(f"#{t.pk} {t.prefix}… ({t.user.username})" for t in tokens)
            raise CommandError(f"{key!r} matches several tokens: {listed}. Use the id.")
        token = tokens[0]
        if api_token_revoke(token=token):
            self.stdout.write(
                f"Revoked token #{token.pk} {token.prefix}… of {token.user.username}."
            )
        else:
            self.stdout.write(
                f"Token #{token.pk} {token.prefix}… was already revoked at "
                f"{token.revoked_at:%Y-%m-%d %H:%M} UTC."
            )
