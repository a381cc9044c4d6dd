"""producers: see README.md for its role in the pipeline."""
