"""Running the whole pipeline in one command (`pantau up`): supervision and the live status line."""
