"""Settings of the worker process that test_crash.py kills on purpose: Laksana's own, with the
test database, e-mail written to files, and channels that kill the process at a chosen point."""

import os

from laksana.settings import *  # noqa: F403

EMAIL_BACKEND = "laksana.notify.tests.fakes.CrashingBackend"
EMAIL_FILE_PATH = os.environ["LAKSANA_MAIL_DIR"]
NOTIFY_CHANNELS = {
    "email": "laksana.notify.channels.EmailChannel",
    "webhook": "laksana.notify.tests.fakes.CrashingWebhookChannel",
}
# The test's receiver listens on http://127.0.0.1 (see conftest.local_webhook_receivers).
WEBHOOK_ALLOW_HTTP = True
WEBHOOK_ALLOWED_NETWORKS = ("127.0.0.0/8",)
