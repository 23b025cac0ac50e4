package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write writes data to path through a temporary file in path's directory
// (synced, mode 0644) and a rename, so path afterwards holds either its old
// contents or data, never a partial file; on failure the temporary file is
// removed. After a successful rename it also removes the temporary files
// that earlier saves of the same path left when they were killed
// (".<name>.tmp<digits>"); a save of the same path running at the same
// moment in another process then fails with an error instead of
// finishing. Errors come from the os package and name the file.
func Write(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	removeStale(dir, base)
	return nil
}

// removeStale removes dir's leftover temporary files of base, the names
// os.CreateTemp gave them: "." + base + ".tmp" + decimal digits. Failures
// are ignored: a stale file that cannot be removed harms nothing.
func removeStale(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".tmp"
	for _, e := range entries {
		name := e.Name()
		digits, ok := strings.CutPrefix(name, prefix)
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || e.IsDir() {
			continue
		}
		_ = os.Remove(filepath.Join(dir, name))
	}
}

// Save writes what w writes (a checkpoint's WriteTo) to path with Write.
func Save(path string, w io.WriterTo) error {
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return err
	}
	return Write(path, buf.Bytes())
}

// MaxLoad is the largest file Load reads (1 GiB): a checkpoint of the
// largest network the rl packages allow is smaller.
const MaxLoad = 1 << 30

// Load reads path and decodes its contents; a decoding error is annotated
// with the file name. A path that is not a regular file (a directory,
// /dev/zero) or holds more than MaxLoad bytes is an error naming it, read
// no further.
func Load[T any](path string, decode func([]byte) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return zero, err
	}
	if !fi.Mode().IsRegular() {
		return zero, fmt.Errorf("%s is not a regular file (%v)", path, fi.Mode().Type())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxLoad+1))
	if err != nil {
		return zero, err
	}
	if len(data) > MaxLoad {
		return zero, fmt.Errorf("%s holds more than %d bytes: not a checkpoint", path, MaxLoad)
	}
	v, err := decode(data)
	if err != nil {
		return zero, fmt.Errorf("%w (file %s)", err, path)
	}
	return v, nil
}
