package env

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestPendulumStepByHand checks one step against Gym's update computed by
// hand: Gym's angle φ = 0.5 (θ = π + 0.5), θ̇ = −0.3, u = 1.5, g = 10,
// m = l = 1, Δt = 0.05:
//
//	θ̇' = −0.3 + (15 sin 0.5 + 3·1.5)·0.05 = 0.284569153952...
//	φ'  = 0.5 + 0.05 θ̇'              = 0.514228457698...
//	r   = −(0.25 + 0.1·0.09 + 0.001·2.25) = −0.26125.
func TestPendulumStepByHand(t *testing.T) {
	p := NewPendulum()
	p.SetState([]float64{math.Pi + 0.5, -0.3})
	obs, r, done, err := p.Step([]float64{1.5})
	if err != nil {
		t.Fatal(err)
	}
	const sin05 = 0.479425538604203
	thdot := -0.3 + (15*sin05+4.5)*0.05
	th := 0.5 + 0.05*thdot
	if !near(thdot, 0.284569153952, 1e-11) {
		t.Fatalf("hand computation wrong: %v", thdot)
	}
	if s := p.State(); !near(s[0], math.Pi+th, 1e-12) || !near(s[1], thdot, 1e-12) {
		t.Errorf("state %v, want [π+%v %v]", s, th, thdot)
	}
	want := []float64{math.Cos(th), math.Sin(th), thdot}
	for i := range want {
		if !near(obs[i], want[i], 1e-12) {
			t.Errorf("obs[%d] = %v, want %v", i, obs[i], want[i])
		}
	}
	if !near(r, -0.26125, 1e-15) {
		t.Errorf("reward %v, want -0.26125", r)
	}
	if done {
		t.Error("done after one step")
	}
}

// TestPendulumClipping: torque beyond ±2 acts as ±2 (but is not
// charged more), and θ̇ is clipped to ±8.
func TestPendulumClipping(t *testing.T) {
	a, b := NewPendulum(), NewPendulum()
	a.SetState([]float64{1, 2})
	b.SetState([]float64{1, 2})
	oa, ra, _, _ := a.Step([]float64{100})
	ob, rb, _, _ := b.Step([]float64{2})
	for i := range oa {
		if oa[i] != ob[i] {
			t.Errorf("u = 100 gives obs %v, u = 2 gives %v", oa, ob)
		}
	}
	if ra != rb {
		t.Errorf("reward with u = 100 is %v, with u = 2 %v: the clipped torque should be charged", ra, rb)
	}
	a.SetState([]float64{3 * math.Pi / 2, 7.9}) // φ = π/2: gravity speeds it up
	if o, _, _, _ := a.Step([]float64{2}); o[2] != 8 {
		t.Errorf("θ̇ = %v after a step from 7.9 with full torque, want the clip 8", o[2])
	}
	a.SetState([]float64{math.Pi / 2, -7.9}) // φ = −π/2
	if o, _, _, _ := a.Step([]float64{-2}); o[2] != -8 {
		t.Errorf("θ̇ = %v, want −8", o[2])
	}
}

// TestPendulumUpright: reward 0 upright at θ = π (and at θ = 3π, −3π,
// which wrap to it); hanging at θ = 0 is the worst angle.
func TestPendulumUpright(t *testing.T) {
	p := NewPendulum()
	for _, th := range []float64{math.Pi, 3 * math.Pi, -3 * math.Pi} {
		p.SetState([]float64{th, 0})
		_, r, _, err := p.Step([]float64{0})
		if err != nil {
			t.Fatal(err)
		}
		if !near(r, 0, 1e-24) {
			t.Errorf("upright (θ = %v) reward %v, want 0", th, r)
		}
	}
	p.SetState([]float64{0, 0}) // hanging down: the worst angle
	if _, r, _, _ := p.Step([]float64{0}); !near(r, -math.Pi*math.Pi, 1e-12) {
		t.Errorf("hanging reward %v, want −π²", r)
	}
}

// TestStateConventions: State and SetState use package system's states
// (pendulum θ = 0 hanging down, cart-pole [x, θ, ẋ, θ̇]) while the
// observations stay Gym's.
func TestStateConventions(t *testing.T) {
	p := NewPendulum()
	obs, err := p.SetState([]float64{0, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if !near(obs[0], -1, 1e-15) || !near(obs[1], 0, 1e-15) || obs[2] != 0.5 {
		t.Errorf("hanging pendulum observed as %v, want [cos φ, sin φ, θ̇] = [−1, 0, 0.5]", obs)
	}
	if s := p.State(); s[0] != 0 || s[1] != 0.5 {
		t.Errorf("State() = %v after SetState([0 0.5])", s)
	}
	// A quarter turn counter-clockwise from hanging, θ = π/2, is Gym's
	// φ = −π/2: gravity pulls θ back towards 0 in both packages.
	p.SetState([]float64{math.Pi / 2, 0})
	if _, _, _, err := p.Step([]float64{0}); err != nil {
		t.Fatal(err)
	}
	if s := p.State(); !(s[1] < 0) {
		t.Errorf("pendulum released at θ = π/2 moves with θ̇ = %v, want < 0", s[1])
	}
	sp := system.NewPendulum()
	next := make([]float64, 2)
	if err := sp.Step(next, []float64{math.Pi / 2, 0}, []float64{0}); err != nil || !(next[1] < 0) {
		t.Errorf("system pendulum released at θ = π/2: θ̇ = %v (%v), want < 0", next[1], err)
	}

	c := NewCartPole()
	if obs, err = c.SetState([]float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 3, 2, 4}; !slices.Equal(obs, want) {
		t.Errorf("cart-pole SetState([x θ ẋ θ̇] = [1 2 3 4]) observes %v, want [x ẋ θ θ̇] = %v", obs, want)
	}
	if s := c.State(); !slices.Equal(s, []float64{1, 2, 3, 4}) {
		t.Errorf("cart-pole State() = %v, want [1 2 3 4]", s)
	}
}

// TestPendulumRandomPolicy: uniform random torques score about −1200 per
// 200-step episode (Gym's well-known baseline); 100 episodes, mean in
// [−1500, −900].
func TestPendulumRandomPolicy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Pendulum{} // zero value = Gym's defaults
	const episodes = 100
	total := 0.0
	for e := 0; e < episodes; e++ {
		p.Reset(rng)
		steps := 0
		for {
			_, r, done, err := p.Step([]float64{4*rng.Float64() - 2})
			if err != nil {
				t.Fatal(err)
			}
			total += r
			steps++
			if done {
				break
			}
		}
		if steps != 200 || !p.Truncated() {
			t.Fatalf("episode of %d steps, truncated %v; want 200, true", steps, p.Truncated())
		}
		if _, _, _, err := p.Step([]float64{0}); err == nil || !strings.Contains(err.Error(), "Reset") {
			t.Fatalf("Step after the end: err = %v, want an error asking for Reset", err)
		}
	}
	mean := total / episodes
	t.Logf("random policy: mean return %.1f over %d episodes", mean, episodes)
	if mean < -1500 || mean > -900 {
		t.Errorf("random policy mean return %.1f, want −1200 ± 300", mean)
	}
}

// TestCartPoleStepByHand: from rest with a = 1 (F = 10 N):
//
//	tmp = 10/1.1,  θ̈ = −tmp / (0.5 (4/3 − 0.1/1.1)),  ẍ = tmp − 0.05 θ̈ / 1.1,
//
// and Euler moves only the velocities in the first step.
func TestCartPoleStepByHand(t *testing.T) {
	c := NewCartPole()
	c.SetState([]float64{0, 0, 0, 0})
	obs, r, done, err := c.Step([]float64{1})
	if err != nil {
		t.Fatal(err)
	}
	tmp := 10 / 1.1
	thacc := -tmp / (0.5 * (4.0/3.0 - 0.1/1.1))
	xacc := tmp - 0.05*thacc/1.1
	want := []float64{0, 0.02 * xacc, 0, 0.02 * thacc}
	for i := range want {
		if !near(obs[i], want[i], 1e-14) {
			t.Errorf("obs[%d] = %v, want %v", i, obs[i], want[i])
		}
	}
	if !near(want[1], 0.195122, 1e-6) || !near(want[3], -0.292683, 1e-6) {
		t.Errorf("hand computation: ẋ = %v, θ̇ = %v", want[1], want[3])
	}
	if r != 1 || done {
		t.Errorf("reward %v, done %v; want 1, false", r, done)
	}
	// Actions are clipped to [−1, 1].
	c2 := NewCartPole()
	c2.SetState([]float64{0, 0, 0, 0})
	if o2, _, _, _ := c2.Step([]float64{7}); o2[1] != obs[1] || o2[3] != obs[3] {
		t.Errorf("a = 7 gives %v, a = 1 gives %v", o2, obs)
	}
}

// TestCartPoleTerminates: the episode terminates (not truncates) exactly
// at the first step after which |θ| > 12° or |x| > 2.4, and reaches the
// 200-step limit (truncated) under a stabilising feedback.
func TestCartPoleTerminates(t *testing.T) {
	limit := 12 * math.Pi / 180
	c := NewCartPole()
	c.SetState([]float64{0, 0.15, 0, 0}) // leaning: falls with no push
	for k := 1; ; k++ {
		obs, r, done, err := c.Step([]float64{0})
		if err != nil {
			t.Fatal(err)
		}
		over := math.Abs(obs[2]) > limit
		if done != over {
			t.Fatalf("step %d: θ = %v, done = %v", k, obs[2], done)
		}
		if done {
			if c.Truncated() || r != 1 || k >= 200 {
				t.Errorf("fell at step %d: truncated %v, reward %v", k, c.Truncated(), r)
			}
			break
		}
	}
	c.SetState([]float64{2.39, 0, 1, 0}) // leaves the track in one step
	if obs, _, done, _ := c.Step([]float64{0}); !done || c.Truncated() || obs[0] <= 2.4 {
		t.Errorf("x = %v: done %v, truncated %v", obs[0], done, c.Truncated())
	}

	rng := rand.New(rand.NewPCG(1, 1))
	obs := c.Reset(rng)
	steps := 0
	for {
		// PD on the pole plus a weak pull of the cart to the centre.
		a := 0.1*obs[0] + 0.2*obs[1] + 4*obs[2] + 0.6*obs[3]
		var done bool
		var err error
		obs, _, done, err = c.Step([]float64{a})
		if err != nil {
			t.Fatal(err)
		}
		steps++
		if done {
			break
		}
	}
	if steps != 200 || !c.Truncated() {
		t.Errorf("balanced episode: %d steps, truncated %v; want 200, true", steps, c.Truncated())
	}
}

// TestBadActions: wrong length, NaN and ±Inf are errors that leave the
// state unchanged, as is stepping before Reset; invalid parameters too.
func TestBadActions(t *testing.T) {
	for _, e := range []interface {
		Env
		State() []float64
	}{NewPendulum(), NewCartPole()} {
		if _, _, _, err := e.Step([]float64{0}); err == nil || !strings.Contains(err.Error(), "before Reset") {
			t.Errorf("%T: Step before Reset: err = %v", e, err)
		}
		e.Reset(rand.New(rand.NewPCG(1, 2)))
		before := e.State()
		for _, a := range [][]float64{nil, {0, 0}, {math.NaN()}, {math.Inf(1)}, {math.Inf(-1)}} {
			_, _, _, err := e.Step(a)
			if err == nil {
				t.Errorf("%T: action %v accepted", e, a)
				continue
			}
			if len(a) == 1 && !strings.Contains(err.Error(), "action[0]") {
				t.Errorf("%T: error %q does not name action[0]", e, err)
			}
		}
		after := e.State()
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("%T: state changed by rejected actions: %v → %v", e, before, after)
			}
		}
	}
	p := &Pendulum{MaxTorque: -1}
	p.Reset(nil)
	if _, _, _, err := p.Step([]float64{0}); err == nil || !strings.Contains(err.Error(), "MaxTorque") {
		t.Errorf("negative MaxTorque: err = %v", err)
	}
	c := &CartPole{Horizon: -5}
	c.Reset(nil)
	if _, _, _, err := c.Step([]float64{0}); err == nil || !strings.Contains(err.Error(), "Horizon") {
		t.Errorf("negative Horizon: err = %v", err)
	}
}

// TestResetReproducible: the same stream gives the same start, and the
// start distribution covers its box.
func TestResetReproducible(t *testing.T) {
	a, b := NewPendulum(), NewPendulum()
	r1, r2 := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	minTh, maxTh, maxW := 0.0, 0.0, 0.0
	for k := 0; k < 500; k++ {
		a.Reset(r1)
		b.Reset(r2)
		sa, sb := a.State(), b.State()
		if sa[0] != sb[0] || sa[1] != sb[1] {
			t.Fatalf("same seed, different starts %v %v", sa, sb)
		}
		phi := sa[0] - math.Pi
		minTh, maxTh, maxW = math.Min(minTh, phi), math.Max(maxTh, phi), math.Max(maxW, math.Abs(sa[1]))
	}
	if minTh > -3 || maxTh < 3 || maxW > 1 || maxW < 0.95 {
		t.Errorf("starts: φ = θ − π in [%v, %v], |θ̇| ≤ %v; want U[−π, π] × U[−1, 1]", minTh, maxTh, maxW)
	}
	c := NewCartPole()
	for k := 0; k < 200; k++ {
		for i, x := range c.Reset(r1) {
			if math.Abs(x) > 0.05 {
				t.Fatalf("cart-pole start component %d = %v outside ±0.05", i, x)
			}
		}
	}
}
