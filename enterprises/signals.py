"""Signals the enterprises app sends to the layers above it."""

from django.dispatch import Signal

# Sent (sender=Enterprise) after a bulk write changed many enterprises at once, as an
# import does: bulk writes send no per-row model signals.
enterprises_bulk_changed = Signal()

# Sent (sender=Enterprise) while an enterprise's page is drawn, with `request` and
# `enterprise`. A receiver returns a dict {slot: HTML} of what a higher layer knows about
# the enterprise: "summary" is shown beside its details, "records" beside its change
# history. (pretix's plugins fill pages the same way.)
enterprise_page_sections = Signal()
