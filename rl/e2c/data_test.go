package e2c

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// sameBits reports whether a and b hold the same float64 bit patterns in
// the same shape, naming the first difference.
func sameBits(what string, a, b [][]float64) error {
	if len(a) != len(b) {
		return fmt.Errorf("%s: %d rows vs %d", what, len(a), len(b))
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return fmt.Errorf("%s[%d]: length %d vs %d", what, i, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				return fmt.Errorf("%s[%d][%d]: %v vs %v", what, i, j, a[i][j], b[i][j])
			}
		}
	}
	return nil
}

// sameDataset compares every field of two datasets bit for bit.
func sameDataset(a, b *Dataset) error {
	if a.Name != b.Name || a.Width != b.Width || a.Height != b.Height || a.Frames != b.Frames {
		return fmt.Errorf("header %q %d×%d×%d vs %q %d×%d×%d", a.Name, a.Width, a.Height, a.Frames, b.Name, b.Width, b.Height, b.Frames)
	}
	for _, f := range []struct {
		name string
		a, b [][]float64
	}{{"X", a.X, b.X}, {"U", a.U, b.U}, {"XNext", a.XNext, b.XNext}, {"State", a.State, b.State}, {"StateNext", a.StateNext, b.StateNext}} {
		if err := sameBits(f.name, f.a, f.b); err != nil {
			return err
		}
	}
	return nil
}

// render renders x with r and rounds to float32 as the data do.
func render(t *testing.T, r system.Renderer, w, h int, x []float64) []float64 {
	t.Helper()
	img := make([]float64, w*h)
	if err := renderFrame(r, img, w, h, x); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestPlanarData: shapes, states free and in the box, next states and
// images exactly what Step and Render give, the same seed the same data
// bit for bit (with one worker or several; 300 samples span two random
// streams), another seed other data.
func TestPlanarData(t *testing.T) {
	sys := system.NewPlanar()
	const n = 300
	d, err := PlanarData(sys, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if d.Len() != n || d.Width != 40 || d.Height != 40 || d.Frames != 1 || d.Pixels() != 1600 || d.Name != "planar" {
		t.Fatalf("dataset %q of %d, %d×%d×%d", d.Name, d.Len(), d.Width, d.Height, d.Frames)
	}
	next := make([]float64, 2)
	blocked := 0
	for i := range n {
		if ok, _ := sys.Free(d.State[i]); !ok {
			t.Fatalf("State[%d] = %v is not free", i, d.State[i])
		}
		for _, u := range d.U[i] {
			if math.Abs(u) > sys.MaxSpeed {
				t.Fatalf("U[%d] = %v outside the box", i, d.U[i])
			}
		}
		if err := sys.Step(next, d.State[i], d.U[i]); err != nil || next[0] != d.StateNext[i][0] || next[1] != d.StateNext[i][1] {
			t.Fatalf("StateNext[%d] = %v, Step gives %v (%v)", i, d.StateNext[i], next, err)
		}
		if next[0] == d.State[i][0] && next[1] == d.State[i][1] {
			blocked++
		}
		if err := sameBits("X", [][]float64{d.X[i]}, [][]float64{render(t, sys, 40, 40, d.State[i])}); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if err := sameBits("XNext", [][]float64{d.XNext[i]}, [][]float64{render(t, sys, 40, 40, d.StateNext[i])}); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	t.Logf("%d of %d moves blocked", blocked, n)

	prev := runtime.GOMAXPROCS(1)
	d1, err := PlanarData(sys, n, 7)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDataset(d, d1); err != nil {
		t.Errorf("same seed, one worker: %v", err)
	}
	d2, err := PlanarData(sys, n, 8)
	if err != nil {
		t.Fatal(err)
	}
	if sameDataset(d, d2) == nil {
		t.Error("seeds 7 and 8 gave the same data")
	}
}

// rodAngle estimates the pendulum angle drawn in a frame from the
// intensity centroid: the rod points from the image centre towards
// (sin θ, cos θ) in image coordinates (y down).
func rodAngle(frame []float64, w, h int) float64 {
	var m, cx, cy float64
	for k, v := range frame {
		m += v
		cx += v * (float64(k%w) + 0.5)
		cy += v * (float64(k/w) + 0.5)
	}
	return math.Atan2(cx/m-float64(w)/2, cy/m-float64(h)/2)
}

// TestPendulumData: the two frames of X are x_{t−1} and x_t, those of
// XNext x_t and x_{t+1}: the shared frame is identical, the newest frames
// are exactly the renders of State and StateNext = Step(State, U), and the
// oldest frame shows the angle one step back, θ_{t−1} ≈ θ_t − Δt·θ̇_t.
// With Δt = 0.1 s that back-step is off by at most Δt²/2·|θ̈| ≤ 0.08 rad
// (|θ̈| ≤ g/l + MaxTorque/(m l²) + b·7 ≈ 15.2 rad/s²) and the centroid
// estimate of an angle by about half a pixel over the rod's half length
// (9.6 px), 0.05 rad: tolerance 0.15 rad, checked where the rod moved at
// least 0.4 rad between the frames so that a frame swapped for the other
// fails.
func TestPendulumData(t *testing.T) {
	p := system.NewPendulum()
	p.TimeStep = 0.1
	const n = 300
	d, err := PendulumData(p, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if d.Len() != n || d.Width != 48 || d.Height != 48 || d.Frames != 2 || d.Name != "pendulum" {
		t.Fatalf("dataset %q of %d, %d×%d×%d", d.Name, d.Len(), d.Width, d.Height, d.Frames)
	}
	const P = 48 * 48
	next := make([]float64, 2)
	checked := 0
	for i := range n {
		x := d.State[i]
		if err := p.Step(next, x, d.U[i]); err != nil || next[0] != d.StateNext[i][0] || next[1] != d.StateNext[i][1] {
			t.Fatalf("StateNext[%d] = %v, Step gives %v (%v)", i, d.StateNext[i], next, err)
		}
		if math.Abs(d.U[i][0]) > p.MaxTorque {
			t.Fatalf("U[%d] = %v outside the box", i, d.U[i])
		}
		if err := sameBits("shared frame", [][]float64{d.X[i][P:]}, [][]float64{d.XNext[i][:P]}); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if err := sameBits("X frame t", [][]float64{d.X[i][P:]}, [][]float64{render(t, p, 48, 48, x)}); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if err := sameBits("XNext frame t+1", [][]float64{d.XNext[i][P:]}, [][]float64{render(t, p, 48, 48, d.StateNext[i])}); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		back := x[0] - p.TimeStep*x[1]
		if math.Abs(p.TimeStep*x[1]) < 0.4 {
			continue
		}
		checked++
		got := rodAngle(d.X[i][:P], 48, 48)
		if e := math.Abs(system.WrapAngle(got - back)); e > 0.15 {
			t.Errorf("sample %d: the first frame shows θ = %.3f, one step back from θ_t = %.3f at θ̇ = %.2f is %.3f (off by %.3f rad)", i, got, x[0], x[1], back, e)
		}
	}
	if checked < n/4 {
		t.Errorf("only %d samples moved ≥ 0.4 rad between frames", checked)
	}
	d1, err := PendulumData(p, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDataset(d, d1); err != nil {
		t.Errorf("same seed: %v", err)
	}
}

// TestSaveLoad: Load gives back exactly (bit for bit) what Save wrote, for
// both kinds of data and for a dataset without states.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	pl, err := PlanarData(system.NewPlanar(), 40, 1)
	if err != nil {
		t.Fatal(err)
	}
	pe, err := PendulumData(system.NewPendulum(), 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	noStates := &Dataset{Name: "bare", Width: 2, Height: 3, Frames: 1,
		X: [][]float64{{0, 0.25, 0.5, 0.75, 1, 0}}, U: [][]float64{{-1e300, 3}}, XNext: [][]float64{{1, 1, 1, 0, 0, 0}}}
	for _, d := range []*Dataset{pl, pe, noStates} {
		path := filepath.Join(dir, d.Name)
		if err := d.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := LoadDataset(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameDataset(d, got); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

// TestLoadBadFile: truncated, padded, corrupted and foreign files are
// errors (ErrDatasetFile) naming the problem, never a panic or a silently
// wrong dataset.
func TestLoadBadFile(t *testing.T) {
	dir := t.TempDir()
	d, err := PlanarData(system.NewPlanar(), 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good")
	if err := d.Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), data...)
	corrupt[len(corrupt)/2] ^= 1
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a dataset file"},
		{"foreign", []byte("PK\x03\x04 some zip file, not ours"), "not a dataset file"},
		{"magic only", data[:len(datasetMagic)+2], "not a dataset file"},
		{"cut in the header", data[:len(datasetMagic)+10], "truncated"},
		{"cut in the pixels", data[:len(data)/2], "truncated"},
		{"last byte missing", data[:len(data)-1], "truncated"},
		{"trailing bytes", append(append([]byte(nil), data...), 0), "promises"},
		{"one bit flipped", corrupt, "checksum"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := LoadDataset(path)
		if err == nil || !errors.Is(err, ErrDatasetFile) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v (dataset %v), want an ErrDatasetFile naming %s and mentioning %q", c.name, err, got != nil, path, c.want)
		}
	}
	if _, err := LoadDataset(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

// TestCached: the first call makes and saves, the second loads the same
// data without making, a damaged file is made again.
func TestCached(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	made := 0
	gen := func() (*Dataset, error) { made++; return PlanarData(system.NewPlanar(), 10, 4) }
	d1, err := Cached(dir, "planar-n10-seed4", gen)
	if err != nil || made != 1 {
		t.Fatalf("first call: %v, made %d", err, made)
	}
	d2, err := Cached(dir, "planar-n10-seed4", gen)
	if err != nil || made != 1 {
		t.Fatalf("second call: %v, made %d (want a load)", err, made)
	}
	if err := sameDataset(d1, d2); err != nil {
		t.Error(err)
	}
	path := filepath.Join(dir, "planar-n10-seed4")
	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	d3, err := Cached(dir, "planar-n10-seed4", gen)
	if err != nil || made != 2 {
		t.Fatalf("after truncation: %v, made %d (want a remake)", err, made)
	}
	if err := sameDataset(d1, d3); err != nil {
		t.Error(err)
	}
	if _, err := LoadDataset(path); err != nil {
		t.Errorf("the remade file does not load: %v", err)
	}
}

// TestDatasetBadInput: bad arguments to the data functions and bad
// datasets are errors naming the problem.
func TestDatasetBadInput(t *testing.T) {
	good := func() *Dataset {
		return &Dataset{Name: "g", Width: 2, Height: 1, Frames: 1,
			X: [][]float64{{0, 1}, {0.5, 0}}, U: [][]float64{{1}, {2}}, XNext: [][]float64{{1, 1}, {0, 0}},
			State: [][]float64{{0}, {1}}, StateNext: [][]float64{{1}, {2}}}
	}
	check := func(f func(d *Dataset)) func() error {
		return func() error { d := good(); f(d); return d.Check() }
	}
	nan, inf := math.NaN(), math.Inf(1)
	planar := func(f func(p *system.Planar)) *system.Planar { p := system.NewPlanar(); f(p); return p }
	var nilD *Dataset
	cases := []badtest.Case{
		badtest.OK("ragged", "good dataset", check(func(*Dataset) {})),
		badtest.Err("ragged", "Check empty", func() error { return (&Dataset{Name: "e", Width: 1, Height: 1, Frames: 1}).Check() }, "empty dataset", `"e"`),
		badtest.Err("nil", "Check nil", func() error { return nilD.Check() }, "nil *Dataset"),
		badtest.Err("ragged", "Check zero width", check(func(d *Dataset) { d.Width = 0 }), "image layout 0×1×1"),
		badtest.Err("ragged", "Check 17 frames", check(func(d *Dataset) { d.Frames = 17 }), "17 frames"),
		badtest.Err("ragged", "Check missing action", check(func(d *Dataset) { d.U = d.U[:1] }), "1 actions U"),
		badtest.Err("ragged", "Check missing next state", check(func(d *Dataset) { d.StateNext = d.StateNext[:1] }), "1 next states"),
		badtest.OK("ragged", "Check no states", check(func(d *Dataset) { d.State, d.StateNext = nil, nil })),
		badtest.Err("ragged", "Check short image", check(func(d *Dataset) { d.XNext[1] = d.XNext[1][:1] }), "XNext[1] has 1 pixels, want 2×1×1 = 2"),
		badtest.Err("nan", "Check NaN pixel", check(func(d *Dataset) { d.X[1][0] = nan }), "X[1][0] = NaN"),
		badtest.Err("nan", "Check pixel above 1", check(func(d *Dataset) { d.XNext[0][1] = 1.5 }), "XNext[0][1] = 1.5"),
		badtest.Err("nan", "Check negative pixel", check(func(d *Dataset) { d.X[0][0] = -0.1 }), "X[0][0] = -0.1"),
		badtest.Err("nan", "Check Inf action", check(func(d *Dataset) { d.U[1][0] = inf }), "U[1][0] = +Inf"),
		badtest.Err("ragged", "Check ragged actions", check(func(d *Dataset) { d.U[1] = []float64{1, 2} }), "U[1] has length 2, want 1"),
		badtest.Err("ragged", "Check empty action", check(func(d *Dataset) { d.U[0], d.U[1] = nil, nil }), "U[0] is empty"),
		badtest.Err("nan", "Check NaN state", check(func(d *Dataset) { d.StateNext[0][0] = nan }), "StateNext[0][0] = NaN"),
		badtest.Err("ragged", "Check state lengths differ", check(func(d *Dataset) { d.StateNext = [][]float64{{1, 1}, {1, 1}} }), "states have length 1 but next states 2"),
		badtest.Err("ragged", "Save bad dataset", func() error { d := good(); d.U = nil; return d.Save(filepath.Join(t.TempDir(), "x")) }, "Save", "0 actions U"),
		badtest.Err("nil", "PlanarData nil", func() error { _, err := PlanarData(nil, 10, 1); return err }, "nil *system.Planar"),
		badtest.Err("ragged", "PlanarData n = 0", func() error { _, err := PlanarData(system.NewPlanar(), 0, 1); return err }, "n = 0"),
		badtest.Err("oversized", "PlanarData n huge", func() error { _, err := PlanarData(system.NewPlanar(), 1<<40, 1); return err }, "PlanarData", "1099511627776"),
		badtest.Err("nan", "PlanarData NaN TimeStep", func() error {
			_, err := PlanarData(planar(func(p *system.Planar) { p.TimeStep = nan }), 10, 1)
			return err
		}, "TimeStep = NaN"),
		badtest.Err("nan", "PlanarData no speed limit", func() error {
			_, err := PlanarData(planar(func(p *system.Planar) { p.MaxSpeed = inf }), 10, 1)
			return err
		}, "MaxSpeed = +Inf"),
		badtest.Err("hang", "PlanarData no free space", func() error {
			_, err := PlanarData(planar(func(p *system.Planar) { p.Obstacles = []system.Circle{{X: 0, Y: 0, R: 5}} }), 10, 1)
			return err
		}, "no free position"),
		badtest.Err("nil", "PendulumData nil", func() error { _, err := PendulumData(nil, 10, 1); return err }, "nil *system.Pendulum"),
		badtest.Err("ragged", "PendulumData n = -1", func() error { _, err := PendulumData(system.NewPendulum(), -1, 1); return err }, "n = -1"),
		badtest.Err("nan", "PendulumData no torque limit", func() error {
			p := system.NewPendulum()
			p.MaxTorque = inf
			_, err := PendulumData(p, 10, 1)
			return err
		}, "MaxTorque = +Inf"),
		badtest.Err("nan", "PendulumData NaN Mass", func() error {
			p := system.NewPendulum()
			p.Mass = nan
			_, err := PendulumData(p, 10, 1)
			return err
		}, "Mass = NaN"),
		badtest.Err("ragged", "Split frac 1", func() error { _, _, err := good().Split(1); return err }, "frac = 1"),
		badtest.Err("nan", "Split frac NaN", func() error { _, _, err := good().Split(nan); return err }, "frac = NaN"),
		badtest.Err("ragged", "Split empty part", func() error { _, _, err := good().Split(0.1); return err }, "frac = 0.1 of 2"),
		badtest.Err("nil", "Split nil", func() error { _, _, err := nilD.Split(0.5); return err }, "nil *Dataset"),
		badtest.Err("ragged", "Cached path in name", func() error {
			_, err := Cached(t.TempDir(), "../x", func() (*Dataset, error) { return good(), nil })
			return err
		}, `name = "../x"`),
		badtest.Err("nil", "Cached nil generate", func() error { _, err := Cached(t.TempDir(), "x", nil); return err }, "nil generate"),
		badtest.Err("nil", "Cached generate returns nil", func() error {
			_, err := Cached(t.TempDir(), "x", func() (*Dataset, error) { return nil, nil })
			return err
		}, "nil dataset"),
		badtest.Err("ragged", "Cached generate fails", func() error {
			_, err := Cached(t.TempDir(), "x", func() (*Dataset, error) { return nil, errors.New("boom") })
			return err
		}, "boom"),
	}
	badtest.Run(t, cases)
}

// TestSplit: the parts partition the transitions in order.
func TestSplit(t *testing.T) {
	d, err := PlanarData(system.NewPlanar(), 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := d.Split(0.8)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 8 || test.Len() != 2 || train.Check() != nil || test.Check() != nil {
		t.Fatalf("parts of %d and %d", train.Len(), test.Len())
	}
	if &train.X[7][0] != &d.X[7][0] || &test.StateNext[1][0] != &d.StateNext[9][0] {
		t.Error("the parts are not the dataset's rows in order")
	}
}

// BenchmarkPlanarData renders 10 000 planar transitions (the brief's
// budget: under 2 s).
func BenchmarkPlanarData(b *testing.B) {
	sys := system.NewPlanar()
	for b.Loop() {
		if _, err := PlanarData(sys, 10000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPendulumData renders 10 000 pendulum transitions (three frames
// each, 737 MB of float64 pixels).
func BenchmarkPendulumData(b *testing.B) {
	p := PendulumTask().Sys.(*system.Pendulum)
	for b.Loop() {
		if _, err := PendulumData(p, 10000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveLoadPlanar saves and loads 10 000 planar transitions.
func BenchmarkSaveLoadPlanar(b *testing.B) {
	d, err := PlanarData(system.NewPlanar(), 10000, 1)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "planar")
	for b.Loop() {
		if err := d.Save(path); err != nil {
			b.Fatal(err)
		}
		if _, err := LoadDataset(path); err != nil {
			b.Fatal(err)
		}
	}
}

// Render a planar dataset and look at its first transition: 40×40 images
// of 0.1 m pixels, actions within ±0.2 m/s.
func ExamplePlanarData() {
	sys := system.NewPlanar()
	d, err := PlanarData(sys, 1000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d transitions of %d×%d×%d images\n", d.Len(), d.Width, d.Height, d.Frames)
	fmt.Printf("x = (%.2f, %.2f) m, u = (%.3f, %.3f) m/s, next x = (%.2f, %.2f) m\n",
		d.State[0][0], d.State[0][1], d.U[0][0], d.U[0][1], d.StateNext[0][0], d.StateNext[0][1])
	fmt.Println("check:", d.Check())
	// Output:
	// 1000 transitions of 40×40×1 images
	// x = (0.86, 0.24) m, u = (-0.162, 0.174) m/s, next x = (0.70, 0.41) m
	// check: <nil>
}
