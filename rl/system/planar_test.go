package system

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// TestPlanarFreeMove: away from obstacles and walls the step is exactly
// x + Δt·u (the same floating-point expression, so tolerance 0), also when
// next aliases x.
func TestPlanarFreeMove(t *testing.T) {
	p := NewPlanar()
	p.TimeStep = 0.5
	for _, c := range [][4]float64{{1, 1, 0.2, -0.1}, {0.5, 0.6, -0.2, 0.2}, {-1.7, 0.3, 0.05, 0}, {1.6, -1.7, 0, 0}} {
		x, u := []float64{c[0], c[1]}, []float64{c[2], c[3]}
		next := make([]float64, 2)
		if err := p.Step(next, x, u); err != nil {
			t.Fatal(err)
		}
		want := []float64{x[0] + p.TimeStep*u[0], x[1] + p.TimeStep*u[1]}
		if next[0] != want[0] || next[1] != want[1] {
			t.Errorf("Step(%v, %v) = %v, want %v", x, u, next, want)
		}
		if b, err := p.Blocked(x, u); err != nil || b {
			t.Errorf("Blocked(%v, %v) = %v, %v, want false", x, u, b, err)
		}
		if err := p.Step(x, x, u); err != nil || x[0] != want[0] || x[1] != want[1] {
			t.Errorf("Step aliased: %v, %v, want %v", x, err, want)
		}
	}
}

// TestPlanarBlockedMove: moves into an obstacle, through one, or out of
// World leave the agent where it is; leaving an obstacle the agent already
// overlaps is allowed.
func TestPlanarBlockedMove(t *testing.T) {
	p := &Planar{TimeStep: 1, MaxSpeed: math.Inf(1), AgentRadius: 0.1,
		Obstacles: []Circle{{X: 0, Y: 0, R: 0.3}}, World: Rect{XMin: -2, XMax: 2, YMin: -2, YMax: 2}}
	cases := []struct {
		name    string
		x, u    []float64
		blocked bool
	}{
		{"into the obstacle", []float64{-0.45, 0}, []float64{0.1, 0}, true},
		{"just short of touching", []float64{-0.5, 0}, []float64{0.09, 0}, false},
		{"through its edge", []float64{-0.5, 0.3}, []float64{1, 0}, true},
		{"past its edge", []float64{-0.5, 0.41}, []float64{1, 0}, false},
		{"out of World", []float64{1.85, 0}, []float64{0.1, 0}, true},
		{"along the wall", []float64{1.85, 0}, []float64{0, 0.1}, false},
		{"out of an overlapped obstacle", []float64{0.1, 0}, []float64{0.5, 0}, false},
		{"within an overlapped obstacle", []float64{0.1, 0}, []float64{0.05, 0}, true},
	}
	for _, c := range cases {
		next := make([]float64, 2)
		if err := p.Step(next, c.x, c.u); err != nil {
			t.Fatal(err)
		}
		moved := next[0] != c.x[0] || next[1] != c.x[1]
		if moved == c.blocked {
			t.Errorf("%s: Step(%v, %v) = %v, want blocked = %v", c.name, c.x, c.u, next, c.blocked)
		}
		if b, err := p.Blocked(c.x, c.u); err != nil || b != c.blocked {
			t.Errorf("%s: Blocked = %v, %v, want %v", c.name, b, err, c.blocked)
		}
	}
}

// TestPlanarStaysFree: from free starts, random actions in the box never
// take the agent out of free space (the invariant the blocking keeps).
func TestPlanarStaysFree(t *testing.T) {
	p := NewPlanar()
	p.MaxSpeed = 0.5 // faster than the default, to probe tunnelling
	rng := rand.New(rand.NewPCG(1, 2))
	x, u := make([]float64, 2), make([]float64, 2)
	blocked := 0
	for run := 0; run < 50; run++ {
		for {
			x[0], x[1] = -2+4*rng.Float64(), -2+4*rng.Float64()
			if ok, _ := p.Free(x); ok {
				break
			}
		}
		for k := 0; k < 200; k++ {
			u[0], u[1] = p.MaxSpeed*(2*rng.Float64()-1), p.MaxSpeed*(2*rng.Float64()-1)
			if b, _ := p.Blocked(x, u); b {
				blocked++
			}
			if err := p.Step(x, x, u); err != nil {
				t.Fatal(err)
			}
			if ok, err := p.Free(x); err != nil || !ok {
				t.Fatalf("run %d step %d: x = %v not free (%v)", run, k, x, err)
			}
		}
	}
	if blocked == 0 {
		t.Error("no move was blocked in 10 000 random steps: the test does not reach the obstacles")
	}
}

// TestPlanarJacobians: on free motion A = I and B = Δt·I match central
// differences of Step; the step is affine there, so the differences are
// exact up to rounding (1e-9 with h = 1e-6 on values of order 1).
func TestPlanarJacobians(t *testing.T) {
	p := NewPlanar()
	p.TimeStep = 0.7
	x, u := []float64{1, 0.8}, []float64{0.1, -0.15}
	A, B := make([]float64, 4), make([]float64, 4)
	Af, Bf := make([]float64, 4), make([]float64, 4)
	if err := p.Jacobians(A, B, x, u); err != nil {
		t.Fatal(err)
	}
	if err := FiniteDiffJacobians(p, Af, Bf, x, u, 1e-6); err != nil {
		t.Fatal(err)
	}
	for i := range A {
		if math.Abs(A[i]-Af[i]) > 1e-9 || math.Abs(B[i]-Bf[i]) > 1e-9 {
			t.Fatalf("A = %v B = %v, finite differences A = %v B = %v", A, B, Af, Bf)
		}
	}
	if A[0] != 1 || A[1] != 0 || A[2] != 0 || A[3] != 1 || B[0] != 0.7 || B[1] != 0 || B[2] != 0 || B[3] != 0.7 {
		t.Errorf("A = %v, B = %v, want I and 0.7·I", A, B)
	}
}

// TestPlanarPenetration: depth = R + r − |p − c| (closed form) for the
// deepest obstacle; Free also excludes positions whose disc leaves World.
func TestPlanarPenetration(t *testing.T) {
	p := NewPlanar()
	p.Obstacles = []Circle{{X: 0, Y: 0, R: 0.3}, {X: 1, Y: 0, R: 0.2}}
	d, i, err := p.Penetration([]float64{0.75, 0})
	if err != nil || i != 1 || math.Abs(d-(0.3-0.25)) > 1e-15 {
		t.Errorf("Penetration at (0.75, 0) = %v, %d, %v, want 0.05 in obstacle 1", d, i, err)
	}
	d, i, _ = p.Penetration([]float64{0.5, 0})
	if i != -1 || d != 0 {
		t.Errorf("Penetration at (0.5, 0) (touching nothing) = %v, %d, want 0, −1", d, i)
	}
	for _, c := range []struct {
		x          []float64
		coll, free bool
	}{
		{[]float64{0.2, 0}, true, false},
		{[]float64{0.5, 0.5}, false, true},
		{[]float64{1.95, 1}, false, false}, // disc crosses the wall x = 2
		{[]float64{-3, 0}, false, false},
	} {
		coll, err1 := p.InCollision(c.x)
		free, err2 := p.Free(c.x)
		if err1 != nil || err2 != nil || coll != c.coll || free != c.free {
			t.Errorf("x = %v: InCollision %v (%v), Free %v (%v), want %v, %v", c.x, coll, err1, free, err2, c.coll, c.free)
		}
	}
	// The default layout leaves the goal corner free and Validate passes.
	q := NewPlanar()
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := q.Free([]float64{1.4, 1.4}); !ok {
		t.Error("(1.4, 1.4) is not free in the default layout")
	}
}

// TestPlanarRender: the agent's intensity centroid is at its position
// (within 0.3 px, as for PointMass: the disc is symmetric, only pixel
// sampling moves the centroid) and its mass is the disc's area (±15%,
// anti-aliasing of a 1-pixel disc); obstacles are gray, the agent white
// over them.
func TestPlanarRender(t *testing.T) {
	p := NewPlanar()
	p.Obstacles = nil
	p.AgentRadius = 0.15
	const w, h = 40, 40
	img := make([]float64, w*h)
	rpx := p.AgentRadius * w / 4
	for _, pos := range [][2]float64{{0, 0}, {1.4, 1.4}, {-1.23, 0.57}, {0.81, -1.66}} {
		if err := p.Render(img, w, h, pos[:]); err != nil {
			t.Fatal(err)
		}
		checkRange(t, img)
		mass, cx, cy := moments(img, w)
		wx, wy := (pos[0]+2)*10, (2-pos[1])*10 // 0.1 m pixels, row 0 at y = 2
		if math.Hypot(cx-wx, cy-wy) > 0.3 {
			t.Errorf("agent at %v: centroid (%.2f, %.2f), want (%.2f, %.2f)", pos, cx, cy, wx, wy)
		}
		if area := math.Pi * rpx * rpx; math.Abs(mass-area) > 0.15*area {
			t.Errorf("agent at %v: intensity %.2f, want ≈ disc area %.2f", pos, mass, area)
		}
	}
	q := NewPlanar()
	if err := q.Render(img, w, h, []float64{1.4, 1.4}); err != nil {
		t.Fatal(err)
	}
	checkRange(t, img)
	for i, o := range q.Obstacles {
		if v := img[int((2-o.Y)*10)*w+int((o.X+2)*10)]; v != obstacleShade {
			t.Errorf("pixel at obstacle %d's centre = %v, want %v", i, v, obstacleShade)
		}
	}
	if v := img[int((2-1.4)*10)*w+int((1.4+2)*10)]; v < 0.5 {
		t.Errorf("pixel at the agent = %v, want ≥ 0.5", v)
	}
}

// TestPlanarBadInput: bad parameters and arguments are errors naming the
// bad value.
func TestPlanarBadInput(t *testing.T) {
	nan := math.NaN()
	with := func(f func(p *Planar)) *Planar { p := NewPlanar(); f(p); return p }
	var nilP *Planar
	two := []float64{0, 0}
	validate := func(p *Planar) func() error { return p.Validate }
	cases := []badtest.Case{
		badtest.Err("nan", "TimeStep NaN", validate(with(func(p *Planar) { p.TimeStep = nan })), "TimeStep = NaN"),
		badtest.Err("nan", "TimeStep 0", validate(with(func(p *Planar) { p.TimeStep = 0 })), "TimeStep = 0"),
		badtest.Err("nan", "MaxSpeed NaN", validate(with(func(p *Planar) { p.MaxSpeed = nan })), "MaxSpeed = NaN"),
		badtest.Err("nan", "MaxSpeed -1", validate(with(func(p *Planar) { p.MaxSpeed = -1 })), "MaxSpeed = -1"),
		badtest.Err("nan", "AgentRadius -Inf", validate(with(func(p *Planar) { p.AgentRadius = math.Inf(-1) })), "AgentRadius = -Inf"),
		badtest.Err("nan", "obstacle centre NaN", validate(with(func(p *Planar) { p.Obstacles[2].Y = nan })), "Obstacles[2]", "NaN"),
		badtest.Err("nan", "obstacle radius -1", validate(with(func(p *Planar) { p.Obstacles[1].R = -1 })), "Obstacles[1].R = -1"),
		badtest.Err("nan", "obstacle radius overflows", validate(with(func(p *Planar) { p.Obstacles[0].R, p.AgentRadius = math.MaxFloat64, math.MaxFloat64 })), "Obstacles[0].R"),
		badtest.Err("nan", "World NaN", validate(with(func(p *Planar) { p.World.XMax = nan })), "World", "NaN"),
		badtest.Err("nan", "World span overflows", validate(with(func(p *Planar) { p.World.XMin, p.World.XMax = -math.MaxFloat64, math.MaxFloat64 })), "World"),
		badtest.Err("ragged", "World inverted", validate(with(func(p *Planar) { p.World.YMin = 3 })), "World", "YMin:3"),
		badtest.Err("ragged", "World narrower than the agent", validate(with(func(p *Planar) { p.AgentRadius = 2 })), "2·AgentRadius = 4"),
		badtest.Err("nan", "Step NaN x", func() error { return NewPlanar().Step(make([]float64, 2), []float64{nan, 0}, two) }, "x[0] = NaN"),
		badtest.Err("nan", "Step Inf u", func() error { return NewPlanar().Step(make([]float64, 2), two, []float64{0, math.Inf(1)}) }, "u[1] = +Inf"),
		badtest.Err("nan", "Step bad TimeStep", func() error {
			return with(func(p *Planar) { p.TimeStep = nan }).Step(make([]float64, 2), two, two)
		}, "TimeStep = NaN"),
		badtest.Err("ragged", "Step short next", func() error { return NewPlanar().Step(make([]float64, 1), two, two) }, "next has length 1"),
		badtest.Err("ragged", "Step long u", func() error { return NewPlanar().Step(make([]float64, 2), two, make([]float64, 3)) }, "u has length 3"),
		badtest.Err("ragged", "Jacobians short B", func() error { return NewPlanar().Jacobians(make([]float64, 4), make([]float64, 2), two, two) }, "B has length 2"),
		badtest.Err("nan", "Jacobians NaN u", func() error {
			return NewPlanar().Jacobians(make([]float64, 4), make([]float64, 4), two, []float64{nan, 0})
		}, "u[0] = NaN"),
		badtest.Err("nan", "Blocked NaN u", func() error { _, err := NewPlanar().Blocked(two, []float64{0, nan}); return err }, "u[1] = NaN"),
		badtest.Err("ragged", "Blocked short x", func() error { _, err := NewPlanar().Blocked([]float64{0}, two); return err }, "x has length 1"),
		badtest.Err("nan", "Penetration NaN x", func() error { _, _, err := NewPlanar().Penetration([]float64{0, nan}); return err }, "x[1] = NaN"),
		badtest.Err("nan", "Free bad obstacle", func() error {
			_, err := with(func(p *Planar) { p.Obstacles[3].R = nan }).Free(two)
			return err
		}, "Obstacles[3].R = NaN"),
		badtest.Err("ragged", "Render short img", func() error { return NewPlanar().Render(make([]float64, 10), 4, 4, two) }, "img has length 10"),
		badtest.Err("ragged", "Render zero width", func() error { return NewPlanar().Render(nil, 0, 4, two) }, "image size 0×4"),
		badtest.Err("ragged", "Render state of PointMass", func() error { return NewPlanar().Render(make([]float64, 16), 4, 4, make([]float64, 4)) }, "x has length 4"),
		badtest.Err("nil", "Validate nil", func() error { return nilP.Validate() }, "nil *Planar"),
		badtest.Err("nil", "Step nil", func() error { return nilP.Step(make([]float64, 2), two, two) }, "nil *Planar"),
		badtest.Err("nil", "Jacobians nil", func() error { return nilP.Jacobians(make([]float64, 4), make([]float64, 4), two, two) }, "nil *Planar"),
		badtest.Err("nil", "InCollision nil", func() error { _, err := nilP.InCollision(two); return err }, "nil *Planar"),
		badtest.Err("nil", "Free nil", func() error { _, err := nilP.Free(two); return err }, "nil *Planar"),
		badtest.Err("nil", "Blocked nil", func() error { _, err := nilP.Blocked(two, two); return err }, "nil *Planar"),
		badtest.Err("nil", "Render nil", func() error { return nilP.Render(make([]float64, 16), 4, 4, two) }, "nil *Planar"),
	}
	badtest.Run(t, cases)
}

// Move the planar agent right at full speed towards an obstacle: the
// third move would overlap it, so it is blocked and the agent stays put.
func ExamplePlanar() {
	p := NewPlanar()
	o := p.Obstacles[1] // (−0.3, −0.2), radius 0.3 m
	x := []float64{o.X - o.R - p.AgentRadius - 0.5, o.Y}
	u := []float64{p.MaxSpeed, 0}
	for k := 1; k <= 4; k++ {
		blocked, _ := p.Blocked(x, u)
		if err := p.Step(x, x, u); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: x = (%.2f, %.2f) m, blocked %v\n", k, x[0], x[1], blocked)
	}
	// Output:
	// step 1: x = (-1.00, -0.20) m, blocked false
	// step 2: x = (-0.80, -0.20) m, blocked false
	// step 3: x = (-0.80, -0.20) m, blocked true
	// step 4: x = (-0.80, -0.20) m, blocked true
}

// TestPlanarSlide checks the sliding contact: pushed at an angle into an
// obstacle the agent moves by the tangential part of the push (computed
// here from the contact normal), pushed at the centre it stays, and pushed
// at a wall it moves along the wall.
func TestPlanarSlide(t *testing.T) {
	p := NewPlanar()
	p.Obstacles = []Circle{{X: 0, Y: 0, R: 0.3}}
	p.Slide = true
	reach := 0.3 + p.AgentRadius
	// Touching the obstacle from the left, pushed right and up.
	x := []float64{-reach - 1e-9, 0}
	u := []float64{0.2, 0.1}
	next := make([]float64, 2)
	if err := p.Step(next, x, u); err != nil {
		t.Fatal(err)
	}
	// Normal (−1, 0): the push's x part goes into the obstacle and is
	// dropped; the y part, 0.1 m, is made. Exact arithmetic up to 1e-12.
	if math.Abs(next[0]-x[0]) > 1e-12 || math.Abs(next[1]-0.1) > 1e-12 {
		t.Errorf("slide: next = %v, want [%v 0.1]", next, x[0])
	}
	// Straight at the centre: the tangential part is zero, it stays.
	if err := p.Step(next, x, []float64{0.2, 0}); err != nil {
		t.Fatal(err)
	}
	if next[0] != x[0] || next[1] != x[1] {
		t.Errorf("head-on: next = %v, want %v", next, x)
	}
	// Without Slide the angled push is blocked.
	p.Slide = false
	if err := p.Step(next, x, u); err != nil {
		t.Fatal(err)
	}
	if next[0] != x[0] || next[1] != x[1] {
		t.Errorf("no slide: next = %v, want %v", next, x)
	}
	// At the right wall, pushed right and down: moves down only.
	p.Slide = true
	w := []float64{2 - p.AgentRadius - 0.05, 0.5}
	if err := p.Step(next, w, []float64{0.2, -0.2}); err != nil {
		t.Fatal(err)
	}
	if next[0] != w[0] || math.Abs(next[1]-0.3) > 1e-12 {
		t.Errorf("wall: next = %v, want [%v 0.3]", next, w[0])
	}
}
