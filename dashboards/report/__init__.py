"""The periodic evaluation report (evaluasi berkala): the dashboards' SQL, run for one period, as a
self-contained HTML page with inline SVG charts."""
