package imitation

import (
	"math"
	"reflect"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"gonum.org/v1/gonum/mat"
)

// testFit is a short fit for the tests: a small net, 10 epochs per round.
var testFit = nn.FitConfig{Epochs: 10, BatchSize: 128, LearningRate: 3e-3}

// TestDAggerCountsAndCost runs DAgger on the arm (full state, 16×16 net, 4
// rounds of 1 rollout, β = {1, 0, 0, 0}). The counts follow the schedule
// exactly: every visited state is labelled once (T per rollout), round 0
// executes only the expert, later rounds only the learner. The held-out
// cost after the last round is below round 0's (behaviour cloning from one
// demonstration): measured 113 → 55.4 with this seed, so the comparison has a
// wide margin.
func TestDAggerCountsAndCost(t *testing.T) {
	k := ArmReach()
	e, err := NewExpert(k, ExpertConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DAggerConfig{LearnerConfig: LearnerConfig{Observer: FullState{}, Hidden: []int{16, 16}, Fit: testFit, Seed: 1},
		Rounds: 4, Rollouts: 1, Beta: []float64{1, 0, 0, 0}, Evaluate: true}
	var seen []int
	cfg.Progress = func(r Round) { seen = append(seen, r.Index) }
	d, err := RunDAgger(e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []int{0, 1, 2, 3}) {
		t.Errorf("progress saw rounds %v", seen)
	}
	T := k.T
	for i, r := range d.Rounds() {
		wantExec := T
		if i == 0 {
			wantExec = 0
		}
		if r.Queries != T || r.Executions != wantExec || r.DataSize != (i+1)*T || len(r.Visited) != T+1 {
			t.Errorf("round %d: queries %d, executions %d, |D| %d, %d visited; want %d, %d, %d, %d", i, r.Queries, r.Executions, r.DataSize, len(r.Visited), T, wantExec, (i+1)*T, T+1)
		}
		t.Logf("round %d: held-out cost %.2f, success %.2f", i, r.MeanCost, r.SuccessRate)
	}
	if d.ExpertQueries() != 4*T || d.PolicyExecutions() != 3*T {
		t.Errorf("totals: %d queries, %d executions; want %d, %d", d.ExpertQueries(), d.PolicyExecutions(), 4*T, 3*T)
	}
	if d.Data().Count(ExpertDemo) != T || d.Data().Count(LearnerRollout) != 3*T {
		t.Errorf("data sources: %d expert, %d learner", d.Data().Count(ExpertDemo), d.Data().Count(LearnerRollout))
	}
	rs := d.Rounds()
	if !(rs[3].MeanCost < rs[0].MeanCost) {
		t.Errorf("held-out cost did not fall: round 0 %.2f, round 3 %.2f", rs[0].MeanCost, rs[3].MeanCost)
	}

	// The per-step mixture with β = 0.5: the executions counted are the
	// steps whose action is not the expert's label (a learner's mean equals
	// the MPC's action to the bit with probability 0), and their number is
	// Binomial(2T, 0.5): within 5 standard deviations (√(2T/4) ≈ 7) of T.
	starts, _ := k.DrawStarts(2, 77)
	mix, err := d.RunPolicy(0.5, starts, 11)
	if err != nil {
		t.Fatal(err)
	}
	exec, differ := 0, 0
	for _, r := range mix {
		exec += r.Executions()
		for tt, u := range r.Trajectory.U {
			if u[0] != r.Labels[tt][0] || u[1] != r.Labels[tt][1] {
				differ++
			}
		}
		if q, _ := d.Label([]*Rollout{r}); q != 0 {
			t.Errorf("mixed rollout asked the expert again (%d queries)", q)
		}
	}
	if exec != differ {
		t.Errorf("β = 0.5: %d executions counted, %d steps not the expert's", exec, differ)
	}
	if math.Abs(float64(exec-T)) > 5*math.Sqrt(float64(2*T)/4) {
		t.Errorf("β = 0.5: %d learner steps of %d", exec, 2*T)
	}
}

// TestDAggerReproducible: the same seed gives the same numbers, bit for
// bit (rollouts run in parallel, each with its own random stream).
func TestDAggerReproducible(t *testing.T) {
	e, err := NewExpert(ArmReach(), ExpertConfig{})
	if err != nil {
		t.Fatal(err)
	}
	run := func() ([]float64, [][]float64) {
		d, err := RunDAgger(e, DAggerConfig{LearnerConfig: LearnerConfig{Observer: FullState{}, Hidden: []int{8}, Fit: testFit, Seed: 4},
			Rounds: 2, Rollouts: 2, P: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, r := range d.Rounds() {
			out = append(out, r.Loss, float64(r.Executions))
		}
		return out, d.Data().Act
	}
	a, ua := run()
	b, ub := run()
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ua, ub) {
		t.Errorf("two runs with seed 4 differ: %v vs %v", a, b)
	}
}

func TestBehaviourCloningCounts(t *testing.T) {
	k := ArmReach()
	e, _ := NewExpert(k, ExpertConfig{})
	b, err := BehaviourCloning(e, BCConfig{LearnerConfig: LearnerConfig{Observer: FullState{}, Hidden: []int{8}, Fit: testFit, Seed: 2}, Demos: 2})
	if err != nil {
		t.Fatal(err)
	}
	if b.ExpertQueries != 2*k.T || b.Data.Len() != 2*k.T || b.Data.Count(ExpertDemo) != 2*k.T {
		t.Errorf("BC: %d queries, %d pairs", b.ExpertQueries, b.Data.Len())
	}
	// The demonstrations start from DrawStarts(2, seed), not the test set.
	want, _ := k.DrawStarts(2, 2)
	for i, r := range b.Demos {
		if !reflect.DeepEqual(r.Start, want[i]) {
			t.Errorf("demo %d starts at %v, want %v", i, r.Start, want[i])
		}
		for tt, u := range r.Trajectory.U {
			if !reflect.DeepEqual(u, r.Labels[tt]) {
				t.Fatalf("demo %d step %d executed %v, the expert said %v", i, tt, u, r.Labels[tt])
			}
		}
	}
}

func TestImitationInvalidInput(t *testing.T) {
	nan := math.NaN()
	e, err := NewExpert(ArmReach(), ExpertConfig{})
	if err != nil {
		t.Fatal(err)
	}
	lc := LearnerConfig{Observer: FullState{}, Hidden: []int{4}, Fit: testFit}
	dagger := func(edit func(c *DAggerConfig)) func() error {
		return func() error {
			c := DAggerConfig{LearnerConfig: lc, Rounds: 2, Rollouts: 1}
			edit(&c)
			_, err := NewDAgger(e, c)
			return err
		}
	}
	plato := func(edit func(c *PLATOConfig)) func() error {
		return func() error {
			c := PLATOConfig{LearnerConfig: lc, Rounds: 2, Rollouts: 1, Lambda: 1}
			edit(&c)
			_, err := NewPLATO(e, c)
			return err
		}
	}
	wrong, _ := NewPolicy(PolicyConfig{ObsDim: 3, ActDim: 2, Hidden: []int{4}})
	wrongAct, _ := NewPolicy(PolicyConfig{ObsDim: 4, ActDim: 1, Hidden: []int{4}})
	d, err := NewDAgger(e, DAggerConfig{LearnerConfig: lc, Rounds: 1, Rollouts: 1})
	if err != nil {
		t.Fatal(err)
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("ragged", "no training conditions", func() error {
			k := ArmReach()
			k.Train = nil
			_, err := NewExpert(k, ExpertConfig{})
			return err
		}, "no training conditions"),
		badtest.Err("nil", "BC nil expert", func() error { _, err := BehaviourCloning(nil, BCConfig{Demos: 1}); return err }, "nil expert"),
		badtest.Err("ragged", "BC demos", func() error { _, err := BehaviourCloning(e, BCConfig{LearnerConfig: lc}); return err }, "Demos = 0"),
		badtest.Err("ragged", "observer vs task", dagger(func(c *DAggerConfig) { c.Observer = Positions{Index: []int{5}, Frames: 1} }), "observer", "does not fit"),
		badtest.Err("ragged", "policy vs observer", dagger(func(c *DAggerConfig) { c.Init = wrong }), "takes 3", "gives 4"),
		badtest.Err("ragged", "policy vs task action", dagger(func(c *DAggerConfig) { c.Init = wrongAct }), "gives 1", "action has 2"),
		badtest.Err("oversized", "rounds < 1", dagger(func(c *DAggerConfig) { c.Rounds = 0 }), "Rounds = 0"),
		badtest.Err("oversized", "rollouts < 1", dagger(func(c *DAggerConfig) { c.Rollouts = -1 }), "Rollouts = -1"),
		badtest.Err("oversized", "P > 1", dagger(func(c *DAggerConfig) { c.P = 1.5 }), "P = 1.5"),
		badtest.Err("oversized", "P < 0", dagger(func(c *DAggerConfig) { c.P = -0.1 }), "P = -0.1"),
		badtest.Err("nan", "P NaN", dagger(func(c *DAggerConfig) { c.P = nan }), "P = NaN"),
		badtest.Err("oversized", "β > 1", dagger(func(c *DAggerConfig) { c.Beta = []float64{1, 1.2} }), "Beta[1] = 1.2"),
		badtest.Err("oversized", "β < 0", dagger(func(c *DAggerConfig) { c.Beta = []float64{-0.5, 0} }), "Beta[0] = -0.5"),
		badtest.Err("nan", "β NaN", dagger(func(c *DAggerConfig) { c.Beta = []float64{1, nan} }), "Beta[1] = NaN"),
		badtest.Err("ragged", "β length", dagger(func(c *DAggerConfig) { c.Beta = []float64{1} }), "Beta has 1 values"),
		badtest.Err("nan", "fit NaN", dagger(func(c *DAggerConfig) { c.Fit.LearningRate = nan }), "LearningRate"),
		badtest.Err("oversized", "RunPolicy β", func() error { _, err := d.RunPolicy(2, ArmReach().Train, 1); return err }, "β = 2"),
		badtest.Err("nan", "RunPolicy NaN start", func() error { _, err := d.RunPolicy(0, [][]float64{{nan, 0, 0, 0}}, 1); return err }, "NaN"),
		badtest.Err("oversized", "λ < 0", plato(func(c *PLATOConfig) { c.Lambda = -1 }), "Lambda = -1"),
		badtest.Err("nan", "λ NaN", plato(func(c *PLATOConfig) { c.Lambda = nan }), "Lambda = NaN"),
		badtest.Err("oversized", "PLATO rounds", plato(func(c *PLATOConfig) { c.Rounds = 0 }), "Rounds = 0"),
		badtest.Err("oversized", "teacher λ < 0", func() error {
			_, _, err := AdaptiveTeacher([]float64{0}, eye(1), []float64{0}, []float64{1}, -2)
			return err
		}, "λ = -2"),
		badtest.Err("nan", "teacher σ", func() error {
			_, _, err := AdaptiveTeacher([]float64{0}, eye(1), []float64{0}, []float64{0}, 1)
			return err
		}, "σ[0] = 0"),
		badtest.Err("nan", "teacher u*", func() error {
			_, _, err := AdaptiveTeacher([]float64{nan}, eye(1), []float64{0}, []float64{1}, 1)
			return err
		}, "u*[0] = NaN"),
		badtest.Err("ragged", "teacher dims", func() error {
			_, _, err := AdaptiveTeacher([]float64{0, 0}, eye(1), []float64{0, 0}, []float64{1, 1}, 1)
			return err
		}, "Quu is 1×1"),
		badtest.Err("nan", "teacher not PD", func() error {
			_, _, err := AdaptiveTeacher([]float64{0}, negEye(1), []float64{0}, []float64{1}, 0.5)
			return err
		}, "not positive definite"),
	})
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func negEye(n int) *mat.Dense {
	m := eye(n)
	m.Scale(-2, m)
	return m
}
