"""The one orchestrator: plan -> render -> layout -> write, batches and print files."""
