"""Every environment setting Laksana reads, declared once with its default and help text.

settings.py reads them through `env()`; the README's configuration table must list each one (a test
checks it), so an operator never has to read code to configure a deployment.
"""

import math
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "DEBUG",
            "0",
            "1 for development: detailed error pages, insecure default secret allowed.",
        ),
        Setting(
            "SECRET_KEY",
            "",
            "Django's signing key. Required when DEBUG=0 (may come from SECRET_KEY_FILE instead).",
        ),
        Setting(
            "SECRET_KEY_FILE", "", "Path of a file holding SECRET_KEY (for container secrets)."
        ),
        Setting(
            "DATABASE_URL",
            "sqlite:///<LAKSANA_DATA_DIR>/laksana.sqlite3",
            "Database: sqlite:///path or postgres://user:pass@host:5432/name.",
        ),
        Setting(
            "LAKSANA_DATA_DIR",
            "./var",
            "Folder for the embedded SQLite database, uploaded files and the demo secret.",
        ),
        Setting("ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served."),
        Setting(
            "CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://laksana.example.go.id)."
        ),
        Setting(
            "HTTPS",
            "0",
            "1 when the site is served over HTTPS (production): Secure session and CSRF cookies, "
            "HSTS, redirect of plain HTTP to HTTPS.",
        ),
        Setting(
            "BEHIND_HTTPS_PROXY",
            "0",
            "1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto: https "
            "(only then is that header trusted).",
        ),
        Setting(
            "HSTS_SECONDS",
            "31536000",
            "With HTTPS=1: how long browsers must use HTTPS only (Strict-Transport-Security).",
        ),
        Setting(
            "HSTS_INCLUDE_SUBDOMAINS",
            "1",
            "With HTTPS=1: HSTS covers the subdomains of the site's host too (0 to limit it).",
        ),
        Setting(
            "HSTS_PRELOAD",
            "0",
            "With HTTPS=1: 1 to ask for the browsers' HSTS preload list (a decision of the owner "
            "of the registered domain; 0 silences Django's security.W021 reminder).",
        ),
        Setting("PORT", "8000", "Port that `laksana serve` and `laksana demo` listen on."),
        Setting("HOST", "127.0.0.1", "Address that `laksana serve` and `laksana demo` bind."),
        Setting("WEB_WORKERS", "1", "Number of ASGI worker processes for `laksana serve`."),
        Setting(
            "WEB_CONNECTIONS",
            "2048",
            "Requests one web worker of `laksana serve` handles at once, open live streams "
            "included (granian's backpressure; its own default, 1,024 ÷ workers, left the 513th "
            "stream of a worker of two waiting forever). The listen backlog is as large.",
        ),
        Setting(
            "WEB_GRACEFUL_TIMEOUT",
            "10",
            "Seconds `laksana serve` waits for open requests on stop before killing a worker "
            "(live streams are told to reconnect at once).",
        ),
        Setting(
            "CONFIG_CACHE_SECONDS",
            "10",
            "Seconds a process keeps a region's configuration (categories, deadline rules, "
            "webhook endpoints) between requests; a change in the same process applies at once.",
        ),
        Setting("MEDIA_ROOT", "<LAKSANA_DATA_DIR>/media", "Where uploaded photos are stored."),
        Setting("MAX_UPLOAD_MB", "10", "Largest photo accepted, in megabytes."),
        Setting(
            "MAX_PHOTO_MEGAPIXELS",
            "16",
            "Most pixels a photo may decode to, in millions (JPEG counted after reduced decoding).",
        ),
        Setting(
            "PHOTO_LINK_MINUTES",
            "15",
            "How long a signed address of a non-public photo opens it (staff pages and API, the "
            "reporter's tracking page).",
        ),
        Setting("LANGUAGE_CODE", "id", "Default language (id = Bahasa Indonesia, en = English)."),
        Setting(
            "MAP_TILE_URL",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "Map tile URL template; empty to show boundaries only.",
        ),
        Setting("LOG_LEVEL", "INFO", "Log level of Laksana's own loggers."),
        Setting(
            "RATE_LIMIT_EXEMPT_ADDRESSES",
            "",
            "Comma-separated client addresses that public rate limits never refuse (a trusted "
            "gateway of the region's own, or the benchmark's load generator).",
        ),
        Setting(
            "WEBHOOK_ALLOW_HTTP",
            "0",
            "1 to allow webhook endpoints on plain http:// (default: https:// only).",
        ),
        Setting(
            "WEBHOOK_ALLOWED_NETWORKS",
            "",
            "Comma-separated networks (CIDR) webhooks may reach although they are not public "
            "(e.g. 10.20.0.0/16 for an agency server on the city's network). Loopback, private, "
            "link-local and cloud-metadata addresses are refused unless listed here.",
        ),
        Setting(
            "VAPID_PRIVATE_KEY",
            "",
            "Web Push (staff alerts on their phones): the VAPID private key, base64url of the raw "
            "32-byte P-256 key (or VAPID_PRIVATE_KEY_FILE). Empty: generated once into "
            "<LAKSANA_DATA_DIR>/vapid-private.txt when DEBUG=1 (the demo), else push is off.",
        ),
        Setting(
            "VAPID_PUBLIC_KEY",
            "",
            "Web Push: the VAPID public key (base64url, uncompressed point) browsers subscribe "
            "with; empty to derive it from the private key (a mismatch is an error).",
        ),
        Setting(
            "VAPID_SUBJECT",
            "mailto:laksana@localhost",
            "Web Push: who push services contact about this sender (mailto: or https: URL).",
        ),
        Setting(
            "PUBLIC_URL",
            "http://127.0.0.1:8000",
            "The site's address as citizens reach it; chat replies (WhatsApp, Telegram, SMS) "
            "link to the tracking page under it.",
        ),
        Setting(
            "WHATSAPP_GRAPH_URL",
            "https://graph.facebook.com/v21.0",
            "Base of the WhatsApp Cloud API (Meta's Graph API, with its version).",
        ),
        Setting(
            "TELEGRAM_API_URL",
            "https://api.telegram.org",
            "Base of the Telegram Bot API.",
        ),
        Setting(
            "DATABASE_POOL",
            "0",
            "1 to keep a pool of PostgreSQL connections per process instead of one per request.",
        ),
        Setting("DATABASE_POOL_SIZE", "10", "Largest number of pooled connections per process."),
        Setting("EMAIL_HOST", "localhost", "SMTP server for notifications (DEBUG prints mail)."),
        Setting("EMAIL_PORT", "25", "SMTP port."),
        Setting("EMAIL_HOST_USER", "", "SMTP user name, if the server needs one."),
        Setting("EMAIL_HOST_PASSWORD", "", "SMTP password (or EMAIL_HOST_PASSWORD_FILE)."),
        Setting("EMAIL_USE_TLS", "0", "1 to use STARTTLS."),
        Setting(
            "DEFAULT_FROM_EMAIL", "Laksana <laksana@localhost>", "Sender of notification e-mail."
        ),
        Setting(
            "ROUTING_FIT_DIR",
            "",
            "A folder the processes of this machine share the routing models they fit in: rows "
            "one process fitted (the starter corpus of regions adopted from one template, a "
            "retrain without new history) are read there by the others instead of fitted "
            "again. Empty: each process remembers its own fits only.",
        ),
        Setting(
            "ROUTING_DUPLICATE_METRES",
            "200",
            "Possible duplicates: default radius in metres around a report's place.",
        ),
        Setting(
            "ROUTING_DUPLICATE_RADII",
            "POHON=100,BANJIR=500,KEBAKARAN=300,PENCEMARAN=500,JALAN-RUSAK=150",
            "Possible duplicates: radius per category code (CODE=metres, comma-separated; an "
            "item that is not a code and a positive number is ignored).",
        ),
        Setting(
            "ROUTING_DUPLICATE_HOURS",
            "72",
            "Possible duplicates: default hours either side of a report's submission to look in.",
        ),
        Setting(
            "ROUTING_DUPLICATE_WINDOWS",
            "KEBAKARAN=12,POHON=24,BANJIR=48,DRAINASE=168,JALAN-RUSAK=336,JEMBATAN=336,PJU=336",
            "Possible duplicates: hours per category code (CODE=hours, comma-separated, as the "
            "radii): a fallen tree is cleared within a day, a flood lasts a couple of days, a "
            "broken road or street light is reported again for weeks.",
        ),
        Setting(
            "LIVE_ACK_TARGET_MINUTES",
            "15",
            "Minutes within which an agency's liaison should acknowledge a disposition.",
        ),
        Setting(
            "LIVE_BURST_COUNT",
            "5",
            "Wall alarm: this many reports of one category in one kelurahan within the window.",
        ),
        Setting("LIVE_BURST_MINUTES", "60", "Wall alarm: the window of a burst, in minutes."),
        Setting(
            "LIVE_OVERDUE_JUMP",
            "5",
            "Wall alarm: an agency with this many complaints newly overdue today, and more than "
            "twice its daily average of the week before.",
        ),
    ]
}


SECRET_FROM_FILE = {"SECRET_KEY", "EMAIL_HOST_PASSWORD", "VAPID_PRIVATE_KEY"}


def env(name: str) -> str:
    """The value of a declared setting: the environment first, then its documented default."""
    setting = SETTINGS[name]
    value = os.environ.get(name)
    secret_file = os.environ.get(f"{name}_FILE")
    if value is None and name in SECRET_FROM_FILE and secret_file:
        value = Path(secret_file).read_text().strip()
    return setting.default if value is None else value


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


def env_numbers(name: str) -> dict[str, float]:
    """A comma-separated CODE=number setting as {CODE: number}, codes upper-cased. An item
    without a code or with anything but a positive finite number is skipped, so one typo in
    an operator's list costs that item only, never the page that reads it."""
    numbers = {}
    for item in env_list(name):
        code, _sep, text = item.partition("=")
        try:
            value = float(text)
        except ValueError:
            continue
        if code.strip() and math.isfinite(value) and value > 0:
            numbers[code.strip().upper()] = value
    return numbers
