package lessons

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
)

// results holds the stored full-run results (lessons/results/*.json), built
// into every binary so the lessons work offline and from any directory.
//
//go:embed results
var results embed.FS

// ResultsCommand is the command that makes the stored results.
const ResultsCommand = "make results"

// Stored is a lesson computation too long to run in class (several seeds of
// TRPO, a sweep over settings). Its full-mode result is stored with the
// project in lessons/results/Name.json, made by `make results`; Get loads it,
// and computes it instead when RLCONTROL_RECOMPUTE=1 (in quick mode then, if
// RLCONTROL_QUICK=1 too). Declare each Stored once, as a package variable
// registered with registerStored, so `make results` finds it.
type Stored[T any] struct {
	// Name is the file name stem, e.g. "04-trpo-comparison".
	Name string
	// Setup is everything the result depends on (plain data: numbers,
	// strings, slices, structs of them). A stored file made with another
	// set-up is refused, so a changed lesson cannot show stale numbers.
	Setup any
	// Compute makes the result; quick shortens it.
	Compute func(quick bool) (T, error)
}

// Source says where a result came from. Its String is the line a lesson
// prints above the result, so every output says which run made it.
type Source struct {
	Stored  bool    // loaded from lessons/results
	Quick   bool    // computed now in quick mode
	Date    string  // when the stored run was made (UTC, YYYY-MM-DD)
	Seconds float64 // how long the stored run took
	CPUs    int     // the stored run's machine's CPU count
}

func (s Source) String() string {
	switch {
	case s.Stored:
		return fmt.Sprintf("[stored full run: made by `%s` on %s, %.0f s on %d CPUs; `%%env %s=1` recomputes it]",
			ResultsCommand, s.Date, s.Seconds, s.CPUs, RecomputeEnv)
	case s.Quick:
		return "[computed now, quick mode: shortened run]"
	}
	return "[computed now, full mode]"
}

// storedFile is the JSON layout of a stored result.
type storedFile struct {
	Name    string          `json:"name"`
	Setup   json.RawMessage `json:"setup"`
	Date    string          `json:"date"`
	Seconds float64         `json:"seconds"`
	CPUs    int             `json:"cpus"`
	Result  json.RawMessage `json:"result"`
}

// Get returns the stored full-run result, or computes it when
// RLCONTROL_RECOMPUTE=1.
func (s Stored[T]) Get() (T, Source, error) {
	var zero T
	setup, err := json.Marshal(s.Setup)
	if err != nil {
		return zero, Source{}, fmt.Errorf("lessons: stored %s: set-up: %w", s.Name, err)
	}
	if Recompute() {
		v, err := s.Compute(Quick())
		return v, Source{Quick: Quick()}, err
	}
	b, err := results.ReadFile("results/" + s.Name + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return zero, Source{}, fmt.Errorf("lessons: no stored result %q: run `%s`, or `%%env %s=1` to compute it here",
			s.Name, ResultsCommand, RecomputeEnv)
	}
	if err != nil {
		return zero, Source{}, err
	}
	var f storedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return zero, Source{}, fmt.Errorf("lessons: stored result %s: %w", s.Name, err)
	}
	if !jsonEqual(f.Setup, setup) {
		return zero, Source{}, fmt.Errorf("lessons: stored result %s was made with another set-up (stored %s, now %s): run `%s`, or `%%env %s=1` to compute it here",
			s.Name, f.Setup, setup, ResultsCommand, RecomputeEnv)
	}
	var v T
	if err := json.Unmarshal(f.Result, &v); err != nil {
		return zero, Source{}, fmt.Errorf("lessons: stored result %s: %w", s.Name, err)
	}
	return v, Source{Stored: true, Date: f.Date, Seconds: f.Seconds, CPUs: f.CPUs}, nil
}

// jsonEqual compares two JSON documents up to formatting.
func jsonEqual(a, b []byte) bool {
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return false
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

func (s Stored[T]) name() string { return s.Name }

// check loads the stored result as a lesson would, without recomputing.
func (s Stored[T]) check() error {
	if Recompute() {
		return nil
	}
	_, _, err := s.Get()
	return err
}

// write computes the full-mode result and writes it to dir/Name.json.
func (s Stored[T]) write(dir string) error {
	setup, err := json.Marshal(s.Setup)
	if err != nil {
		return fmt.Errorf("lessons: stored %s: set-up: %w", s.Name, err)
	}
	start := time.Now()
	v, err := s.Compute(false)
	if err != nil {
		return fmt.Errorf("lessons: stored %s: %w", s.Name, err)
	}
	res, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("lessons: stored %s: result: %w", s.Name, err)
	}
	b, err := json.MarshalIndent(storedFile{
		Name: s.Name, Setup: setup, Date: time.Now().UTC().Format("2006-01-02"),
		Seconds: math.Round(time.Since(start).Seconds()*10) / 10, CPUs: runtime.NumCPU(), Result: res,
	}, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, s.Name+".json"), append(b, '\n'))
}

// storedRun is a Stored of any result type, for the registry.
type storedRun interface {
	name() string
	write(dir string) error
	check() error
}

var storedRuns []storedRun

// registerStored adds a stored computation to the list `make results`
// recomputes, and returns it.
func registerStored[T any](s Stored[T]) Stored[T] {
	for _, r := range storedRuns {
		if r.name() == s.Name {
			panic(fmt.Sprintf("lessons: stored result %q registered twice", s.Name))
		}
	}
	storedRuns = append(storedRuns, s)
	return s
}

// StoredNames lists the stored computations, in registration order.
func StoredNames() []string {
	out := make([]string, len(storedRuns))
	for i, r := range storedRuns {
		out[i] = r.name()
	}
	return out
}

// WriteResults recomputes the stored results in full mode and writes them
// to dir (lessons/results in the source tree): all of them, or only those
// named in only. progress, if not nil, is told each name before it runs.
func WriteResults(dir string, only []string, progress func(name string)) error {
	if Quick() {
		return fmt.Errorf("lessons: WriteResults: %s=1 is set; stored results are full runs", QuickEnv)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("lessons: WriteResults: %q is not a directory", dir)
	}
	known := map[string]bool{}
	for _, r := range storedRuns {
		known[r.name()] = true
	}
	for _, n := range only {
		if !known[n] {
			return fmt.Errorf("lessons: WriteResults: no stored result %q (have %v)", n, StoredNames())
		}
	}
	for _, r := range storedRuns {
		if len(only) > 0 && !slices.Contains(only, r.name()) {
			continue
		}
		if progress != nil {
			progress(r.name())
		}
		if err := r.write(dir); err != nil {
			return err
		}
	}
	return nil
}

// CheckStored loads every stored result as the lessons do: an error names
// a missing file, a broken one, or one made with another set-up than the
// lesson's now.
func CheckStored() error {
	var errs []error
	for _, r := range storedRuns {
		errs = append(errs, r.check())
	}
	return errors.Join(errs...)
}
