"""Chat citizens for the demo: WhatsApp and Telegram conversations against local stand-ins.

`laksana demo` runs the providers' stand-in (laksana/channels/standins.py) on a free 127.0.0.1
port, points WHATSAPP_GRAPH_URL and TELEGRAM_API_URL at it in the demo process only (DEBUG only,
never in production settings), and switches WhatsApp and Telegram on for Kota Tangerang with
the demo's own secrets. With `--simulate`, `run` then plays a whole citizen conversation every
so often through the real webhooks, over HTTP on the served site, signed as the providers sign
(WhatsApp's X-Hub-Signature-256 with the app secret, Telegram's secret-token header):
hello → what happened → a shared location → a photo or LEWATI → the category → the tracking
number; now and then a "status TNG-…" of an earlier report. The replies go out through the
outbox (the demo's worker) to the stand-in, which prints one line per message it receives.
"""

import hashlib
import hmac
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection

from laksana.agencies.models import Category
from laksana.channels import services as channels
from laksana.channels.models import ChannelSettings, ChatReport, Conversation, Provider
from laksana.channels.standins import ProviderStandIn
from laksana.complaints.models import Kind
from laksana.demo.services import TEXTS, _random_point
from laksana.regions.models import Area, Region

log = logging.getLogger("laksana.demo")

# The demo's provider accounts (demo secrets: they open nothing but the stand-in).
WHATSAPP = {
    "phone_number_id": "100000001",
    "access_token": "demo-whatsapp-access-token",
    "app_secret": "demo-whatsapp-app-secret",
    "verify_token": "demo-whatsapp-verify-token",
}
TELEGRAM = {"bot_token": "100000001:DEMO-telegram-bot-token", "secret_token": "demo-tg-secret"}
TIMEOUT_SECONDS = 15  # one webhook request of the played conversation
STATUS_CHANCE = 0.25  # of a round: a status query of an earlier report instead of a new one


class ChatFailed(Exception):
    pass


def start_stand_in(on_message: Callable[[str, str, str], None] | None = None) -> ProviderStandIn:
    """The providers' stand-in on a free 127.0.0.1 port, knowing the demo's credentials."""
    return ProviderStandIn(
        bot_token=TELEGRAM["bot_token"],
        access_token=WHATSAPP["access_token"],
        on_message=on_message,
        keep=200,
    )


def demo_settings(stand_in: ProviderStandIn) -> dict:
    """The settings the demo process runs with so its chat replies reach the stand-in."""
    return {
        "WHATSAPP_GRAPH_URL": f"{stand_in.url}/v21.0",
        "TELEGRAM_API_URL": stand_in.url,
        "WEBHOOK_ALLOW_HTTP": True,
        "WEBHOOK_ALLOWED_NETWORKS": (*settings.WEBHOOK_ALLOWED_NETWORKS, "127.0.0.1/32"),
    }


def use_stand_in(stand_in: ProviderStandIn) -> None:
    """Point this process's settings at the stand-in: the demo's, with DEBUG only."""
    if not settings.DEBUG:
        raise RuntimeError("the chat stand-ins are for the demo (DEBUG=1) only")
    for name, value in demo_settings(stand_in).items():
        setattr(settings, name, value)


def switch_on(region: Region) -> None:
    """WhatsApp and Telegram on for the region, with the demo's credentials (idempotent)."""
    for provider, fields in ((Provider.WHATSAPP, WHATSAPP), (Provider.TELEGRAM, TELEGRAM)):
        ChannelSettings.objects.update_or_create(
            region=region, provider=provider, defaults={"enabled": True, **fields}
        )
    channels.forget_settings(region.id)


def one_line(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass
class Finished:
    provider: str
    sender: str
    number: str


class ChatCitizens:
    """Plays citizens' conversations through the webhooks of the site at `base`."""

    def __init__(
        self,
        region: Region,
        base: str,
        *,
        seed: int | None = None,
        pause: float = 1.5,
        stop=None,
        stand_in: ProviderStandIn | None = None,
    ):
        self.region, self.base = region, base.rstrip("/")
        # Meta hears a citizen's message before its webhook: the stand-in, told of each one,
        # opens that citizen's 24-hour window for free text (laksana/channels/whatsapp.py).
        self.stand_in = stand_in
        self.rng = random.Random(seed)
        self.pause = pause  # seconds between a citizen's messages
        self.stop = stop or threading.Event()
        self.texts = json.loads(TEXTS.read_text(encoding="utf-8"))
        self.categories = list(Category.objects.filter(region=region, is_public=True))
        self.kelurahan = [
            a for a in Area.objects.filter(region=region, level=Area.Level.KELURAHAN) if a.boundary
        ]
        self.finished: deque[Finished] = deque(maxlen=20)
        self._last_id = 0

    # --- one round

    def step(self) -> str:
        """A new conversation (WhatsApp or Telegram), or now and then a status query; what
        happened, in one line."""
        if self.finished and self.rng.random() < STATUS_CHANCE:
            return self.status_query(self.rng.choice(list(self.finished)))
        provider = self.rng.choice([Provider.WHATSAPP, Provider.TELEGRAM])
        return self.conversation(provider)

    def conversation(self, provider: str, *, photo: bool | None = None) -> str:
        category = self.rng.choice(self.categories)
        area = self.rng.choice(self.kelurahan)
        texts = self.texts["categories"].get(category.code) or self.texts["categories"]["LAINNYA"]
        fill = {
            "street": self.rng.choice(self.texts["streets"]),
            "landmark": self.rng.choice(self.texts["landmarks"]),
            "kelurahan": area.name,
            "kecamatan": area.parent.name if area.parent_id else "",
        }
        description = self.rng.choice(texts[Kind.COMPLAINT])["description"].format(**fill)
        lat, lng = _random_point(area, self.rng)
        if photo is None:
            photo = self.rng.random() < 0.5
        sender = self._sender(provider)
        say = self._whatsapp if provider == Provider.WHATSAPP else self._telegram
        say(sender, text=self.rng.choice(["Halo", "Selamat pagi", "Permisi", "halo"]))
        say(sender, text=description)
        say(sender, location=(lat, lng))
        if photo:
            say(sender, photo=True)
        else:
            say(sender, text="LEWATI")
        offered = channels.offered_categories(self.region, description)
        if category in offered:
            n = offered.index(category) + 1
            say(sender, choice=(n, category))
        else:
            say(sender, text=category.name)  # typed: the conversation matches names too
        number = self._number(provider, sender)
        self.finished.append(Finished(provider, sender, number))
        return f"{provider} conversation of {category.name} in {area.name}: {number}"

    def status_query(self, earlier: Finished) -> str:
        say = self._whatsapp if earlier.provider == Provider.WHATSAPP else self._telegram
        say(earlier.sender, text=f"status {earlier.number}")
        return f"{earlier.provider} status query of {earlier.number}"

    # --- the citizen's side

    def _sender(self, provider: str) -> str:
        if provider == Provider.WHATSAPP:
            return f"628{self.rng.randrange(11, 99)}{self.rng.randrange(10**7, 10**8)}"
        return str(self.rng.randrange(10**8, 10**10))

    def _next_id(self) -> int:
        """Unique across demo runs too (the webhooks drop a message id seen before)."""
        self._last_id = max(self._last_id + 1, time.time_ns() // 1000)
        return self._last_id

    def _number(self, provider: str, sender: str) -> str:
        conversation = Conversation.objects.filter(
            region=self.region,
            provider=provider,
            sender_hash=channels.sender_hash(provider, sender),
        ).first()
        report = (
            ChatReport.objects.filter(conversation=conversation)
            .select_related("complaint")
            .order_by("-id")
            .first()
            if conversation
            else None
        )
        if report is None:
            step = conversation.step if conversation else "none"
            raise ChatFailed(f"{provider}: no complaint at the end (step {step})")
        return report.complaint.number

    def _post(self, path: str, raw: bytes, headers: dict) -> None:
        if self.stop.is_set():
            raise ChatFailed("stopping")
        request = urllib.request.Request(
            f"{self.base}/channels/{self.region.slug}/{path}/",
            data=raw,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise ChatFailed(f"{path} webhook answered {exc.code}") from None
        except OSError as exc:
            raise ChatFailed(f"{path} webhook: {exc}") from None
        if self.pause:
            self.stop.wait(self.rng.uniform(0.5, 1.5) * self.pause)

    def _whatsapp(self, sender, *, text=None, location=None, photo=False, choice=None) -> None:
        message = {"from": sender, "id": f"wamid.DEMO{uuid.uuid4().hex}", "timestamp": "0"}
        if location:
            message |= {
                "type": "location",
                "location": {"latitude": location[0], "longitude": location[1]},
            }
        elif photo:
            media = f"MEDIA{self._next_id()}"
            message |= {"type": "image", "image": {"id": media, "mime_type": "image/jpeg"}}
        elif choice:
            _n, category = choice
            reply = {"id": f"cat:{category.code}", "title": category.name[:24]}
            message |= {
                "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": reply},
            }
        else:
            message |= {"type": "text", "text": {"body": text}}
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA-DEMO",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "62215550000",
                                    "phone_number_id": WHATSAPP["phone_number_id"],
                                },
                                "contacts": [{"profile": {"name": "Warga"}, "wa_id": sender}],
                                "messages": [message],
                            },
                        }
                    ],
                }
            ],
        }
        if self.stand_in is not None:
            self.stand_in.citizen_wrote(sender)
        raw = json.dumps(payload).encode()
        secret = WHATSAPP["app_secret"].encode()
        signature = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
        self._post("whatsapp", raw, {"X-Hub-Signature-256": signature})

    def _telegram(self, sender, *, text=None, location=None, photo=False, choice=None) -> None:
        update_id = self._next_id()
        chat = {"id": int(sender), "type": "private", "first_name": "Warga"}
        message = {
            "message_id": update_id % 100_000,
            "from": {"id": int(sender), "is_bot": False, "first_name": "Warga"},
            "chat": chat,
            "date": int(time.time()),
        }
        if location:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        elif photo:
            message["photo"] = [
                {"file_id": f"small-{update_id}", "file_unique_id": "s", "width": 90, "height": 67},
                {
                    "file_id": f"large-{update_id}",
                    "file_unique_id": "l",
                    "width": 1280,
                    "height": 960,
                },
            ]
        elif choice:
            n, category = choice
            message["text"] = f"{n}. {category.name}"[:64]  # the reply keyboard's button
        else:
            message["text"] = text
        raw = json.dumps({"update_id": update_id, "message": message}).encode()
        self._post("telegram", raw, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM["secret_token"]})


def _wait_until_served(base: str, stop: threading.Event, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5).close()
            return True
        except OSError:
            stop.wait(1)
    return False


def run(
    region: Region,
    base: str,
    stop: threading.Event,
    *,
    say: Callable[[str], None] = print,
    mean_interval: float = 40.0,
    seed: int | None = None,
    stand_in: ProviderStandIn | None = None,
) -> None:
    """Play chat citizens until `stop` is set, one round every `mean_interval` seconds on
    average. A round that fails is logged and the next one comes; nothing here stops the demo."""
    try:
        if not _wait_until_served(base, stop):
            return
        citizens = ChatCitizens(region, base, seed=seed, stop=stop, stand_in=stand_in)
        while not stop.wait(citizens.rng.expovariate(1 / mean_interval)):
            close_old_connections()
            try:
                say(f"  [chat] {citizens.step()}")
            except ChatFailed as exc:
                if not stop.is_set():
                    say(f"  [chat] a conversation failed: {exc}")
            except Exception as exc:  # the demo must keep living through one bad round
                log.exception("demo chats: round failed")
                say(f"  [chat] a conversation failed: {type(exc).__name__}: {exc}")
    except Exception:
        log.exception("demo chats: stopped")
    finally:
        connection.close()
