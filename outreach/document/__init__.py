"""The neutral document model, Markdown, text."""
