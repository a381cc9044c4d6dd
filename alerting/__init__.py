"""Alerting to on-call supervisors (issue #7): rules, lifecycle, on-call routing and channels.

`pantau alerts run` consumes the events topic (and the worker's complaint rows), keeps a live view per
office, evaluates the rules of `default_rules.yaml`, runs one alert per (rule, office, service) through
firing -> acknowledged -> resolved, routes it to whoever is on call and notifies them over webhook,
Telegram and e-mail. Pure logic (view, rules, lifecycle, routing, messages) has no Kafka imports; the
service module is the thin Kafka shell around it.
"""
