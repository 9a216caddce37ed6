package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenConfiguresDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formed.db")
	o, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "10000"},
		{"user_version", "1"},
	} {
		var got string
		if err := o.db.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formed.db")
	for range 2 {
		o, err := Open(path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		o.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formed.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	o, err := Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		if o != nil {
			o.Close()
		}
		t.Fatalf("Open of a schema-99 database: %v, want ErrNewerSchema", err)
	}
}

func TestOpenMakesDirectory(t *testing.T) {
	o, err := Open(filepath.Join(t.TempDir(), ".formed", "formed.db"))
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
	if _, err := Open(filepath.Join(t.TempDir(), "what?.db")); err == nil {
		t.Error("Open of a path with '?': no error")
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "formed.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 500), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := Open(path)
	if err == nil {
		o.Close()
		t.Fatal("Open of a file that is not a database: no error")
	}
	t.Log(err)
}
