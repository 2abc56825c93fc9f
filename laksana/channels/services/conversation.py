"""The conversation's steps: what each message fills in, what is asked next, the submission,
the status question and the answer to a question from staff."""

import hashlib
import logging
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.agencies.models import Category
from laksana.common import clock, ratelimit
from laksana.common.errors import DomainError, ValidationFailed
from laksana.common.timefmt import local_iso
from laksana.complaints import services as complaints
from laksana.complaints.models import Complaint, Status
from laksana.complaints.services.core import MIN_DESCRIPTION, Citizen
from laksana.regions.models import Area, Region
from laksana.regions.services import locate

from ..models import ChatReport, Conversation, Provider
from .base import Incoming, Reply, clear, discard_photo

log = logging.getLogger("laksana.channels")
Step = Conversation.Step

MAX_OPTIONS = 9  # one digit to type; WhatsApp lists hold 10 rows
CONFIDENT = 0.5  # the routing model's confidence from which the conversation proposes its guess
GREETINGS = {
    "halo", "hallo", "hai", "hi", "hello", "p", "pagi", "siang", "sore", "malam", "start",
    "/start", "mulai", "lapor", "assalamualaikum", "selamat pagi", "selamat siang",
    "selamat sore", "selamat malam", "permisi", "menu",
}  # fmt: skip
SKIP_WORDS = {"lewati", "tidak", "tidak ada", "skip", "lanjut", "-"}
KELURAHAN_PREFIX = re.compile(r"^(?:kelurahan|kel\.?|desa|ds\.?)\s+", re.IGNORECASE)
NUMBER_FIRST = re.compile(r"^\s*(\d{1,2})\b")


def converse(conversation: Conversation, message: Incoming, photo: str | None) -> list[Reply]:
    text = " ".join((message.text or "").split())
    word = text.upper().rstrip(".!?, ")
    if word == "BERHENTI":
        clear(conversation)
        conversation.opted_out = True
        return [Reply(_("Anda tidak akan menerima pesan lagi dari kami. Kirim MULAI bila ingin "
                        "melapor atau menerima kabar lagi."))]  # fmt: skip
    if conversation.opted_out:
        if word != "MULAI":
            discard_photo(photo)
            return []  # they asked for silence
        conversation.opted_out = False
    status = re.match(r"^status\s+(\S+)$", text, re.IGNORECASE)
    if status:
        discard_photo(photo)
        return [_status(conversation, status.group(1).upper())]
    if word == "BATAL":
        discard_photo(photo)
        had = conversation.step != Step.IDLE
        clear(conversation)
        if had:
            return [Reply(_("Laporan dibatalkan. Kirim pesan kapan saja untuk melapor lagi."))]
        return [Reply(_("Tidak ada laporan yang sedang diisi."))]
    if conversation.step == Step.IDLE:
        waiting = _waiting_complaint(conversation)
        if waiting is not None and text and word not in GREETINGS_UPPER:
            discard_photo(photo)
            complaints.answer(complaint=waiting, text=text)
            return [
                Reply(
                    _(
                        "Terima kasih. Jawaban Anda untuk laporan %(number)s sudah kami teruskan "
                        "ke petugas."
                    )
                    % {"number": waiting.number}  # fmt: skip
                )
            ]
        conversation.step = Step.DESCRIPTION
        conversation.draft = {}
        if message.provider == Provider.SMS:
            conversation.draft["photo_skipped"] = True
    replies = _fill(conversation, message, text, photo)
    return replies + _next(conversation, message)


GREETINGS_UPPER = {g.upper() for g in GREETINGS}


def _fill(conversation: Conversation, message: Incoming, text: str, photo: str | None) -> list:
    """Put what this message says into the draft; returns replies about what was refused."""
    draft, region, replies = conversation.draft, conversation.region, []
    if photo is not None:
        if photo:
            discard_photo(draft.get("photo"))
            draft["photo"] = photo
        else:
            replies.append(Reply(_("Foto tidak dapat kami baca (kirim JPEG, PNG atau WebP).")))
    if message.lat is not None and message.lng is not None:
        try:
            area = locate(region, lat=message.lat, lng=message.lng)
        except ValidationFailed as exc:
            replies.append(Reply(str(exc.detail)))
        else:
            draft.update(lat=message.lat, lng=message.lng, place=area.name if area else "")
            draft.pop("area", None)
    if text.upper().startswith("LAPOR "):
        replies += _keyword(conversation, text[6:].strip())
        return replies
    answer = message.choice or text
    if not answer:
        return replies
    step = conversation.step
    if step == Step.DESCRIPTION and "description" not in draft:
        if text.lower().rstrip(".!?, ") in GREETINGS:
            return replies
        if len(text) < MIN_DESCRIPTION:
            replies.append(
                Reply(
                    _("Ceritakan sedikit lebih rinci (paling sedikit %(n)d karakter).")
                    % {"n": MIN_DESCRIPTION}
                )  # fmt: skip
            )
            return replies
        draft["description"] = text
    elif step == Step.LOCATION:
        replies += _choose_area(conversation, answer)
    elif step == Step.PHOTO:
        if answer.lower() in SKIP_WORDS:
            draft["photo_skipped"] = True
    elif step == Step.CATEGORY:
        replies += _choose_category(conversation, answer)
    return replies


def _next(conversation: Conversation, message: Incoming) -> list[Reply]:
    """Ask for the first thing the report still lacks, or submit it."""
    draft = conversation.draft
    if "description" not in draft:
        conversation.step = Step.DESCRIPTION
        return [
            Reply(
                _(
                    "Halo, ini layanan pengaduan %(region)s. Ceritakan apa yang terjadi (satu "
                    'pesan). Ketik BATAL untuk membatalkan, atau "status <nomor>" untuk melihat '
                    "status laporan."
                )
                % {"region": conversation.region.name}  # fmt: skip
            )
        ]
    if "lat" not in draft and "area" not in draft:
        conversation.step = Step.LOCATION
        if draft.get("area_choices"):
            return [_area_question(draft["area_choices"])]
        return [
            Reply(
                _("Di mana lokasinya? Bagikan lokasi, atau ketik nama kelurahan."),
                ask_location=message.provider != Provider.SMS,
            )
        ]
    if "photo" not in draft and not draft.get("photo_skipped"):
        conversation.step = Step.PHOTO
        return [Reply(_("Kirim foto kejadian bila ada, atau ketik LEWATI."))]
    if "category" not in draft:
        conversation.step = Step.CATEGORY
        return [_category_question(conversation)]
    return _submit(conversation, message)


# --- location


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", KELURAHAN_PREFIX.sub("", name.strip().lower()))


def _kelurahan(region: Region) -> list[Area]:
    return list(
        Area.objects.filter(region=region, level=Area.Level.KELURAHAN).select_related("parent")
    )


def _match_areas(areas: list[Area], text: str) -> list[Area]:
    wanted = _normal(text)
    if len(wanted) < 3:
        return []
    exact = [a for a in areas if _normal(a.name) == wanted]
    if exact:
        return exact
    return [a for a in areas if wanted in _normal(a.name)]


def _area_label(area: Area) -> str:
    return f"{area.name} ({area.parent.name})" if area.parent else area.name


def _area_question(choices: list[list[str]]) -> Reply:
    lines = [_("Kelurahan mana yang Anda maksud? Balas dengan angka:")]
    lines += [f"{i}. {label}" for i, (_code, label) in enumerate(choices, 1)]
    return Reply("\n".join(lines), options=[(f"area:{c}", label) for c, label in choices])


def _choose_area(conversation: Conversation, answer: str) -> list[Reply]:
    draft = conversation.draft
    choices = draft.get("area_choices") or []
    picked = _pick(answer, [c for c, _label in choices], prefix="area:")
    if picked:
        draft["area"] = picked
        draft["place"] = dict(choices)[picked]
        draft.pop("area_choices", None)
        return []
    found = _match_areas(_kelurahan(conversation.region), answer)
    if len(found) == 1:
        draft["area"], draft["place"] = found[0].code, found[0].name
        draft.pop("area_choices", None)
        return []
    if found:
        draft["area_choices"] = [[a.code, _area_label(a)] for a in found[:MAX_OPTIONS]]
        return []
    return [
        Reply(
            _('Kelurahan "%(name)s" tidak kami temukan di %(region)s.')
            % {"name": answer[:60], "region": conversation.region.name}
        )
    ]


def _pick(answer: str, codes: list[str], *, prefix: str) -> str | None:
    """The code an answer chooses: an interactive reply's id, or the number typed (also "2. …",
    a Telegram keyboard button's text)."""
    if answer.startswith(prefix) and answer[len(prefix) :] in codes:
        return answer[len(prefix) :]
    number = NUMBER_FIRST.match(answer)
    if number and 1 <= int(number.group(1)) <= len(codes):
        return codes[int(number.group(1)) - 1]
    return None


# --- category


def suggested_categories(region: Region, description: str) -> list[Category]:
    """The region's public categories: the routing model's suggestions first (when the region
    has a model), then those sharing most words with the description."""
    words = set(re.findall(r"[a-z]{3,}", description.lower()))
    categories = list(
        Category.objects.filter(region=region, is_public=True, is_active=True).order_by(
            "order", "name"
        )
    )

    def score(category: Category) -> int:
        vocabulary = set(
            re.findall(
                r"[a-z]{3,}", f"{category.name} {category.keywords} {category.group}".lower()
            )
        )
        return len(words & vocabulary)

    ranked = sorted(categories, key=lambda c: -score(c))
    guessed = [g.code for g in _model_guesses(region, description)]
    by_code = {c.code: c for c in ranked}
    first = [by_code[code] for code in guessed if code in by_code]
    return first + [c for c in ranked if c.code not in guessed]


def _model_guesses(region: Region, description: str) -> list:
    """The routing model's category guesses (routing.services.Guess), best first; none when
    the region has no model yet."""
    from laksana.routing.services import suggest

    suggestion = suggest(region, description) if description.strip() else None
    return suggestion.categories if suggestion else []


def offered_categories(region: Region, description: str) -> list[Category]:
    """The categories the conversation offers for this description, in the order shown."""
    return suggested_categories(region, description)[:MAX_OPTIONS]


def _category_question(conversation: Conversation) -> Reply:
    draft = conversation.draft
    description = draft.get("description", "")
    shown = offered_categories(conversation.region, description)
    draft["category_choices"] = [c.code for c in shown]
    guesses = _model_guesses(conversation.region, description)
    sure = guesses and guesses[0].confidence >= CONFIDENT and shown[0].code == guesses[0].code
    if sure:
        # The model proposes; the citizen confirms with "1" or picks another.
        lines = [
            _("Sepertinya laporan ini tentang “%(name)s”. Balas 1 bila benar, atau angka lain:")
            % {"name": shown[0].name}
        ]
    else:
        lines = [_("Pilih kategori laporan, balas dengan angka:")]
    lines += [f"{i}. {c.name}" for i, c in enumerate(shown, 1)]
    return Reply("\n".join(lines), options=[(f"cat:{c.code}", c.name) for c in shown])


def _match_category(region: Region, text: str) -> Category | None:
    wanted = text.strip().lower()
    if not wanted:
        return None
    categories = Category.objects.filter(region=region, is_public=True, is_active=True)
    for category in categories:
        code = category.code.lower()
        if wanted in (code, code.replace("-", ""), category.name.lower()):
            return category
    starting = [c for c in categories if c.code.lower().startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


def _choose_category(conversation: Conversation, answer: str) -> list[Reply]:
    draft = conversation.draft
    picked = _pick(answer, draft.get("category_choices") or [], prefix="cat:")
    if picked is None:
        category = _match_category(conversation.region, answer)
        picked = category.code if category else None
    if picked is None:
        return [Reply(_("Kategori itu tidak ada dalam daftar."))]
    draft["category"] = picked
    draft.pop("category_choices", None)
    return []


# --- the keyword format (any channel, SMS above all)


def _keyword(conversation: Conversation, rest: str) -> list[Reply]:
    """LAPOR <kategori> <kelurahan> <isi>: what matches fills the draft, the rest is asked."""
    draft, region = conversation.draft, conversation.region
    words = rest.split()
    if words:
        category = _match_category(region, words[0])
        if category is not None:
            draft["category"] = category.code
            words = words[1:]
    areas = _kelurahan(region)
    for size in (3, 2, 1):  # the longest run of words that names one kelurahan
        if len(words) > size and "lat" not in draft:
            found = [a for a in areas if _normal(a.name) == _normal(" ".join(words[:size]))]
            if len(found) == 1:
                draft["area"], draft["place"] = found[0].code, found[0].name
                words = words[size:]
                break
    description = " ".join(words)
    if len(description) >= MIN_DESCRIPTION:
        draft["description"] = description
    return []


# --- submitting


def _submit(conversation: Conversation, message: Incoming) -> list[Reply]:
    draft, region = conversation.draft, conversation.region
    limit = ratelimit.check("submit", f"chat:{conversation.sender_hash}")
    if not limit.allowed:
        return [Reply(_("Terlalu banyak laporan dari Anda. Coba lagi dalam %(n)d menit.")
                      % {"n": max(1, limit.retry_after // 60)})]  # fmt: skip
    phone = conversation.address if message.provider != Provider.TELEGRAM else ""
    # Not the first step of the conversation: the key is the message that completed the report.
    key = hashlib.sha256(
        f"{region.id}:{message.provider}:{message.message_id}".encode()
    ).hexdigest()
    try:
        submitted = complaints.submit(
            region=region,
            category_code=draft["category"],
            description=draft["description"],
            lat=draft.get("lat"),
            lng=draft.get("lng"),
            area_code=draft.get("area") if "lat" not in draft else None,
            phone=phone,
            channel=message.provider,
            idempotency_key=f"chat-{key[:40]}",
        )
    except ValidationFailed as exc:
        return _refused(conversation, exc)
    complaint = submitted.complaint
    ChatReport.objects.get_or_create(
        complaint=complaint,
        defaults={"region": region, "conversation": conversation, "created_at": clock.now()},
    )
    replies = []
    if draft.get("photo"):
        try:
            with default_storage.open(draft["photo"]) as upload:
                complaints.add_photo(complaint=complaint, actor=Citizen(), upload=upload)
        except DomainError as exc:
            replies.append(Reply(_("Foto tidak dapat disimpan: %(why)s") % {"why": exc.detail}))
    clear(conversation)
    link = settings.PUBLIC_URL + reverse(
        "portal:track", kwargs={"region_slug": region.slug, "token": submitted.token}
    )
    return [
        Reply(
            _(
                "Laporan Anda sudah kami terima. Nomor laporan: %(number)s\nPantau di: %(link)s\n"
                'Ketik "status %(number)s" kapan saja untuk melihat statusnya.'
            )
            % {"number": complaint.number, "link": link}  # fmt: skip
        ),
        *replies,
    ]


def _refused(conversation: Conversation, exc: ValidationFailed) -> list[Reply]:
    """The intake refused a field: forget it and ask again."""
    draft = conversation.draft
    fields = set(exc.fields or {})
    if fields & {"description"}:
        draft.pop("description", None)
    if fields & {"location", "lat", "lng", "area"}:
        for name in ("lat", "lng", "area", "place"):
            draft.pop(name, None)
    if fields & {"category"}:
        draft.pop("category", None)
    detail = "; ".join(str(v) for v in (exc.fields or {}).values() if v) or str(exc.detail)
    message = Incoming(provider=conversation.provider, message_id="", sender="")
    return [Reply(detail), *_next(conversation, message)]


# --- status and answers


def _waiting_complaint(conversation: Conversation) -> Complaint | None:
    """The sender's latest complaint by this chat that waits for their answer."""
    return (
        Complaint.objects.filter(
            region_id=conversation.region_id,
            pk__in=ChatReport.objects.filter(conversation=conversation).values("complaint_id"),
            status=Status.WAITING,
        )
        .order_by("-id")
        .first()
    )


def _status(conversation: Conversation, number: str) -> Reply:
    """The public status of a complaint the sender proved theirs: made in this chat, or (phone
    channels) given with this phone number, like the portal's look-up by number and contact."""
    region = conversation.region
    complaint = None
    if number.startswith(f"{region.tracking_prefix}-"):
        found = (
            Complaint.objects.select_related("category", "agency", "reporter")
            .filter(region=region, number=number)
            .first()
        )
        if found is not None and _is_theirs(conversation, found):
            complaint = found
    if complaint is None:
        lookup = settings.PUBLIC_URL + reverse("portal:lookup", kwargs={"region_slug": region.slug})
        return Reply(
            _(
                "Laporan %(number)s tidak kami temukan untuk akun ini. Periksa nomornya, atau "
                "lacak di %(link)s"
            )
            % {"number": number[:40], "link": lookup}  # fmt: skip
        )
    lines = [
        _("Laporan %(number)s (%(category)s): %(status)s.")
        % {
            "number": complaint.number,
            "category": complaint.category.name,
            "status": complaint.get_status_display(),
        }
    ]
    if complaint.agency_id:
        lines.append(_("Ditangani: %(agency)s.") % {"agency": complaint.agency.name})
    updated = local_iso(complaint.updated_at, region)
    lines.append(
        _("Terakhir diperbarui: %(when)s %(tz)s.")
        % {"when": updated[:16].replace("T", " "), "tz": region.tz_abbreviation}
    )
    return Reply("\n".join(lines))


def _is_theirs(conversation: Conversation, complaint: Complaint) -> bool:
    if ChatReport.objects.filter(complaint=complaint, conversation=conversation).exists():
        return True
    if conversation.provider == Provider.TELEGRAM or complaint.reporter is None:
        return False
    digits = "".join(ch for ch in conversation.address if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return bool(digits) and complaint.reporter.phone == digits
