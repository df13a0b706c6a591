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


@register.simple_tag
def distance_line(check) -> dict[str, float]:
    """Positions (percent along the scale) of a check's thresholds and distance, and the widths of its three zones.

    Drawn as SVG attributes: the Content-Security-Policy allows no inline styles.
    """
    passed, failed = distance_percent(check.pass_threshold), distance_percent(check.fail_threshold)
    return {
        "pass": passed, "fail": failed, "distance": distance_percent(check.distance),
        "refer_width": round(failed - passed, 1), "fail_width": round(100 - failed, 1),
    }
