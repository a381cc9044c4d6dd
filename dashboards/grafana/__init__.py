"""Building blocks for Pantau's dashboards on top of grafana-foundation-sdk."""
