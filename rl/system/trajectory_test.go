package system

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRolloutOpenLoop(t *testing.T) {
	p := NewPendulum()
	us := [][]float64{{1}, {2}, {-1}, {0}}
	tr, err := Rollout(p, OpenLoop(us), []float64{0, 0}, len(us), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, m, T, err := tr.Dims(); err != nil || n != 2 || m != 1 || T != 4 {
		t.Fatalf("Dims = %d, %d, %d, %v", n, m, T, err)
	}
	x := []float64{0, 0}
	for k, u := range us {
		_ = p.Step(x, x, u)
		if x[0] != tr.X[k+1][0] || x[1] != tr.X[k+1][1] || tr.U[k][0] != u[0] {
			t.Errorf("step %d: rollout %v, stepping %v", k+1, tr.X[k+1], x)
		}
	}
	before := tr.X[1][0]
	_ = append(tr.X[0], 99) // capacity-limited: must not clobber X[1]
	if tr.X[1][0] != before {
		t.Error("appending to a rollout state overwrote the next one")
	}
	c := tr.Clone()
	c.X[2][0] = 42
	if tr.X[2][0] == 42 {
		t.Error("Clone shares storage")
	}
	bad := []struct {
		name string
		x0   []float64
		us   [][]float64
		want string
	}{
		{"short x0", []float64{0}, us, "x0"},
		{"NaN x0", []float64{math.NaN(), 0}, us, "x0"},
		{"bad action", []float64{0, 0}, [][]float64{{0}, {0}, {0, 1}}, "step 2"},
		{"Inf action", []float64{0, 0}, [][]float64{{math.Inf(1)}}, "action 0[0] = +Inf"},
	}
	for _, c := range bad {
		if _, err := Rollout(p, OpenLoop(c.us), c.x0, len(c.us), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Rollout with %s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := Rollout(nil, OpenLoop(us), nil, 1, nil); err == nil {
		t.Error("Rollout(nil system): no error")
	}
	if _, err := Rollout(p, nil, []float64{0, 0}, 1, nil); err == nil || !strings.Contains(err.Error(), "nil Policy") {
		t.Errorf("Rollout(nil policy): %v", err)
	}
	if _, err := Rollout(p, OpenLoop(us), []float64{0, 0}, 0, nil); err == nil || !strings.Contains(err.Error(), "T = 0") {
		t.Errorf("Rollout(T = 0): %v", err)
	}
	if _, err := Rollout(p, OpenLoop(us), []float64{0, 0}, 5, nil); err == nil || !strings.Contains(err.Error(), "asked for step 4") {
		t.Errorf("Rollout past the open-loop actions: %v", err)
	}
	// Blow-up is reported with its step.
	d := NewDoubleIntegrator()
	if _, err := Rollout(d, OpenLoop{{0}, {0}, {0}, {0}}, []float64{0.9 * math.MaxFloat64, 0.9 * math.MaxFloat64}, 4, nil); err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Errorf("overflowing rollout: %v", err)
	}
}

// noisy acts u = −x₀ + N(0, 1) when given a random source, −x₀ without.
type noisy struct{}

func (noisy) Act(u []float64, _ int, x []float64, rng *rand.Rand) error {
	u[0] = -x[0]
	if rng != nil {
		u[0] += rng.NormFloat64()
	}
	return nil
}

// TestRollouts: same seed, same batch; the draws are rollout i's start, then
// its actions, before rollout i+1's; a nil source gives the deterministic
// policy; bad arguments are errors.
func TestRollouts(t *testing.T) {
	d := NewDoubleIntegrator()
	x0 := []float64{1, 0}
	b1, err := Rollouts(d, noisy{}, x0, 0.1, 3, 5, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := Rollouts(d, noisy{}, x0, 0.1, 3, 5, rand.New(rand.NewPCG(1, 2)))
	if n, m, T, N, err := b1.Dims(); err != nil || n != 2 || m != 1 || T != 5 || N != 3 {
		t.Fatalf("Dims = %d, %d, %d, %d, %v", n, m, T, N, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range b1 {
		if b1[i].X[3][0] != b2[i].X[3][0] {
			t.Fatal("same seed, different rollouts")
		}
		if want := x0[0] + 0.1*rng.NormFloat64(); b1[i].X[0][0] != want {
			t.Errorf("rollout %d starts at %v, want %v", i, b1[i].X[0][0], want)
		}
		rng.NormFloat64() // start noise of the second component
		for s := 0; s < 5; s++ {
			if want := -b1[i].X[s][0] + rng.NormFloat64(); b1[i].U[s][0] != want {
				t.Fatalf("rollout %d, step %d: action %v, want %v", i, s, b1[i].U[s][0], want)
			}
		}
	}
	// x0Std = 0 still draws the start noise: the action noise is unchanged.
	b0, err := Rollouts(d, noisy{}, x0, 0, 3, 5, rand.New(rand.NewPCG(1, 2)))
	if err != nil || b0[2].X[0][0] != x0[0] {
		t.Fatalf("x0Std = 0: start %v, %v", b0[2].X[0], err)
	}
	for i := range b0 {
		if n0, n1 := b0[i].U[3][0]+b0[i].X[3][0], b1[i].U[3][0]+b1[i].X[3][0]; math.Abs(n0-n1) > 1e-12 {
			t.Errorf("rollout %d: action noise %v with x0Std = 0, %v with 0.1", i, n0, n1)
		}
	}
	det, err := Rollouts(d, noisy{}, x0, 0, 2, 5, nil)
	if err != nil || det[0].U[2][0] != det[1].U[2][0] || det[0].U[0][0] != -1 {
		t.Errorf("deterministic rollouts differ or are wrong: %v", err)
	}
	for name, c := range map[string]struct {
		std  float64
		N    int
		rng  *rand.Rand
		want string
	}{
		"N = 0":        {0, 0, nil, "N = 0"},
		"std < 0":      {-1, 2, nil, "x0Std = -1"},
		"std NaN":      {math.NaN(), 2, nil, "x0Std = NaN"},
		"no rng noise": {0.1, 2, nil, "random source"},
	} {
		if _, err := Rollouts(d, noisy{}, x0, c.std, c.N, 5, c.rng); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	b1[1].X[2] = b1[1].X[2][:1]
	if _, _, _, _, err := b1.Dims(); err == nil || !strings.Contains(err.Error(), "trajectory 1: X[2] has length 1") {
		t.Errorf("ragged batch: %v", err)
	}
	b1[1].X[2] = []float64{math.NaN(), 0}
	if _, _, _, _, err := b1.Dims(); err == nil || !strings.Contains(err.Error(), "X[2][0] = NaN") {
		t.Errorf("NaN in batch: %v", err)
	}
	if _, _, _, _, err := (Batch{}).Dims(); err == nil {
		t.Error("empty batch: no error")
	}
}
