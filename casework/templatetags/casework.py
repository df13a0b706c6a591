from django import template

register = template.Library()

# The face-distance scale the case page draws: 0 (the same image) to 1 (clearly different people).
DISTANCE_SCALE = 1.0


@register.filter
def distance_percent(value: float | None) -> float:
    """Where a face distance or threshold sits along the case page's scale, in percent (kept on the scale)."""
    if value is None:
        return 0.0
    return round(min(max(value / DISTANCE_SCALE, 0.0), 1.0) * 100, 1)
