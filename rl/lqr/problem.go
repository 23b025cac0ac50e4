package lqr

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Step is the model and cost of one time step t < T. Nil optional fields
// mean zero.
type Step struct {
	A      *mat.Dense    // n×n dynamics matrix A_t (required)
	B      *mat.Dense    // n×m input matrix B_t (required)
	Offset *mat.VecDense // n, dynamics offset a_t (optional)
	Cxx    *mat.Dense    // n×n symmetric state cost Hessian (required)
	Cuu    *mat.Dense    // m×m symmetric action cost Hessian (required)
	Cux    *mat.Dense    // m×n cross term, Cxu = Cuxᵀ (optional)
	Cx     *mat.VecDense // n, linear state cost (optional)
	Cu     *mat.VecDense // m, linear action cost (optional)
	C0     float64       // constant cost
}

// Final is the cost of the final state x_T.
type Final struct {
	Cxx *mat.Dense    // n×n symmetric (required)
	Cx  *mat.VecDense // n (optional)
	C0  float64       // constant cost
}

// Problem is a finite-horizon time-varying LQR problem with T = len(Steps).
type Problem struct {
	Steps []Step
	Final Final
}

// Dims returns the state and action dimensions n, m and the horizon T. It
// does not validate the problem (Solver.Backward does); a nil p has
// dimensions 0, 0, 0.
func (p *Problem) Dims() (n, m, T int) {
	if p == nil {
		return 0, 0, 0
	}
	if len(p.Steps) == 0 || p.Steps[0].B == nil {
		return 0, 0, len(p.Steps)
	}
	n, m = p.Steps[0].B.Dims()
	return n, m, len(p.Steps)
}

// raw is a Step flattened to row-major slices (zero slices for nil fields).
type raw struct {
	A, B, a, Cxx, Cuu, Cux, cx, cu []float64
	c0                             float64
}

// symTol is the relative asymmetry tolerated in Cxx and Cuu: rounding in a
// caller's computation of a symmetric matrix leaves ~1e-15 relative
// asymmetry; anything above 1e-8 is a bug in the caller.
const symTol = 1e-8

// label names a field in error messages; it is formatted only on error, so
// validation allocates nothing on the happy path.
type label struct {
	fn   string // the function, e.g. "lqr: KL", written as "fn: " before pre; "" for none
	pre  string // e.g. "lqr: Steps", "lqr: dynamics Fx" or "dist.Mean"
	t    int    // index written as [t] after pre, or −1 for none
	post string // e.g. ".A"
}

func (l label) String() string {
	s := l.pre
	if l.fn != "" {
		s = l.fn + ": " + s
	}
	if l.t < 0 {
		return s + l.post
	}
	return fmt.Sprintf("%s[%d]%s", s, l.t, l.post)
}

// named is a label without an index.
func named(s string) label { return label{"", s, -1, ""} }

func checkMat(what label, d *mat.Dense, r, c int, sym bool) ([]float64, error) {
	if d == nil {
		return nil, fmt.Errorf("%v is nil, want a %d×%d matrix", what, r, c)
	}
	dr, dc := d.Dims()
	if dr != r || dc != c {
		return nil, fmt.Errorf("%v is %d×%d, want %d×%d", what, dr, dc, r, c)
	}
	rm := d.RawMatrix()
	data := rm.Data
	if rm.Stride != c {
		data = mat.DenseCopyOf(d).RawMatrix().Data
	}
	scale := 0.0
	for i, v := range data[:r*c] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%v[%d,%d] = %v is not finite", what, i/c, i%c, v)
		}
		scale = math.Max(scale, math.Abs(v))
	}
	if sym {
		for i := 0; i < r; i++ {
			for j := i + 1; j < r; j++ {
				if math.Abs(data[i*c+j]-data[j*c+i]) > symTol*scale {
					return nil, fmt.Errorf("%v is not symmetric: [%d,%d] = %v but [%d,%d] = %v",
						what, i, j, data[i*c+j], j, i, data[j*c+i])
				}
			}
		}
	}
	return data, nil
}

// checkVec returns v's data after checking its length and values. A nil v
// is zero[:n] when zero is given (an optional field), and an error when
// zero is nil (a required one).
func checkVec(what label, v *mat.VecDense, n int, zero []float64) ([]float64, error) {
	if v == nil {
		if zero == nil {
			return nil, fmt.Errorf("%v is nil, want a vector of length %d", what, n)
		}
		return zero[:n], nil
	}
	if v.Len() != n {
		return nil, fmt.Errorf("%v has length %d, want %d", what, v.Len(), n)
	}
	rv := v.RawVector()
	data := rv.Data
	if rv.Inc != 1 {
		data = mat.VecDenseCopyOf(v).RawVector().Data
	}
	for i, x := range data[:n] {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v[%d] = %v is not finite", what, i, x)
		}
	}
	return data[:n], nil
}

// checkSlice returns an error naming what if v does not have length n or
// holds a NaN or an infinity.
func checkSlice(what label, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("%v has length %d, want %d", what, len(v), n)
	}
	if i := nonFinite(v); i >= 0 {
		return fmt.Errorf("%v[%d] = %v is not finite", what, i, v[i])
	}
	return nil
}

// checkFloat returns an error naming what if v is NaN or infinite.
func checkFloat(what label, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%v = %v is not finite", what, v)
	}
	return nil
}

// checkCount returns an error naming what if it has got entries, not T.
func checkCount(what label, got, T int) error {
	if got != T {
		return fmt.Errorf("%v has %d entries, want T = %d", what, got, T)
	}
	return nil
}

// nonFinite returns the index of the first NaN or infinity in v, or −1.
func nonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// field is a named block of numbers, for firstBad.
type field struct {
	name string
	v    []float64
}

// firstBad returns the name of the first field holding a NaN or an
// infinity, the index of that entry and its value; the name is "" when
// every entry is finite. It allocates nothing.
func firstBad(fs ...field) (name string, i int, v float64) {
	for _, f := range fs {
		if i := nonFinite(f.v); i >= 0 {
			return f.name, i, f.v[i]
		}
	}
	return "", -1, 0
}

// firstErr returns the first non-nil error, e.g. of several
// limits.Check calls that size what a constructor will allocate.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// flatten validates p and writes its raw form into steps (len T) and fin.
// zero must hold at least max(n, m·n) zeros.
func (p *Problem) flatten(steps []raw, fin *raw, zero []float64) error {
	n, m, T := p.Dims()
	if T == 0 {
		return fmt.Errorf("lqr: horizon T = 0: the problem has no steps")
	}
	if n == 0 || m == 0 {
		return fmt.Errorf("lqr: Steps[0].B is nil or empty; cannot infer dimensions")
	}
	for t := range p.Steps {
		s := &p.Steps[t]
		r := &steps[t]
		var err error
		name := func(f string) label { return label{"", "lqr: Steps", t, f} }
		if r.A, err = checkMat(name(".A"), s.A, n, n, false); err != nil {
			return err
		}
		if r.B, err = checkMat(name(".B"), s.B, n, m, false); err != nil {
			return err
		}
		if r.a, err = checkVec(name(".Offset"), s.Offset, n, zero); err != nil {
			return err
		}
		if r.Cxx, err = checkMat(name(".Cxx"), s.Cxx, n, n, true); err != nil {
			return err
		}
		if r.Cuu, err = checkMat(name(".Cuu"), s.Cuu, m, m, true); err != nil {
			return err
		}
		if s.Cux == nil {
			r.Cux = zero[:m*n]
		} else if r.Cux, err = checkMat(name(".Cux"), s.Cux, m, n, false); err != nil {
			return err
		}
		if r.cx, err = checkVec(name(".Cx"), s.Cx, n, zero); err != nil {
			return err
		}
		if r.cu, err = checkVec(name(".Cu"), s.Cu, m, zero); err != nil {
			return err
		}
		if math.IsNaN(s.C0) || math.IsInf(s.C0, 0) {
			return fmt.Errorf("%v = %v is not finite", name(".C0"), s.C0)
		}
		r.c0 = s.C0
	}
	var err error
	if fin.Cxx, err = checkMat(named("lqr: Final.Cxx"), p.Final.Cxx, n, n, true); err != nil {
		return err
	}
	if fin.cx, err = checkVec(named("lqr: Final.Cx"), p.Final.Cx, n, zero); err != nil {
		return err
	}
	if math.IsNaN(p.Final.C0) || math.IsInf(p.Final.C0, 0) {
		return fmt.Errorf("lqr: Final.C0 = %v is not finite", p.Final.C0)
	}
	fin.c0 = p.Final.C0
	return nil
}
