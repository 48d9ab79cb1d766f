"""Signals the plans app sends to the layers above it."""

from django.dispatch import Signal

# Sent (sender=Plan) while a page of the plan is drawn, with `request`, `plan` and `page`:
# "plan" (the plan itself; slot "indicators" in section II), "annual_plans" (the years'
# list; one slot per year, a note beside the year's counts) or "annual_plan" (one year's
# page, with `year`; slot "milestones"). Receivers answer {slot: HTML}; see core.sections.
plan_page_sections = Signal()
