from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id of the input an error summary link should move focus to."""
    if field.widget_type in ("radioselect", "dateinput", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def duration_minutes(value) -> str:
    """A timedelta as '15 minutes' (rounded up, so nobody comes back too early)."""
    minutes = max(1, -(-int(value.total_seconds()) // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
