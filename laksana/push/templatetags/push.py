from django import template
from django.urls import reverse

from laksana.push import keys

register = template.Library()


@register.inclusion_tag("push/_button.html")
def push_button(region):
    """The "Nyalakan notifikasi" button (shown by push.js where the browser can do Web Push);
    nothing when push is not configured."""
    if not keys.enabled():
        return {"enabled": False}
    return {
        "enabled": True,
        "public_key": keys.public_key(),
        "subscribe_url": reverse("push:subscribe", kwargs={"region_slug": region.slug}),
        "unsubscribe_url": reverse("push:unsubscribe", kwargs={"region_slug": region.slug}),
        "worker_url": reverse("push_worker"),
    }
