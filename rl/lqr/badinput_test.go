package lqr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// badDerivs wraps a cost and writes a NaN into one derivative (or value).
type badDerivs struct {
	cost.Cost
	field string
}

func (c badDerivs) Stage(t int, x, u []float64) float64 {
	if c.field == "Stage" {
		return math.NaN()
	}
	return c.Cost.Stage(t, x, u)
}

func (c badDerivs) StageDerivs(d *cost.Derivs, t int, x, u []float64) {
	c.Cost.StageDerivs(d, t, x, u)
	switch c.field {
	case "Lxx":
		d.Lxx[0] = math.NaN()
	case "Lu":
		d.Lu[0] = math.Inf(1)
	case "Lux":
		d.Lux[1] = math.NaN()
	}
}

func (c badDerivs) FinalDerivs(d *cost.Derivs, x []float64) {
	c.Cost.FinalDerivs(d, x)
	if c.field == "final Lx" {
		d.Lx[0] = math.NaN()
	}
}

// linearCost is ℓ = x₀ with the (inconsistent but finite) Hessian I: its
// expansion around huge samples overflows.
type linearCost struct{ n, m int }

func (c linearCost) Dims() (int, int)                        { return c.n, c.m }
func (c linearCost) Stage(_ int, x, _ []float64) float64     { return x[0] }
func (c linearCost) Final(x []float64) float64               { return x[0] }
func (c linearCost) FinalDerivs(d *cost.Derivs, _ []float64) { c.StageDerivs(d, 0, nil, nil) }
func (c linearCost) StageDerivs(d *cost.Derivs, _ int, _, _ []float64) {
	for i := range d.Lxx {
		d.Lxx[i] = 0
	}
	for i := 0; i < c.n; i++ {
		d.Lxx[i*c.n+i] = 1
	}
	d.Lx[0] = 1
}

// fixture is a small valid set of inputs (n = 2, m = 1, T = 3) the cases
// edit copies of.
type fixture struct {
	p    *Problem
	sol  *Solution
	dyn  *Dynamics
	ctrl *Controller
	dist *TrajDist
	c    cost.Cost
	b    system.Batch
	q    *QuadraticCost
	rng  *rand.Rand
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{p: doubleIntegrator(0.1, [2]float64{1, 1}, 1, 3), rng: rand.New(rand.NewPCG(5, 6))}
	var err error
	if f.sol, err = Solve(f.p); err != nil {
		t.Fatal(err)
	}
	f.dyn = randomDynamics(f.rng, 2, 1, 3)
	f.ctrl = randomController(f.rng, 2, 1, 3)
	if f.dist, err = Forward(f.ctrl, f.dyn); err != nil {
		t.Fatal(err)
	}
	if f.c, err = cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0}); err != nil {
		t.Fatal(err)
	}
	if f.b, err = SampleLinear(f.ctrl, f.dyn, 4, f.rng); err != nil {
		t.Fatal(err)
	}
	if f.q, err = Expand(f.c, f.b); err != nil {
		t.Fatal(err)
	}
	return f
}

// quad returns a deep copy of f.q.
func (f *fixture) quad() *QuadraticCost {
	q := &QuadraticCost{C0: append([]float64(nil), f.q.C0...), Final: Final{
		Cxx: mat.DenseCopyOf(f.q.Final.Cxx), Cx: mat.VecDenseCopyOf(f.q.Final.Cx), C0: f.q.Final.C0}}
	for t := range f.q.Czz {
		s := mat.NewSymDense(3, nil)
		s.CopySym(f.q.Czz[t])
		q.Czz = append(q.Czz, s)
		q.Cz = append(q.Cz, mat.VecDenseCopyOf(f.q.Cz[t]))
	}
	return q
}

// scaled returns a copy of the fixture's problem with every A = s·I.
func (f *fixture) scaled(s float64) *Problem {
	p := doubleIntegrator(0.1, [2]float64{1, 1}, 1, 3)
	for t := range p.Steps {
		p.Steps[t].A = mat.NewDense(2, 2, []float64{s, 0, 0, s})
	}
	return p
}

func sym(k int, v ...float64) *mat.SymDense { return mat.NewSymDense(k, v) }

// TestInvalidInput: every class of bad input to the package's exported
// functions is an error naming the bad argument and value, not a panic or
// a NaN passed on.
func TestInvalidInput(t *testing.T) {
	f := newFixture(t)
	nan, inf := math.NaN(), math.Inf(1)
	x0, u0 := []float64{0.5, -1}, []float64{0.3}
	s, err := NewSolver(2, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	solWith := func(edit func(*Solution)) *Solution { c := f.sol.Clone(); edit(c); return c }
	ctrlWith := func(edit func(*Controller)) *Controller { c := f.ctrl.Clone(); edit(c); return c }
	distWith := func(edit func(*TrajDist)) *TrajDist { d := f.dist.Clone(); edit(d); return d }
	quadWith := func(edit func(*QuadraticCost)) *QuadraticCost { q := f.quad(); edit(q); return q }
	errOf := func(_ any, err error) error { return err }
	kl := func(p, pbar *Controller, d *TrajDist) error { _, _, err := KL(p, pbar, d); return err }
	rollout := func(sol *Solution, p *Problem, x []float64) error { _, _, err := sol.Rollout(p, x); return err }
	problem := func(q *QuadraticCost, scale float64, extra []*mat.SymDense, extraLin []*mat.VecDense) error {
		return errOf(q.Problem(f.dyn, scale, extra, extraLin))
	}
	extras := func(T, k int) []*mat.SymDense {
		out := make([]*mat.SymDense, T)
		for i := range out {
			out[i] = mat.NewSymDense(k, nil)
		}
		return out
	}
	lins := func(T, k int) []*mat.VecDense {
		out := make([]*mat.VecDense, T)
		for i := range out {
			out[i] = mat.NewVecDense(k, nil)
		}
		return out
	}
	act := func(c *Controller, tt int, x []float64) error { return c.Act(make([]float64, 1), tt, x, f.rng) }
	logProb := func(c *Controller, tt int, x, u []float64) error { return errOf(c.LogProb(tt, x, u)) }
	around := func(K []*mat.Dense, k []*mat.VecDense, xr, ur [][]float64, cov []*mat.SymDense) error {
		return errOf(NewControllerAround(K, k, xr, ur, cov))
	}
	aroundArgs := func() ([]*mat.Dense, []*mat.VecDense, [][]float64, [][]float64, []*mat.SymDense) {
		c := f.ctrl.Clone()
		return c.K, c.Kff, [][]float64{{0, 1}, {1, 0}, {0, 0}, {1, 1}}, [][]float64{{0}, {1}, {2}}, c.Cov
	}

	big := 1 << 40
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "NewConstantController NaN k", func() error { return errOf(NewConstantController(2, 1, 3, []float64{nan}, 1)) }, "k[0] = NaN"),
		badtest.Err("nan", "NewConstantController Inf k", func() error { return errOf(NewConstantController(2, 1, 3, []float64{inf}, 1)) }, "k[0] = +Inf"),
		badtest.Err("nan", "Expand NaN Lxx", func() error { return errOf(Expand(badDerivs{f.c, "Lxx"}, f.b)) }, "Lxx[0] = NaN"),
		badtest.Err("nan", "Expand Inf Lu", func() error { return errOf(Expand(badDerivs{f.c, "Lu"}, f.b)) }, "Lu[0] = +Inf"),
		badtest.Err("nan", "Expand NaN Lux", func() error { return errOf(Expand(badDerivs{f.c, "Lux"}, f.b)) }, "Lux[1] = NaN"),
		badtest.Err("nan", "Expand NaN stage cost", func() error { return errOf(Expand(badDerivs{f.c, "Stage"}, f.b)) }, "Stage(t = 0, sample 0) = NaN"),
		badtest.Err("nan", "Expand NaN final Lx", func() error { return errOf(Expand(badDerivs{f.c, "final Lx"}, f.b)) }, "FinalDerivs(sample 0): Lx[0] = NaN"),
		badtest.Err("nan", "Expand NaN sample", func() error {
			b := system.Batch{f.b[0].Clone()}
			b[0].X[1][0] = nan
			return errOf(Expand(f.c, b))
		}, "X[1][0] = NaN"),
		badtest.Err("nan", "KL NaN mean", func() error { return kl(f.ctrl, f.ctrl, distWith(func(d *TrajDist) { d.Mean[1].SetVec(0, nan) })) }, "dist.Mean[1][0] = NaN"),
		badtest.Err("nan", "KL Inf covariance", func() error { return kl(f.ctrl, f.ctrl, distWith(func(d *TrajDist) { d.Cov[0].SetSym(1, 1, inf) })) }, "dist.Cov[0][1,1] = +Inf"),
		badtest.Err("nan", "LogProb NaN u", func() error { return logProb(f.ctrl, 0, x0, []float64{nan}) }, "u[0] = NaN"),
		badtest.Err("nan", "LogProb NaN x", func() error { return logProb(f.ctrl, 0, []float64{0, nan}, u0) }, "x[1] = NaN"),
		badtest.Err("nan", "LogProb Inf x", func() error { return logProb(f.ctrl, 0, []float64{-inf, 0}, u0) }, "x[0] = -Inf"),
		badtest.Err("nan", "Act NaN gain", func() error { return act(ctrlWith(func(c *Controller) { c.K[1].Set(0, 1, nan) }), 1, x0) }, "K[1][0,1] = NaN"),
		badtest.Err("nan", "Act NaN offset", func() error { return act(ctrlWith(func(c *Controller) { c.Kff[2].SetVec(0, nan) }), 2, x0) }, "k[2][0] = NaN"),
		badtest.Err("nan", "Act NaN covariance", func() error { return act(ctrlWith(func(c *Controller) { c.Cov[1].SetSym(0, 0, nan) }), 1, x0) }, "Cov[1][0,0] = NaN"),
		badtest.Err("nan", "Rollout NaN gain", func() error { return rollout(solWith(func(s *Solution) { s.K[1].Set(0, 0, nan) }), f.p, x0) }, "K[1][0,0] = NaN"),
		badtest.Err("nan", "Rollout Inf offset", func() error { return rollout(solWith(func(s *Solution) { s.Kff[0].SetVec(0, inf) }), f.p, x0) }, "Kff[0][0] = +Inf"),
		badtest.Err("nan", "Problem NaN scale", func() error { return problem(f.q, nan, nil, nil) }, "scale = NaN"),
		badtest.Err("nan", "Problem Inf Czz", func() error {
			return problem(quadWith(func(q *QuadraticCost) { q.Czz[1].SetSym(0, 0, inf) }), 1, nil, nil)
		}, "Czz[1][0,0] = +Inf"),
		badtest.Err("nan", "Problem NaN C0", func() error { return problem(quadWith(func(q *QuadraticCost) { q.C0[2] = nan }), 1, nil, nil) }, "C0[2] = NaN"),
		badtest.Err("nan", "Problem NaN extra", func() error {
			e := extras(3, 3)
			e[0].SetSym(1, 2, nan)
			return problem(f.q, 1, e, nil)
		}, "extra[0][1,2] = NaN"),
		badtest.Err("nan", "Problem NaN extraLin", func() error {
			e := lins(3, 3)
			e[2].SetVec(1, nan)
			return problem(f.q, 1, nil, e)
		}, "extraLin[2][1] = NaN"),
		badtest.Err("nan", "Expected NaN Cz", func() error {
			return errOf(quadWith(func(q *QuadraticCost) { q.Cz[2].SetVec(0, nan) }).Expected(f.dist))
		}, "Cz[2][0] = NaN"),
		badtest.Err("nan", "Expected NaN final mean", func() error { return errOf(f.q.Expected(distWith(func(d *TrajDist) { d.FinalMean.SetVec(0, nan) }))) }, "dist.FinalMean[0] = NaN"),
		badtest.Err("nan", "NewControllerAround NaN xRef", func() error {
			K, k, xr, ur, cov := aroundArgs()
			xr[1][0] = nan
			return around(K, k, xr, ur, cov)
		}, "xRef[1][0] = NaN"),
		badtest.Err("nan", "NewControllerAround Inf uRef", func() error {
			K, k, xr, ur, cov := aroundArgs()
			ur[0][0] = inf
			return around(K, k, xr, ur, cov)
		}, "uRef[0][0] = +Inf"),
		badtest.Err("nan", "MaxEntropyController NaN Quu", func() error {
			return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Quu[0].Set(0, 0, nan) })))
		}, "Quu[0][0,0] = NaN"),
		badtest.Err("nan", "MaxEntropyController NaN K", func() error { return errOf(MaxEntropyController(solWith(func(s *Solution) { s.K[2].Set(0, 1, nan) }))) }, "K[2][0,1] = NaN"),
		badtest.Err("nan", "Backward +Inf lower bound", func() error {
			var o Options
			for i := 0; i < 3; i++ {
				o.Lower = append(o.Lower, mat.NewVecDense(1, []float64{-1}))
				o.Upper = append(o.Upper, mat.NewVecDense(1, []float64{inf}))
			}
			o.Lower[1].SetVec(0, inf)
			return errOf(s.Backward(f.p, o))
		}, "Lower[1][0] = +Inf"),
		badtest.Err("blowup", "Backward overflow", func() error { return errOf(s.Backward(f.scaled(1e200), Options{})) }, "overflows at t = 2"),
		badtest.Err("blowup", "Solve overflow", func() error { return errOf(Solve(f.scaled(1e200))) }, "overflows"),
		badtest.Err("blowup", "Rollout overflow", func() error { return rollout(f.sol, f.scaled(1e200), x0) }, "overflows at t = 1"),
		badtest.Err("blowup", "Forward overflow", func() error {
			d := randomDynamics(f.rng, 2, 1, 3)
			for t := range d.Fx {
				d.Fx[t].Scale(1e200, d.Fx[t])
			}
			return errOf(Forward(f.ctrl, d))
		}, "overflows at t = 1"),
		badtest.Err("blowup", "SampleLinear overflow", func() error {
			d := randomDynamics(f.rng, 2, 1, 3)
			for t := range d.Fx {
				d.Fx[t].Scale(1e200, d.Fx[t])
			}
			return errOf(SampleLinear(f.ctrl, d, 3, f.rng))
		}, "overflows"),
		badtest.Err("blowup", "KL overflow", func() error { return kl(ctrlWith(func(c *Controller) { c.Kff[0].SetVec(0, 1e300) }), f.ctrl, f.dist) }, "overflows at t = 0"),
		badtest.Err("blowup", "Expected overflow", func() error { return errOf(f.q.Expected(distWith(func(d *TrajDist) { d.FinalMean.SetVec(0, 1e300) }))) }, "overflows"),
		badtest.Err("blowup", "LogProb overflow", func() error { return logProb(f.ctrl, 0, x0, []float64{1e300}) }, "overflows"),
		badtest.Err("blowup", "Act overflow", func() error {
			return act(ctrlWith(func(c *Controller) { c.K[0].Set(0, 0, 1e300) }), 0, []float64{1e300, 0})
		}, "overflows"),
		badtest.Err("blowup", "MaxEntropyController overflow", func() error {
			return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Quu[1].Set(0, 0, 1e-320) })))
		}, "overflows at t = 1"),
		badtest.Err("blowup", "Expand overflow", func() error {
			b := system.Batch{f.b[0].Clone()}
			for _, x := range b[0].X {
				x[0], x[1] = 1e200, 1e200
			}
			return errOf(Expand(linearCost{2, 1}, b))
		}, "overflows at t = 0"),
		badtest.Err("nil", "Solve nil problem", func() error { return errOf(Solve(nil)) }, "nil Problem"),
		badtest.Err("nil", "Backward nil problem", func() error { return errOf(s.Backward(nil, Options{})) }, "nil Problem"),
		badtest.Err("nil", "Backward nil solver", func() error { return errOf((*Solver)(nil).Backward(f.p, Options{})) }, "nil Solver"),
		badtest.Err("nil", "Backward zero solver", func() error { return errOf((&Solver{}).Backward(f.p, Options{})) }, "NewSolver"),
		badtest.Err("nil", "Rollout nil problem", func() error { return rollout(f.sol, nil, x0) }, "nil Problem"),
		badtest.Err("nil", "Rollout nil solution", func() error { return rollout(nil, f.p, x0) }, "nil Solution"),
		badtest.Err("nil", "Rollout nil gain", func() error { return rollout(solWith(func(s *Solution) { s.K[1] = nil }), f.p, x0) }, "K[1] is nil"),
		badtest.Err("nil", "Rollout nil offset", func() error { return rollout(solWith(func(s *Solution) { s.Kff[2] = nil }), f.p, x0) }, "Kff[2] is nil"),
		badtest.Err("nil", "Expand typed-nil cost", func() error { return errOf(Expand((*cost.Quadratic)(nil), f.b)) }, "nil cost"),
		badtest.Err("nil", "Problem nil final cost", func() error { return problem(quadWith(func(q *QuadraticCost) { q.Final.Cxx = nil }), 1, nil, nil) }, "Final.Cxx is nil"),
		badtest.Err("nil", "Problem nil receiver", func() error { return problem(nil, 1, nil, nil) }, "nil QuadraticCost"),
		badtest.Err("nil", "Problem nil Czz entry", func() error { return problem(quadWith(func(q *QuadraticCost) { q.Czz[1] = nil }), 1, nil, nil) }, "Czz[1] is nil"),
		badtest.Err("nil", "Problem nil extra entry", func() error { e := extras(3, 3); e[2] = nil; return problem(f.q, 1, e, nil) }, "extra[2] is nil"),
		badtest.Err("nil", "Problem nil dynamics", func() error { return errOf(f.q.Problem(nil, 1, nil, nil)) }, "nil Dynamics"),
		badtest.Err("nil", "KL nil distribution", func() error { return kl(f.ctrl, f.ctrl, nil) }, "nil TrajDist"),
		badtest.Err("nil", "KL nil p̄", func() error { return kl(f.ctrl, nil, f.dist) }, "p̄: nil Controller"),
		badtest.Err("nil", "KL nil mean entry", func() error { return kl(f.ctrl, f.ctrl, distWith(func(d *TrajDist) { d.Mean[1] = nil })) }, "dist.Mean[1] is nil"),
		badtest.Err("nil", "Expected nil distribution", func() error { return errOf(f.q.Expected(nil)) }, "nil TrajDist"),
		badtest.Err("nil", "Expected nil receiver", func() error { return errOf((*QuadraticCost)(nil).Expected(f.dist)) }, "nil QuadraticCost"),
		badtest.Err("nil", "Expected nil Cz entry", func() error { return errOf(quadWith(func(q *QuadraticCost) { q.Cz[0] = nil }).Expected(f.dist)) }, "Cz[0] is nil"),
		badtest.Err("nil", "LogProb nil controller", func() error { return logProb(nil, 0, x0, u0) }, "nil Controller"),
		badtest.Err("nil", "Forward nil dynamics", func() error { return errOf(Forward(f.ctrl, nil)) }, "nil Dynamics"),
		badtest.Err("nil", "Forward nil controller", func() error { return errOf(Forward(nil, f.dyn)) }, "nil Controller"),
		badtest.Err("nil", "NewControllerAround nil K", func() error {
			K, k, xr, ur, cov := aroundArgs()
			K[1] = nil
			return around(K, k, xr, ur, cov)
		}, "K[1] is nil"),
		badtest.Err("nil", "NewControllerAround nil k", func() error {
			K, k, xr, ur, cov := aroundArgs()
			k[0] = nil
			return around(K, k, xr, ur, cov)
		}, "k[0] is nil"),
		badtest.Err("nil", "NewControllerAround nil cov", func() error {
			K, k, xr, ur, cov := aroundArgs()
			cov[2] = nil
			return around(K, k, xr, ur, cov)
		}, "cov[2] is nil"),
		badtest.Err("nil", "MaxEntropyController nil solution", func() error { return errOf(MaxEntropyController(nil)) }, "nil Solution"),
		badtest.Err("nil", "MaxEntropyController nil Quu", func() error { return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Quu[1] = nil }))) }, "Quu[1] is nil"),
		badtest.Err("nil", "SampleLinear nil rng", func() error { return errOf(SampleLinear(f.ctrl, f.dyn, 3, nil)) }, "random source"),
		badtest.Err("ragged", "Problem extra count", func() error { return problem(f.q, 1, extras(2, 3), nil) }, "extra has 2 entries, want T = 3"),
		badtest.Err("ragged", "Problem extra size", func() error { e := extras(3, 3); e[1] = mat.NewSymDense(2, nil); return problem(f.q, 1, e, nil) }, "extra[1] is 2×2, want 3×3"),
		badtest.Err("ragged", "Problem extraLin count", func() error { return problem(f.q, 1, nil, lins(1, 3)) }, "extraLin has 1 entries, want T = 3"),
		badtest.Err("ragged", "Problem extraLin size", func() error { e := lins(3, 3); e[0] = mat.NewVecDense(2, nil); return problem(f.q, 1, nil, e) }, "extraLin[0] has length 2, want 3"),
		badtest.Err("ragged", "Problem Cz count", func() error { return problem(quadWith(func(q *QuadraticCost) { q.Cz = q.Cz[:2] }), 1, nil, nil) }, "Cz has 2 entries"),
		badtest.Err("ragged", "Problem C0 count", func() error { return problem(quadWith(func(q *QuadraticCost) { q.C0 = q.C0[:1] }), 1, nil, nil) }, "C0 has 1 entries"),
		badtest.Err("ragged", "Problem Czz size", func() error {
			return problem(quadWith(func(q *QuadraticCost) { q.Czz[2] = sym(2, 1, 0, 0, 1) }), 1, nil, nil)
		}, "Czz[2] is 2×2, want 3×3"),
		badtest.Err("ragged", "Problem final size", func() error {
			return problem(quadWith(func(q *QuadraticCost) { q.Final.Cxx = mat.NewDense(3, 3, nil) }), 1, nil, nil)
		}, "Final.Cxx is 3×3, want 2×2"),
		badtest.Err("ragged", "MaxEntropyController Quu count", func() error { return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Quu = s.Quu[:2] }))) }, "Quu has 2 entries, want T = 3"),
		badtest.Err("ragged", "MaxEntropyController Kff count", func() error { return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Kff = s.Kff[:1] }))) }, "Kff has 1 entries, want T = 3"),
		badtest.Err("ragged", "MaxEntropyController Quu size", func() error {
			return errOf(MaxEntropyController(solWith(func(s *Solution) { s.Quu[0] = mat.NewDense(1, 2, []float64{1, 0}) })))
		}, "Quu[0] is 1×2, want 1×1"),
		badtest.Err("ragged", "KL ragged mean", func() error {
			return kl(f.ctrl, f.ctrl, distWith(func(d *TrajDist) { d.Mean[1] = mat.NewVecDense(2, nil) }))
		}, "dist.Mean[1] has length 2, want 3"),
		badtest.Err("ragged", "KL ragged covariance", func() error { return kl(f.ctrl, f.ctrl, distWith(func(d *TrajDist) { d.Cov[2] = sym(2, 1, 0, 0, 1) })) }, "dist.Cov[2] is 2×2, want 3×3"),
		badtest.Err("ragged", "Expected ragged covariance", func() error {
			return errOf(f.q.Expected(distWith(func(d *TrajDist) { d.Cov[0] = sym(2, 1, 0, 0, 1) })))
		}, "dist.Cov[0] is 2×2, want 3×3"),
		badtest.Err("ragged", "Expected Cz count", func() error { return errOf(quadWith(func(q *QuadraticCost) { q.Cz = q.Cz[:2] }).Expected(f.dist)) }, "Cz has 2 entries"),
		badtest.Err("ragged", "Expected final size", func() error {
			return errOf(f.q.Expected(distWith(func(d *TrajDist) { d.FinalMean = mat.NewVecDense(3, nil) })))
		}, "FinalMean has length 3, want 2"),
		badtest.Err("ragged", "LogProb step out of range", func() error { return logProb(f.ctrl, 3, x0, u0) }, "t = 3"),
		badtest.Err("ragged", "LogProb negative step", func() error { return logProb(f.ctrl, -1, x0, u0) }, "t = -1"),
		badtest.Err("ragged", "Act short offsets", func() error { return act(ctrlWith(func(c *Controller) { c.Kff = c.Kff[:2] }), 2, x0) }, "3 K, 2 k and 3 Cov"),
		badtest.Err("ragged", "Act wrong covariance", func() error { return act(ctrlWith(func(c *Controller) { c.Cov[0] = sym(2, 1, 0, 0, 1) }), 0, x0) }, "Cov[0] is 2×2, want 1×1"),
		badtest.Err("ragged", "Rollout wrong gain", func() error { return rollout(solWith(func(s *Solution) { s.K[0] = mat.NewDense(2, 2, nil) }), f.p, x0) }, "K[0] is 2×2, want 1×2"),
		badtest.Err("ragged", "NewControllerAround short gains", func() error {
			K, k, _, ur, cov := aroundArgs()
			return around(K[:2], k, make([][]float64, 5), ur, cov)
		}, "5 reference states"),
		badtest.Err("ragged", "NewControllerAround gain size", func() error {
			K, k, xr, ur, cov := aroundArgs()
			K[1] = mat.NewDense(1, 3, nil)
			return around(K, k, xr, ur, cov)
		}, "K[1] is 1×3"),
		badtest.Err("oversized", "NewSolver T", func() error { return errOf(NewSolver(2, 1, big)) }, "n × m × T = 2 × 1 × 1099511627776 is too large"),
		badtest.Err("oversized", "NewSolver n", func() error { return errOf(NewSolver(1<<15, 1, 1)) }, "is too large"),
		badtest.Err("oversized", "NewConstantController T", func() error { return errOf(NewConstantController(2, 1, big, nil, 1)) }, "is too large"),
		badtest.Err("oversized", "NewConstantController m", func() error { return errOf(NewConstantController(2, 1<<20, 1, nil, 1)) }, "is too large"),
		badtest.Err("oversized", "SampleLinear N", func() error { return errOf(SampleLinear(f.ctrl, f.dyn, big, f.rng)) }, "is too large"),
		badtest.Err("oversized", "Expand n", func() error {
			const n = 1 << 14
			b := system.Batch{system.NewTrajectory(n, 1, 1)}
			return errOf(Expand(linearCost{n, 1}, b))
		}, "is too large"),
		badtest.Panic("oversized", "NewDynamics T", func() { NewDynamics(2, 1, big) }, "n × m × T = 2 × 1 × 1099511627776 is too large"),
		badtest.Panic("oversized", "NewDynamics n", func() { NewDynamics(1<<15, 1, 1) }, "is too large"),
		badtest.Panic("oversized", "NewDynamics negative", func() { NewDynamics(2, -1, 3) }, "must be ≥ 1"),
	})
}
