package cost

import (
	"fmt"
	"math"
	"reflect"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// Derivs holds the derivatives of a stage (or final) cost at one point. All
// matrices are row-major: Lxx is n×n, Luu m×m, Lux m×n (= ∂²ℓ/∂u∂x).
type Derivs struct {
	Lx, Lu, Lxx, Luu, Lux []float64
}

// NewDerivs allocates derivative storage for dimensions n and m. It
// panics, with a message naming the sizes, if n or m is < 1 or n·n, m·m or
// m·n exceeds limits.MaxElements (2^27 numbers).
func NewDerivs(n, m int) *Derivs {
	const fn = "cost: NewDerivs"
	for _, err := range [...]error{limits.Check(fn, "n × n", n, n), limits.Check(fn, "m × m", m, m), limits.Check(fn, "m × n", m, n)} {
		if err != nil {
			panic(err.Error())
		}
	}
	return &Derivs{Lx: make([]float64, n), Lu: make([]float64, m),
		Lxx: make([]float64, n*n), Luu: make([]float64, m*m), Lux: make([]float64, m*n)}
}

// Cost is a trajectory cost with derivatives. Implementations must not
// allocate in Stage, Final, StageDerivs and FinalDerivs, which optimisers call
// T times per iteration; arguments have the lengths Dims reports (callers
// check with Check before looping).
type Cost interface {
	// Dims returns the state and action dimensions n and m.
	Dims() (n, m int)
	// Stage returns ℓ_t(x, u).
	Stage(t int, x, u []float64) float64
	// Final returns ℓ_T(x).
	Final(x []float64) float64
	// StageDerivs writes ℓx, ℓu, ℓxx, ℓuu, ℓux at (x, u) into d.
	StageDerivs(d *Derivs, t int, x, u []float64)
	// FinalDerivs writes ℓx and ℓxx of the final cost at x into d.
	FinalDerivs(d *Derivs, x []float64)
}

// Check returns an error if c is nil (or a typed nil, such as a nil
// *Quadratic, whose methods would panic) or its dimensions differ from
// (n, m).
func Check(c Cost, n, m int) error {
	if err := checkNil(c); err != nil {
		return err
	}
	cn, cm := c.Dims()
	if cn != n || cm != m {
		return fmt.Errorf("cost: cost has dimensions n=%d, m=%d but the system has n=%d, m=%d", cn, cm, n, m)
	}
	return nil
}

// checkNil returns an error if c is nil or a typed nil: a nil pointer,
// func, map or channel behind the interface, whose methods may panic.
func checkNil(c Cost) error {
	if c == nil {
		return fmt.Errorf("cost: nil cost")
	}
	switch v := reflect.ValueOf(c); v.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan:
		if v.IsNil() {
			return fmt.Errorf("cost: nil cost (a nil %T)", c)
		}
	}
	return nil
}

// Total returns J for states xs (T+1) and actions us (T), with an error
// naming a nil cost, the first bad length or non-finite state or action,
// the first non-finite term, or the step where the sum overflows.
func Total(c Cost, xs, us [][]float64) (float64, error) {
	if err := checkNil(c); err != nil {
		return 0, err
	}
	n, m := c.Dims()
	if len(xs) != len(us)+1 {
		return 0, fmt.Errorf("cost: %d states and %d actions, want one more state than actions", len(xs), len(us))
	}
	for t, u := range us {
		if len(xs[t]) != n || len(u) != m {
			return 0, fmt.Errorf("cost: xs[%d] has length %d and us[%d] length %d, want %d and %d", t, len(xs[t]), t, len(u), n, m)
		}
		if err := finiteRow("xs", t, xs[t]); err != nil {
			return 0, err
		}
		if err := finiteRow("us", t, u); err != nil {
			return 0, err
		}
	}
	xT := xs[len(us)]
	if len(xT) != n {
		return 0, fmt.Errorf("cost: final state has length %d, want %d", len(xT), n)
	}
	if err := finiteRow("xs", len(us), xT); err != nil {
		return 0, err
	}
	J := 0.0
	for t, u := range us {
		l := c.Stage(t, xs[t], u)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, fmt.Errorf("cost: stage cost at t = %d is %v (x = %v, u = %v)", t, l, xs[t], u)
		}
		J += l
		if math.IsInf(J, 0) {
			return 0, fmt.Errorf("cost: the total cost overflows at t = %d (stage cost %v)", t, l)
		}
	}
	l := c.Final(xT)
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return 0, fmt.Errorf("cost: final cost is %v (x = %v)", l, xT)
	}
	if math.IsInf(J+l, 0) {
		return 0, fmt.Errorf("cost: the total cost overflows at the final state (final cost %v)", l)
	}
	return J + l, nil
}

// finiteRow returns an error naming name[t][j] if row t holds a NaN or an
// infinity; it formats only on error.
func finiteRow(name string, t int, v []float64) error {
	for j, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("cost: %s[%d][%d] = %v is not finite", name, t, j, x)
		}
	}
	return nil
}

// Quadratic is the tracking cost
//
//	ℓ_t(x, u) = ½(x − x*)ᵀQ(x − x*) + ½(u − u*)ᵀR(u − u*),  ℓ_T(x) = ½(x − x*)ᵀQf(x − x*).
//
// Its derivatives are exact: ℓx = Q(x − x*), ℓu = R(u − u*), ℓxx = Q,
// ℓuu = R, ℓux = 0. Build it with NewQuadratic or Diagonal; the fields are
// read-only afterwards.
type Quadratic struct {
	n, m         int
	q, r, qf     []float64 // row-major copies
	xGoal, uGoal []float64
}

// NewQuadratic validates and copies the weights: Q and Qf must be symmetric
// positive semi-definite n×n, R symmetric positive definite m×m (iLQR
// inverts it), with n, m ≥ 1, all finite; xGoal of length n; uGoal of
// length m or nil for zero.
func NewQuadratic(Q, R, Qf *mat.Dense, xGoal, uGoal []float64) (*Quadratic, error) {
	for _, w := range [...]struct {
		name string
		d    *mat.Dense
	}{{"Q", Q}, {"R", R}, {"Qf", Qf}} {
		if w.d == nil {
			return nil, fmt.Errorf("cost: NewQuadratic: %s is nil; Q, R and Qf must all be given", w.name)
		}
		if r, c := w.d.Dims(); r < 1 || c < 1 {
			return nil, fmt.Errorf("cost: NewQuadratic: %s is %d×%d, want a square matrix of size ≥ 1", w.name, r, c)
		}
	}
	n, _ := Q.Dims()
	m, _ := R.Dims()
	c := &Quadratic{n: n, m: m}
	var err error
	if c.q, err = spd("Q", Q, n, false); err != nil {
		return nil, err
	}
	if c.r, err = spd("R", R, m, true); err != nil {
		return nil, err
	}
	if c.qf, err = spd("Qf", Qf, n, false); err != nil {
		return nil, err
	}
	if c.xGoal, err = finite("xGoal", xGoal, n); err != nil {
		return nil, err
	}
	if uGoal == nil {
		uGoal = make([]float64, m)
	}
	if c.uGoal, err = finite("uGoal", uGoal, m); err != nil {
		return nil, err
	}
	return c, nil
}

// Diagonal is NewQuadratic with diagonal weights Q = diag(q), R = diag(r),
// Qf = diag(qf) and u* = 0: the usual lesson set-up, where each entry is the
// weight of one state or action component.
func Diagonal(q, r, qf, xGoal []float64) (*Quadratic, error) {
	switch {
	case len(q) == 0:
		return nil, fmt.Errorf("cost: Diagonal: q has length 0, want one weight per state component")
	case len(r) == 0:
		return nil, fmt.Errorf("cost: Diagonal: r has length 0, want one weight per action component")
	}
	if len(qf) != len(q) {
		return nil, fmt.Errorf("cost: qf has length %d, q has length %d; want equal", len(qf), len(q))
	}
	diag := func(d []float64) *mat.Dense {
		out := mat.NewDense(len(d), len(d), nil)
		for i, v := range d {
			out.Set(i, i, v)
		}
		return out
	}
	return NewQuadratic(diag(q), diag(r), diag(qf), xGoal, nil)
}

func finite(what string, v []float64, n int) ([]float64, error) {
	if len(v) != n {
		return nil, fmt.Errorf("cost: %s has length %d, want %d", what, len(v), n)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cost: %s[%d] = %v is not finite", what, i, x)
		}
	}
	return append([]float64(nil), v...), nil
}

// spd copies a k×k weight after checking it is finite, symmetric and
// positive semi-definite (definite if strict).
func spd(what string, d *mat.Dense, k int, strict bool) ([]float64, error) {
	r, c := d.Dims()
	if r != k || c != k {
		return nil, fmt.Errorf("cost: %s is %d×%d, want %d×%d", what, r, c, k, k)
	}
	out := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			v := d.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("cost: %s[%d,%d] = %v is not finite", what, i, j, v)
			}
			out[i*k+j] = v
		}
	}
	sym := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			if math.Abs(out[i*k+j]-out[j*k+i]) > 1e-12*(1+math.Abs(out[i*k+j])) {
				return nil, fmt.Errorf("cost: %s is not symmetric: [%d,%d] = %v, [%d,%d] = %v", what, i, j, out[i*k+j], j, i, out[j*k+i])
			}
			sym.SetSym(i, j, out[i*k+j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return nil, fmt.Errorf("cost: eigen-decomposition of %s failed", what)
	}
	minEig := eig.Values(nil)[0]
	if math.IsNaN(minEig) || math.IsInf(minEig, 0) {
		return nil, fmt.Errorf("cost: %s has a non-finite eigenvalue %v (its entries are too large)", what, minEig)
	}
	if strict && !(minEig > 0) {
		return nil, fmt.Errorf("cost: %s must be positive definite; its smallest eigenvalue is %v", what, minEig)
	}
	if minEig < -1e-12 {
		return nil, fmt.Errorf("cost: %s must be positive semi-definite; its smallest eigenvalue is %v", what, minEig)
	}
	return out, nil
}

// Dims returns n and m. It panics if c is nil.
func (c *Quadratic) Dims() (n, m int) { return c.n, c.m }

// Goal returns a copy of x*. It panics if c is nil.
func (c *Quadratic) Goal() []float64 { return append([]float64(nil), c.xGoal...) }

// sub returns a − b (length k) in buf when it fits (on the caller's stack),
// in a new slice otherwise: no scratch kept in the cost, so its methods are
// safe for concurrent use (the experts of package imitation plan in
// parallel on one task).
func sub(buf *[16]float64, a, b []float64, k int) []float64 {
	var dst []float64
	if k <= len(buf) {
		dst = buf[:k]
	} else {
		dst = make([]float64, k)
	}
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
	return dst
}

// Stage returns ½(x − x*)ᵀQ(x − x*) + ½(u − u*)ᵀR(u − u*). Safe for
// concurrent use, like every method of Quadratic. Like every method of
// Quadratic it does not check its arguments (Total and the optimisers
// check them before looping): it panics if c is nil or x or u is shorter
// than n or m.
func (c *Quadratic) Stage(_ int, x, u []float64) float64 {
	var bx, bu [16]float64
	dx, du := sub(&bx, x, c.xGoal, c.n), sub(&bu, u, c.uGoal, c.m)
	return 0.5*small.Quad(dx, c.q, dx, c.n, c.n) + 0.5*small.Quad(du, c.r, du, c.m, c.m)
}

// Final returns ½(x − x*)ᵀQf(x − x*). It panics if c is nil or x is
// shorter than n.
func (c *Quadratic) Final(x []float64) float64 {
	var bx [16]float64
	dx := sub(&bx, x, c.xGoal, c.n)
	return 0.5 * small.Quad(dx, c.qf, dx, c.n, c.n)
}

// StageDerivs writes ℓx = Q(x − x*), ℓu = R(u − u*), ℓxx = Q, ℓuu = R,
// ℓux = 0. It panics if c or d is nil, x or u is shorter than n or m, or d
// is smaller than NewDerivs(n, m).
func (c *Quadratic) StageDerivs(d *Derivs, _ int, x, u []float64) {
	var bx, bu [16]float64
	dx, du := sub(&bx, x, c.xGoal, c.n), sub(&bu, u, c.uGoal, c.m)
	small.MulVec(d.Lx, c.q, dx, c.n, c.n)
	small.MulVec(d.Lu, c.r, du, c.m, c.m)
	copy(d.Lxx, c.q)
	copy(d.Luu, c.r)
	for i := range d.Lux {
		d.Lux[i] = 0
	}
}

// FinalDerivs writes ℓx = Qf(x − x*) and ℓxx = Qf. It panics if c or d is
// nil, x is shorter than n, or d is smaller than NewDerivs(n, m).
func (c *Quadratic) FinalDerivs(d *Derivs, x []float64) {
	var bx [16]float64
	dx := sub(&bx, x, c.xGoal, c.n)
	small.MulVec(d.Lx, c.qf, dx, c.n, c.n)
	copy(d.Lxx, c.qf)
}
