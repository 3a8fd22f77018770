"""Language and text utilities: language codes, scripts and word patterns, sentences, Chinese
script conversion."""
