"""The providers' webhooks: check who is calling before anything is read or stored, turn the
documented payloads into `Incoming` messages, hand them to the conversation (services.receive).

Answers: 403 for a wrong signature or token (nothing stored); 404 for a region or channel not
switched on; 200 for every well-signed payload, also one we do not understand (logged, stored
nowhere), because WhatsApp and Telegram retry anything else for days.
"""

import hashlib
import hmac
import json
import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from laksana.regions.models import Region

from . import services, sms, transport
from .models import ChannelSettings, Provider
from .services import Incoming
from .whatsapp import undelivered

log = logging.getLogger("laksana.channels")


def _account(region_slug: str, provider: str) -> tuple[Region, ChannelSettings]:
    region = Region.objects.filter(slug=region_slug).first()
    account = services.settings_for(region.id, provider) if region else None
    if account is None:
        raise Http404
    return region, account


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _ok() -> HttpResponse:
    return HttpResponse(status=200)


def _refuse(provider: str, region: Region, why: str) -> HttpResponse:
    log.warning("channels: %s webhook of %s refused: %s", provider, region.slug, why)
    return HttpResponse(status=403)


# ---------------------------------------------------------------------------------------------
# WhatsApp


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest, region_slug: str) -> HttpResponse:
    region, account = _account(region_slug, Provider.WHATSAPP)
    if request.method == "GET":
        # Meta's verification handshake when the webhook is set up.
        if request.GET.get("hub.mode") == "subscribe" and _same(
            request.GET.get("hub.verify_token", ""), account.verify_token
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return _refuse("whatsapp", region, "verify token")
    body = request.body
    expected = "sha256=" + hmac.new(account.app_secret.encode(), body, hashlib.sha256).hexdigest()
    if not account.app_secret or not _same(
        request.headers.get("X-Hub-Signature-256", ""), expected
    ):
        return _refuse("whatsapp", region, "signature")
    try:
        payload = json.loads(body)
        messages = parse_whatsapp(payload, account)
        failed = failed_whatsapp(payload, account)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        log.warning("channels: malformed whatsapp payload for %s: %s", region.slug, exc)
        return _ok()
    for message in messages:
        services.receive(
            region, message, fetch_media=lambda m: transport.whatsapp_media(account, m)
        )
    for wamid, code, title in failed:
        done = undelivered(region.id, wamid, code, title)
        log.info("channels: whatsapp message failed with %s: %s", code, done)
    return _ok()


def failed_whatsapp(payload: dict, account: ChannelSettings) -> list[tuple[str, int, str]]:
    """(message id, error code, title) of each `failed` delivery status of a webhook for this
    account's number (the others, sent/delivered/read, need nothing)."""
    found = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            number_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            if change.get("field") != "messages" or number_id != account.phone_number_id:
                continue
            for status in value.get("statuses") or []:
                if not isinstance(status, dict) or status.get("status") != "failed":
                    continue
                for error in status.get("errors") or [{}]:
                    code = error.get("code") if isinstance(error, dict) else None
                    title = str(error.get("title") or "")[:100] if isinstance(error, dict) else ""
                    found.append((str(status.get("id") or ""), code, title))
    return found


def parse_whatsapp(payload: dict, account: ChannelSettings) -> list[Incoming]:
    """The citizen messages of a Cloud API webhook (entry → changes → value → messages).
    Delivery statuses and other fields carry none; a change for another phone number (another
    region's) is skipped."""
    messages = []
    if payload.get("object") != "whatsapp_business_account":
        raise ValueError(f"object {str(payload.get('object'))[:40]!r}")
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "messages" or "messages" not in value:
                continue
            number_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            if number_id != account.phone_number_id:
                log.warning("channels: whatsapp message for another phone number id skipped")
                continue
            for item in value["messages"]:
                found = _whatsapp_message(item)
                if found is not None:
                    messages.append(found)
    return messages


def _whatsapp_message(item: dict) -> Incoming | None:
    kind, sender, message_id = item.get("type"), str(item["from"]), str(item["id"])
    if not sender.isdigit() or not message_id:
        raise ValueError("message without sender or id")
    message = Incoming(provider=Provider.WHATSAPP, message_id=message_id, sender=sender)
    if kind == "text":
        message.text = str(item["text"]["body"])
    elif kind == "location":
        message.lat = float(item["location"]["latitude"])
        message.lng = float(item["location"]["longitude"])
    elif kind == "image":
        message.media = str(item["image"]["id"])
        message.text = str(item["image"].get("caption") or "")
    elif kind == "interactive":
        reply = item["interactive"].get("list_reply") or item["interactive"].get("button_reply")
        message.choice, message.text = str(reply["id"]), str(reply.get("title") or "")
    elif kind == "button":
        message.text = str(item["button"].get("text") or "")
    else:
        log.info("channels: whatsapp message of type %s not understood", str(kind)[:30])
        message.text = ""
    return message


# ---------------------------------------------------------------------------------------------
# Telegram


@csrf_exempt
@require_http_methods(["POST"])
def telegram(request: HttpRequest, region_slug: str) -> HttpResponse:
    region, account = _account(region_slug, Provider.TELEGRAM)
    if not _same(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), account.secret_token):
        return _refuse("telegram", region, "secret token")
    try:
        message = parse_telegram(json.loads(request.body))
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        log.warning("channels: malformed telegram update for %s: %s", region.slug, exc)
        return _ok()
    if message is not None:
        services.receive(region, message, fetch_media=lambda f: transport.telegram_file(account, f))
    return _ok()


def parse_telegram(update: dict) -> Incoming | None:
    """A private chat's message of an Update; other updates (edits, groups, callbacks) carry
    none. Keyed by update_id, unique per bot (and a region has its own bot)."""
    update_id = int(update["update_id"])
    item = update.get("message")
    if not item:
        return None
    chat = item["chat"]
    if chat.get("type") != "private":
        return None
    message = Incoming(
        provider=Provider.TELEGRAM, message_id=str(update_id), sender=str(int(chat["id"]))
    )
    if "text" in item:
        message.text = str(item["text"])
    elif "location" in item:
        message.lat = float(item["location"]["latitude"])
        message.lng = float(item["location"]["longitude"])
    elif item.get("photo"):
        message.media = str(item["photo"][-1]["file_id"])  # the largest size comes last
        message.text = str(item.get("caption") or "")
    return message


# ---------------------------------------------------------------------------------------------
# SMS


@csrf_exempt
@require_http_methods(["POST"])
def sms_inbound(request: HttpRequest, region_slug: str) -> HttpResponse:
    region, account = _account(region_slug, Provider.SMS)
    if not _same(request.headers.get("X-Laksana-Token", ""), account.secret_token):
        return _refuse("sms", region, "token")
    try:
        part = sms.gateway(account).parse(request)
    except sms.Malformed as exc:
        log.warning("channels: malformed SMS webhook for %s: %s", region.slug, exc)
        return HttpResponse(status=400)
    message = services.take_sms_part(region, part)
    if message is not None:
        services.receive(region, message)
    return _ok()
