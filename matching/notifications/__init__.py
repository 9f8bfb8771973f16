"""Webhooks, the whole slice: subscriptions, fan-out from the outbox, signing, claimed deliveries, the dispatcher."""
