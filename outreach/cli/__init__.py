"""The command line: parses options, calls one library function per command, reports.

One module per group of commands (documents, campaign, channels, workspace), all on the
group and helpers of ``base``; importing this package registers every command.
"""

from outreach.cli import campaign, channels, documents, workspace
from outreach.cli.base import EXAMPLES, STAGE, STAGES, cli, main

__all__ = ["EXAMPLES", "STAGE", "STAGES", "campaign", "channels", "cli", "documents", "main",
           "workspace"]
