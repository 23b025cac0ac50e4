package env

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func pendulums() Env { return NewPendulum() }

// randomActions returns n random torques in [−3, 3] (some get clipped).
func randomActions(rng *rand.Rand, n int) [][]float64 {
	a := make([][]float64, n)
	for i := range a {
		a[i] = []float64{6*rng.Float64() - 3}
	}
	return a
}

// TestVecReproducible: the same seed and actions give the same
// observations bit for bit; another seed gives others; copy i's episodes
// do not depend on the number of copies.
func TestVecReproducible(t *testing.T) {
	// run returns the observations of every step: [step][copy][component].
	run := func(seed uint64, n int) [][][]float64 {
		v := MustNewVec(pendulums, n, seed)
		trace := [][][]float64{v.Reset()}
		rng := rand.New(rand.NewPCG(5, 5))
		for k := 0; k < 450; k++ { // crosses two auto-resets
			obs, _, _, _, err := v.Step(randomActions(rng, 5)[:n])
			if err != nil {
				t.Fatal(err)
			}
			trace = append(trace, obs)
		}
		return trace
	}
	// same reports whether the first copies copies of x and y agree bit
	// for bit at every step.
	same := func(x, y [][][]float64, copies int) bool {
		for k := range x {
			for i := 0; i < copies; i++ {
				for j := range x[k][i] {
					if x[k][i][j] != y[k][i][j] {
						return false
					}
				}
			}
		}
		return true
	}
	a, b, c := run(11, 5), run(11, 5), run(12, 5)
	if !same(a, b, 5) {
		t.Error("same seed gave different observations")
	}
	if same(a, c, 5) {
		t.Error("different seeds gave the same observations")
	}
	// Copy 0 of a 5-copy Vec and of a 1-copy Vec see the same episodes
	// (the 1-copy run takes the first of the same 5 random actions).
	if !same(a, run(11, 1), 1) {
		t.Error("copy 0's episodes depend on the number of copies")
	}
}

// TestVecAutoReset: with a 5-step horizon every copy ends its episode at
// step 5, truncated; the returned observation starts a new episode, the
// final one matches a lone environment stepped by hand, and the episode
// return is the sum of the rewards.
func TestVecAutoReset(t *testing.T) {
	const n, h = 3, 5
	v := MustNewVec(func() Env { return &Pendulum{Horizon: h} }, n, 42)
	obs0 := v.Reset()
	// A lone copy of copy 1, same stream.
	lone := &Pendulum{Horizon: h}
	rng1 := rand.New(rand.NewPCG(42, 1))
	lo := lone.Reset(rng1)
	for j := range lo {
		if lo[j] != obs0[1][j] {
			t.Fatalf("copy 1 starts at %v, a lone env with PCG(42, 1) at %v", obs0[1], lo)
		}
	}
	sums := make([]float64, n)
	var loneObs []float64
	for k := 1; k <= h; k++ {
		acts := [][]float64{{0.5}, {-1}, {3}}
		obs, rew, dones, trunc, err := v.Step(acts)
		if err != nil {
			t.Fatal(err)
		}
		var lr float64
		loneObs, lr, _, _ = lone.Step(acts[1])
		if rew[1] != lr {
			t.Errorf("step %d: copy 1 reward %v, lone %v", k, rew[1], lr)
		}
		for i := range sums {
			sums[i] += rew[i]
			if dones[i] != (k == h) || trunc[i] != (k == h) {
				t.Errorf("step %d copy %d: done %v truncated %v", k, i, dones[i], trunc[i])
			}
		}
		if k < h {
			if ended := v.Ended(); len(ended) != 0 {
				t.Errorf("step %d: episodes ended early: %+v", k, ended)
			}
			continue
		}
		ended := v.Ended()
		if len(ended) != n {
			t.Fatalf("%d episodes ended, want %d", len(ended), n)
		}
		final := v.FinalObs()
		for i, ep := range ended {
			if ep.Copy != i || ep.Length != h || !ep.Truncated || math.Abs(ep.Return-sums[i]) > 1e-12 {
				t.Errorf("episode %+v, want copy %d, length %d, truncated, return %v", ep, i, h, sums[i])
			}
			for j := range ep.FinalObs {
				if ep.FinalObs[j] != final[i][j] {
					t.Errorf("Ended and FinalObs disagree for copy %d", i)
				}
			}
		}
		for j := range loneObs {
			if final[1][j] != loneObs[j] {
				t.Errorf("copy 1 final obs %v, lone env %v", final[1], loneObs)
			}
		}
		// obs[1] is the start of copy 1's next episode: the lone env's next
		// Reset from the same stream.
		next := lone.Reset(rng1)
		for j := range next {
			if obs[1][j] != next[j] {
				t.Errorf("copy 1 after auto-reset %v, want %v", obs[1], next)
			}
		}
		if rets, lens := v.Running(); rets[1] != 0 || lens[1] != 0 {
			t.Errorf("running stats after reset: %v %v", rets, lens)
		}
	}
	// The next step ends nothing, and FinalObs is cleared.
	if _, _, dones, _, err := v.Step([][]float64{{0}, {0}, {0}}); err != nil || dones[0] {
		t.Fatalf("err %v dones %v", err, dones)
	}
	if f := v.FinalObs(); f[0] != nil || len(v.Ended()) != 0 {
		t.Errorf("FinalObs %v after a step that ended nothing", f)
	}
}

// TestVecTerminations: cart-pole copies under zero force fall (terminated,
// not truncated) at different times, each copy restarts, and the episode
// returns equal their lengths (reward 1 per step).
func TestVecTerminations(t *testing.T) {
	v := MustNewVec(func() Env { return NewCartPole() }, 4, 3)
	v.Reset()
	zero := [][]float64{{0}, {0}, {0}, {0}}
	var ended []Episode
	for k := 0; k < 300; k++ {
		_, _, dones, trunc, err := v.Step(zero)
		if err != nil {
			t.Fatal(err)
		}
		for i := range dones {
			if trunc[i] {
				t.Fatalf("copy %d truncated under zero force", i)
			}
		}
		for _, ep := range v.Ended() {
			th := ep.FinalObs[2]
			if math.Abs(th) <= 12*math.Pi/180 && math.Abs(ep.FinalObs[0]) <= 2.4 {
				t.Errorf("episode ended inside the limits: %+v", ep)
			}
			if ep.Return != float64(ep.Length) || ep.Truncated {
				t.Errorf("episode %+v", ep)
			}
		}
		ended = append(ended, v.Ended()...)
	}
	if len(ended) < 8 {
		t.Errorf("only %d episodes ended in 300 steps of 4 falling cart-poles", len(ended))
	}
}

// noLimit is an environment with no time limit of its own and no
// Truncater: Vec must cut it at MaxSteps.
type noLimit struct{ t int }

func (e *noLimit) ObsDim() int                      { return 1 }
func (e *noLimit) ActDim() int                      { return 1 }
func (e *noLimit) ActionLimits() (lo, hi []float64) { return []float64{-1}, []float64{1} }
func (e *noLimit) MaxSteps() int                    { return 3 }
func (e *noLimit) Reset(*rand.Rand) []float64       { e.t = 0; return []float64{0} }
func (e *noLimit) Step(a []float64) ([]float64, float64, bool, error) {
	e.t++
	return []float64{float64(e.t)}, 1, false, nil
}

func TestVecEnforcesMaxSteps(t *testing.T) {
	v := MustNewVec(func() Env { return &noLimit{} }, 2, 0)
	v.Reset()
	for k := 1; k <= 3; k++ {
		obs, _, dones, trunc, err := v.Step([][]float64{{0}, {0}})
		if err != nil {
			t.Fatal(err)
		}
		if dones[0] != (k == 3) || trunc[0] != (k == 3) {
			t.Errorf("step %d: done %v truncated %v", k, dones[0], trunc[0])
		}
		if k == 3 && (obs[0][0] != 0 || v.FinalObs()[0][0] != 3) {
			t.Errorf("after the cut: obs %v, final %v", obs[0], v.FinalObs()[0])
		}
	}
}

// TestVecBadInput: errors for bad construction and bad actions, which
// change nothing.
func TestVecBadInput(t *testing.T) {
	if _, err := NewVec(pendulums, 0, 1); err == nil {
		t.Error("n = 0 accepted")
	}
	if _, err := NewVec(nil, 2, 1); err == nil {
		t.Error("nil constructor accepted")
	}
	k := 0
	mixed := func() Env {
		k++
		if k == 2 {
			return NewCartPole()
		}
		return NewPendulum()
	}
	if _, err := NewVec(mixed, 3, 1); err == nil || !strings.Contains(err.Error(), "copy 1") {
		t.Errorf("mixed environments: err = %v", err)
	}
	v := MustNewVec(pendulums, 2, 1)
	if _, _, _, _, err := v.Step([][]float64{{0}, {0}}); err == nil {
		t.Error("Step before Reset accepted")
	}
	v.Reset()
	v.Step([][]float64{{0}, {0}})
	_, lens := v.Running()
	for _, acts := range [][][]float64{{{0}}, {{0}, {0, 1}}, {{0}, {math.NaN()}}, {{math.Inf(1)}, {0}}} {
		if _, _, _, _, err := v.Step(acts); err == nil {
			t.Errorf("actions %v accepted", acts)
		} else if len(acts) == 2 && len(acts[1]) == 1 && !strings.Contains(err.Error(), "actions[") {
			t.Errorf("error %q does not name the action", err)
		}
	}
	if _, after := v.Running(); after[0] != lens[0] || after[1] != lens[1] {
		t.Errorf("rejected actions advanced the copies: %v → %v", lens, after)
	}
}
