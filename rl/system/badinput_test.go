package system

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// badCase is one bad input of TestBadInput. call returns the error of the
// function under test (or one of its own saying what was wrong with a
// result that came back without an error). With want set, the error must
// mention every part of want; with want nil, call must return nil.
// panics marks a function without an error result that documents a panic:
// it must panic with a value mentioning want instead.
type badCase struct {
	class, name string
	call        func() error
	want        []string
	panics      bool
}

// runBad runs every case as the subtest class/name, with a timeout, and
// fails it on a panic, a hang, a missing error, or an error that does not
// name the bad value.
func runBad(t *testing.T, cases []badCase) {
	for _, c := range cases {
		t.Run(c.class+"/"+c.name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				defer func() {
					if r := recover(); r != nil {
						msg := fmt.Sprint(r)
						if !c.panics {
							msg = "panic: " + msg
						} else if !mentions(msg, c.want) {
							msg = fmt.Sprintf("panic %q does not mention %q", msg, c.want)
						} else {
							msg = ""
						}
						done <- msg
					}
				}()
				err := c.call()
				switch {
				case c.panics:
					done <- fmt.Sprintf("no panic (err = %v)", err)
				case c.want == nil && err != nil:
					done <- err.Error()
				case c.want != nil && err == nil:
					done <- "no error"
				case c.want != nil && !mentions(err.Error(), c.want):
					done <- fmt.Sprintf("error %q does not mention %q", err, c.want)
				default:
					done <- ""
				}
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Error(msg)
				}
			case <-time.After(5 * time.Second):
				t.Error("no answer within 5 s")
			}
		})
	}
}

func mentions(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// finiteAll returns an error naming the first non-finite value of v.
func finiteAll(what string, v ...float64) error {
	for i, x := range v {
		if !finite(x) {
			return fmt.Errorf("%s[%d] = %v is not finite", what, i, x)
		}
	}
	return nil
}

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
func nanFieldCases() []badCase {
	fresh := map[string]func() any{
		"Pendulum":         func() any { return NewPendulum() },
		"CartPole":         func() any { return NewCartPole() },
		"Arm2Link":         func() any { return NewArm2Link() },
		"PointMass":        func() any { p := NewPointMass(); p.Obstacles = []Circle{{1, 1, 0.5}}; return p },
		"DoubleIntegrator": func() any { return NewDoubleIntegrator() },
	}
	var cases []badCase
	for name, mk := range fresh {
		typ := reflect.TypeOf(mk()).Elem()
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !setFloats(reflect.ValueOf(mk()).Elem().Field(i), 0) {
				continue // no float64 in it
			}
			for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
				cases = append(cases, badCase{"nan", fmt.Sprintf("%s.%s=%v", name, f.Name, bad), func() error {
					v := mk()
					setFloats(reflect.ValueOf(v).Elem().Field(i), bad)
					return v.(interface{ Validate() error }).Validate()
				}, []string{f.Name, fmt.Sprint(bad)}, false})
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
	cases := append(nanFieldCases(), []badCase{
		{"nan", "Energy NaN Mass", func() error {
			p := NewPendulum()
			p.Mass = nan
			e, err := p.Energy([]float64{1, 1})
			return orNonFinite(err, "energy", e)
		}, []string{"Mass = NaN"}, false},
		{"nan", "Energy overflows", func() error {
			e, err := pen.Energy([]float64{0, 1e300})
			return orNonFinite(err, "energy", e)
		}, []string{"Energy", "+Inf"}, false},
		{"nan", "EndEffector NaN Length1", func() error {
			a := NewArm2Link()
			a.Length1 = nan
			px, py, err := a.EndEffector(make([]float64, 4))
			return orNonFinite(err, "end effector", px, py)
		}, []string{"Length1 = NaN"}, false},
		{"nan", "EndEffectorJacobian Inf Length2", func() error {
			a := NewArm2Link()
			a.Length2 = inf
			J := make([]float64, 8)
			return orNonFinite(a.EndEffectorJacobian(J, []float64{1, 1, 0, 0}), "J", J...)
		}, []string{"Length2 = +Inf"}, false},
		{"nan", "EndEffectorHessians NaN Length1", func() error {
			a := NewArm2Link()
			a.Length1 = nan
			H := make([]float64, 16)
			return orNonFinite(a.EndEffectorHessians(H, make([]float64, 16), []float64{1, 1, 0, 0}), "Hx", H...)
		}, []string{"Length1 = NaN"}, false},
		{"nan", "InverseKinematics huge links", func() error {
			a := NewArm2Link()
			a.Length1, a.Length2 = 1e308, 1e308
			q1, q2, err := a.InverseKinematics(1, 1, true)
			return orNonFinite(err, "q", q1, q2)
		}, []string{"InverseKinematics", "NaN"}, false},
		{"nan", "Penetration overflows", func() error {
			p := NewPointMass()
			p.Obstacles, p.AgentRadius = []Circle{{0, 0, 1e308}}, 1e308
			d, _, err := p.Penetration(make([]float64, 4))
			return orNonFinite(err, "depth", d)
		}, []string{"Penetration", "+Inf"}, false},
		{"nan", "FiniteDiffJacobians overflows", func() error {
			A, B := make([]float64, 1), make([]float64, 1)
			return orNonFinite(FiniteDiffJacobians(signSys{}, A, B, []float64{0}, []float64{0}, 1e-6), "A", A...)
		}, []string{"FiniteDiffJacobians", "A[0] = +Inf"}, false},
		{"nan", "OpenLoop.Act NaN action", func() error {
			u := make([]float64, 1)
			return orNonFinite(OpenLoop{{nan}}.Act(u, 0, nil, nil), "u", u...)
		}, []string{"action 0[0] = NaN"}, false},
		{"nan", "Render huge agent stays in [0, 1]", func() error {
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
		}, nil, false},

		{"nil", "Rollout typed-nil system", func() error {
			_, err := Rollout(nilDI, us, []float64{0, 0}, 3, nil)
			return err
		}, []string{"nil *system.DoubleIntegrator"}, false},
		{"nil", "Rollouts typed-nil policy", func() error {
			_, err := Rollouts(di, nilPol, []float64{0, 0}, 0, 2, 3, nil)
			return err
		}, []string{"nil *system.ptrPolicy"}, false},
		{"nil", "FiniteDiffJacobians typed-nil system", func() error {
			return FiniteDiffJacobians(nilDI, make([]float64, 4), make([]float64, 2), make([]float64, 2), make([]float64, 1), 1e-6)
		}, []string{"nil *system.DoubleIntegrator"}, false},
		{"nil", "Matrices nil", func() error { _, _, err := nilDI.Matrices(); return err }, []string{"nil *DoubleIntegrator"}, false},
		{"nil", "GoalStateFor nil", func() error { _, err := (*Arm2Link)(nil).GoalStateFor(1, 0, true); return err }, []string{"nil *Arm2Link"}, false},
		{"nil", "InCollision nil", func() error { _, err := (*PointMass)(nil).InCollision(make([]float64, 4)); return err }, []string{"nil *PointMass"}, false},
		{"nil", "Trajectory.Dims nil rows", func() error {
			_, _, _, err := Trajectory{X: [][]float64{nil, nil}, U: [][]float64{nil}}.Dims()
			return err
		}, []string{"2 states and 1 actions"}, false},
		{"nil", "Batch.Dims nil", func() error { _, _, _, _, err := Batch(nil).Dims(); return err }, []string{"empty batch"}, false},
		{"nil", "Final of an empty trajectory", func() error { _ = Trajectory{}.Final(); return nil }, []string{"Final", "no states"}, true},

		{"ragged", "Batch.Dims ragged state", func() error {
			b, _ := Rollouts(di, us, []float64{0, 0}, 0, 2, 3, nil)
			b[1].X[2] = b[1].X[2][:1]
			_, _, _, _, err := b.Dims()
			return err
		}, []string{"trajectory 1", "X[2] has length 1, want 2"}, false},
		{"ragged", "Batch.Dims horizons differ", func() error {
			b, _ := Rollouts(di, us, []float64{0, 0}, 0, 2, 3, nil)
			b[1].X, b[1].U = b[1].X[:3], b[1].U[:2]
			_, _, _, _, err := b.Dims()
			return err
		}, []string{"trajectory 1 has (n, m, T) = (2, 1, 2)"}, false},
		{"ragged", "Rollout ragged open loop", func() error {
			_, err := Rollout(di, OpenLoop{{1}, {0, 1}}, []float64{0, 0}, 2, nil)
			return err
		}, []string{"open-loop action 1 has length 2, want 1"}, false},
		{"ragged", "FiniteDiffJacobians short u", func() error {
			return FiniteDiffJacobians(di, make([]float64, 4), make([]float64, 2), make([]float64, 2), nil, 1e-6)
		}, []string{"u has length 0, want 1"}, false},
		{"ragged", "EndEffectorJacobian short J", func() error {
			return NewArm2Link().EndEffectorJacobian(make([]float64, 7), make([]float64, 4))
		}, []string{"J has length 7, want 8"}, false},
		{"ragged", "Render short image", func() error {
			return pen.Render(make([]float64, 15), 4, 4, []float64{0, 0})
		}, []string{"img has length 15"}, false},

		{"oversized", "Rollout T = 2^40", func() error {
			_, err := Rollout(di, us, []float64{0, 0}, huge, nil)
			return err
		}, []string{"1099511627776", "too large"}, false},
		{"oversized", "Rollouts N = 2^40", func() error {
			_, err := Rollouts(di, us, []float64{0, 0}, 0, huge, 3, nil)
			return err
		}, []string{"1099511627776", "too large"}, false},
		{"oversized", "Rollouts N = T = 2^20", func() error {
			_, err := Rollouts(di, us, []float64{0, 0}, 0, 1<<20, 1<<20, nil)
			return err
		}, []string{"1048576 × 1048576", "too large"}, false},
		{"oversized", "NewTrajectory T = 2^40", func() error { NewTrajectory(2, 1, huge); return nil }, []string{"NewTrajectory", "1099511627776", "too large"}, true},
		{"oversized", "Grid 2^40 × 2^40", func() error { Grid(huge, huge); return nil }, []string{"Grid", "1099511627776 × 1099511627776", "too large"}, true},
		{"oversized", "Grid negative", func() error { Grid(-1, 2); return nil }, []string{"Grid", "-1"}, true},
		{"oversized", "DoubleIntegrator Dim = 2^40 StateNames", func() error {
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
		}, nil, false},
		{"oversized", "DoubleIntegrator Dim = 2^40 Rollout", func() error {
			_, err := Rollout(&DoubleIntegrator{Dim: huge, TimeStep: 0.1}, us, []float64{0, 0}, 3, nil)
			return err
		}, []string{"x0 has length 2, want 2199023255552"}, false},
	}...)
	runBad(t, cases)
}

// orNonFinite returns err, or an error naming the first non-finite value
// of a result returned without one.
func orNonFinite(err error, what string, v ...float64) error {
	if err != nil {
		return err
	}
	return finiteAll(what, v...)
}
