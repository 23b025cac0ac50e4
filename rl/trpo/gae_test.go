package trpo

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// TestGAEClosedForms: λ = 1 gives discounted returns-to-go minus the
// baseline (with bootstrap at a truncation), λ = 0 gives one-step TD errors,
// and the sum never crosses an episode boundary.
func TestGAEClosedForms(t *testing.T) {
	r := []float64{1, 2, 3, 4, 5}
	v := []float64{0.5, 0.4, 0.3, 0.2, 0.1}
	next := []float64{0.4, 0.3, 9, 0.1, 7} // step 2 ends by termination (9 ignored); step 4 truncated, bootstrap 7
	done := []bool{false, false, true, false, true}
	term := []bool{false, false, true, false, false}
	const g = 0.9
	adv, ret, err := GAE(r, v, next, done, term, g, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		1 + g*2 + g*g*3 - 0.5,
		2 + g*3 - 0.4,
		3 - 0.3,
		4 + g*(5+g*7) - 0.2,
		5 + g*7 - 0.1,
	}
	for i := range want {
		if math.Abs(adv[i]-want[i]) > 1e-12 || math.Abs(ret[i]-(want[i]+v[i])) > 1e-12 {
			t.Errorf("λ=1: adv[%d] = %v, want %v (ret %v)", i, adv[i], want[i], ret[i])
		}
	}
	adv0, _, _ := GAE(r, v, next, done, term, g, 0)
	for i := range r {
		boot := next[i]
		if term[i] {
			boot = 0
		}
		if d := r[i] + g*boot - v[i]; math.Abs(adv0[i]-d) > 1e-12 {
			t.Errorf("λ=0: adv[%d] = %v, want δ = %v", i, adv0[i], d)
		}
	}
	if _, _, err := GAE(r, v[:4], next, done, term, g, 1); err == nil || !strings.Contains(err.Error(), "lengths 5, 4") {
		t.Errorf("length mismatch: %v", err)
	}
	if _, _, err := GAE(r, v, next, done, term, 1.5, 1); err == nil || !strings.Contains(err.Error(), "γ = 1.5") {
		t.Errorf("bad γ: %v", err)
	}
	if _, _, err := GAE(r, v, next, done, term, 0.9, -1); err == nil || !strings.Contains(err.Error(), "λ = -1") {
		t.Errorf("bad λ: %v", err)
	}
	bad := append([]float64(nil), r...)
	bad[3] = math.NaN()
	if _, _, err := GAE(bad, v, next, done, term, 0.9, 1); err == nil || !strings.Contains(err.Error(), "rewards[3] = NaN") {
		t.Errorf("NaN reward: %v", err)
	}
}

// TestConjugateGradient solves a random 30×30 SPD system (condition number
// ≲ 1e3) to 1e-8 relative residual in at most 30 iterations (exact
// arithmetic needs n), and 10 iterations already reduce the residual.
func TestConjugateGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 30
	G := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			G.Set(i, j, rng.NormFloat64())
		}
	}
	A := mat.NewSymDense(n, nil)
	A.SymOuterK(1, G)
	for i := 0; i < n; i++ {
		A.SetSym(i, i, A.At(i, i)+1)
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	Av := func(v []float64) ([]float64, error) {
		var out mat.VecDense
		out.MulVec(A, mat.NewVecDense(n, v))
		return out.RawVector().Data, nil
	}
	x, k, err := ConjugateGradient(Av, b, 60, 1e-20)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Av(x)
	res := 0.0
	for i := range r {
		res += (r[i] - b[i]) * (r[i] - b[i])
	}
	if math.Sqrt(res) > 1e-8*math.Sqrt(small.Dot(b, b)) {
		t.Errorf("residual %v after %d iterations", math.Sqrt(res), k)
	}
	x10, _, _ := ConjugateGradient(Av, b, 10, 1e-20)
	r10, _ := Av(x10)
	res10 := 0.0
	for i := range r10 {
		res10 += (r10[i] - b[i]) * (r10[i] - b[i])
	}
	if res10 >= small.Dot(b, b) {
		t.Errorf("10 iterations did not reduce the residual: %v ≥ %v", res10, small.Dot(b, b))
	}
	neg := func(v []float64) ([]float64, error) {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = -v[i]
		}
		return out, nil
	}
	if _, _, err := ConjugateGradient(neg, b, 10, 0); err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Errorf("negative definite: %v", err)
	}
}
