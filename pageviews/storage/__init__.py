"""Everything that speaks CQL: the connection, the write path, the app cache, salts, spool and queries."""
