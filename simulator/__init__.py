"""RecoWorld simulator (arXiv 2509.10397): a framework-free engine; it never imports Django."""
