"""Content representations (paper 3.1), selectable per run: text, multimodal, semantic IDs."""

REPRESENTATIONS = ("text", "multimodal", "semantic_id")
