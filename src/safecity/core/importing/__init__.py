"""The importer framework: read → map → validate → stage → commit, for any record type an app registers.

See docs/architecture.md ("The importer framework") and docs/importing.md. Public surface:

* `spec`: `RecordType`, `Plan`, `Store`, `Format`, `ImportOptions`, `register`/`get`;
* `runner.run_import(record_type, opts)` → `ImportResult`;
* `errors`: `ImportFailure`, `RowError`, `RowRejected`, `error_report_csv`;
* `reading`: `inspect`, `LineReader`, `CsvSource` (encoding detection, located reading errors);
* `store.ModelStore`: a bulk writer through the ORM for record types that need no raw-SQL fast path;
* `views.urls(rt)`, `api.register(router, rt)`, `cli.add_record_type(...)`: pages, API and command line.

This package imports no app; modules are imported on use (nothing here at package level), so start-up
stays light.
"""
