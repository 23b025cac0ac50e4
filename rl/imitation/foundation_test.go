package imitation

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// TestPositionsObserve: one frame is the positions, two frames add the
// finite-difference velocity (p_t − p_{t−1})/Dt, which for the point mass
// (constant velocity without force) equals the velocity exactly up to
// rounding.
func TestPositionsObserve(t *testing.T) {
	pm := system.NewPointMass()
	x0 := []float64{0.5, -1, 0.4, 0.2}
	x1 := make([]float64, 4)
	if err := pm.Step(x1, x0, []float64{0, 0}); err != nil {
		t.Fatal(err)
	}
	two := Positions{Index: []int{0, 1}, Frames: 2, Dt: pm.TimeStep}
	obs := make([]float64, 4)
	two.Observe(obs, x1, x0)
	for j, want := range []float64{x1[0], x1[1], 0.4, 0.2} {
		if math.Abs(obs[j]-want) > 1e-12 {
			t.Errorf("two frames: obs[%d] = %g, want %g", j, obs[j], want)
		}
	}
	one := Positions{Index: []int{1}, Frames: 1}
	if d, err := one.ObsDim(4); err != nil || d != 1 {
		t.Fatalf("ObsDim = %d, %v", d, err)
	}
	o1 := make([]float64, 1)
	one.Observe(o1, x1, x0)
	if o1[0] != x1[1] {
		t.Errorf("one frame: %v, want %g", o1, x1[1])
	}
	full := make([]float64, 4)
	FullState{}.Observe(full, x1, x0)
	if !reflect.DeepEqual(full, x1) {
		t.Errorf("full state: %v, want %v", full, x1)
	}
}

// TestTasks: both tasks validate, their training grid and test starts lie
// in the start region, no test start is a training start, and the
// success test and collision test judge hand-made runs.
func TestTasks(t *testing.T) {
	for _, k := range []*Task{ArmReach(), PointMassGap()} {
		if err := k.Validate(); err != nil {
			t.Fatal(err)
		}
		if len(k.Train) != 9 || len(k.Test) != TestStarts {
			t.Errorf("%s: %d training, %d test starts", k.Name, len(k.Train), len(k.Test))
		}
		drawn, err := k.DrawStarts(50, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range [][][]float64{k.Train, k.Test, drawn} {
			for _, x := range set {
				for j, v := range x {
					if v < k.StartLo[j] || v > k.StartHi[j] {
						t.Errorf("%s: start %v outside [%v, %v]", k.Name, x, k.StartLo, k.StartHi)
					}
				}
			}
		}
		for _, a := range k.Test {
			for _, b := range k.Train {
				if reflect.DeepEqual(a, b) {
					t.Errorf("%s: test start %v is a training start", k.Name, a)
				}
			}
		}
		again, _ := k.DrawStarts(50, 7)
		if !reflect.DeepEqual(drawn, again) {
			t.Errorf("%s: DrawStarts is not reproducible", k.Name)
		}
	}
	pm := PointMassGap()
	tr := system.NewTrajectory(4, 2, 2)
	copy(tr.X[0], []float64{-2, 0, 0, 0})
	copy(tr.X[1], []float64{0, 0.6, 0, 0}) // 0.5 m from the upper disc's centre: overlaps (0.6 + 0.25)
	copy(tr.X[2], []float64{2.1, 0, 0, 0})
	o, err := pm.Judge(tr)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Collided || o.Success || math.Abs(o.FinalDist-0.1) > 1e-12 {
		t.Errorf("through the disc: %+v, want a collision, final distance 0.1, no success", o)
	}
	copy(tr.X[1], []float64{0, 0, 0, 0})
	if o, _ = pm.Judge(tr); !o.Success || o.Collided {
		t.Errorf("through the gap: %+v, want success", o)
	}
}

// TestPolicyFit: regression recovers a linear map with noise: the mean of
// a linear learner (no hidden layer) within 0.02 of the noise-free target
// on average (2000 samples, the noise's σ = 0.1: least squares would be
// within about 0.1·√(4/2000) ≈ 0.005; Adam's last steps add jitter), and
// σ̂ within 10% of 0.1 (the residual RMS of N = 2000 samples has a
// relative standard error 1/√(2N) ≈ 1.6%; the rest is the fit's error).
func TestPolicyFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	N := 2000
	X, Y := system.Grid(N, 3), system.Grid(N, 2)
	f := func(x []float64) (float64, float64) { return 2*x[0] - x[1] + 0.5, x[2] - 1 }
	for i := range X {
		for j := range X[i] {
			X[i][j] = rng.NormFloat64()
		}
		a, b := f(X[i])
		Y[i][0], Y[i][1] = a+0.1*rng.NormFloat64(), b+0.1*rng.NormFloat64()
	}
	p, err := NewPolicy(PolicyConfig{ObsDim: 3, ActDim: 2, Hidden: []int{}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Fit(X, Y, nn.FitConfig{Epochs: 200, LearningRate: 1e-2, FinalLearningRate: 1e-4, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	mean, err := p.Mean(X[:200])
	if err != nil {
		t.Fatal(err)
	}
	e := 0.0
	for i, m := range mean {
		a, b := f(X[i])
		e += (math.Abs(m[0]-a) + math.Abs(m[1]-b)) / 2 / 200
	}
	if e > 0.02 {
		t.Errorf("mean absolute error of the fitted mean %.3f, want ≤ 0.02", e)
	}
	for j, s := range p.Std() {
		if math.Abs(s-0.1) > 0.01 {
			t.Errorf("σ[%d] = %.4f, want 0.1 ± 0.01", j, s)
		}
	}
	// The runner acts with the mean (nil rng) on the observation.
	u := make([]float64, 2)
	r := p.Runner(FullState{})
	if err := r.Act(u, 0, X[0], nil); err != nil {
		t.Fatal(err)
	}
	// A batch of one and a batch of 200 may round the products differently.
	if math.Abs(u[0]-mean[0][0]) > 1e-12 || math.Abs(u[1]-mean[0][1]) > 1e-12 {
		t.Errorf("runner action %v, mean %v", u, mean[0])
	}
}

// TestExpertReaches: the expert's full plan and its MPC reach the goal
// from a training start of each task.
func TestExpertReaches(t *testing.T) {
	for _, k := range []*Task{ArmReach(), PointMassGap()} {
		e, err := NewExpert(k, ExpertConfig{})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.Plan(k.Train[0])
		if err != nil {
			t.Fatal(err)
		}
		o, err := k.Judge(plan.Trajectory)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.Evaluate(k.Train[:2])
		if err != nil {
			t.Fatal(err)
		}
		if !o.Success || ev.SuccessRate != 1 {
			t.Errorf("%s: plan %+v, MPC success rate %.2f", k.Name, o, ev.SuccessRate)
		}
	}
}

func TestFoundationInvalidInput(t *testing.T) {
	nan := math.NaN()
	task := func(edit func(k *Task)) func() error {
		return func() error { k := ArmReach(); edit(k); return k.Validate() }
	}
	p, err := NewPolicy(PolicyConfig{ObsDim: 4, ActDim: 2, Hidden: []int{4}})
	if err != nil {
		t.Fatal(err)
	}
	act := func(obs Observer, x []float64) func() error {
		return func() error { return p.Runner(obs).Act(make([]float64, 2), 0, x, nil) }
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "Validate nil task", func() error { return (*Task)(nil).Validate() }, "nil Task"),
		badtest.Err("nil", "Validate no system", task(func(k *Task) { k.System = nil }), "no system"),
		badtest.Err("nil", "Validate typed nil system", task(func(k *Task) { k.System = (*system.Arm2Link)(nil) }), "no system"),
		badtest.Err("nil", "Validate no cost", task(func(k *Task) { k.Cost = nil }), "no cost"),
		badtest.Err("ragged", "Validate no conditions", task(func(k *Task) { k.Train = nil }), "no training conditions"),
		badtest.Err("ragged", "Validate no test", task(func(k *Task) { k.Test = nil }), "no test starts"),
		badtest.Err("ragged", "Validate short start", task(func(k *Task) { k.Train[3] = []float64{0, 0} }), "Train[3]", "length 2"),
		badtest.Err("nan", "Validate NaN start", task(func(k *Task) { k.Test[5][1] = nan }), "Test[5]", "NaN"),
		badtest.Err("nan", "Validate NaN Tol", task(func(k *Task) { k.Tol = nan }), "Tol = NaN"),
		badtest.Err("nan", "Validate T", task(func(k *Task) { k.T = 0 }), "T = 0"),
		badtest.Err("oversized", "DrawStarts count", func() error { _, err := ArmReach().DrawStarts(0, 1); return err }, "count = 0"),
		badtest.Err("ragged", "DrawStarts no region", func() error { k := ArmReach(); k.StartLo = nil; _, err := k.DrawStarts(3, 1); return err }, "no start region"),
		badtest.Err("ragged", "ObsDim index", func() error { _, err := (Positions{Index: []int{4}, Frames: 1}).ObsDim(4); return err }, "holds 4"),
		badtest.Err("ragged", "ObsDim frames", func() error { _, err := (Positions{Index: []int{0}, Frames: 3}).ObsDim(4); return err }, "Frames = 3"),
		badtest.Err("nan", "ObsDim Dt", func() error { _, err := (Positions{Index: []int{0}, Frames: 2, Dt: nan}).ObsDim(4); return err }, "Dt = NaN"),
		badtest.Err("ragged", "NewPolicy dims", func() error { _, err := NewPolicy(PolicyConfig{ObsDim: 0, ActDim: 1}); return err }, "ObsDim = 0"),
		badtest.Err("nan", "NewPolicy MinStd", func() error { _, err := NewPolicy(PolicyConfig{ObsDim: 1, ActDim: 1, MinStd: nan}); return err }, "MinStd = NaN"),
		badtest.Err("nil", "Runner nil policy", func() error {
			return (*Policy)(nil).Runner(FullState{}).Act(make([]float64, 2), 0, make([]float64, 4), nil)
		}, "nil Policy"),
		badtest.Err("ragged", "Runner observer mismatch", act(Positions{Index: []int{0}, Frames: 1}, make([]float64, 4)), "gives 1 numbers", "takes 4"),
		badtest.Err("nan", "Runner NaN state", act(FullState{}, []float64{0, nan, 0, 0}), "NaN"),
		badtest.Err("ragged", "Fit ragged", func() error { _, err := p.Fit([][]float64{{1, 2, 3, 4}}, [][]float64{{1}}, nn.FitConfig{}); return err }, "imitation"),
		badtest.Err("ragged", "Expert horizon", func() error { _, err := NewExpert(ArmReach(), ExpertConfig{Horizon: 101}); return err }, "Horizon = 101"),
		badtest.Err("nil", "Evaluate nil policy", func() error { _, err := Evaluate(ArmReach(), nil, ArmReach().Test); return err }, "nil policy"),
		badtest.Err("nan", "Evaluate NaN start", func() error {
			_, err := Evaluate(ArmReach(), func(int) (system.Policy, error) { return p.Runner(FullState{}), nil }, [][]float64{{nan, 0, 0, 0}})
			return err
		}, "starts[0]", "NaN"),
	})
}
