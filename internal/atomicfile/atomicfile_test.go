package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.bin")
	if err := Write(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "second" {
		t.Fatalf("read %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files left in the directory, want 1", len(entries))
	}
	// A missing directory fails, naming the path, and leaves nothing.
	bad := filepath.Join(dir, "missing", "b.bin")
	if err := Write(bad, []byte("x")); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "missing")) {
		t.Errorf("missing directory: err = %v", err)
	}
	// Renaming onto a directory fails and removes the temporary file.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(sub, []byte("x")); err == nil {
		t.Error("writing over a directory succeeded")
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d entries after the failed write, want 2 (a.bin, sub)", len(entries))
	}
}

// TestStaleTempFiles: temporary files that killed saves left beside a file
// are removed by its next successful save; other files, including the
// temporary files of a different name that shares the prefix, are kept.
func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.ckpt")
	keep := []string{"model.ckpt.tmp", ".model.ckpt.tmp.tmp123", ".model.ckpt.tmpx1", "other"}
	stale := []string{".model.ckpt.tmp1", ".model.ckpt.tmp2938475612", ".model.ckpt.tmp77"}
	for _, name := range append(append([]string(nil), keep...), stale...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(path, []byte("ok")); err != nil {
		t.Fatal(err)
	}
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("stale %s is still there (%v)", name, err)
		}
	}
	for _, name := range append(keep, "model.ckpt") {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
}

// TestLoadRefusesNonFiles: /dev/zero would never end and a directory is not
// a checkpoint; both are errors naming the path, returned at once.
func TestLoadRefusesNonFiles(t *testing.T) {
	id := func(b []byte) ([]byte, error) { return b, nil }
	for _, p := range []string{"/dev/zero", t.TempDir()} {
		if _, err := Load(p, id); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Load(%s): %v", p, err)
		}
	}
	good := filepath.Join(t.TempDir(), "x")
	if err := Write(good, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(good, id); err != nil || string(got) != "abc" {
		t.Errorf("Load: %q, %v", got, err)
	}
}
