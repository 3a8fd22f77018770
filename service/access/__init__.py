"""Who may use the service and how much: API keys, quotas, browser tokens and usage.

Nothing here imports FastAPI; the API layer (`service/api/auth.py`) adapts it to HTTP.
"""
