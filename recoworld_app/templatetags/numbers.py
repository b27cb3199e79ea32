"""Numbers as a creator reads them: 1.2k views, 3.4M people, 42% completion."""

from django import template

register = template.Library()


@register.filter
def compact(value) -> str:
    """1234 -> '1.2k', 1500000 -> '1.5M', 12.5 -> '12.5', 7 -> '7'."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    sign, number = ("-" if number < 0 else ""), abs(number)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if number >= limit:
            scaled = number / limit
            text = f"{scaled:.0f}" if scaled >= 100 else f"{scaled:.1f}".rstrip("0").rstrip(".")
            return f"{sign}{text}{suffix}"
    if number >= 100 or number == int(number):
        return f"{sign}{number:.0f}"
    return f"{sign}{number:.2g}" if number < 1 else f"{sign}{number:.1f}"


@register.filter
def percent(value) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def duration(seconds) -> str:
    """65 -> '1 min 5 s', 3700 -> '1 h 1 min'."""
    try:
        total = max(0, int(round(float(seconds))))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@register.filter
def percent_points(value) -> str:
    """A difference of two rates: 0.052 -> '5.2 pts'."""
    try:
        return f"{float(value) * 100:.1f} pts"
    except (TypeError, ValueError):
        return ""
