"""Background jobs: long work (bulk exports, large imports, the archive audit, rule evaluation, reminder
e-mails) runs in a worker process with progress, cancel and a result file (docs/jobs.md)."""
