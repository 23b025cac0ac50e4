package system

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// ptrPolicy is a policy with a pointer receiver: a typed nil one panics
// when called.
type ptrPolicy struct{ k float64 }

func (p *ptrPolicy) Act(u []float64, _ int, x []float64, _ *rand.Rand) error {
	u[0] = -p.k * x[0]
	return nil
}

// signSys is a one-dimensional system whose step jumps from −MaxFloat64 to
// +MaxFloat64 at 0: finite everywhere, but its difference quotient there
// overflows.
type signSys struct{}

func (signSys) Name() string                     { return "sign" }
func (signSys) StateDim() int                    { return 1 }
func (signSys) ActionDim() int                   { return 1 }
func (signSys) Dt() float64                      { return 1 }
func (signSys) ActionLimits() (lo, hi []float64) { return []float64{-1}, []float64{1} }
func (signSys) StateNames() []string             { return []string{"x"} }
func (signSys) ActionNames() []string            { return []string{"u"} }
func (signSys) Step(next, x, u []float64) error {
	next[0] = math.Copysign(math.MaxFloat64, x[0])
	return nil
}
func (signSys) Jacobians(A, B, x, u []float64) error { A[0], B[0] = 0, 0; return nil }

// nanFieldCases sets every float64 parameter field of a fresh system (and
// of its nested structs) to NaN and to −Inf in turn: Validate must name
// the field and the value.
func nanFieldCases() []badtest.Case {
	fresh := map[string]func() any{
		"Pendulum":         func() any { return NewPendulum() },
		"CartPole":         func() any { return NewCartPole() },
		"Arm2Link":         func() any { return NewArm2Link() },
		"PointMass":        func() any { p := NewPointMass(); p.Obstacles = []Circle{{1, 1, 0.5}}; return p },
		"DoubleIntegrator": func() any { return NewDoubleIntegrator() },
	}
	var cases []badtest.Case
	for name, mk := range fresh {
		typ := reflect.TypeOf(mk()).Elem()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !setFloats(reflect.ValueOf(mk()).Elem().Field(i), 0) {
				continue // no float64 in it
			}
			for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
				cases = append(cases, badtest.Err("nan", fmt.Sprintf("%s.%s=%v", name, f.Name, bad), func() error {
					v := mk()
					setFloats(reflect.ValueOf(v).Elem().Field(i), bad)
					return v.(interface{ Validate() error }).Validate()
				}, f.Name, fmt.Sprint(bad)))
			}
		}
	}
	return cases
}

// setFloats sets every float64 in v (a field, a struct or a slice of
// structs) to x and reports whether there was one.
func setFloats(v reflect.Value, x float64) bool {
	switch v.Kind() {
	case reflect.Float64:
		v.SetFloat(x)
		return true
	case reflect.Struct:
		any := false
		for i := 0; i < v.NumField(); i++ {
			any = setFloats(v.Field(i), x) || any
		}
		return any
	case reflect.Slice:
		any := false
		for i := 0; i < v.Len(); i++ {
			any = setFloats(v.Index(i), x) || any
		}
		return any
	}
	return false
}

// TestBadInput: bad input to every exported function of the package gives
// an error naming the bad value (or the documented panic), never a silent
// NaN, a crash or a hang. The classes: silent NaN/Inf ("nan"), nil and
// typed-nil values ("nil"), ragged or mismatched shapes ("ragged"), and
// sizes beyond limits.MaxElements ("oversized").
func TestBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	pen, di := NewPendulum(), NewDoubleIntegrator()
	us := OpenLoop{{1}, {0}, {-1}}
	var nilDI *DoubleIntegrator
	var nilPol *ptrPolicy
	huge := 1 << 40
	cases := append(nanFieldCases(), []badtest.Case{
		badtest.Err("nan", "Energy NaN Mass", func() error {
			p := NewPendulum()
			p.Mass = nan
			e, err := p.Energy([]float64{1, 1})
			return badtest.Finite(err, "energy", e)
		}, "Mass = NaN"),
		badtest.Err("nan", "Energy overflows", func() error {
			e, err := pen.Energy([]float64{0, 1e300})
			return badtest.Finite(err, "energy", e)
		}, "Energy", "+Inf"),
		badtest.Err("nan", "EndEffector NaN Length1", func() error {
			a := NewArm2Link()
			a.Length1 = nan
			px, py, err := a.EndEffector(make([]float64, 4))
			return badtest.Finite(err, "end effector", px, py)
		}, "Length1 = NaN"),
		badtest.Err("nan", "EndEffectorJacobian Inf Length2", func() error {
			a := NewArm2Link()
			a.Length2 = inf
			J := make([]float64, 8)
			return badtest.Finite(a.EndEffectorJacobian(J, []float64{1, 1, 0, 0}), "J", J...)
		}, "Length2 = +Inf"),
		badtest.Err("nan", "EndEffectorHessians NaN Length1", func() error {
			a := NewArm2Link()
			a.Length1 = nan
			H := make([]float64, 16)
			return badtest.Finite(a.EndEffectorHessians(H, make([]float64, 16), []float64{1, 1, 0, 0}), "Hx", H...)
		}, "Length1 = NaN"),
		badtest.Err("nan", "InverseKinematics huge links", func() error {
			a := NewArm2Link()
			a.Length1, a.Length2 = 1e308, 1e308
			q1, q2, err := a.InverseKinematics(1, 1, true)
			return badtest.Finite(err, "q", q1, q2)
		}, "InverseKinematics", "NaN"),
		badtest.Err("nan", "Penetration overflows", func() error {
			p := NewPointMass()
			p.Obstacles, p.AgentRadius = []Circle{{0, 0, 1e308}}, 1e308
			d, _, err := p.Penetration(make([]float64, 4))
			return badtest.Finite(err, "depth", d)
		}, "Penetration", "+Inf"),
		badtest.Err("nan", "FiniteDiffJacobians overflows", func() error {
			A, B := make([]float64, 1), make([]float64, 1)
			return badtest.Finite(FiniteDiffJacobians(signSys{}, A, B, []float64{0}, []float64{0}, 1e-6), "A", A...)
		}, "FiniteDiffJacobians", "A[0] = +Inf"),
		badtest.Err("nan", "OpenLoop.Act NaN action", func() error {
			u := make([]float64, 1)
			return badtest.Finite(OpenLoop{{nan}}.Act(u, 0, nil, nil), "u", u...)
		}, "action 0[0] = NaN"),
		// Found by FuzzSystems (testdata/fuzz/FuzzSystems/1f9116e844aa97e5).
		badtest.Err("nan", "DoubleIntegrator Jacobians TimeStep² overflows", func() error {
			d := NewDoubleIntegrator()
			d.TimeStep = 1e308
			A, B := make([]float64, 4), make([]float64, 2)
			return badtest.Finite(d.Jacobians(A, B, make([]float64, 2), make([]float64, 1)), "B", B...)
		}, "double integrator: Jacobians", "+Inf"),
		badtest.Err("nan", "DoubleIntegrator Matrices TimeStep² overflows", func() error {
			d := NewDoubleIntegrator()
			d.TimeStep = 1e308
			_, _, err := d.Matrices()
			return err
		}, "double integrator", "TimeStep = 1e+308"),
		badtest.OK("nan", "Render huge agent stays in [0, 1]", func() error {
			p := NewPointMass()
			p.AgentRadius = 1e308
			img := make([]float64, 16)
			if err := p.Render(img, 4, 4, []float64{1e308, -1e308, 0, 0}); err != nil {
				return err
			}
			for i, v := range img {
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("img[%d] = %v", i, v)
				}
			}
			return nil
		}),

		badtest.Err("nil", "Rollout typed-nil system", func() error {
			_, err := Rollout(nilDI, us, []float64{0, 0}, 3, nil)
			return err
		}, "nil *system.DoubleIntegrator"),
		badtest.Err("nil", "Rollouts typed-nil policy", func() error {
			_, err := Rollouts(di, nilPol, []float64{0, 0}, 0, 2, 3, nil)
			return err
		}, "nil *system.ptrPolicy"),
		badtest.Err("nil", "FiniteDiffJacobians typed-nil system", func() error {
			return FiniteDiffJacobians(nilDI, make([]float64, 4), make([]float64, 2), make([]float64, 2), make([]float64, 1), 1e-6)
		}, "nil *system.DoubleIntegrator"),
		badtest.Err("nil", "Matrices nil", func() error { _, _, err := nilDI.Matrices(); return err }, "nil *DoubleIntegrator"),
		badtest.Err("nil", "GoalStateFor nil", func() error { _, err := (*Arm2Link)(nil).GoalStateFor(1, 0, true); return err }, "nil *Arm2Link"),
		badtest.Err("nil", "InCollision nil", func() error { _, err := (*PointMass)(nil).InCollision(make([]float64, 4)); return err }, "nil *PointMass"),
		badtest.Err("nil", "Trajectory.Dims nil rows", func() error {
			_, _, _, err := Trajectory{X: [][]float64{nil, nil}, U: [][]float64{nil}}.Dims()
			return err
		}, "2 states and 1 actions"),
		badtest.Err("nil", "Batch.Dims nil", func() error { _, _, _, _, err := Batch(nil).Dims(); return err }, "empty batch"),
		badtest.Panic("nil", "Final of an empty trajectory", func() { _ = Trajectory{}.Final() }, "Final", "no states"),

		badtest.Err("ragged", "Batch.Dims ragged state", func() error {
			b, _ := Rollouts(di, us, []float64{0, 0}, 0, 2, 3, nil)
			b[1].X[2] = b[1].X[2][:1]
			_, _, _, _, err := b.Dims()
			return err
		}, "trajectory 1", "X[2] has length 1, want 2"),
		badtest.Err("ragged", "Batch.Dims horizons differ", func() error {
			b, _ := Rollouts(di, us, []float64{0, 0}, 0, 2, 3, nil)
			b[1].X, b[1].U = b[1].X[:3], b[1].U[:2]
			_, _, _, _, err := b.Dims()
			return err
		}, "trajectory 1 has (n, m, T) = (2, 1, 2)"),
		badtest.Err("ragged", "Rollout ragged open loop", func() error {
			_, err := Rollout(di, OpenLoop{{1}, {0, 1}}, []float64{0, 0}, 2, nil)
			return err
		}, "open-loop action 1 has length 2, want 1"),
		badtest.Err("ragged", "FiniteDiffJacobians short u", func() error {
			return FiniteDiffJacobians(di, make([]float64, 4), make([]float64, 2), make([]float64, 2), nil, 1e-6)
		}, "u has length 0, want 1"),
		badtest.Err("ragged", "EndEffectorJacobian short J", func() error {
			return NewArm2Link().EndEffectorJacobian(make([]float64, 7), make([]float64, 4))
		}, "J has length 7, want 8"),
		badtest.Err("ragged", "Render short image", func() error {
			return pen.Render(make([]float64, 15), 4, 4, []float64{0, 0})
		}, "img has length 15"),

		badtest.Err("oversized", "Rollout T = 2^40", func() error {
			_, err := Rollout(di, us, []float64{0, 0}, huge, nil)
			return err
		}, "1099511627776", "too large"),
		badtest.Err("oversized", "Rollouts N = 2^40", func() error {
			_, err := Rollouts(di, us, []float64{0, 0}, 0, huge, 3, nil)
			return err
		}, "1099511627776", "too large"),
		badtest.Err("oversized", "Rollouts N = T = 2^20", func() error {
			_, err := Rollouts(di, us, []float64{0, 0}, 0, 1<<20, 1<<20, nil)
			return err
		}, "1048576 × 1048576", "too large"),
		badtest.Panic("oversized", "NewTrajectory T = 2^40", func() { NewTrajectory(2, 1, huge) }, "NewTrajectory", "1099511627776", "too large"),
		badtest.Panic("oversized", "Grid 2^40 × 2^40", func() { Grid(huge, huge) }, "Grid", "1099511627776 × 1099511627776", "too large"),
		badtest.Panic("oversized", "Grid negative", func() { Grid(-1, 2) }, "Grid", "-1"),
		badtest.OK("oversized", "DoubleIntegrator Dim = 2^40 StateNames", func() error {
			d := &DoubleIntegrator{Dim: huge, TimeStep: 0.1, MaxAccel: inf}
			if names := d.StateNames(); names != nil {
				return fmt.Errorf("%d names", len(names))
			}
			if lo, hi := d.ActionLimits(); lo != nil || hi != nil {
				return fmt.Errorf("%d limits", len(lo))
			}
			if names := d.ActionNames(); names != nil {
				return fmt.Errorf("%d action names", len(names))
			}
			return nil
		}),
		badtest.Err("oversized", "DoubleIntegrator Dim = 2^40 Rollout", func() error {
			_, err := Rollout(&DoubleIntegrator{Dim: huge, TimeStep: 0.1}, us, []float64{0, 0}, 3, nil)
			return err
		}, "x0 has length 2, want 2199023255552"),
	}...)
	badtest.Run(t, cases)
}
