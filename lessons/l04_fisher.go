package lessons

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/policy"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// FisherProblem is one TRPO update on a policy small enough to look at: a
// 2→4→1 tanh Gaussian policy (18 parameters), a batch of random states,
// actions drawn from the policy and random advantages, so that lesson 04
// can build the Fisher matrix F column by column from Fisher-vector
// products and compare conjugate gradient with an exact solve.
type FisherProblem struct {
	U     *trpo.Updater // with the batch loaded, no damping (F alone)
	Theta []float64     // the policy's parameters θ_old
	G     []float64     // the surrogate's gradient g at θ_old
	Batch int           // the number of samples
}

// NewFisherProblem builds the problem with a batch of 256 samples.
func NewFisherProblem() (*FisherProblem, error) {
	pol, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: 2, ActDim: 1, Hidden: []int{4}, OutputScale: 1, Seed: 4})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(4, 4))
	const B = 256
	d := &trpo.Data{OldLogStd: pol.LogStd()}
	for i := 0; i < B; i++ {
		d.Obs = append(d.Obs, []float64{rng.NormFloat64(), rng.NormFloat64()})
		d.Adv = append(d.Adv, rng.NormFloat64())
	}
	act, logp, mean, err := pol.Act(d.Obs, rng)
	if err != nil {
		return nil, err
	}
	d.Act, d.LogpOld, d.OldMean = act, logp, mean
	u, err := trpo.NewUpdater(pol, trpo.Config{Damping: -1})
	if err != nil {
		return nil, err
	}
	if err := u.Load(d); err != nil {
		return nil, err
	}
	p := &FisherProblem{U: u, Theta: pol.Params(), Batch: B}
	if _, p.G, err = u.Gradient(p.Theta); err != nil {
		return nil, err
	}
	return p, nil
}

// Fv returns the Fisher-vector product F v at θ_old (double
// backpropagation of the mean KL).
func (p *FisherProblem) Fv(v []float64) ([]float64, error) {
	return p.U.FisherVectorProduct(p.Theta, v)
}

// KLGrad returns ∇_θ KL̄(π_old ‖ π_θ) at theta.
func (p *FisherProblem) KLGrad(theta []float64) ([]float64, error) {
	_, g, err := p.U.KLGradient(theta)
	return g, err
}

// Shift returns θ_old + h·v.
func (p *FisherProblem) Shift(h float64, v []float64) []float64 {
	if len(v) != len(p.Theta) {
		panic(fmt.Sprintf("lessons: FisherProblem.Shift: v has length %d, θ %d", len(v), len(p.Theta)))
	}
	out := make([]float64, len(v))
	for i := range v {
		out[i] = p.Theta[i] + h*v[i]
	}
	return out
}

// RelErr is ‖a − b‖ / ‖b‖.
func RelErr(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("lessons: RelErr: lengths %d and %d", len(a), len(b)))
	}
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}
