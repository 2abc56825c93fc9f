"""Background jobs of the chat channels (run by `laksana worker`)."""

from django_tasks import task

from laksana.common import clock

from . import services
from .models import SmsPart


@task()
def expire() -> dict:
    """Drafts left for 24 hours are dropped without a complaint (with their photo), and parts of
    a long SMS whose other parts never came are forgotten."""
    cutoff = clock.now() - services.DRAFT_LIFETIME
    parts, _by_model = SmsPart.objects.filter(received_at__lt=cutoff).delete()
    return {"drafts": services.expire_drafts(), "sms_parts": parts}
