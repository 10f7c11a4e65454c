"""Import place entries from CSV or XLSX: a dry-run report by row and column, then an all-or-nothing
upsert. ``spreadsheet`` reads the file, ``checks`` validates rows without touching the database,
``apply`` loads what the checks need and writes everything in one transaction (``report`` holds results)."""
