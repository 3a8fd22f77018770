"""The pipeline's stages, each working on batches: detect, summarize, translate, finalize."""
