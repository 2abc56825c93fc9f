"""Labels of a model's choices."""

from django.db import models


def label_of(choices: type[models.Choices], value):
    """The label of `value` as `get_FOO_display()` gives it (the value itself when it is not one of
    the choices). That method rebuilds the field's choices, translating every label, on each
    call: on a list page, 40 calls translated 400 labels."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
