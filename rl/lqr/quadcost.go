package lqr

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// QuadraticCost is a time-varying quadratic cost in absolute coordinates,
// z = [x; u]:
//
//	ℓ_t(z) = ½ zᵀ Czz_t z + Cz_tᵀ z + C0_t  (t < T),  ℓ_T(x) = ½ xᵀ Final.Cxx x + Final.Cxᵀ x + Final.C0.
//
// It is the second-order expansion of a cost around a trajectory
// distribution's samples, what the KL-constrained update optimises.
type QuadraticCost struct {
	Czz   []*mat.SymDense // T, (n+m)×(n+m)
	Cz    []*mat.VecDense // T, n+m
	C0    []float64       // T
	Final Final
}

// Expand returns the quadratic expansion of c around the samples b (N
// trajectories of one horizon): the derivatives are averaged over the
// samples at each step and re-centred so that the expansion is exact for
// quadratic costs and, for others, a second-order model around each sample
// averaged over samples (as guided policy search does).
//
// It returns an error for a nil cost (a typed nil included) or one of
// other dimensions, the errors of b.Dims (ragged or non-finite samples),
// (n+m)·(n+m)·T above limits.MaxElements (2^27 numbers, checked before
// allocating), a cost value or derivative that is not finite (naming it,
// the step and the sample), and an expansion that overflows.
func Expand(c cost.Cost, b system.Batch) (*QuadraticCost, error) {
	const fn = "lqr: Expand"
	if c == nil {
		return nil, fmt.Errorf("lqr: Expand: nil cost")
	}
	n, m, T, N, err := b.Dims()
	if err != nil {
		return nil, fmt.Errorf("lqr: Expand: %w", err)
	}
	if err := cost.Check(c, n, m); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if err := limits.Check(fn, "(n+m) × (n+m) × T", n+m, n+m, T); err != nil {
		return nil, err
	}
	q := &QuadraticCost{Final: Final{Cxx: mat.NewDense(n, n, nil), Cx: mat.NewVecDense(n, nil)}}
	d := cost.NewDerivs(n, m)
	z := make([]float64, n+m)
	H := mat.NewSymDense(n+m, nil)
	g := mat.NewVecDense(n+m, nil)
	w := 1 / float64(N)
	for t := 0; t < T; t++ {
		Czz, Cz := mat.NewSymDense(n+m, nil), mat.NewVecDense(n+m, nil)
		c0 := 0.0
		for i := 0; i < N; i++ {
			x, u := b[i].X[t], b[i].U[t]
			copy(z, x)
			copy(z[n:], u)
			c.StageDerivs(d, t, x, u)
			l := c.Stage(t, x, u)
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return nil, fmt.Errorf("%s: cost Stage(t = %d, sample %d) = %v is not finite", fn, t, i, l)
			}
			if name, j, v := firstBad(field{"Lx", d.Lx}, field{"Lu", d.Lu}, field{"Lxx", d.Lxx}, field{"Luu", d.Luu}, field{"Lux", d.Lux}); name != "" {
				return nil, fmt.Errorf("%s: cost StageDerivs(t = %d, sample %d): %s[%d] = %v is not finite", fn, t, i, name, j, v)
			}
			for a := 0; a < n+m; a++ {
				for b := a; b < n+m; b++ {
					H.SetSym(a, b, hess(d, n, m, a, b))
				}
				if a < n {
					g.SetVec(a, d.Lx[a])
				} else {
					g.SetVec(a, d.Lu[a-n])
				}
			}
			addRecentred(Czz, Cz, &c0, H, g, l, z, w)
		}
		if err := expansionOverflows(fn, t, Czz, Cz, c0); err != nil {
			return nil, err
		}
		q.Czz, q.Cz, q.C0 = append(q.Czz, Czz), append(q.Cz, Cz), append(q.C0, c0)
	}
	Hx := mat.NewSymDense(n, nil)
	gx := mat.NewVecDense(n, nil)
	Fzz, Fz := mat.NewSymDense(n, nil), mat.NewVecDense(n, nil)
	f0 := 0.0
	for i := 0; i < N; i++ {
		x := b[i].X[T]
		c.FinalDerivs(d, x)
		l := c.Final(x)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("%s: cost Final(sample %d) = %v is not finite", fn, i, l)
		}
		if name, j, v := firstBad(field{"Lx", d.Lx}, field{"Lxx", d.Lxx}); name != "" {
			return nil, fmt.Errorf("%s: cost FinalDerivs(sample %d): %s[%d] = %v is not finite", fn, i, name, j, v)
		}
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				Hx.SetSym(a, b, 0.5*(d.Lxx[a*n+b]+d.Lxx[b*n+a]))
			}
			gx.SetVec(a, d.Lx[a])
		}
		addRecentred(Fzz, Fz, &f0, Hx, gx, l, x, w)
	}
	if err := expansionOverflows(fn, T, Fzz, Fz, f0); err != nil {
		return nil, err
	}
	q.Final.Cxx.Copy(Fzz)
	q.Final.Cx.CopyVec(Fz)
	q.Final.C0 = f0
	return q, nil
}

// expansionOverflows returns an error naming step t if the accumulated
// expansion (C, c, c0) is not finite.
func expansionOverflows(fn string, t int, C *mat.SymDense, c *mat.VecDense, c0 float64) error {
	name, i, v := firstBad(field{"Czz", C.RawSymmetric().Data}, field{"Cz", c.RawVector().Data}, field{"C0", []float64{c0}})
	if name == "" {
		return nil
	}
	return fmt.Errorf("%s: the expansion overflows at t = %d (%s entry %d = %v)", fn, t, name, i, v)
}

func hess(d *cost.Derivs, n, m, a, b int) float64 {
	switch {
	case a < n && b < n:
		return 0.5 * (d.Lxx[a*n+b] + d.Lxx[b*n+a])
	case a >= n && b >= n:
		return 0.5 * (d.Luu[(a-n)*m+b-n] + d.Luu[(b-n)*m+a-n])
	case a >= n:
		return d.Lux[(a-n)*n+b]
	default:
		return d.Lux[(b-n)*n+a]
	}
}

// addRecentred adds w times the expansion ℓ + gᵀ(y − z) + ½(y − z)ᵀH(y − z),
// written in y, to (C, c, c0): C += wH, c += w(g − Hz), c0 += w(ℓ − gᵀz + ½zᵀHz).
func addRecentred(C *mat.SymDense, c *mat.VecDense, c0 *float64, H *mat.SymDense, g *mat.VecDense, l float64, z []float64, w float64) {
	k := len(z)
	zv := mat.NewVecDense(k, append([]float64(nil), z...))
	var Hz mat.VecDense
	Hz.MulVec(H, zv)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			C.SetSym(a, b, C.At(a, b)+w*H.At(a, b))
		}
		c.SetVec(a, c.AtVec(a)+w*(g.AtVec(a)-Hz.AtVec(a)))
	}
	*c0 += w * (l - mat.Dot(g, zv) + 0.5*mat.Dot(zv, &Hz))
}

// Dims returns the state and action dimensions n, m (n from Final.Cxx,
// n+m from Czz[0]) and the horizon T = len(Czz), or an error naming the
// first missing, inconsistent or non-finite entry (the order of
// Dynamics.Dims and Controller.Dims). It allocates nothing unless it
// returns an error.
func (q *QuadraticCost) Dims() (n, m, T int, err error) {
	const fn = "lqr: QuadraticCost"
	switch {
	case q == nil:
		return 0, 0, 0, fmt.Errorf("%s: nil QuadraticCost", fn)
	case len(q.Czz) == 0 || q.Czz[0] == nil:
		return 0, 0, 0, fmt.Errorf("%s: q has no Czz[0]", fn)
	case q.Final.Cxx == nil:
		return 0, 0, 0, fmt.Errorf("%s: q.Final.Cxx is nil", fn)
	}
	n, _ = q.Final.Cxx.Dims()
	T, m = len(q.Czz), q.Czz[0].SymmetricDim()-n
	if m < 1 {
		return 0, 0, 0, fmt.Errorf("%s: q.Czz[0] is %d×%d but q.Final.Cxx has n = %d rows; want n+m with m ≥ 1", fn, n+m, n+m, n)
	}
	return n, m, T, q.check(fn, n, m, T)
}

// check returns an error naming the first missing, ill-sized or non-finite
// entry of q, a cost of T steps over n states and m actions.
func (q *QuadraticCost) check(fn string, n, m, T int) error {
	if q == nil {
		return fmt.Errorf("%s: nil QuadraticCost", fn)
	}
	for _, c := range [...]struct {
		name string
		got  int
	}{{"q.Czz", len(q.Czz)}, {"q.Cz", len(q.Cz)}, {"q.C0", len(q.C0)}} {
		if err := checkCount(label{fn, c.name, -1, ""}, c.got, T); err != nil {
			return err
		}
	}
	for t := 0; t < T; t++ {
		if err := checkSym(label{fn, "q.Czz", t, ""}, q.Czz[t], n+m); err != nil {
			return err
		}
		if _, err := checkVec(label{fn, "q.Cz", t, ""}, q.Cz[t], n+m, nil); err != nil {
			return err
		}
	}
	if err := checkSlice(label{fn, "q.C0", -1, ""}, q.C0, T); err != nil {
		return err
	}
	if _, err := checkMat(label{fn, "q.Final.Cxx", -1, ""}, q.Final.Cxx, n, n, false); err != nil {
		return err
	}
	if q.Final.Cx != nil {
		if _, err := checkVec(label{fn, "q.Final.Cx", -1, ""}, q.Final.Cx, n, nil); err != nil {
			return err
		}
	}
	return checkFloat(label{fn, "q.Final.C0", -1, ""}, q.Final.C0)
}

// Expected returns E[J] under a trajectory distribution: for each step
// ½ tr(C Σ) + ½ μᵀCμ + cᵀμ + c0, plus the same for the final state. It
// returns an error naming the first missing, ill-sized or non-finite entry
// of q or d, and the step where the expectation overflows.
func (q *QuadraticCost) Expected(d *TrajDist) (float64, error) {
	const fn = "lqr: Expected"
	n, m, T, err := q.Dims()
	if err != nil {
		return 0, err
	}
	if d != nil && len(d.Mean) != T {
		return 0, fmt.Errorf("lqr: Expected: cost has T = %d, distribution T = %d", T, len(d.Mean))
	}
	if err := d.check(fn, n, m, T); err != nil {
		return 0, err
	}
	J := 0.0
	for t := range q.Czz {
		J += quadExpect(q.Czz[t], q.Cz[t], q.C0[t], d.Mean[t], d.Cov[t])
		if math.IsNaN(J) || math.IsInf(J, 0) {
			return 0, fmt.Errorf("%s: the expected cost overflows at t = %d", fn, t)
		}
	}
	fc := mat.NewSymDense(d.FinalMean.Len(), nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			fc.SetSym(i, j, 0.5*(q.Final.Cxx.At(i, j)+q.Final.Cxx.At(j, i)))
		}
	}
	cx := q.Final.Cx
	if cx == nil {
		cx = mat.NewVecDense(n, nil)
	}
	J += quadExpect(fc, cx, q.Final.C0, d.FinalMean, d.FinalCov)
	if math.IsNaN(J) || math.IsInf(J, 0) {
		return 0, fmt.Errorf("%s: the expected cost overflows at the final state", fn)
	}
	return J, nil
}

func quadExpect(C *mat.SymDense, c *mat.VecDense, c0 float64, mu *mat.VecDense, S *mat.SymDense) float64 {
	var CS mat.Dense
	CS.Mul(C, S)
	return 0.5*mat.Trace(&CS) + 0.5*mat.Inner(mu, C, mu) + mat.Dot(c, mu) + c0
}

// Problem builds the LQR problem of minimising this cost under the means of
// dyn (the noise does not change the optimal linear controller), with an
// optional extra quadratic term added to each step's cost (nil for none):
// each step's cost is scale·(Czz, Cz, C0) + (extra, extraLin, 0). It
// returns an error naming the first missing, ill-sized or non-finite
// entry of q, dyn (Dynamics.Dims's errors), extra or extraLin, a
// non-finite scale, and the step where the scaled sum overflows.
func (q *QuadraticCost) Problem(dyn *Dynamics, scale float64, extra []*mat.SymDense, extraLin []*mat.VecDense) (*Problem, error) {
	const fn = "lqr: QuadraticCost.Problem"
	if q == nil {
		return nil, fmt.Errorf("%s: nil QuadraticCost", fn)
	}
	n, m, T, err := dyn.Dims()
	if err != nil {
		return nil, err
	}
	if len(q.Czz) != T {
		return nil, fmt.Errorf("lqr: cost has T = %d, dynamics T = %d", len(q.Czz), T)
	}
	if err := q.check(fn, n, m, T); err != nil {
		return nil, err
	}
	if err := checkFloat(label{fn, "scale", -1, ""}, scale); err != nil {
		return nil, err
	}
	if extra != nil {
		if err := checkCount(label{fn, "extra", -1, ""}, len(extra), T); err != nil {
			return nil, err
		}
		for t, e := range extra {
			if err := checkSym(label{fn, "extra", t, ""}, e, n+m); err != nil {
				return nil, err
			}
		}
	}
	if extraLin != nil {
		if err := checkCount(label{fn, "extraLin", -1, ""}, len(extraLin), T); err != nil {
			return nil, err
		}
		for t, e := range extraLin {
			if _, err := checkVec(label{fn, "extraLin", t, ""}, e, n+m, nil); err != nil {
				return nil, err
			}
		}
	}
	p := &Problem{}
	for t := 0; t < T; t++ {
		Z := mat.NewDense(n+m, n+m, nil)
		z := mat.NewVecDense(n+m, nil)
		for a := 0; a < n+m; a++ {
			for b := 0; b < n+m; b++ {
				v := scale * q.Czz[t].At(a, b)
				if extra != nil {
					v += extra[t].At(a, b)
				}
				Z.Set(a, b, v)
			}
			v := scale * q.Cz[t].AtVec(a)
			if extraLin != nil {
				v += extraLin[t].AtVec(a)
			}
			z.SetVec(a, v)
		}
		if name, i, v := firstBad(field{"Czz", Z.RawMatrix().Data}, field{"Cz", z.RawVector().Data}, field{"C0", []float64{scale * q.C0[t]}}); name != "" {
			return nil, fmt.Errorf("%s: the scaled cost overflows at t = %d (%s entry %d = %v)", fn, t, name, i, v)
		}
		p.Steps = append(p.Steps, Step{
			A: dyn.Fx[t], B: dyn.Fu[t], Offset: dyn.F0[t],
			Cxx: mat.DenseCopyOf(Z.Slice(0, n, 0, n)), Cuu: mat.DenseCopyOf(Z.Slice(n, n+m, n, n+m)),
			Cux: mat.DenseCopyOf(Z.Slice(n, n+m, 0, n)),
			Cx:  mat.VecDenseCopyOf(z.SliceVec(0, n)), Cu: mat.VecDenseCopyOf(z.SliceVec(n, n+m)),
			C0: scale * q.C0[t],
		})
	}
	fin := mat.DenseCopyOf(q.Final.Cxx)
	fin.Scale(scale, fin)
	fx := mat.NewVecDense(n, nil)
	if q.Final.Cx != nil {
		fx.ScaleVec(scale, q.Final.Cx)
	}
	p.Final = Final{Cxx: fin, Cx: fx, C0: scale * q.Final.C0}
	if name, i, v := firstBad(field{"Final.Cxx", fin.RawMatrix().Data}, field{"Final.Cx", fx.RawVector().Data}, field{"Final.C0", []float64{p.Final.C0}}); name != "" {
		return nil, fmt.Errorf("%s: the scaled cost overflows at the final state (%s entry %d = %v)", fn, name, i, v)
	}
	return p, nil
}
