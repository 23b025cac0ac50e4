package policy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/env"
)

func pendulumPolicy(t testing.TB) *Gaussian {
	t.Helper()
	return MustNewGaussian(GaussianConfig{ObsDim: 3, ActDim: 1, InitStd: 1, Seed: 1})
}

func pendulumVec(t testing.TB, n int, seed uint64) *env.Vec {
	t.Helper()
	return env.MustNewVec(func() env.Env { return env.NewPendulum() }, n, seed)
}

// TestRolloutsLayout: a batch of 4 pendulum copies × 250 steps has the
// documented layout: copy-major segments that replay exactly in a lone
// pendulum, episode ends with bootstrap observations, episode ids and
// returns; Logp and Mean are the sampling policy's.
func TestRolloutsLayout(t *testing.T) {
	pi := pendulumPolicy(t)
	vec := pendulumVec(t, 4, 21)
	const N, T = 4, 250
	b, err := Rollouts(pi, vec, N*T, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != N*T || b.NumEnvs != N || b.StepsPerEnv != T {
		t.Fatalf("Len %d, NumEnvs %d, StepsPerEnv %d", b.Len(), b.NumEnvs, b.StepsPerEnv)
	}
	// Replay copy 2 in a lone pendulum with its reset stream PCG(21, 2).
	lone, rng := env.NewPendulum(), rand.New(rand.NewPCG(21, 2))
	obs := lone.Reset(rng)
	epRet := 0.0
	for t0 := 0; t0 < T; t0++ {
		k := 2*T + t0
		for j := range obs {
			if obs[j] != b.Obs[k][j] {
				t.Fatalf("step %d: Obs %v, replay %v", t0, b.Obs[k], obs)
			}
		}
		next, r, done, err := lone.Step(b.Act[k])
		if err != nil {
			t.Fatal(err)
		}
		epRet += r
		if r != b.Rew[k] || done != b.Done[k] || done != b.Truncated[k] || b.Terminal[k] {
			t.Fatalf("step %d: reward %v done %v; batch %v %v %v", t0, r, done, b.Rew[k], b.Done[k], b.Truncated[k])
		}
		cut := t0 == T-1
		if b.Cut[k] != cut || b.End[k] != (done || cut) {
			t.Fatalf("step %d: Cut %v End %v", t0, b.Cut[k], b.End[k])
		}
		if (b.BootObs[k] != nil) != (done || cut) {
			t.Fatalf("step %d: BootObs %v", t0, b.BootObs[k])
		}
		if b.BootObs[k] != nil {
			for j := range next {
				if next[j] != b.BootObs[k][j] {
					t.Fatalf("step %d: BootObs %v, replay %v", t0, b.BootObs[k], next)
				}
			}
		}
		if done {
			// Copy 2's episode is the third to end (one per copy).
			if b.EpLengths[2] != 200 || math.Abs(b.EpReturns[2]-epRet) > 1e-9 {
				t.Errorf("episode return %v length %d, replay %v 200", b.EpReturns[2], b.EpLengths[2], epRet)
			}
			next = lone.Reset(rng)
		}
		obs = next
	}
	if len(b.EpReturns) != N {
		t.Errorf("%d episodes completed, want %d", len(b.EpReturns), N)
	}
	// Episode ids: two segments per copy (200 steps, then 50).
	if b.Episode[0] != 0 || b.Episode[199] != 0 || b.Episode[200] != 1 || b.Episode[T] != 2 || b.Episode[N*T-1] != 2*N-1 {
		t.Errorf("episode ids %d %d %d %d %d", b.Episode[0], b.Episode[199], b.Episode[200], b.Episode[T], b.Episode[N*T-1])
	}
	lp, _ := pi.LogProb(b.Obs, b.Act)
	mean, _ := pi.Mean(b.Obs)
	for k := range lp {
		// Graphs of different batch sizes may round differently in the last
		// bit (matrix-product blocking), so compare to 1e-12.
		if math.Abs(lp[k]-b.Logp[k]) > 1e-12 || math.Abs(mean[k][0]-b.Mean[k][0]) > 1e-12 {
			t.Fatalf("step %d: Logp %v vs %v, Mean %v vs %v", k, b.Logp[k], lp[k], b.Mean[k], mean[k])
		}
	}
	if b.LogStd[0] != pi.LogStd()[0] {
		t.Errorf("LogStd %v", b.LogStd)
	}
	if m, n := b.MeanReturn(); n != N || m > -100 {
		t.Errorf("mean return %v over %d episodes", m, n)
	}
}

// TestRolloutsReproducibleAndContinuing: same seeds, same batch; a second
// call continues the episodes of the first, so episodes cut there finish
// with their full length.
func TestRolloutsReproducibleAndContinuing(t *testing.T) {
	pi := pendulumPolicy(t)
	run := func() (*Batch, *Batch) {
		vec, rng := pendulumVec(t, 3, 5), rand.New(rand.NewPCG(8, 8))
		b1, err := Rollouts(pi, vec, 3*150, rng)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := Rollouts(pi, vec, 3*150, rng)
		if err != nil {
			t.Fatal(err)
		}
		return b1, b2
	}
	a1, a2 := run()
	c1, c2 := run()
	for k := range a1.Act {
		if a1.Act[k][0] != c1.Act[k][0] || a2.Act[k][0] != c2.Act[k][0] || a2.Obs[k][2] != c2.Obs[k][2] {
			t.Fatalf("step %d differs between identical runs", k)
		}
	}
	if len(a1.EpReturns) != 0 {
		t.Errorf("first batch (150 steps per copy) completed %d episodes", len(a1.EpReturns))
	}
	if len(a2.EpLengths) != 3 || a2.EpLengths[0] != 200 {
		t.Errorf("second batch episode lengths %v, want three of 200", a2.EpLengths)
	}
	// The second batch starts where the first was cut.
	for i := 0; i < 3; i++ {
		cut, start := a1.BootObs[i*150+149], a2.Obs[i*150]
		for j := range cut {
			if cut[j] != start[j] {
				t.Errorf("copy %d: cut at %v, next batch starts at %v", i, cut, start)
			}
		}
	}
	// The episode return counts the steps of both batches.
	sum := 0.0
	for k := 0; k < 150; k++ {
		sum += a1.Rew[k]
	}
	for k := 0; k < 50; k++ {
		sum += a2.Rew[k]
	}
	if math.Abs(a2.EpReturns[0]-sum) > 1e-9 {
		t.Errorf("episode return %v, sum over both batches %v", a2.EpReturns[0], sum)
	}
}

// TestEvaluateTerminations: on cart-poles that fall, next values are 0 at
// terminations, V(next obs) inside segments and V(BootObs) at the cut.
func TestEvaluateTerminations(t *testing.T) {
	pi := MustNewGaussian(GaussianConfig{ObsDim: 4, ActDim: 1, InitStd: math.E, Seed: 2})
	vec := env.MustNewVec(func() env.Env { return env.NewCartPole() }, 2, 3)
	b, err := Rollouts(pi, vec, 2*100, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	v := MustNewValue(ValueConfig{ObsDim: 4, Seed: 1})
	values, next, err := v.Evaluate(b)
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := v.Predict(b.Obs)
	terms := 0
	for k := range next {
		if values[k] != direct[k] {
			t.Fatalf("values[%d] = %v, Predict %v", k, values[k], direct[k])
		}
		switch {
		case b.Terminal[k]:
			terms++
			if next[k] != 0 || b.BootObs[k] != nil || b.Rew[k] != 1 {
				t.Errorf("termination at %d: next %v, BootObs %v", k, next[k], b.BootObs[k])
			}
		case b.Cut[k]:
			want, _ := v.Predict([][]float64{b.BootObs[k]})
			if math.Abs(next[k]-want[0]) > 1e-12 { // batch sizes differ: rounding
				t.Errorf("cut at %d: next %v, V(BootObs) %v", k, next[k], want[0])
			}
		default:
			if next[k] != values[k+1] {
				t.Errorf("step %d: next %v, values[k+1] %v", k, next[k], values[k+1])
			}
		}
	}
	if terms == 0 || len(b.EpReturns) != terms {
		t.Errorf("%d terminations, %d completed episodes", terms, len(b.EpReturns))
	}
	for i, r := range b.EpReturns {
		if r != float64(b.EpLengths[i]) {
			t.Errorf("cart-pole return %v for %d steps", r, b.EpLengths[i])
		}
	}
	if _, err := b.NextValues(values[1:], nil); err == nil {
		t.Error("NextValues with too few values accepted")
	}
}

func TestRolloutsBadInput(t *testing.T) {
	pi := pendulumPolicy(t)
	vec := pendulumVec(t, 4, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	if _, err := Rollouts(pi, vec, 10, rng); err == nil {
		t.Error("steps not a multiple of the copies accepted")
	}
	if _, err := Rollouts(pi, vec, 0, rng); err == nil {
		t.Error("0 steps accepted")
	}
	if _, err := Rollouts(pi, vec, 8, nil); err == nil {
		t.Error("nil rng accepted")
	}
	cp := env.MustNewVec(func() env.Env { return env.NewCartPole() }, 4, 1)
	if _, err := Rollouts(pi, cp, 8, rng); err == nil {
		t.Error("policy for 3 observations accepted on a 4-observation env")
	}
}
