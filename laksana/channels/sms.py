"""SMS gateways: a small adapter interface, and one real implementation for the plain HTTP APIs
most Indonesian SMS gateways offer.

An adapter does two things:
- `parse(request)` turns the gateway's inbound webhook into `InboundSms` parts (or raises
  `Malformed`); the view has already checked the shared token;
- `send(account, to=, text=, key=)` hands one (possibly long) message to the gateway and returns
  its answer for the outbox's record. A long text is sent as one message: the gateway splits it
  into a concatenated SMS, so it reaches the phone as one.
Long inbound messages may arrive in parts (concatenated SMS the gateway did not join); each part
names its `reference`, `part` and `parts`, and the conversation sees the joined text once the last
part is in (services_sms.take_part).

The generic HTTP gateway (GenericHttpGateway), configured by the region's ChannelSettings:
- outbound: POST <gateway_url> with `Authorization: Bearer <api_key>` and JSON
  `{"to": "+62812…", "from": <sender>, "text": "…", "reference": "<delivery key>"}`; any 2xx is
  accepted, its JSON `id` (if any) kept as the receipt;
- inbound: POST /channels/<region>/sms/ with header `X-Laksana-Token: <secret token>` and JSON or
  form fields `id` (the gateway's message id), `from`, `text`, and for a part of a long message
  `ref`, `part` (1-based) and `parts`.
"""

import json
from dataclasses import dataclass

from laksana.notify.channels import PermanentError

from .models import ChannelSettings

MAX_PARTS = 10


class Malformed(Exception):
    """The inbound request is not a message of this gateway."""


@dataclass
class InboundSms:
    message_id: str
    sender: str
    text: str
    reference: str = ""
    part: int = 1
    parts: int = 1


class Gateway:
    def parse(self, request) -> InboundSms:
        raise NotImplementedError

    def send(self, account: ChannelSettings, *, to: str, text: str, key: str) -> str:
        raise NotImplementedError


class GenericHttpGateway(Gateway):
    def parse(self, request) -> InboundSms:
        if request.content_type == "application/json":
            try:
                fields = json.loads(request.body)
            except ValueError:
                raise Malformed("not JSON") from None
            if not isinstance(fields, dict):
                raise Malformed("not an object")
        else:
            fields = request.POST
        message_id = str(fields.get("id") or "").strip()
        sender = str(fields.get("from") or "").strip()
        text = str(fields.get("text") or "")
        digits = sender.lstrip("+")
        if (
            not message_id
            or len(message_id) > 150
            or not digits.isdigit()
            or not 8 <= len(digits) <= 15
        ):
            raise Malformed("id or from missing")
        try:
            part, parts = int(fields.get("part") or 1), int(fields.get("parts") or 1)
        except (TypeError, ValueError):
            raise Malformed("part/parts not numbers") from None
        if not (1 <= part <= parts <= MAX_PARTS):
            raise Malformed("part out of range")
        reference = str(fields.get("ref") or "")[:64]
        if parts > 1 and not reference:
            raise Malformed("a part without ref")
        return InboundSms(message_id, sender, text[:1600], reference, part, parts)

    def send(self, account: ChannelSettings, *, to: str, text: str, key: str) -> str:
        from .transport import _json, request

        if not account.gateway_url:
            raise PermanentError("the region's SMS gateway has no URL")
        status, content = request(
            "POST",
            account.gateway_url,
            body={"to": to, "from": account.sender, "text": text, "reference": key},
            headers={"Authorization": f"Bearer {account.api_key}"},
        )
        return f"HTTP {status} {_json(content).get('id', '')}".strip()[:500]


def gateway(account: ChannelSettings | None = None) -> Gateway:
    """The adapter of a region's gateway. One implementation today; a provider whose API differs
    gets its own Gateway subclass chosen here."""
    return GenericHttpGateway()
