from django.core.management.base import BaseCommand, CommandError

from laksana.common.errors import DomainError
from laksana.open311.keys import DEFAULT_RATE_LIMIT, create_key, keys_of, revoke_key
from laksana.regions.services import get_region


class Command(BaseCommand):
    help = (
        "Open311 API keys of a region. `apikey create --region SLUG --name NAME` prints the new "
        "key as the last word of its last line (shown once); `apikey list`, `apikey revoke ID`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key (printed once)")
        create.add_argument("--region", required=True, help="Region slug, e.g. kota-tangerang")
        create.add_argument("--name", required=True, help="Which application uses it")
        create.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT, help="Per minute")
        create.add_argument("--agency", help="Agency code: lets the key post request updates")
        listing = sub.add_parser("list", help="List the region's keys")
        listing.add_argument("--region", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a key by its id (see list)")
        revoke.add_argument("--region", required=True)
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, region, **options):
        try:
            region = get_region(region)
            if action == "create":
                self._create(region, options)
            elif action == "list":
                self._list(region)
            else:
                api_key = revoke_key(region=region, key_id=options["id"])
                self.stdout.write(f"Revoked {api_key.id} {api_key.name} ({api_key.prefix}…)")
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.detail} {details}".strip()) from None

    def _create(self, region, options) -> None:
        api_key, raw = create_key(
            region=region,
            name=options["name"],
            rate_limit=options["rate_limit"],
            agency_code=options.get("agency"),
        )
        agency = f", agency {api_key.agency.code}" if api_key.agency else ""
        self.stdout.write(
            f"Created key {api_key.id} '{api_key.name}' for {region.slug} "
            f"({api_key.rate_limit}/min{agency}). It is shown only now; store it safely."
        )
        self.stdout.write(f"API key: {raw}")

    def _list(self, region) -> None:
        for k in keys_of(region).order_by("id"):
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            agency = k.agency.code if k.agency else "-"
            self.stdout.write(
                f"{k.id}\t{k.prefix}…\t{k.name}\t{k.rate_limit}/min\t{agency}\t"
                f"{k.created_at:%Y-%m-%d %H:%M}\t{state}"
            )
