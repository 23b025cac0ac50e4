package ilqr

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// TestMPCPolicy: MPC is a rollout of MPCPolicy on the plant: the same states
// and actions bit for bit; after Reset the policy plans from u0 again and
// repeats its first action; an MPCPolicy asked at an arbitrary state (as
// DAgger's expert is) answers; bad input is an error.
func TestMPCPolicy(t *testing.T) {
	model := system.NewPendulum()
	c, err := cost.Diagonal([]float64{10, 1}, []float64{0.01}, []float64{100, 10}, []float64{math.Pi, 0})
	if err != nil {
		t.Fatal(err)
	}
	const H = 30
	u0 := make([][]float64, H)
	for k := range u0 {
		u0[k] = []float64{0}
	}
	x0 := []float64{math.Pi - 0.3, 0}
	cfg := MPCConfig{Horizon: H, Steps: 60}
	res, err := MPC(model, c, x0, u0, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := NewMPCPolicy(model, c, u0, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := system.Rollout(model, pol, x0, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range tr.U {
		if tr.U[k][0] != res.U[k][0] || tr.X[k+1][0] != res.X[k+1][0] {
			t.Fatalf("step %d: rollout of the policy (%v, %v) differs from MPC (%v, %v)", k, tr.U[k], tr.X[k+1], res.U[k], res.X[k+1])
		}
	}
	if len(pol.Iterations()) != 60 || pol.Iterations()[0] != res.Iterations[0] {
		t.Errorf("iterations %v, MPC %v", pol.Iterations(), res.Iterations)
	}
	if e := math.Abs(system.WrapAngle(res.Final()[0] - math.Pi)); e > 0.05 {
		t.Errorf("MPC did not hold the pendulum up: angle error %v", e)
	}
	pol.Reset()
	u := make([]float64, 1)
	if err := pol.Act(u, 0, x0, nil); err != nil || u[0] != res.U[0][0] {
		t.Errorf("after Reset the first action is %v (%v), want %v", u[0], err, res.U[0][0])
	}
	if err := pol.Act(u, 1, []float64{0.5, -1}, nil); err != nil || math.IsNaN(u[0]) {
		t.Errorf("expert query at an arbitrary state: %v, %v", u, err)
	}
	if err := pol.Act(make([]float64, 2), 2, x0, nil); err == nil || !strings.Contains(err.Error(), "length 2") {
		t.Errorf("wrong action length: %v", err)
	}
	if _, err := NewMPCPolicy(model, c, u0[:5], cfg); err == nil || !strings.Contains(err.Error(), "Horizon = 30") {
		t.Errorf("short u0: %v", err)
	}
	if _, err := MPC(model, c, x0, u0, MPCConfig{Horizon: H}); err == nil || !strings.Contains(err.Error(), "Steps = 0") {
		t.Errorf("Steps = 0: %v", err)
	}
}
