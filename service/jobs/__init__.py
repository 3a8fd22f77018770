"""Durable background jobs: a SQLite store, a result cache, a worker beside the API, webhooks."""
