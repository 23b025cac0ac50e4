package cost

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestDerivsFiniteDifference checks every derivative of a random
// non-diagonal Quadratic against central differences. The cost is quadratic,
// so central differences of the value are exact up to rounding (error
// ~ε·|ℓ|/h ≈ 1e-16·10/1e-5 = 1e-10); tolerance 1e-6.
func TestDerivsFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, m, h = 3, 2, 1e-5
	rndSPD := func(k int) *mat.Dense {
		G := mat.NewDense(k, k, nil)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				G.Set(i, j, rng.NormFloat64())
			}
		}
		var S mat.Dense
		S.Mul(G.T(), G)
		for i := 0; i < k; i++ {
			S.Set(i, i, S.At(i, i)+0.1)
		}
		return &S
	}
	c, err := NewQuadratic(rndSPD(n), rndSPD(m), rndSPD(n), []float64{1, -2, 0.5}, []float64{0.3, -0.1})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.2, 0.7, -1.1}
	u := []float64{-0.4, 0.9}
	d := NewDerivs(n, m)
	c.StageDerivs(d, 0, x, u)
	// z = [x; u]; gradient and Hessian by central differences of Stage.
	f := func(z []float64) float64 { return c.Stage(0, z[:n], z[n:]) }
	z := append(append([]float64(nil), x...), u...)
	grad := append(append([]float64(nil), d.Lx...), d.Lu...)
	for i := range z {
		zp, zm := append([]float64(nil), z...), append([]float64(nil), z...)
		zp[i] += h
		zm[i] -= h
		if fd := (f(zp) - f(zm)) / (2 * h); math.Abs(fd-grad[i]) > 1e-6 {
			t.Errorf("gradient[%d] = %v, finite difference %v", i, grad[i], fd)
		}
	}
	hess := func(i, j int) float64 {
		switch {
		case i < n && j < n:
			return d.Lxx[i*n+j]
		case i >= n && j >= n:
			return d.Luu[(i-n)*m+j-n]
		case i >= n:
			return d.Lux[(i-n)*n+j]
		default:
			return d.Lux[(j-n)*n+i]
		}
	}
	for i := range z {
		for j := range z {
			zz := func(a, b float64) float64 {
				w := append([]float64(nil), z...)
				w[i] += a
				w[j] += b
				return f(w)
			}
			fd := (zz(h, h) - zz(h, -h) - zz(-h, h) + zz(-h, -h)) / (4 * h * h)
			if math.Abs(fd-hess(i, j)) > 1e-4 {
				t.Errorf("hessian[%d,%d] = %v, finite difference %v", i, j, hess(i, j), fd)
			}
		}
	}
	c.FinalDerivs(d, x)
	for i := 0; i < n; i++ {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[i] += h
		xm[i] -= h
		if fd := (c.Final(xp) - c.Final(xm)) / (2 * h); math.Abs(fd-d.Lx[i]) > 1e-6 {
			t.Errorf("final gradient[%d] = %v, finite difference %v", i, d.Lx[i], fd)
		}
	}
}

func TestTotal(t *testing.T) {
	c, err := Diagonal([]float64{1, 2}, []float64{4}, []float64{10, 10}, []float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	xs := [][]float64{{0, 0}, {1, 1}, {1, 0}}
	us := [][]float64{{1}, {0.5}}
	// stage 0: ½(1 + 0) + ½·4·1 = 2.5; stage 1: ½(0 + 2) + ½·4·0.25 = 1.5; final: 0.
	J, err := Total(c, xs, us)
	if err != nil || J != 4 {
		t.Errorf("Total = %v, %v; want 4", J, err)
	}
	if _, err := Total(c, [][]float64{{0, 0}, {math.NaN(), 0}, {0, 0}}, us); err == nil || !strings.Contains(err.Error(), "xs[1][0] = NaN") {
		t.Errorf("NaN state: err = %v", err)
	}
	if _, err := Total(c, xs[:2], us); err == nil {
		t.Error("mismatched lengths accepted")
	}
	if _, err := Total(c, [][]float64{{0, 0}, {0}, {0, 0}}, us); err == nil || !strings.Contains(err.Error(), "xs[1] has length 1") {
		t.Errorf("short state: err = %v", err)
	}
	if err := Check(c, 2, 2); err == nil || !strings.Contains(err.Error(), "m=1") {
		t.Errorf("Check: err = %v", err)
	}
}

func TestBadWeights(t *testing.T) {
	cases := []struct {
		q, r, qf, goal []float64
		want           string
	}{
		{[]float64{1, -1}, []float64{1}, []float64{1, 1}, []float64{0, 0}, "Q must be positive semi-definite"},
		{[]float64{1, 1}, []float64{0}, []float64{1, 1}, []float64{0, 0}, "R must be positive definite"},
		{[]float64{1, math.NaN()}, []float64{1}, []float64{1, 1}, []float64{0, 0}, "Q[1,1] = NaN"},
		{[]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0}, "xGoal has length 1, want 2"},
		{[]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, math.Inf(1)}, "xGoal[1] = +Inf"},
		{[]float64{1, 1}, []float64{1}, []float64{1}, []float64{0, 0}, "qf has length 1"},
		{[]float64{1, 1}, nil, []float64{1, 1}, []float64{0, 0}, "r has length 0"},
	}
	for _, c := range cases {
		_, err := Diagonal(c.q, c.r, c.qf, c.goal)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Diagonal(%v, %v, %v, %v): err = %v, want %q", c.q, c.r, c.qf, c.goal, err, c.want)
		}
	}
	asym := mat.NewDense(2, 2, []float64{1, 0.5, 0, 1})
	if _, err := NewQuadratic(asym, mat.NewDense(1, 1, []float64{1}), asym, []float64{0, 0}, nil); err == nil || !strings.Contains(err.Error(), "not symmetric") {
		t.Errorf("asymmetric Q: err = %v", err)
	}
}
