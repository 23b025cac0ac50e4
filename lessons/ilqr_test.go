package lessons

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

// TestSwingUp is the acceptance check: iLQR swings the pendulum up
// to within 0.05 rad of upright with speed under 0.1 rad/s, never exceeding
// the torque limit, and the cost never rises from one iteration to the next.
func TestSwingUp(t *testing.T) {
	p, err := SwingUp{}.Problem()
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Solve(ilqr.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Errorf("did not converge: %s", res.Status)
	}
	xT := res.X[p.T]
	if e := AngleError(xT[0]); e > 0.05 || math.Abs(xT[1]) > 0.1 {
		t.Errorf("final state θ = %.4f (error %.4f rad), θ̇ = %.4f: want error < 0.05 and |θ̇| < 0.1", xT[0], e, xT[1])
	}
	for i, u := range res.U {
		if math.Abs(u[0]) > 5 {
			t.Fatalf("u[%d] = %v exceeds the 5 N·m limit", i, u[0])
		}
	}
	for i := 1; i < len(res.History); i++ {
		if res.History[i].Cost > res.History[i-1].Cost {
			t.Errorf("cost rose at iteration %d", i+1)
		}
	}
	t.Logf("swing-up: %d iterations, cost %.3f, final θ error %.2e rad, θ̇ %.2e rad/s", len(res.History), res.Cost, AngleError(xT[0]), xT[1])
}

// TestBalance: from several displaced starts the planned trajectory keeps
// the pole within its initial tilt and brings it back near upright; the
// lesson's plan ends near rest, falls when played open-loop on the plant
// with the heavier pole, and MPC on that plant ends near rest.
func TestBalance(t *testing.T) {
	for _, x0 := range [][]float64{nil, {0, 0.3, 0, 0}, {-0.5, -0.3, 0, 0}, {-0.3, 0.25, 0, 0}} {
		p, err := Balance{X0: x0}.Problem()
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Solve(ilqr.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged {
			t.Errorf("x0 = %v: did not converge: %s", p.X0, res.Status)
		}
		for i, x := range res.X {
			if math.Abs(x[1]) > math.Abs(p.X0[1])+1e-9 {
				t.Errorf("x0 = %v: pole tilt %.3f at step %d exceeds the initial %.3f", p.X0, x[1], i, p.X0[1])
				break
			}
		}
		if th := res.X[p.T][1]; math.Abs(th) > 0.15 {
			t.Errorf("x0 = %v: final tilt %.3f rad, want < 0.15", p.X0, th)
		}
	}
	out, err := Balance{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*BalanceOutcome)
	T := o.Problem.T
	if m := MaxAbs(o.Plan.X[T]); m > 0.02 {
		t.Errorf("the plan ends at %v, want every component within 0.02 of rest", o.Plan.X[T])
	}
	if th := o.OpenLoop.X[T][1]; math.Abs(th) < math.Pi/2 {
		t.Errorf("the plan played open-loop on the heavier plant ends at θ = %.3f: want it to fall", th)
	}
	if m := MaxAbs(o.MPC.X[T]); m > 0.05 {
		t.Errorf("MPC on the heavier plant ends at %v, want every component within 0.05 of rest", o.MPC.X[T])
	}
}

func TestLessonSettingsBadInput(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := (SwingUp{T: -3}).Problem(); return err }(), "SwingUp.T = -3"},
		{func() error { _, err := (SwingUp{ControlWeight: -1}).Problem(); return err }(), "ControlWeight = -1"},
		{func() error { _, err := (SwingUp{MaxTorque: math.NaN()}).Problem(); return err }(), "MaxTorque"},
		{func() error { _, err := (Balance{X0: []float64{0, 1}}).Problem(); return err }(), "X0 has length 2"},
		{func() error { _, err := (Balance{X0: []float64{0, math.NaN(), 0, 0}}).Problem(); return err }(), "X0[1] = NaN"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("err = %v, want it to mention %q", c.err, c.want)
		}
	}
}
