package system

import (
	"math"
	"strings"
	"testing"
)

// moments returns the total intensity of img and its centroid in pixel
// coordinates (pixel centres at +0.5).
func moments(img []float64, width int) (mass, cx, cy float64) {
	for k, v := range img {
		mass += v
		cx += v * (float64(k%width) + 0.5)
		cy += v * (float64(k/width) + 0.5)
	}
	return mass, cx / mass, cy / mass
}

func checkRange(t *testing.T, img []float64) {
	t.Helper()
	for k, v := range img {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("pixel %d = %v outside [0, 1]", k, v)
		}
	}
}

// TestPendulumRender checks that the rod's intensity is centred halfway
// between the pivot (image centre) and the tip: a rod with two round caps
// is symmetric about its midpoint, so only the pixel grid's sampling moves
// the centroid, by well under half a pixel.
func TestPendulumRender(t *testing.T) {
	p := NewPendulum()
	for _, size := range [][2]int{{48, 48}, {64, 32}, {31, 47}} {
		w, h := size[0], size[1]
		img := make([]float64, w*h)
		r := p.ImageRodLength * float64(min(w, h)) / 2
		for _, theta := range []float64{0, 0.7, math.Pi / 2, 2, math.Pi, -2.5, 10} {
			if err := p.Render(img, w, h, []float64{theta, 3}); err != nil {
				t.Fatal(err)
			}
			checkRange(t, img)
			mass, cx, cy := moments(img, w)
			wantX := float64(w)/2 + r/2*math.Sin(theta)
			wantY := float64(h)/2 + r/2*math.Cos(theta)
			if math.Hypot(cx-wantX, cy-wantY) > 0.5 {
				t.Errorf("%d×%d, θ = %v: centroid (%.2f, %.2f), want (%.2f, %.2f)", w, h, theta, cx, cy, wantX, wantY)
			}
			// Area ≈ length × thickness + a disc for the two half caps.
			hw := p.ImageRodWidth * float64(min(w, h)) / 2
			area := r*2*hw + math.Pi*hw*hw
			if math.Abs(mass-area) > 0.1*area {
				t.Errorf("%d×%d, θ = %v: intensity %.1f, want ≈ %.1f", w, h, theta, mass, area)
			}
			// The pixel under the tip is lit.
			tx, ty := float64(w)/2+0.9*r*math.Sin(theta), float64(h)/2+0.9*r*math.Cos(theta)
			if v := img[int(ty)*w+int(tx)]; v < 0.5 {
				t.Errorf("%d×%d, θ = %v: pixel near the tip = %v", w, h, theta, v)
			}
		}
	}
	// Hanging down lights the lower half only; upright the upper half.
	img := make([]float64, 48*48)
	_ = p.Render(img, 48, 48, []float64{0, 0})
	if _, _, cy := moments(img, 48); cy <= 24 {
		t.Errorf("θ = 0: centroid row %v, want below the centre", cy)
	}
	_ = p.Render(img, 48, 48, []float64{math.Pi, 0})
	if _, _, cy := moments(img, 48); cy >= 24 {
		t.Errorf("θ = π: centroid row %v, want above the centre", cy)
	}
}

func TestPointMassRender(t *testing.T) {
	p := NewPointMass()
	const w, h = 40, 40
	img := make([]float64, w*h)
	toPix := func(x, y float64) (float64, float64) {
		return (x - p.World.XMin) / (p.World.XMax - p.World.XMin) * w, (p.World.YMax - y) / (p.World.YMax - p.World.YMin) * h
	}
	rpx := p.AgentRadius * w / (p.World.XMax - p.World.XMin)
	for _, pos := range [][2]float64{{0, 0}, {1, -2}, {-2.3, 2.1}, {0.37, 0.81}} {
		if err := p.Render(img, w, h, []float64{pos[0], pos[1], 1, 1}); err != nil {
			t.Fatal(err)
		}
		checkRange(t, img)
		mass, cx, cy := moments(img, w)
		wx, wy := toPix(pos[0], pos[1])
		if math.Hypot(cx-wx, cy-wy) > 0.3 {
			t.Errorf("agent at %v: centroid (%.2f, %.2f), want (%.2f, %.2f)", pos, cx, cy, wx, wy)
		}
		if area := math.Pi * rpx * rpx; math.Abs(mass-area) > 0.15*area {
			t.Errorf("agent at %v: intensity %.2f, want ≈ disc area %.2f", pos, mass, area)
		}
	}
	// Obstacles in gray, the agent drawn over them in white.
	p.Obstacles = []Circle{{X: -1.5, Y: 1.5, R: 0.6}, {X: 1.5, Y: -1, R: 0.9}}
	if err := p.Render(img, w, h, []float64{1.5, -1, 0, 0}); err != nil {
		t.Fatal(err)
	}
	checkRange(t, img)
	ox, oy := toPix(-1.5, 1.5)
	if v := img[int(oy)*w+int(ox)]; v != obstacleShade {
		t.Errorf("pixel at obstacle 0's centre = %v, want %v", v, obstacleShade)
	}
	ax, ay := toPix(1.5, -1)
	if v := img[int(ay)*w+int(ax)]; v != 1 {
		t.Errorf("pixel at the agent on obstacle 1 = %v, want 1", v)
	}
	// An obstacle pixel next to the agent stays gray.
	if v := img[int(ay)*w+int(ax)+4]; v != obstacleShade {
		t.Errorf("pixel beside the agent inside obstacle 1 = %v, want %v", v, obstacleShade)
	}
	// An agent outside World is clipped away; obstacles remain.
	p.Obstacles = nil
	_ = p.Render(img, w, h, []float64{10, 10, 0, 0})
	if mass, _, _ := moments(img, w); mass != 0 {
		t.Errorf("agent outside World drew intensity %v", mass)
	}
	// A non-square image stretches the world.
	img2 := make([]float64, 60*30)
	if err := p.Render(img2, 60, 30, []float64{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if _, cx, cy := moments(img2, 60); math.Abs(cx-30) > 0.3 || math.Abs(cy-15) > 0.3 {
		t.Errorf("60×30: centroid (%v, %v), want (30, 15)", cx, cy)
	}
}

func TestRenderBadArguments(t *testing.T) {
	renderers := map[string]struct {
		r Renderer
		x []float64
	}{
		"pendulum":   {NewPendulum(), []float64{0, 0}},
		"point mass": {NewPointMass(), []float64{0, 0, 0, 0}},
	}
	for name, rc := range renderers {
		n := len(rc.x)
		cases := []struct {
			what string
			img  []float64
			w, h int
			x    []float64
			want string
		}{
			{"zero width", nil, 0, 40, rc.x, "image size"},
			{"negative height", make([]float64, 40), 40, -1, rc.x, "image size"},
			{"huge", nil, MaxImageSide + 1, 1, rc.x, "image size"},
			{"short img", make([]float64, 40*40-1), 40, 40, rc.x, "img has length"},
			{"short x", make([]float64, 16), 4, 4, rc.x[:n-1], "x has length"},
			{"NaN x", make([]float64, 16), 4, 4, append([]float64{math.NaN()}, rc.x[1:]...), "NaN"},
		}
		for _, c := range cases {
			if err := rc.r.Render(c.img, c.w, c.h, c.x); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: Render with %s: error %v, want one mentioning %q", name, c.what, err, c.want)
			}
		}
	}
	p := NewPendulum()
	p.ImageRodLength = 0
	if err := p.Render(make([]float64, 16), 4, 4, []float64{0, 0}); err == nil {
		t.Error("pendulum Render with ImageRodLength = 0: no error")
	}
	p = NewPendulum()
	p.ImageRodWidth = math.Inf(1)
	if err := p.Render(make([]float64, 16), 4, 4, []float64{0, 0}); err == nil {
		t.Error("pendulum Render with infinite ImageRodWidth: no error")
	}
	pm := NewPointMass()
	pm.World = Rect{XMin: 1, XMax: 0, YMin: -1, YMax: 1}
	if err := pm.Render(make([]float64, 16), 4, 4, []float64{0, 0, 0, 0}); err == nil || !strings.Contains(err.Error(), "World") {
		t.Errorf("point mass Render with empty World: %v", err)
	}
	pm = NewPointMass()
	pm.Obstacles = []Circle{{0, 0, math.NaN()}}
	if err := pm.Render(make([]float64, 16), 4, 4, []float64{0, 0, 0, 0}); err == nil {
		t.Error("point mass Render with NaN obstacle radius: no error")
	}
	var nilPM *PointMass
	if err := nilPM.Render(make([]float64, 16), 4, 4, []float64{0, 0, 0, 0}); err == nil {
		t.Error("nil point mass Render: no error")
	}
}

func TestNilHelpers(t *testing.T) {
	var p *Pendulum
	if err := p.Render(make([]float64, 16), 4, 4, []float64{0, 0}); err == nil {
		t.Error("nil pendulum Render: no error")
	}
	if _, err := p.Energy([]float64{0, 0}); err == nil {
		t.Error("nil pendulum Energy: no error")
	}
	if _, err := NewPendulum().Energy([]float64{0, math.Inf(1)}); err == nil {
		t.Error("Energy with infinite θ̇: no error")
	}
	var a *Arm2Link
	x := make([]float64, 4)
	if _, _, err := a.EndEffector(x); err == nil {
		t.Error("nil arm EndEffector: no error")
	}
	if err := a.EndEffectorJacobian(make([]float64, 8), x); err == nil {
		t.Error("nil arm EndEffectorJacobian: no error")
	}
	if err := a.EndEffectorHessians(make([]float64, 16), make([]float64, 16), x); err == nil {
		t.Error("nil arm EndEffectorHessians: no error")
	}
}
