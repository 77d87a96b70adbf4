"""The command layer: thin commands that parse, call the API layer, hand results to output."""
