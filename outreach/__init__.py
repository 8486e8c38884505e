"""outreach: the documents of an informational-interview campaign, from YAML."""

__version__ = "0.1.0"
