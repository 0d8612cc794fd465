"""Reminders and escalation: plan lines into the outbox, send one email per recipient a day."""
