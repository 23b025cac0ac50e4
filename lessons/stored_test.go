package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoredResultsMatchLessons fails when a lesson's set-up changed but
// its stored full-run result was not remade (make results), or a stored
// result is missing.
func TestStoredResultsMatchLessons(t *testing.T) {
	t.Setenv(RecomputeEnv, "")
	if err := CheckStored(); err != nil {
		t.Fatal(err)
	}
}

func TestStoredRoundTrip(t *testing.T) {
	t.Setenv(QuickEnv, "")
	t.Setenv(RecomputeEnv, "")
	calls := 0
	s := Stored[[]float64]{Name: "test-roundtrip", Setup: map[string]int{"seeds": 3},
		Compute: func(quick bool) ([]float64, error) {
			calls++
			if quick {
				return []float64{1}, nil
			}
			return []float64{1, 2, 3}, nil
		}}
	dir := t.TempDir()
	if err := s.write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "test-roundtrip.json"))
	if err != nil || !strings.Contains(string(b), `"seeds": 3`) {
		t.Fatalf("stored file %s, %v", b, err)
	}
	// Get reads the embedded copy; there is none for this test name.
	if _, _, err := s.Get(); err == nil || !strings.Contains(err.Error(), "make results") {
		t.Errorf("Get without a stored file: %v, want an error naming make results", err)
	}
	t.Setenv(RecomputeEnv, "1")
	t.Setenv(QuickEnv, "1")
	v, src, err := s.Get()
	if err != nil || len(v) != 1 || src.Stored || !src.Quick || !strings.Contains(src.String(), "quick mode") {
		t.Errorf("recompute in quick mode: %v %+v %v", v, src, err)
	}
	if calls != 2 {
		t.Errorf("Compute ran %d times, want 2", calls)
	}
	if err := WriteResults(dir, nil, nil); err == nil || !strings.Contains(err.Error(), QuickEnv) {
		t.Errorf("WriteResults in quick mode: %v, want a refusal naming %s", err, QuickEnv)
	}
	t.Setenv(QuickEnv, "")
	if err := WriteResults(dir, []string{"no-such"}, nil); err == nil || !strings.Contains(err.Error(), "no-such") {
		t.Errorf("WriteResults of an unknown name: %v", err)
	}
	if err := WriteResults(filepath.Join(dir, "missing"), nil, nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("WriteResults to a missing directory: %v", err)
	}
	bad := Stored[int]{Name: "bad-setup", Setup: func() {}, Compute: func(bool) (int, error) { return 0, nil }}
	if _, _, err := bad.Get(); err == nil || !strings.Contains(err.Error(), "set-up") {
		t.Errorf("a set-up that is not data: %v", err)
	}
}

func TestRegistryNames(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range FigureNames("") {
		if seen[n] {
			t.Errorf("figure %s registered twice", n)
		}
		seen[n] = true
		if !strings.HasPrefix(n, n[:2]+"-") {
			t.Errorf("figure %s does not start with its lesson number", n)
		}
	}
	for _, l := range []string{"01", "02", "03", "04"} {
		for _, n := range FigureNames(l) {
			if !strings.HasPrefix(n, l+"-") {
				t.Errorf("lesson %s registers figure %s", l, n)
			}
		}
	}
}
