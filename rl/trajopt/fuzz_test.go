package trajopt

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// palette holds the numbers a fuzz byte selects: ordinary values most of
// the time, and the edge cases (0, ±huge, subnormal, NaN, ±Inf) often
// enough to matter.
var palette = [...]float64{0, 1, -1, 0.5, -0.5, 2, -2, 0.1, 3, -0.25, 10, 1e-3,
	1e150, -1e150, 1e300, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300}

// draws deals the numbers of a fuzz input: byte b selects palette[b] when
// b indexes it, and otherwise the small value (b − 128)/32. An exhausted
// input deals zeros.
type draws []byte

func (d *draws) next() float64 {
	if len(*d) == 0 {
		return 0
	}
	b := (*d)[0]
	*d = (*d)[1:]
	if int(b) < len(palette) {
		return palette[b]
	}
	return (float64(b) - 128) / 32
}

// fill sets every entry of dense matrices and vectors, and the upper
// triangle of symmetric ones (1 added to the diagonal so that they are
// usually positive definite), from d.
func (d *draws) fill(ms ...mat.Matrix) {
	for _, x := range ms {
		r, c := x.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				switch x := x.(type) {
				case *mat.Dense:
					x.Set(i, j, d.next())
				case *mat.VecDense:
					x.SetVec(i, d.next())
				case *mat.SymDense:
					if j >= i {
						x.SetSym(i, j, d.next()+b2f(i == j))
					}
				}
			}
		}
	}
}

// b2f is 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// FuzzKLUpdate: on random small problems (n ≤ 3, m ≤ 2, T ≤ 4) whose
// controller, dynamics and cost entries may be NaN, infinite, huge or tiny,
// with a random ε, η and η search, KLUpdate and SolveAtEta never panic and
// either return an error or a result whose KL, expected cost, controller
// and trajectory distribution are finite.
func FuzzKLUpdate(f *testing.F) {
	f.Add(uint8(2), uint8(1), uint8(3), 1.0, 1.0, false, []byte{})
	f.Add(uint8(2), uint8(1), uint8(3), 0.5, 0.01, true, []byte{129, 130, 160, 100, 140, 1, 2, 0, 0})
	f.Add(uint8(1), uint8(1), uint8(1), 1e-9, 1e-8, false, []byte{16, 17, 18, 14, 15})
	f.Add(uint8(3), uint8(2), uint8(4), 100.0, 1e300, true, []byte{12, 13, 14, 19, 15, 5, 250, 3})
	f.Fuzz(func(t *testing.T, n8, m8, T8 uint8, eps, eta float64, dual bool, data []byte) {
		n, m, T := 1+int(n8%3), 1+int(m8%2), 1+int(T8%4)
		d := draws(data)
		prev := &lqr.Controller{}
		dyn := lqr.NewDynamics(n, m, T)
		q := &lqr.QuadraticCost{Final: lqr.Final{Cxx: mat.NewDense(n, n, nil), Cx: mat.NewVecDense(n, nil)}}
		for s := 0; s < T; s++ {
			K, k, S := mat.NewDense(m, n, nil), mat.NewVecDense(m, nil), mat.NewSymDense(m, nil)
			Czz, Cz := mat.NewSymDense(n+m, nil), mat.NewVecDense(n+m, nil)
			d.fill(K, k, S, dyn.Fx[s], dyn.Fu[s], dyn.F0[s], dyn.Cov[s], Czz, Cz)
			prev.K, prev.Kff, prev.Cov = append(prev.K, K), append(prev.Kff, k), append(prev.Cov, S)
			q.Czz, q.Cz, q.C0 = append(q.Czz, Czz), append(q.Cz, Cz), append(q.C0, d.next())
		}
		d.fill(dyn.X0Mean, dyn.X0Cov, q.Final.Cxx, q.Final.Cx)
		q.Final.C0 = d.next()
		cfg := KLConfig{MaxIter: 30}
		if dual {
			cfg.Method = DualGradient
		}
		if r, err := KLUpdate(prev, dyn, q, eps, cfg); err == nil {
			checkFinite(t, "KLUpdate", r.KL, r.ExpectedCost, r.Eta, r.Controller, r.Dist)
		}
		if s, err := SolveAtEta(prev, dyn, q, eta); err == nil {
			checkFinite(t, "SolveAtEta", s.KL, s.ExpectedCost, s.Eta, s.Controller, s.Dist)
		}
	})
}

// checkFinite fails t unless every number of a result is finite.
func checkFinite(t *testing.T, fn string, kl, cost, eta float64, c *lqr.Controller, dist *lqr.TrajDist) {
	t.Helper()
	for _, v := range []float64{kl, cost, eta} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%s returned KL = %v, expected cost = %v, η = %v without an error", fn, kl, cost, eta)
		}
	}
	if _, _, _, err := c.Dims(); err != nil {
		t.Fatalf("%s returned a controller without an error: %v", fn, err)
	}
	ms := []mat.Matrix{dist.FinalMean, dist.FinalCov}
	for s := range dist.Mean {
		ms = append(ms, dist.Mean[s], dist.Cov[s])
	}
	for _, x := range ms {
		r, c := x.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s returned a distribution entry %v without an error", fn, v)
				}
			}
		}
	}
}
