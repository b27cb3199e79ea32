"""The creator's pages: one module per area; each view parses input, calls one service, renders."""
