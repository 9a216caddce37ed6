package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations brings a database from schema version i (PRAGMA user_version)
// to i+1. Append to it; never edit a released step.
var migrations = []string{
	// 1: entries with inline bodies (body NULL: in <path>.blobs), runs as
	// JSON, with a copy without step logs for listing. entries is a rowid
	// table with a unique index on key rather than WITHOUT ROWID keyed by
	// key: an index b-tree keeps under 1 KiB of a row in its page, so a
	// 1 KiB body would spill into overflow pages, each one more WAL frame
	// per Put.
	`CREATE TABLE entries (
		id             INTEGER PRIMARY KEY,
		key            BLOB NOT NULL UNIQUE,
		digest         BLOB NOT NULL,
		size           INTEGER NOT NULL,
		format         TEXT NOT NULL,
		format_version TEXT NOT NULL,
		step_type      TEXT NOT NULL,
		step_name      TEXT NOT NULL,
		result_type    TEXT NOT NULL,
		created        INTEGER NOT NULL, -- unix nanoseconds
		last_used      INTEGER NOT NULL, -- unix nanoseconds
		body           BLOB
	);
	CREATE TABLE runs (
		id      TEXT PRIMARY KEY,
		record  BLOB NOT NULL,
		summary BLOB NOT NULL
	) WITHOUT ROWID;`,
}

// migrate applies the missing migrations in one transaction. A database
// written by a newer formed (a version past the list) is refused rather
// than misread.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this formed's %d: %w", v, len(migrations), ErrNewerSchema)
	}
	if v == len(migrations) {
		return nil
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return err
	}
	return tx.Commit()
}
