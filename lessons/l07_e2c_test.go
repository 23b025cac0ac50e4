package lessons

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestE2CDataCached: the set-up's data are written to the cache folder
// once and read back identical (pixels are float32 values, stored exactly).
func TestE2CDataCached(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RLCONTROL_CACHE", dir)
	s := E2CPlanar(true)
	s.Samples = 50
	d1, err := s.Data()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "e2c", "*.e2cdata"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one data file", files)
	}
	st1, _ := os.Stat(files[0])
	d2, err := s.Data()
	if err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(files[0])
	if !st1.ModTime().Equal(st2.ModTime()) {
		t.Error("the second call rewrote the cache instead of reading it")
	}
	for i := range d1.X {
		if !slices.Equal(d1.X[i], d2.X[i]) || !slices.Equal(d1.U[i], d2.U[i]) || !slices.Equal(d1.State[i], d2.State[i]) {
			t.Fatalf("transition %d differs after the cache round trip", i)
		}
	}
}
