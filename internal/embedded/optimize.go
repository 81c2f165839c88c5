package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// IndexIDs gives every collection of database db an SQLite index on the exact
// expression FerretDB's SQLite backend filters _id with.
//
// Why: FerretDB v1 pushes an {_id: "…"} filter down to SQLite as
// `_ferretdb_sjson->'$._id' = ?`, but the unique index it creates for _id is on
// `_ferretdb_sjson->"_id"`. SQLite uses an expression index only when the
// expressions match, so every lookup by _id was a full table scan (measured:
// 3.4 ms at 1k documents, 12.9 ms at 10k). This adds the matching index beside
// FerretDB's own, leaving its metadata untouched; dropping a collection drops the
// table and the index with it. Collections created later need another call.
func (s *Server) IndexIDs(ctx context.Context, db string) error {
	path := filepath.Join(s.dir, db+".sqlite")
	if _, err := os.Stat(path); err != nil {
		return nil // nothing stored yet
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("embedded database: %w", err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return fmt.Errorf("embedded database: list collections: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("embedded database: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_fuhua_id", t)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("embedded database: index %s: %w", t, err)
		}
	}
	return nil
}
