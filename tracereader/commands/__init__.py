"""One module per command family; each imports its domain modules inside the command body."""
