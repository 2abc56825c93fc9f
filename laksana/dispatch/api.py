"""The dispatch API under /api/v1/: field officers and assignments, and the duty roster."""

from ninja import Router

from .api_field import router as field_router
from .api_roster import router as roster_router

router = Router()
router.add_router("", field_router)
router.add_router("", roster_router)
