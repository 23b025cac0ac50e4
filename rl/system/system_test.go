package system

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// testCase is one system with a sampler of states and actions on which its
// Jacobians are checked.
type testCase struct {
	sys    System
	sample func(r *rand.Rand) (x, u []float64)
}

// uniform returns n values uniform in [-s_i, s_i].
func uniform(r *rand.Rand, s ...float64) []float64 {
	v := make([]float64, len(s))
	for i, si := range s {
		v[i] = si * (2*r.Float64() - 1)
	}
	return v
}

func testCases() []testCase {
	pen := NewPendulum()
	undamped := NewPendulum()
	undamped.Damping = 0
	cp := NewCartPole()
	arm := NewArm2Link()
	armG := NewArm2Link()
	armG.Gravity = 9.81
	armG.COM1, armG.Inertia1 = 0.3, 0.02 // asymmetric links
	pm := NewPointMass()
	pmDrag := NewPointMass()
	pmDrag.Damping = 0.7
	di := NewDoubleIntegrator()
	di3, _ := NewDoubleIntegratorDim(3)
	return []testCase{
		{pen, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 2*math.Pi, 8), uniform(r, 5) }},
		{undamped, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 2*math.Pi, 8), uniform(r, 5) }},
		{cp, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 2, math.Pi, 3, 6), uniform(r, 10) }},
		{arm, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, math.Pi, math.Pi, 4, 4), uniform(r, 5, 5) }},
		{armG, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, math.Pi, math.Pi, 4, 4), uniform(r, 5, 5) }},
		{pm, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 3, 3, 2, 2), uniform(r, 2, 2) }},
		{pmDrag, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 3, 3, 2, 2), uniform(r, 2, 2) }},
		{di, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 3, 3), uniform(r, 2) }},
		{di3, func(r *rand.Rand) ([]float64, []float64) { return uniform(r, 3, 3, 3, 3, 3, 3), uniform(r, 2, 2, 2) }},
	}
}

// TestJacobiansMatchFiniteDifferences compares the analytic A, B of every
// system with central differences of Step. With h = 1e-6 (relative) the
// difference quotient is off by O(h²)·|f”'| ≈ 1e-12 from truncation and by
// about ε·|f|/h ≈ 1e-16·10/1e-6 = 1e-9 from rounding, so an agreement to
// 1e-6·(1 + |A_ij|) leaves three orders of margin while any mistake in a
// derivative (which shows up at the size of the entry or of Δt times it,
// ≥ 1e-4 here) fails clearly.
func TestJacobiansMatchFiniteDifferences(t *testing.T) {
	const h, tol = 1e-6, 1e-6
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range testCases() {
		n, m := tc.sys.StateDim(), tc.sys.ActionDim()
		A, B := make([]float64, n*n), make([]float64, n*m)
		Af, Bf := make([]float64, n*n), make([]float64, n*m)
		worst := 0.0
		for trial := 0; trial < 20; trial++ {
			x, u := tc.sample(r)
			if err := tc.sys.Jacobians(A, B, x, u); err != nil {
				t.Fatalf("%s: %v", tc.sys.Name(), err)
			}
			if err := FiniteDiffJacobians(tc.sys, Af, Bf, x, u, h); err != nil {
				t.Fatalf("%s: %v", tc.sys.Name(), err)
			}
			for i := range A {
				e := math.Abs(A[i]-Af[i]) / (1 + math.Abs(A[i]))
				worst = math.Max(worst, e)
				if e > tol {
					t.Errorf("%s at x=%v u=%v: A[%d] = %.10g, finite differences %.10g", tc.sys.Name(), x, u, i, A[i], Af[i])
				}
			}
			for i := range B {
				e := math.Abs(B[i]-Bf[i]) / (1 + math.Abs(B[i]))
				worst = math.Max(worst, e)
				if e > tol {
					t.Errorf("%s at x=%v u=%v: B[%d] = %.10g, finite differences %.10g", tc.sys.Name(), x, u, i, B[i], Bf[i])
				}
			}
		}
		t.Logf("%-18s worst relative Jacobian error %.2e", tc.sys.Name(), worst)
	}
}

// TestContinuousJacobians checks ∂g/∂x and ∂g/∂u of each continuous model
// against central differences of g, so that a wrong partial is reported
// where it is written (same tolerance argument as above).
func TestContinuousJacobians(t *testing.T) {
	const h, tol = 1e-6, 1e-6
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range testCases() {
		model, ok := tc.sys.(odeModel)
		if !ok {
			continue
		}
		n, m := tc.sys.StateDim(), tc.sys.ActionDim()
		for trial := 0; trial < 20; trial++ {
			xs, us := tc.sample(r)
			x, u := load(xs, us)
			g, gx, gu := model.derivJac(x, u)
			if g != model.deriv(x, u) {
				t.Errorf("%s: derivJac's g %v differs from deriv's %v", tc.sys.Name(), g, model.deriv(x, u))
			}
			for j := 0; j < n+m; j++ {
				xp, xm, up, um := x, x, u, u
				if j < n {
					xp[j] += h
					xm[j] -= h
				} else {
					up[j-n] += h
					um[j-n] -= h
				}
				gp, gm := model.deriv(xp, up), model.deriv(xm, um)
				for i := 0; i < n; i++ {
					fd := (gp[i] - gm[i]) / (2 * h)
					var an float64
					if j < n {
						an = gx[i][j]
					} else {
						an = gu[i][j-n]
					}
					if math.Abs(an-fd) > tol*(1+math.Abs(an)) {
						t.Errorf("%s at x=%v u=%v: ∂g%d/∂z%d = %.10g, finite differences %.10g", tc.sys.Name(), xs, us, i, j, an, fd)
					}
				}
			}
		}
	}
}

func TestStepAliasesAndMatchesRollout(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range testCases() {
		x, u := tc.sample(r)
		want := make([]float64, len(x))
		if err := tc.sys.Step(want, x, u); err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(x)
		if err := tc.sys.Step(got, got, u); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: aliased Step gives %v, want %v", tc.sys.Name(), got, want)
				break
			}
		}
	}
}

func TestMetadata(t *testing.T) {
	for _, tc := range testCases() {
		s := tc.sys
		n, m := s.StateDim(), s.ActionDim()
		if len(s.StateNames()) != n || len(s.ActionNames()) != m {
			t.Errorf("%s: %d state names, %d action names for n=%d, m=%d", s.Name(), len(s.StateNames()), len(s.ActionNames()), n, m)
		}
		lo, hi := s.ActionLimits()
		if len(lo) != m || len(hi) != m {
			t.Errorf("%s: action limits of lengths %d, %d, want %d", s.Name(), len(lo), len(hi), m)
		}
		for i := range lo {
			if !(lo[i] < 0 && hi[i] > 0) {
				t.Errorf("%s: action limits [%v, %v] do not contain 0", s.Name(), lo[i], hi[i])
			}
		}
		if !(s.Dt() > 0) {
			t.Errorf("%s: Dt = %v", s.Name(), s.Dt())
		}
		if v, ok := s.(interface{ Validate() error }); !ok {
			t.Errorf("%s: no Validate method", s.Name())
		} else if err := v.Validate(); err != nil {
			t.Errorf("%s: defaults do not validate: %v", s.Name(), err)
		}
	}
}

// TestBadArguments feeds every system wrong lengths and non-finite values:
// each must return an error naming the culprit, never panic.
func TestBadArguments(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range testCases() {
		s := tc.sys
		n, m := s.StateDim(), s.ActionDim()
		x, u := make([]float64, n), make([]float64, m)
		next, A, B := make([]float64, n), make([]float64, n*n), make([]float64, n*m)
		with := func(v []float64, i int, val float64) []float64 {
			w := slices.Clone(v)
			w[i] = val
			return w
		}
		stepCases := []struct {
			name          string
			next, x, u    []float64
			wantInMessage string
		}{
			{"short next", next[:n-1], x, u, "next"},
			{"long x", next, append(slices.Clone(x), 0), u, "x has length"},
			{"short u", next, x, u[:m-1], "u has length"},
			{"nil u", next, x, nil, "u has length"},
			{"NaN x", next, with(x, n-1, nan), u, "x["},
			{"Inf x", next, with(x, 0, inf), u, "+Inf"},
			{"NaN u", next, x, with(u, m-1, nan), "u["},
			{"-Inf u", next, x, with(u, 0, -inf), "-Inf"},
		}
		for _, c := range stepCases {
			err := s.Step(c.next, c.x, c.u)
			if err == nil || !strings.Contains(err.Error(), c.wantInMessage) {
				t.Errorf("%s: Step with %s: error %v, want one mentioning %q", s.Name(), c.name, err, c.wantInMessage)
			}
		}
		jacCases := []struct {
			name          string
			A, B, x, u    []float64
			wantInMessage string
		}{
			{"short A", A[:n*n-1], B, x, u, "A has length"},
			{"long B", A, append(slices.Clone(B), 0), x, u, "B has length"},
			{"short x", A, B, x[:n-1], u, "x has length"},
			{"long u", A, B, x, append(slices.Clone(u), 1), "u has length"},
			{"NaN x", A, B, with(x, 0, nan), u, "NaN"},
			{"Inf u", A, B, x, with(u, 0, inf), "+Inf"},
		}
		for _, c := range jacCases {
			err := s.Jacobians(c.A, c.B, c.x, c.u)
			if err == nil || !strings.Contains(err.Error(), c.wantInMessage) {
				t.Errorf("%s: Jacobians with %s: error %v, want one mentioning %q", s.Name(), c.name, err, c.wantInMessage)
			}
		}
		if err := FiniteDiffJacobians(s, A, B, x, u, 0); err == nil {
			t.Errorf("%s: FiniteDiffJacobians with h = 0: no error", s.Name())
		}
		if err := FiniteDiffJacobians(s, A[:1], B, x, u, 1e-6); err == nil {
			t.Errorf("%s: FiniteDiffJacobians with short A: no error", s.Name())
		}
	}
	if err := FiniteDiffJacobians(nil, nil, nil, nil, nil, 1e-6); err == nil {
		t.Error("FiniteDiffJacobians(nil, …): no error")
	}
}

// setter changes one parameter of a fresh system to a bad value.
type setter struct {
	field string
	set   func() System
}

func badParameters() []setter {
	pen := func(f func(*Pendulum)) func() System {
		return func() System { p := NewPendulum(); f(p); return p }
	}
	cp := func(f func(*CartPole)) func() System {
		return func() System { p := NewCartPole(); f(p); return p }
	}
	arm := func(f func(*Arm2Link)) func() System {
		return func() System { p := NewArm2Link(); f(p); return p }
	}
	pm := func(f func(*PointMass)) func() System {
		return func() System { p := NewPointMass(); f(p); return p }
	}
	di := func(f func(*DoubleIntegrator)) func() System {
		return func() System { p := NewDoubleIntegrator(); f(p); return p }
	}
	nan := math.NaN()
	return []setter{
		{"TimeStep", pen(func(p *Pendulum) { p.TimeStep = 0 })},
		{"TimeStep", pen(func(p *Pendulum) { p.TimeStep = -0.02 })},
		{"TimeStep", pen(func(p *Pendulum) { p.TimeStep = nan })},
		{"Mass", pen(func(p *Pendulum) { p.Mass = 0 })},
		{"Length", pen(func(p *Pendulum) { p.Length = -1 })},
		{"Damping", pen(func(p *Pendulum) { p.Damping = -0.1 })},
		{"Gravity", pen(func(p *Pendulum) { p.Gravity = math.Inf(1) })},
		{"TimeStep", cp(func(p *CartPole) { p.TimeStep = 0 })},
		{"CartMass", cp(func(p *CartPole) { p.CartMass = 0 })},
		{"PoleMass", cp(func(p *CartPole) { p.PoleMass = -1 })},
		{"HalfLength", cp(func(p *CartPole) { p.HalfLength = 0 })},
		{"TimeStep", arm(func(p *Arm2Link) { p.TimeStep = -1 })},
		{"Mass2", arm(func(p *Arm2Link) { p.Mass2 = 0 })},
		{"Length1", arm(func(p *Arm2Link) { p.Length1 = 0 })},
		{"Inertia2", arm(func(p *Arm2Link) { p.Inertia2 = -1 })},
		{"singular", arm(func(p *Arm2Link) { p.COM2, p.Inertia2 = 0, 0 })},
		{"TimeStep", pm(func(p *PointMass) { p.TimeStep = 0 })},
		{"Mass", pm(func(p *PointMass) { p.Mass = 0 })},
		{"Damping", pm(func(p *PointMass) { p.Damping = -1 })},
		{"TimeStep", di(func(p *DoubleIntegrator) { p.TimeStep = 0 })},
		{"Dim", di(func(p *DoubleIntegrator) { p.Dim = 0 })},
	}
}

// TestBadParameters checks that Validate, Step and Jacobians all reject a
// bad dynamics parameter with an error naming it.
func TestBadParameters(t *testing.T) {
	for _, c := range badParameters() {
		s := c.set()
		v := s.(interface{ Validate() error })
		if err := v.Validate(); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s with bad %s: Validate error %v", s.Name(), c.field, err)
		}
		n, m := max(s.StateDim(), 1), max(s.ActionDim(), 1)
		x, u := make([]float64, n), make([]float64, m)
		if err := s.Step(make([]float64, n), x, u); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s with bad %s: Step error %v", s.Name(), c.field, err)
		}
		if err := s.Jacobians(make([]float64, n*n), make([]float64, n*m), x, u); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s with bad %s: Jacobians error %v", s.Name(), c.field, err)
		}
	}
}

// TestBadNonDynamicsParameters checks the fields only Validate looks at.
func TestBadNonDynamicsParameters(t *testing.T) {
	cases := []struct {
		field string
		v     interface{ Validate() error }
	}{
		{"MaxTorque", func() *Pendulum { p := NewPendulum(); p.MaxTorque = 0; return p }()},
		{"ImageRodLength", func() *Pendulum { p := NewPendulum(); p.ImageRodLength = 2; return p }()},
		{"ImageRodWidth", func() *Pendulum { p := NewPendulum(); p.ImageRodWidth = 0; return p }()},
		{"MaxForce", func() *CartPole { p := NewCartPole(); p.MaxForce = -1; return p }()},
		{"MaxTorque", func() *Arm2Link { p := NewArm2Link(); p.MaxTorque = math.NaN(); return p }()},
		{"MaxForce", func() *PointMass { p := NewPointMass(); p.MaxForce = 0; return p }()},
		{"Obstacles[1].R", func() *PointMass {
			p := NewPointMass()
			p.Obstacles = []Circle{{1, 1, 0.5}, {0, 0, -0.1}}
			return p
		}()},
		{"Obstacles[0] centre", func() *PointMass {
			p := NewPointMass()
			p.Obstacles = []Circle{{math.NaN(), 1, 0.5}}
			return p
		}()},
		{"AgentRadius", func() *PointMass { p := NewPointMass(); p.AgentRadius = -1; return p }()},
		{"World", func() *PointMass { p := NewPointMass(); p.World.XMax = p.World.XMin; return p }()},
		{"MaxAccel", func() *DoubleIntegrator { p := NewDoubleIntegrator(); p.MaxAccel = 0; return p }()},
	}
	for _, c := range cases {
		if err := c.v.Validate(); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("bad %s: Validate error %v", c.field, err)
		}
	}
}

func TestNilReceivers(t *testing.T) {
	systems := []System{(*Pendulum)(nil), (*CartPole)(nil), (*Arm2Link)(nil), (*PointMass)(nil), (*DoubleIntegrator)(nil)}
	for _, s := range systems {
		if err := s.Step(nil, nil, nil); err == nil || !strings.Contains(err.Error(), "nil") {
			t.Errorf("nil %T: Step error %v", s, err)
		}
		if err := s.Jacobians(nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "nil") {
			t.Errorf("nil %T: Jacobians error %v", s, err)
		}
		if err := s.(interface{ Validate() error }).Validate(); err == nil {
			t.Errorf("nil %T: Validate: no error", s)
		}
	}
}

// TestNoAllocations checks the promise of the System interface that Step
// and Jacobians do not allocate.
func TestNoAllocations(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range testCases() {
		s := tc.sys
		n, m := s.StateDim(), s.ActionDim()
		x, u := tc.sample(r)
		next, A, B := make([]float64, n), make([]float64, n*n), make([]float64, n*m)
		if a := testing.AllocsPerRun(100, func() { _ = s.Step(next, x, u) }); a != 0 {
			t.Errorf("%s: Step allocates %v times", s.Name(), a)
		}
		if a := testing.AllocsPerRun(100, func() { _ = s.Jacobians(A, B, x, u) }); a != 0 {
			t.Errorf("%s: Jacobians allocates %v times", s.Name(), a)
		}
	}
}

func TestStepBlowUpIsAnError(t *testing.T) {
	d := NewDoubleIntegrator()
	next := make([]float64, 2)
	err := d.Step(next, []float64{math.MaxFloat64, math.MaxFloat64}, []float64{math.MaxFloat64})
	if err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("overflowing step: error %v", err)
	}
	p := NewPendulum()
	if err := p.Step(next, []float64{0, 1.7e308}, []float64{1.7e308}); err == nil {
		t.Error("pendulum overflowing step: no error")
	}
	if err := p.Jacobians(make([]float64, 4), make([]float64, 2), []float64{0, 1e300}, []float64{1e308}); err != nil {
		// The Jacobians of the pendulum do not depend on θ̇'s size, so they
		// stay finite here; the point is that nothing panics.
		t.Logf("pendulum Jacobians at a huge state: %v", err)
	}
}
