"""Document kinds, contexts, questions, templating, enclosures, templates/."""
