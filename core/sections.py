"""Page sections that higher layers add to a lower layer's page, collected from a signal.

A lower layer's view sends its signal while drawing a page; each receiver (in a higher
layer) answers a dict {slot: HTML}. The view places each slot where its template says, so
the lower layer shows what a higher one knows without importing it (pretix's plugins add
to its pages the same way).
"""

from __future__ import annotations

from django.dispatch import Signal
from django.utils.safestring import SafeString, mark_safe


def collect_sections(signal: Signal, sender, **kwargs) -> dict[str, SafeString]:
    """Every receiver's HTML by slot, in the order the receivers were connected.

    The HTML must come from templates rendered by the receivers (autoescaped), never from
    raw text, since it is marked safe here.
    """
    sections: dict[str, str] = {}
    for _receiver, answer in signal.send(sender, **kwargs):
        for slot, html in (answer or {}).items():
            sections[str(slot)] = sections.get(str(slot), "") + html
    return {slot: mark_safe(html) for slot, html in sections.items()}
