package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Problem is one optimal-control problem of a lesson: minimise Cost over T
// steps of System from X0, starting the optimiser from the actions U0.
type Problem struct {
	System system.System
	Cost   *cost.Quadratic
	X0     []float64
	T      int
	U0     [][]float64
}

// SwingUp are the settings of lesson 01's pendulum swing-up. Zero fields take
// the defaults in the comments.
type SwingUp struct {
	// T is the horizon in steps of 0.02 s (default 300, i.e. 6 s). Below
	// about 150 the torque limit makes a swing-up impossible.
	T int
	// ControlWeight is r in ½ r τ² (default 0.01). Larger values give
	// gentler, slower swings; at about 1 the pendulum no longer makes it.
	ControlWeight float64
	// MaxTorque is the actuator limit in N·m (default 5, half of m g l, so
	// the pendulum must pump energy).
	MaxTorque float64
}

func (s SwingUp) withDefaults() SwingUp {
	if s.T == 0 {
		s.T = 300
	}
	if s.ControlWeight == 0 {
		s.ControlWeight = 0.01
	}
	if s.MaxTorque == 0 {
		s.MaxTorque = 5
	}
	return s
}

// Problem builds the swing-up: start hanging at rest, x0 = [0, 0], reach
// upright at rest, x* = [π, 0] (package system's angle convention). Cost:
// ½(0.1 θ̃² + 0.01 θ̇²) + ½ r τ² per step, and ½(1000 θ̃² + 100 θ̇²) at the
// end, with θ̃ = θ − π.
func (s SwingUp) Problem() (*Problem, error) {
	s = s.withDefaults()
	if err := checkHorizon("SwingUp", s.T); err != nil {
		return nil, err
	}
	p := system.NewPendulum()
	p.MaxTorque = s.MaxTorque
	if err := p.Validate(); err != nil {
		return nil, err
	}
	goal := []float64{math.Pi, 0}
	c, err := cost.Diagonal([]float64{0.1, 0.01}, []float64{s.ControlWeight}, []float64{1000, 100}, goal)
	if err != nil {
		return nil, fmt.Errorf("lessons: SwingUp.ControlWeight = %v: %w", s.ControlWeight, err)
	}
	return &Problem{System: p, Cost: c, X0: []float64{0, 0}, T: s.T, U0: Zeros(s.T, 1)}, nil
}

// MaxHorizon is the longest horizon a lesson task accepts: 10 000 steps
// (200 s at 0.02 s), far beyond what the lessons use, and small enough that
// a mistyped setting is an error, not an out-of-memory crash.
const MaxHorizon = 10000

func checkHorizon(task string, T int) error {
	if T <= 0 || T > MaxHorizon {
		return fmt.Errorf("lessons: %s.T = %d, want 1 to %d steps", task, T, MaxHorizon)
	}
	return nil
}

// Balance are the settings of lesson 01's cart-pole balance. Zero fields take
// the defaults in the comments.
type Balance struct {
	// T is the horizon in steps of 0.02 s (default 150, i.e. 3 s: long
	// enough for the plan to bring the cart back and end near rest).
	T int
	// ControlWeight is r in ½ r F² (default 0.01).
	ControlWeight float64
	// X0 is the displaced start [x, θ, ẋ, θ̇] (default [0.5, 0.3, 0, 0]: cart
	// half a metre off, pole tilted 0.3 rad ≈ 17°).
	X0 []float64
	// PlantPoleMass is the pole mass in kg of the plant that Run executes
	// the plan and MPC on (default 0.2, twice the model's 0.1 kg): the model
	// error MPC has to correct.
	PlantPoleMass float64
	// MPCHorizon is MPC's planning horizon in steps (default 50, i.e. 1 s).
	MPCHorizon int
}

func (b Balance) withDefaults() Balance {
	if b.T == 0 {
		b.T = 150
	}
	if b.ControlWeight == 0 {
		b.ControlWeight = 0.01
	}
	if b.X0 == nil {
		b.X0 = []float64{0.5, 0.3, 0, 0}
	}
	if b.PlantPoleMass == 0 {
		b.PlantPoleMass = 0.2
	}
	if b.MPCHorizon == 0 {
		b.MPCHorizon = 50
	}
	return b
}

// Problem builds the balance task on the model (pole 0.1 kg): bring the
// cart-pole from X0 to rest upright at the origin, x* = [0, 0, 0, 0]. Cost:
// ½ xᵀ diag(10, 20, 1, 1) x + ½ r F² per step and ½ xᵀ diag(100, 100, 100,
// 100) x at the end. The force is limited to ±10 N.
func (b Balance) Problem() (*Problem, error) {
	b = b.withDefaults()
	if err := checkHorizon("Balance", b.T); err != nil {
		return nil, err
	}
	cp := system.NewCartPole()
	if err := system.CheckVec("lessons: Balance.X0", b.X0, 4); err != nil {
		return nil, err
	}
	c, err := cost.Diagonal([]float64{10, 20, 1, 1}, []float64{b.ControlWeight}, []float64{100, 100, 100, 100}, make([]float64, 4))
	if err != nil {
		return nil, fmt.Errorf("lessons: Balance.ControlWeight = %v: %w", b.ControlWeight, err)
	}
	return &Problem{System: cp, Cost: c, X0: append([]float64(nil), b.X0...), T: b.T, U0: Zeros(b.T, 1)}, nil
}

// Solve runs iLQR on the problem.
func (p *Problem) Solve(cfg ilqr.Config) (*ilqr.Result, error) {
	return ilqr.Solve(p.System, p.Cost, p.X0, p.U0, cfg)
}

// Zeros returns T action vectors of length m, all zero.
func Zeros(T, m int) [][]float64 {
	u := make([][]float64, T)
	for i := range u {
		u[i] = make([]float64, m)
	}
	return u
}

// AngleError returns |θ − π| wrapped to [0, π]: how far a pendulum angle is
// from upright.
func AngleError(theta float64) float64 {
	return math.Abs(system.WrapAngle(theta - math.Pi))
}
