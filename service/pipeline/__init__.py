"""The summarization pipeline: plan a route, run the stages in batches, build the response.

`engine` runs it (no web imports), `runner` keeps it off the event loop, `plan` says which
model steps a document needs, `stages/` holds one module per stage, `prompts/` the templates
that ship with the package, and `response` the one shape that the API, jobs and CLI return.
"""
