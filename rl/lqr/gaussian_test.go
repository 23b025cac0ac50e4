package lqr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func randomDynamics(rng *rand.Rand, n, m, T int) *Dynamics {
	d := NewDynamics(n, m, T)
	for t := 0; t < T; t++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := 0.2 * rng.NormFloat64()
				if i == j {
					v += 0.9
				}
				d.Fx[t].Set(i, j, v)
			}
			for j := 0; j < m; j++ {
				d.Fu[t].Set(i, j, 0.5*rng.NormFloat64())
			}
			d.F0[t].SetVec(i, 0.1*rng.NormFloat64())
			d.Cov[t].SetSym(i, i, 0.01+0.01*rng.Float64())
		}
	}
	for i := 0; i < n; i++ {
		d.X0Mean.SetVec(i, rng.NormFloat64())
		d.X0Cov.SetSym(i, i, 0.05)
	}
	return d
}

func randomController(rng *rand.Rand, n, m, T int) *Controller {
	c := &Controller{}
	for t := 0; t < T; t++ {
		K := mat.NewDense(m, n, nil)
		k := mat.NewVecDense(m, nil)
		G := mat.NewDense(m, m, nil)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				K.Set(i, j, 0.3*rng.NormFloat64())
			}
			k.SetVec(i, rng.NormFloat64())
			for j := 0; j < m; j++ {
				G.Set(i, j, 0.3*rng.NormFloat64())
			}
		}
		cov := mat.NewSymDense(m, nil)
		cov.SymOuterK(1, G)
		for i := 0; i < m; i++ {
			cov.SetSym(i, i, cov.At(i, i)+0.05)
		}
		c.K, c.Kff, c.Cov = append(c.K, K), append(c.Kff, k), append(c.Cov, cov)
	}
	return c
}

// TestForwardMonteCarlo: the propagated means and variances match sample
// statistics of 20000 simulated trajectories within 5 standard errors (the
// seed is fixed, so the test is deterministic; 5 SE leaves no room for a
// wrong formula, whose errors are O(1)).
func TestForwardMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n, m, T, N = 2, 2, 8, 20000
	dyn := randomDynamics(rng, n, m, T)
	c := randomController(rng, n, m, T)
	dist, err := Forward(c, dyn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SampleLinear(c, dyn, N, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []int{0, 3, T - 1} {
		for a := 0; a < n+m; a++ {
			vals := make([]float64, N)
			for i := range vals {
				if a < n {
					vals[i] = b[i].X[step][a]
				} else {
					vals[i] = b[i].U[step][a-n]
				}
			}
			mu, sd := stat.MeanStdDev(vals, nil)
			se := stat.StdErr(sd, N)
			if d := math.Abs(mu - dist.Mean[step].AtVec(a)); d > 5*se {
				t.Errorf("t=%d z[%d]: sample mean %.4f, Forward %.4f (SE %.4f)", step, a, mu, dist.Mean[step].AtVec(a), se)
			}
			sq := make([]float64, N)
			for i, v := range vals {
				sq[i] = (v - dist.Mean[step].AtVec(a)) * (v - dist.Mean[step].AtVec(a))
			}
			vmu, vsd := stat.MeanStdDev(sq, nil)
			vse := stat.StdErr(vsd, N)
			if d := math.Abs(vmu - dist.Cov[step].At(a, a)); d > 5*vse {
				t.Errorf("t=%d var z[%d]: sample %.4f, Forward %.4f (SE %.4f)", step, a, vmu, dist.Cov[step].At(a, a), vse)
			}
		}
	}
	finals := make([]float64, N)
	for i := range finals {
		finals[i] = b[i].X[T][0]
	}
	if mu, sd := stat.MeanStdDev(finals, nil); math.Abs(mu-dist.FinalMean.AtVec(0)) > 5*stat.StdErr(sd, N) {
		t.Errorf("final mean %.4f, Forward %.4f", mu, dist.FinalMean.AtVec(0))
	}
}

// TestKLMonteCarlo checks the lecture's identity: the KL between trajectory
// distributions equals Σ_t E[log p(u_t|x_t) − log p̄(u_t|x_t)], estimated by
// sampling trajectories from p. Tolerance: 5 standard errors of the estimate.
func TestKLMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n, m, T, N = 3, 2, 6, 20000
	dyn := randomDynamics(rng, n, m, T)
	p := randomController(rng, n, m, T)
	pbar := randomController(rng, n, m, T)
	dist, err := Forward(p, dyn)
	if err != nil {
		t.Fatal(err)
	}
	kl, per, err := KL(p, pbar, dist)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range per {
		if v < 0 {
			t.Errorf("negative per-step KL %v", v)
		}
		sum += v
	}
	if math.Abs(sum-kl) > 1e-12*kl {
		t.Errorf("total %v ≠ sum of steps %v", kl, sum)
	}
	b, err := SampleLinear(p, dyn, N, rng)
	if err != nil {
		t.Fatal(err)
	}
	est := make([]float64, N)
	for i := 0; i < N; i++ {
		for s := 0; s < T; s++ {
			lp, err := p.LogProb(s, b[i].X[s], b[i].U[s])
			if err != nil {
				t.Fatal(err)
			}
			lq, _ := pbar.LogProb(s, b[i].X[s], b[i].U[s])
			est[i] += lp - lq
		}
	}
	mu, sd := stat.MeanStdDev(est, nil)
	se := stat.StdErr(sd, N)
	if math.Abs(mu-kl) > 5*se {
		t.Errorf("analytic KL %.4f, Monte Carlo %.4f ± %.4f", kl, mu, se)
	}
	// KL of a controller with itself is zero.
	if self, _, _ := KL(p, p, dist); math.Abs(self) > 1e-12 {
		t.Errorf("KL(p, p) = %v", self)
	}
}

// TestExpectedCost: the closed-form expectation of a quadratic cost under
// the trajectory distribution matches the sample mean (5 SE).
func TestExpectedCost(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const n, m, T, N = 2, 1, 5, 20000
	dyn := randomDynamics(rng, n, m, T)
	c := randomController(rng, n, m, T)
	q := &QuadraticCost{Final: Final{Cxx: mat.NewDense(n, n, []float64{2, 0.5, 0.5, 1}), Cx: mat.NewVecDense(n, []float64{0.3, -0.2}), C0: 1}}
	for s := 0; s < T; s++ {
		C := mat.NewSymDense(n+m, []float64{1, 0.2, 0.1, 0.2, 2, 0, 0.1, 0, 0.5})
		q.Czz = append(q.Czz, C)
		q.Cz = append(q.Cz, mat.NewVecDense(n+m, []float64{0.1, -0.3, 0.2}))
		q.C0 = append(q.C0, 0.5)
	}
	dist, _ := Forward(c, dyn)
	want, err := q.Expected(dist)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SampleLinear(c, dyn, N, rng)
	vals := make([]float64, N)
	for i := 0; i < N; i++ {
		for s := 0; s < T; s++ {
			z := mat.NewVecDense(n+m, append(append([]float64(nil), b[i].X[s]...), b[i].U[s]...))
			vals[i] += 0.5*mat.Inner(z, q.Czz[s], z) + mat.Dot(q.Cz[s], z) + q.C0[s]
		}
		x := mat.NewVecDense(n, b[i].X[T])
		vals[i] += 0.5*mat.Inner(x, q.Final.Cxx, x) + mat.Dot(q.Final.Cx, x) + q.Final.C0
	}
	if mu, sd := stat.MeanStdDev(vals, nil); math.Abs(mu-want) > 5*stat.StdErr(sd, N) {
		t.Errorf("expected cost %.4f, Monte Carlo %.4f ± %.4f", want, mu, stat.StdErr(sd, N))
	}
}

// TestMaxEntropy: with the gains fixed, the per-step objective
// E[Q] − H = ½ tr(Q̃uu Σ) − ½ log det Σ + const is minimised at Σ = Q̃uu⁻¹:
// every small symmetric perturbation increases it (checked to second
// order, so the tolerance is only rounding).
func TestMaxEntropy(t *testing.T) {
	p := doubleIntegrator(0.1, [2]float64{1, 1}, 0.5, 4)
	p.Steps[0].Cuu = mat.NewDense(1, 1, []float64{2})
	sol, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := MaxEntropyController(sol)
	if err != nil {
		t.Fatal(err)
	}
	for s := range c.Cov {
		q := sol.Quu[s].At(0, 0)
		sigma := c.Cov[s].At(0, 0)
		if math.Abs(sigma*q-1) > 1e-12 {
			t.Errorf("t=%d: Σ = %v, Quu = %v; want Σ = 1/Quu", s, sigma, q)
		}
		obj := func(v float64) float64 { return 0.5*q*v - 0.5*math.Log(v) }
		for _, d := range []float64{-1e-3, 1e-3} {
			if obj(sigma+d) <= obj(sigma) {
				t.Errorf("t=%d: objective decreases when Σ moves by %v", s, d)
			}
		}
	}
}

func TestGaussianBadInput(t *testing.T) {
	if _, err := NewConstantController(2, 1, 5, nil, -1); err == nil || !strings.Contains(err.Error(), "σ² = -1") {
		t.Errorf("negative variance: %v", err)
	}
	if _, err := NewConstantController(2, 1, 5, []float64{1, 2}, 1); err == nil || !strings.Contains(err.Error(), "length 2") {
		t.Errorf("bad offset: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	dyn := randomDynamics(rng, 2, 1, 5)
	c := randomController(rng, 2, 1, 4)
	if _, err := Forward(c, dyn); err == nil || !strings.Contains(err.Error(), "T=4") {
		t.Errorf("horizon mismatch: %v", err)
	}
	c = randomController(rng, 2, 1, 5)
	c.Cov[2].SetSym(0, 0, math.NaN())
	if _, err := Forward(c, dyn); err == nil || !strings.Contains(err.Error(), "Cov[2]") {
		t.Errorf("NaN covariance: %v", err)
	}
	dyn.Fx[1].Set(0, 0, math.Inf(1))
	if _, err := SampleLinear(randomController(rng, 2, 1, 5), dyn, 10, rng); err == nil || !strings.Contains(err.Error(), "Fx[1]") {
		t.Errorf("Inf dynamics: %v", err)
	}
}

// TestControllerAct: without a random source Act is the mean K x + k; with
// one, its draws have mean K x + k and covariance Cov (5 SE on each
// moment of 20 000 draws), and a rollout of the controller on a linear
// system is Forward's distribution sampled. Bad input is an error.
func TestControllerAct(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	c := randomController(rng, 3, 2, 4)
	x := []float64{0.3, -1, 2}
	mean := make([]float64, 2)
	c.Mean(mean, 2, x)
	u := make([]float64, 2)
	if err := c.Act(u, 2, x, nil); err != nil || u[0] != mean[0] || u[1] != mean[1] {
		t.Fatalf("deterministic Act = %v (%v), want the mean %v", u, err, mean)
	}
	const N = 20000
	d0, d1, prod := make([]float64, N), make([]float64, N), make([]float64, N)
	for i := 0; i < N; i++ {
		if err := c.Act(u, 2, x, rng); err != nil {
			t.Fatal(err)
		}
		d0[i], d1[i] = u[0]-mean[0], u[1]-mean[1]
		prod[i] = d0[i] * d1[i]
	}
	check := func(what string, vals []float64, want float64) {
		t.Helper()
		mu, sd := stat.MeanStdDev(vals, nil)
		if se := stat.StdErr(sd, N); math.Abs(mu-want) > 5*se {
			t.Errorf("%s: sample %v, want %v (SE %v)", what, mu, want, se)
		}
	}
	check("E[u₀ − μ₀]", d0, 0)
	sq := make([]float64, N)
	for i, v := range d0 {
		sq[i] = v * v
	}
	check("Var u₀", sq, c.Cov[2].At(0, 0))
	check("Cov(u₀, u₁)", prod, c.Cov[2].At(0, 1))
	for name, err := range map[string]error{
		"short x":  c.Act(u, 0, x[:2], nil),
		"NaN x":    c.Act(u, 0, []float64{math.NaN(), 0, 0}, nil),
		"step T":   c.Act(u, 4, x, nil),
		"long u":   c.Act(make([]float64, 3), 0, x, nil),
		"nil ctrl": (*Controller)(nil).Act(u, 0, x, nil),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	c.Cov[1].SetSym(0, 0, -1)
	if err := c.Act(u, 1, x, rng); err == nil || !strings.Contains(err.Error(), "Cov[1] is not positive definite") {
		t.Errorf("non-PD covariance: %v", err)
	}
}
