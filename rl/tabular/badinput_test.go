package tabular

import (
	"fmt"
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// TestBadInput: bad input to every exported function of the package gives
// an error naming the bad value (or the documented panic), never a silent
// NaN, a crash or a hang. The classes: silent NaN/Inf ("nan"), nil values
// ("nil"), ragged or mismatched shapes ("ragged"), sizes beyond
// limits.MaxElements ("oversized") and calls that never return ("hang").
func TestBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	chain, err := Chain(4, 0.1, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	u := Uniform(chain.S, chain.A)
	ev := MustEvaluate(chain, u)
	// One state, two actions of costs ±1.7e308: acting on the cheap one, the
	// advantage of the other overflows.
	extreme := &MDP{S: 1, A: 2, P: [][][]float64{{{1}, {1}}}, C: [][]float64{{1.7e308, -1.7e308}}, Rho0: []float64{1}}
	greedy := Policy{{0, 1}}
	huge := 1 << 40
	random := func(S, A int, conc float64) error {
		m, err := Random(S, A, 0.9, RandomOptions{Concentration: conc}, newRNG(3))
		if err != nil {
			return err
		}
		return m.Validate()
	}
	randomPolicy := func(S, A int, conc float64) error {
		return RandomPolicy(S, A, conc, newRNG(4)).Validate(S, A)
	}
	cases := []badtest.Case{
		badtest.Err("nan", "MeanKL NaN weight", func() error { _, err := MeanKL([]float64{0.5, nan, 0, 0}, u, u); return err }, "d[1] = NaN"),
		badtest.Err("nan", "MeanKL negative weight", func() error { _, err := MeanKL([]float64{-1, 0, 0, 0}, u, u); return err }, "d[0] = -1"),
		badtest.Err("nan", "Evaluate advantage overflows", func() error {
			ev, err := Evaluate(extreme, greedy)
			if err != nil {
				return err
			}
			return badtest.FiniteRows(nil, "Adv", ev.Adv)
		}, "A_π", "+Inf"),
		badtest.Err("nan", "Compare advantage overflows", func() error { _, err := Compare(extreme, greedy, Policy{{1, 0}}); return err }, "A_π", "+Inf"),
		badtest.Err("nan", "IterativeEvaluation overflows", func() error {
			m := *chain
			m.C = StateCosts([]float64{1.7e308, 1.7e308, 1.7e308, 0}, 2)
			_, _, err := IterativeEvaluation(&m, u, 1e-12, 1000)
			return err
		}, "IterativeEvaluation", "sweep", "+Inf"),
		badtest.Err("nan", "Grid pitCost NaN", func() error { _, err := Grid(3, 3, 0, 0.9, []int{4}, nan); return err }, "pitCost = NaN"),
		badtest.Err("nan", "Grid pitCost Inf", func() error { _, err := Grid(3, 3, 0, 0.9, []int{4}, inf); return err }, "pitCost = +Inf"),
		badtest.Err("nan", "Chain gamma NaN", func() error { _, err := Chain(4, 0, nan); return err }, "Chain", "gamma = NaN"),
		badtest.Err("nan", "Grid gamma Inf", func() error { _, err := Grid(2, 2, 0, inf, nil, 0); return err }, "Grid", "gamma = +Inf"),
		badtest.OK("nan", "Random huge concentration", func() error { return random(400, 2, 1e307) }),
		badtest.OK("nan", "RandomPolicy huge concentration", func() error { return randomPolicy(3, 400, 1e307) }),
		badtest.OK("nan", "RandomPolicy infinite concentration", func() error { return randomPolicy(3, 4, inf) }),
		badtest.Err("nan", "KLConstrainedStep extreme costs", func() error {
			st, err := KLConstrainedStep(extreme, Policy{{0.5, 0.5}}, 0.1)
			if err != nil {
				return err
			}
			if math.IsNaN(st.MeanKL+st.Surrogate+st.Beta) || math.IsInf(st.MeanKL+st.Surrogate+st.Beta, 0) {
				return fmt.Errorf("KLStep %+v is not finite", st)
			}
			return badtest.FiniteRows(nil, "Policy", st.Policy)
		}, "KLConstrainedStep"),

		badtest.Panic("nil", "OptimalAlpha nil", func() { OptimalAlpha(nil) }, "OptimalAlpha", "nil"),
		badtest.Panic("nil", "Etas nil", func() { (*CPIResult)(nil).Etas() }, "Etas", "nil"),
		badtest.Panic("nil", "Evaluation.Surrogate nil", func() { (*Evaluation)(nil).Surrogate(u) }, "Surrogate", "nil"),
		badtest.Panic("nil", "RandomPolicy nil rng", func() { RandomPolicy(2, 2, 1, nil) }, "RandomPolicy", "nil rng"),
		badtest.Panic("nil", "ExpectedAdvantage nil policy", func() { ExpectedAdvantage(ev.Adv, nil) }, "ExpectedAdvantage", "0 rows"),
		badtest.Err("nil", "Evaluate nil MDP", func() error { _, err := Evaluate(nil, u); return err }, "nil MDP"),
		badtest.Err("nil", "Evaluate nil policy", func() error { _, err := Evaluate(chain, nil); return err }, "policy has 0 states"),
		badtest.Err("nil", "Random nil rng", func() error { _, err := Random(2, 2, 0.5, RandomOptions{}, nil); return err }, "nil rng"),
		badtest.Err("nil", "Mix nil", func() error { _, err := Mix(nil, nil, 0.5); return err }, "empty policy"),
		badtest.Err("nil", "MeanKL nil weights", func() error { _, err := MeanKL(nil, u, u); return err }, "len(d) = 0"),

		badtest.Err("ragged", "MDP ragged P", func() error {
			m := *chain
			m.P = append([][][]float64{{m.P[0][0]}}, m.P[1:]...)
			return m.Validate()
		}, "len(P[0]) = 1"),
		badtest.Err("ragged", "Mix ragged", func() error { _, err := Mix(u, Policy{{1, 0}, {1, 0, 0}, {1, 0}, {1, 0}}, 0.5); return err }, "len(π[1]) = 3"),
		badtest.Err("ragged", "SoftmaxGradient ragged logits", func() error {
			_, err := SoftmaxGradient(chain, [][]float64{{0, 0}, {0}, {0, 0}, {0, 0}})
			return err
		}, "len(logits[1]) = 1"),
		badtest.Panic("ragged", "KL short q", func() { KL([]float64{0.5, 0.5}, []float64{1}) }, "KL", "length"),
		badtest.Panic("ragged", "TV short q", func() { TV([]float64{0.5, 0.5}, []float64{1}) }, "TV", "length"),
		badtest.Panic("ragged", "ExpectedAdvantage short row", func() {
			ExpectedAdvantage([][]float64{{1, 2}, {3}}, Policy{{0.5, 0.5}, {0.5, 0.5}})
		}, "ExpectedAdvantage", "adv[1]"),
		badtest.Panic("ragged", "Evaluation.Surrogate wrong shape", func() { ev.Surrogate(Policy{{1, 0}}) }, "Surrogate", "1 rows"),

		badtest.Err("oversized", "Chain 2^40 states", func() error { _, err := Chain(huge, 0, 0.9); return err }, "Chain", "1099511627776", "too large"),
		badtest.Err("oversized", "Grid 2^40 × 2^40", func() error { _, err := Grid(huge, huge, 0, 0.9, nil, 0); return err }, "Grid", "1099511627776 × 1099511627776", "too large"),
		badtest.Err("oversized", "Grid 2^20 × 2^20", func() error { _, err := Grid(1<<20, 1<<20, 0, 0.9, nil, 0); return err }, "Grid", "too large"),
		badtest.Err("oversized", "Random 2^40 states", func() error { _, err := Random(huge, 2, 0.9, RandomOptions{}, newRNG(1)); return err }, "Random", "1099511627776", "too large"),
		badtest.Err("oversized", "Random 2^14 states", func() error { _, err := Random(1<<14, 4, 0.9, RandomOptions{}, newRNG(1)); return err }, "Random", "16384 × 4 × 16384", "too large"),
		badtest.Panic("oversized", "Uniform 2^40", func() { Uniform(huge, 2) }, "Uniform", "1099511627776", "too large"),
		badtest.Panic("oversized", "Uniform negative", func() { Uniform(2, -1) }, "Uniform", "-1"),
		badtest.Panic("oversized", "RandomPolicy 2^40", func() { RandomPolicy(2, huge, 1, newRNG(1)) }, "RandomPolicy", "1099511627776", "too large"),
		badtest.Panic("oversized", "StateCosts 2^40 actions", func() { StateCosts([]float64{1, 2}, huge) }, "StateCosts", "1099511627776", "too large"),
		badtest.Err("oversized", "SoftmaxFisher (S·A)² > 2^27", func() error {
			m, err := Random(100, 120, 0.9, RandomOptions{Branching: 1}, newRNG(5))
			if err != nil {
				return err
			}
			_, err = SoftmaxFisher(m, logits(Uniform(m.S, m.A)))
			return err
		}, "SoftmaxFisher", "12000 × 12000", "too large"),

		badtest.OK("hang", "Random concentration 1e-300", func() error { return random(3, 2, 1e-300) }),
		badtest.OK("hang", "Random concentration 5e-324", func() error { return random(50, 3, 5e-324) }),
		badtest.OK("hang", "RandomPolicy concentration 1e-300", func() error { return randomPolicy(3, 2, 1e-300) }),
		badtest.Err("hang", "IterativeEvaluation tol NaN", func() error { _, _, err := IterativeEvaluation(chain, u, nan, 1<<62); return err }, "tol = NaN"),
		badtest.Err("hang", "NaturalGradient S·A = 4096", func() error {
			m, err := Random(32, 128, 0.9, RandomOptions{Branching: 1}, newRNG(6))
			if err != nil {
				return err
			}
			_, err = NaturalGradient(m, logits(Uniform(m.S, m.A)))
			return err
		}, "NaturalGradient", "S·A = 4096"),
	}
	badtest.Run(t, cases)
}

// TestDirichletExtremes: the log-domain and overflow paths of dirichlet
// still sample Dirichlet(α): by symmetry every component has mean 1/k, and
// for a tiny α the samples are one-hot on a uniformly random component.
func TestDirichletExtremes(t *testing.T) {
	rng := newRNG(9)
	const k, draws = 3, 3000
	for _, alpha := range []float64{5e-324, 1e-300, 0.003, 1e307} {
		w, mean, oneHot := make([]float64, k), make([]float64, k), 0
		for range draws {
			dirichlet(w, alpha, rng)
			sum := 0.0
			for i, v := range w {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("α = %g: w = %v", alpha, w)
				}
				mean[i] += v / draws
				sum += v
				if v == 1 {
					oneHot++
				}
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Fatalf("α = %g: w = %v sums to %v", alpha, w, sum)
			}
		}
		for i, m := range mean {
			if math.Abs(m-1.0/k) > 0.04 {
				t.Errorf("α = %g: mean of w[%d] = %.3f, want 1/3", alpha, i, m)
			}
		}
		if alpha < 1e-100 && oneHot != draws {
			t.Errorf("α = %g: %d of %d samples one-hot", alpha, oneHot, draws)
		}
	}
}
