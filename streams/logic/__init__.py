"""Pure logic of Pantau's stream processors: no Kafka, Faust or ClickHouse imports.

Each module does one job and is called from thin Faust agents, the periodic report and the
benchmarks alike, so a figure is computed the same way wherever it appears:

- `quantiles`: a mergeable, serializable quantile sketch (DDSketch) for waiting-time percentiles.
- `windows`: tumbling-window alignment, lateness and the per-window accumulator (window_metrics rows).
- `ticket_lifecycle`: a ticket's events in any order and any number of times -> one tickets row.
- `sla`: live waiting-time breaches, compliance and multi-window burn rates.
- `working_days`, `complaints`: deadlines in working days, overdue flags, pungli, complaint rate.
- privacy: see `pantau.privacy` (shared with the sink).
- `ikm`: the SKM/IKM computation of PermenPANRB 14/2017 and its periods.
- `fairness`: queue jumps and waiting time per priority group.
- `punctuality`: counters opening late against the office's schedule.
"""
