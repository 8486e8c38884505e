"""The workspace's files and what they hold: models, loading, paths, output."""
