"""Signals the enterprises app sends to the layers above it."""

from django.dispatch import Signal

# Sent (sender=Enterprise) after a bulk write changed many enterprises at once, as an
# import does: bulk writes send no per-row model signals.
enterprises_bulk_changed = Signal()
