"""Pages: layout, filling the pages, worker processes, the writers."""
