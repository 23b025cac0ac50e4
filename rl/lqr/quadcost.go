package lqr

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/cost"
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
func Expand(c cost.Cost, b system.Batch) (*QuadraticCost, error) {
	if c == nil {
		return nil, fmt.Errorf("lqr: Expand: nil cost")
	}
	bn, bm, T, N, err := b.Dims()
	if err != nil {
		return nil, fmt.Errorf("lqr: Expand: %w", err)
	}
	n, m := c.Dims()
	if bn != n || bm != m {
		return nil, fmt.Errorf("lqr: Expand: samples have n = %d, m = %d but the cost n = %d, m = %d", bn, bm, n, m)
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
		q.Czz, q.Cz, q.C0 = append(q.Czz, Czz), append(q.Cz, Cz), append(q.C0, c0)
	}
	Hx := mat.NewSymDense(n, nil)
	gx := mat.NewVecDense(n, nil)
	Fzz, Fz := mat.NewSymDense(n, nil), mat.NewVecDense(n, nil)
	f0 := 0.0
	for i := 0; i < N; i++ {
		x := b[i].X[T]
		c.FinalDerivs(d, x)
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				Hx.SetSym(a, b, 0.5*(d.Lxx[a*n+b]+d.Lxx[b*n+a]))
			}
			gx.SetVec(a, d.Lx[a])
		}
		addRecentred(Fzz, Fz, &f0, Hx, gx, c.Final(x), x, w)
	}
	q.Final.Cxx.Copy(Fzz)
	q.Final.Cx.CopyVec(Fz)
	q.Final.C0 = f0
	return q, nil
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

// Expected returns E[J] under a trajectory distribution: for each step
// ½ tr(C Σ) + ½ μᵀCμ + cᵀμ + c0, plus the same for the final state.
func (q *QuadraticCost) Expected(d *TrajDist) (float64, error) {
	if len(d.Mean) != len(q.Czz) {
		return 0, fmt.Errorf("lqr: Expected: cost has T = %d, distribution T = %d", len(q.Czz), len(d.Mean))
	}
	J := 0.0
	for t := range q.Czz {
		J += quadExpect(q.Czz[t], q.Cz[t], q.C0[t], d.Mean[t], d.Cov[t])
	}
	fc := mat.NewSymDense(d.FinalMean.Len(), nil)
	n := fc.SymmetricDim()
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			fc.SetSym(i, j, 0.5*(q.Final.Cxx.At(i, j)+q.Final.Cxx.At(j, i)))
		}
	}
	cx := q.Final.Cx
	if cx == nil {
		cx = mat.NewVecDense(n, nil)
	}
	return J + quadExpect(fc, cx, q.Final.C0, d.FinalMean, d.FinalCov), nil
}

func quadExpect(C *mat.SymDense, c *mat.VecDense, c0 float64, mu *mat.VecDense, S *mat.SymDense) float64 {
	var CS mat.Dense
	CS.Mul(C, S)
	return 0.5*mat.Trace(&CS) + 0.5*mat.Inner(mu, C, mu) + mat.Dot(c, mu) + c0
}

// Problem builds the LQR problem of minimising this cost under the means of
// dyn (the noise does not change the optimal linear controller), with an
// optional extra quadratic term added to each step's cost (nil for none).
func (q *QuadraticCost) Problem(dyn *Dynamics, scale float64, extra []*mat.SymDense, extraLin []*mat.VecDense) (*Problem, error) {
	n, m, T, err := dyn.Dims()
	if err != nil {
		return nil, err
	}
	if len(q.Czz) != T {
		return nil, fmt.Errorf("lqr: cost has T = %d, dynamics T = %d", len(q.Czz), T)
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
	return p, nil
}
