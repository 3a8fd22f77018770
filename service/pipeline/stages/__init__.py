"""The pipeline's stages, each working on batches: detect, summarize, guard, translate, finalize.

`model_requests` is what every model-calling stage shares: requests built the same way, answers
cleaned, and each call recorded as a `RouteEntry` for the response's route.
"""
