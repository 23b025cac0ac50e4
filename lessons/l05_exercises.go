package lessons

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"gonum.org/v1/gonum/mat"
)

// Lesson 05's exercise checkers.

// TeacherMeanFunc returns the mean of PLATO's adaptive teacher,
// m = (Quu + λΣθ⁻¹)⁻¹(Quu u* + λΣθ⁻¹ μθ) with Σθ = diag σ².
type TeacherMeanFunc func(uStar []float64, Quu [][]float64, mu, sigma []float64, lambda float64) []float64

// CheckTeacherMean compares fn with imitation.AdaptiveTeacher on random
// 2-D cases and λ from 10⁻² to 10², to 1e-8 relative.
func CheckTeacherMean(fn TeacherMeanFunc) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	rng := rand.New(rand.NewPCG(51, 52))
	for c := 0; c < 5; c++ {
		a, b, d := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		Q := [][]float64{{a*a + 0.3, a * b}, {a * b, b*b + d*d + 0.3}}
		uStar := []float64{rng.NormFloat64(), rng.NormFloat64()}
		mu := []float64{rng.NormFloat64(), rng.NormFloat64()}
		sigma := []float64{0.2 + rng.Float64(), 0.2 + rng.Float64()}
		for _, l := range []float64{0.01, 1, 100} {
			want, _, err := imitation.AdaptiveTeacher(uStar, mat.NewDense(2, 2, []float64{Q[0][0], Q[0][1], Q[1][0], Q[1][1]}), mu, sigma, l)
			if err != nil {
				return err
			}
			got := fn(uStar, Q, mu, sigma, l)
			if len(got) != 2 {
				return fmt.Errorf("case %d, λ = %g: got %d numbers, want 2", c+1, l, len(got))
			}
			for j := range want {
				if !(math.Abs(got[j]-want[j]) <= 1e-8*(1+math.Abs(want[j]))) {
					return fmt.Errorf("case %d (u* = %.3f, μθ = %.3f, σ = %.3f, Quu = %.3f), λ = %g: m = %.6f, want %.6f", c+1, uStar, mu, sigma, Q, l, got, want)
				}
			}
		}
	}
	return nil
}

// DAggerRoundFunc runs DAgger's round i by hand with the library's step
// functions.
type DAggerRoundFunc func(d *imitation.DAgger, i int) error

// CheckDAggerRound runs fn on a small DAgger on the arm (β = {1, 0.5},
// one rollout per round, a 16×16 net) for rounds 0 and 1, and the same
// DAgger through its own Round; the data and the fitted learner must be the
// same to the bit.
func CheckDAggerRound(fn DAggerRoundFunc) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	k := imitation.ArmReach()
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		return err
	}
	cfg := imitation.DAggerConfig{LearnerConfig: imitation.LearnerConfig{Observer: imitation.FullState{}, Hidden: []int{16, 16},
		Fit: nn.FitConfig{Epochs: 5, LearningRate: 3e-3}, Seed: 9}, Rounds: 2, Rollouts: 1, Beta: []float64{1, 0.5}}
	mine, err := imitation.NewDAgger(e, cfg)
	if err != nil {
		return err
	}
	ref, err := imitation.NewDAgger(e, cfg)
	if err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		if err := fn(mine, i); err != nil {
			return fmt.Errorf("round %d: your function: %w", i, err)
		}
		if _, err := ref.Round(); err != nil {
			return err
		}
		if mine.Data().Len() != ref.Data().Len() {
			return fmt.Errorf("round %d: |D| = %d, want %d (did you aggregate?)", i, mine.Data().Len(), ref.Data().Len())
		}
		if !reflect.DeepEqual(mine.Data().Act, ref.Data().Act) {
			return fmt.Errorf("round %d: the labels differ from DAgger's (same starts %s, β_i and seed %s?)", i, "d.Starts(i)", "d.RoundSeed(i)")
		}
		a, err := mine.Policy().Mean(ref.Data().Obs[:5])
		if err != nil {
			return err
		}
		b, err := ref.Policy().Mean(ref.Data().Obs[:5])
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(a, b) {
			return fmt.Errorf("round %d: the learner differs from DAgger's (train once per round, after aggregating, with d.Train(i))", i)
		}
	}
	return nil
}

// solutionDAggerRound is the exercise's answer, for the tests.
func solutionDAggerRound(d *imitation.DAgger, i int) error {
	starts, err := d.Starts(i)
	if err != nil {
		return err
	}
	rs, err := d.RunPolicy(d.Beta(i), starts, d.RoundSeed(i))
	if err != nil {
		return err
	}
	if _, err := d.Label(rs); err != nil {
		return err
	}
	if err := d.Aggregate(rs); err != nil {
		return err
	}
	_, err = d.Train(i)
	return err
}
