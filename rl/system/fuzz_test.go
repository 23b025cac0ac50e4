package system

import (
	"math"
	"reflect"
	"testing"
)

// fuzzSystems are the systems FuzzSystems builds and the four parameter
// fields it sets.
var fuzzSystems = []struct {
	make   func(kind uint8) System
	fields [4]string
}{
	{func(uint8) System { return NewPendulum() }, [4]string{"Mass", "Length", "Damping", "TimeStep"}},
	{func(uint8) System { return NewCartPole() }, [4]string{"CartMass", "HalfLength", "Gravity", "TimeStep"}},
	{func(uint8) System { return NewArm2Link() }, [4]string{"Mass2", "Length1", "Inertia2", "TimeStep"}},
	{func(uint8) System {
		p := NewPointMass()
		p.Obstacles = []Circle{{1, -1, 0.5}}
		return p
	}, [4]string{"Mass", "AgentRadius", "Damping", "TimeStep"}},
	{func(kind uint8) System {
		d, _ := NewDoubleIntegratorDim(1 + int(kind/5)%3)
		return d
	}, [4]string{"TimeStep", "TimeStep", "MaxAccel", "TimeStep"}},
}

// fuzzSystem returns one of the systems, chosen by kind, with parameters
// set from p (any values: NaN, ±Inf, huge, negative).
func fuzzSystem(kind uint8, p [4]float64) System {
	c := fuzzSystems[int(kind)%len(fuzzSystems)]
	s := c.make(kind)
	v := reflect.ValueOf(s).Elem()
	for i, f := range c.fields {
		v.FieldByName(f).SetFloat(p[i])
	}
	return s
}

// FuzzSystems steps, differentiates, renders and rolls out every system
// with any parameters, states and actions: never a panic, and either an
// error or finite results (images in [0, 1]).
func FuzzSystems(f *testing.F) {
	f.Add(uint8(0), 1.0, 1.0, 0.05, 0.02, 0.1, 0.2, 0.0, 0.0, 1.0, 0.0)
	f.Add(uint8(1), 1.0, 0.5, 9.81, 0.02, 0.0, 0.1, 0.0, 0.0, 5.0, 0.0)
	f.Add(uint8(2), 1.0, 1.0, 1.0/12, 0.02, 0.3, 0.5, 1.0, -1.0, 2.0, -2.0)
	f.Add(uint8(3), 1.0, 0.25, 0.0, 0.05, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0)
	f.Add(uint8(9), 1.0, 1.0, 1.0, 0.1, 1.0, 2.0, 3.0, 4.0, 1.0, 2.0)
	f.Add(uint8(0), 1e308, 1e308, 1e308, 1e308, 1e308, -1e308, 1e308, 1e308, 1e308, 1e308)
	f.Add(uint8(3), math.NaN(), math.Inf(1), -1.0, 0.0, 1e300, -1e300, math.Inf(-1), 0.0, 1e-320, 0.0)
	f.Add(uint8(2), 5e-324, 1e300, 0.0, 1e10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, kind uint8, p0, p1, p2, p3, x0, x1, x2, x3, u0, u1 float64) {
		sys := fuzzSystem(kind, [4]float64{p0, p1, p2, p3})
		_ = sys.(interface{ Validate() error }).Validate()
		n, m := sys.StateDim(), sys.ActionDim()
		vals := []float64{x0, x1, x2, x3, u0, u1, x0, x1}
		x, u := make([]float64, n), make([]float64, m)
		for i := range x {
			x[i] = vals[i%len(vals)]
		}
		for i := range u {
			u[i] = vals[(4+i)%len(vals)]
		}
		next, A, B := make([]float64, n), make([]float64, n*n), make([]float64, n*m)
		finite := func(what string, err error, v ...float64) {
			t.Helper()
			if err := badFinite(err, v); err != nil {
				t.Errorf("%s (%s): %v, without an error", what, sys.Name(), err)
			}
		}
		finite("Step", sys.Step(next, x, u), next...)
		finite("Jacobians", sys.Jacobians(A, B, x, u), append(A, B...)...)
		finite("FiniteDiffJacobians", FiniteDiffJacobians(sys, A, B, x, u, 1e-6), append(A, B...)...)
		if tr, err := Rollout(sys, OpenLoop{u, u, u}, x, 3, nil); err == nil {
			if _, _, _, err := tr.Dims(); err != nil {
				t.Errorf("Rollout (%s): %v, without an error", sys.Name(), err)
			}
		}
		if r, ok := sys.(Renderer); ok {
			img := make([]float64, 12*10)
			if err := r.Render(img, 12, 10, x); err == nil {
				for i, v := range img {
					if !(v >= 0 && v <= 1) {
						t.Errorf("Render (%s): img[%d] = %v", sys.Name(), i, v)
					}
				}
			}
		}
		switch s := sys.(type) {
		case *Pendulum:
			e, err := s.Energy(x)
			finite("Energy", err, e)
		case *Arm2Link:
			px, py, err := s.EndEffector(x)
			finite("EndEffector", err, px, py)
			J, Hx, Hy := make([]float64, 8), make([]float64, 16), make([]float64, 16)
			finite("EndEffectorJacobian", s.EndEffectorJacobian(J, x), J...)
			finite("EndEffectorHessians", s.EndEffectorHessians(Hx, Hy, x), append(Hx, Hy...)...)
			q1, q2, err := s.InverseKinematics(u0, u1, kind%2 == 0)
			finite("InverseKinematics", err, q1, q2)
		case *PointMass:
			d, _, err := s.Penetration(x)
			finite("Penetration", err, d)
		case *DoubleIntegrator:
			A, B, err := s.Matrices()
			finite("Matrices", err, append(A, B...)...)
		}
	})
}

// badFinite returns nil if err is not nil or every value of v is finite,
// and otherwise an error naming the first non-finite value.
func badFinite(err error, v []float64) error {
	if err != nil {
		return nil
	}
	for i, x := range v {
		if !finite(x) {
			return CheckVec("result", v[i:i+1], 1)
		}
	}
	return nil
}
