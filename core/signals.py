"""Signals the shared layer sends, so that the apps above it react without being called."""

from django.dispatch import Signal

# Sent inside the restore's transaction once every row of a backup is loaded (rows were
# written raw, so no model signal told anyone). No arguments besides the sender.
data_restored = Signal()
