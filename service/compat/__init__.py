"""What CMS plugins send to OpenAI- and Ollama-compatible servers, read as a lingosum request:
the task models, and a plugin's prompt mapped to the article and lingosum's options."""
