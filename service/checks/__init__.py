"""Faithfulness: what a summary states that its article does not (numbers, names, stray words).

An article is read once into `ArticleFacts`; the guard and finalize stages check every summary
against those facts.
"""
