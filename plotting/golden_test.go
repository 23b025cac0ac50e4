package plotting

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// Figures used by the golden and determinism tests. The data are fixed
// functions, not random, so the figures never change unless the code does.

func figLines() (*Figure, error) {
	n := 30
	x := make([]float64, n)
	cost, kl, eta := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i)
		cost[i] = 100*math.Exp(-0.2*float64(i)) + 1
		kl[i] = 5 / (1 + float64(i))
		eta[i] = 0.1 * math.Exp(0.1*float64(i))
	}
	return LinesLogY("Trust-region iterations", "iteration", "value", x,
		Series{Name: "cost", Y: cost}, Series{Name: "KL", Y: kl}, Series{Name: "η", Y: eta})
}

func figBands() (*Figure, error) {
	n := 50
	x := make([]float64, n)
	m1, s1, m2, s2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		t := float64(i) * 0.1
		x[i] = t
		m1[i], s1[i] = math.Sin(t), 0.05+0.04*t
		m2[i], s2[i] = 0.5*math.Cos(t), 0.1
	}
	return Bands("Trajectory distribution", "time [s]", "θ [rad]", x,
		Band{Name: "prior", Mean: m1, Std: s1}, Band{Name: "updated", Mean: m2, Std: s2, Sigmas: 2})
}

// figBandsLog is the cost over seeds of two methods on a log axis. The
// spread of the first is wider than its mean early on, so the lower edge of
// its band is clipped to a tenth of the mean there.
func figBandsLog() (*Figure, error) {
	n := 30
	x := make([]float64, n)
	m1, s1, m2, s2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		k := float64(i)
		x[i] = k
		m1[i] = 2000*math.Exp(-0.25*k) + 20
		s1[i] = 1.5 * m1[i] * math.Exp(-0.1*k)
		m2[i] = 2000*math.Exp(-0.12*k) + 50
		s2[i] = 0.15 * m2[i]
	}
	return BandsLogY("Cost over 10 seeds", "iteration", "cost of the mean controller", x,
		Band{Name: "with prior", Mean: m1, Std: s1}, Band{Name: "least squares", Mean: m2, Std: s2, Sigmas: 2})
}

func figTrajectories() (*Figure, error) {
	var a, b Path
	a.Name, b.Name = "iLQR", "MPC"
	for i := range 40 {
		s := float64(i) / 39
		a.X = append(a.X, s)
		a.Y = append(a.Y, s+0.35*math.Sin(math.Pi*s))
		b.X = append(b.X, s+0.3*math.Sin(math.Pi*s))
		b.Y = append(b.Y, s)
	}
	return Trajectories("Point mass", "x [m]", "y [m]", Scene{
		Paths:       []Path{a, b},
		Goals:       []Point{{X: 1, Y: 1}},
		Obstacles:   []Circle{{X: 0.5, Y: 0.5, R: 0.15}},
		EqualAspect: true,
	})
}

func figHeatmap() (*Figure, error) {
	m := mat.NewDense(3, 5, nil)
	for i := range 3 {
		for j := range 5 {
			m.Set(i, j, math.Sin(float64(i*5+j))*float64(i+1))
		}
	}
	return Heatmap("Feedback gain K", "state", "control", m)
}

// figHeatmapLabeled is a parameter sweep: horizon T (rows) against control
// weight r (columns), with the values printed in the cells.
func figHeatmapLabeled() (*Figure, error) {
	T := []float64{100, 150, 200, 300}
	r := []float64{0.001, 0.01, 0.1, 1}
	m := mat.NewDense(len(T), len(r), nil)
	for i, t := range T {
		for j, w := range r {
			m.Set(i, j, 0.2+0.6*math.Log10(w/0.001)/3+20/t)
		}
	}
	return HeatmapLabeled("Final cost", "control weight r", "horizon T", m, HeatmapOptions{
		RowLabels: []string{"100", "150", "200", "300"},
		ColLabels: []string{"0.001", "0.01", "0.1", "1"},
		Values:    "%.3f",
	})
}

func figImages() (*Figure, error) {
	const w, h = 12, 8
	var ims []Image
	for k := range 3 {
		im := Image{Title: fmt.Sprintf("frame %d", k), W: w, H: h, Pix: make([]float64, w*h)}
		for r := range h {
			for c := range w {
				d := math.Hypot(float64(c)-3-3*float64(k), float64(r)-4)
				im.Pix[r*w+c] = math.Max(0, 1-d/3)
			}
		}
		ims = append(ims, im)
	}
	return ImageGrid("Observations", 3, ims...)
}

func figTimeSeries() (*Figure, error) {
	n := 40
	t := make([]float64, n)
	var a, b Trace
	a.Name, b.Name = "planned", "executed"
	for k := range n {
		s := float64(k) * 0.05
		t[k] = s
		a.States = append(a.States, []float64{math.Pi * (1 - math.Exp(-s)), math.Pi * math.Exp(-s)})
		b.States = append(b.States, []float64{math.Pi * (1 - math.Exp(-1.1*s)), 1.1 * math.Pi * math.Exp(-1.1*s)})
		if k < n-1 {
			a.Controls = append(a.Controls, []float64{2 * math.Exp(-s)})
			b.Controls = append(b.Controls, []float64{2 * math.Exp(-s) * math.Cos(3*s)})
		}
	}
	return TimeSeries("Pendulum swing-up", "time [s]", t, []string{"θ [rad]", "ω [rad/s]"}, []string{"torque [N m]"}, a, b)
}

// figCartPole is a five-panel TimeSeries (four states, one control) of two
// traces, drawn in Slide style: too many panels for one column on a slide.
func figCartPole() (*Figure, error) {
	n := 60
	t := make([]float64, n)
	var plan, mpc Trace
	plan.Name, mpc.Name = "iLQR plan", "MPC, replanning every step"
	for k := range n {
		s := float64(k) * 0.04
		t[k] = s
		d := math.Exp(-1.5 * s)
		plan.States = append(plan.States, []float64{0.5 + s*d, 0.3 * d * math.Cos(3*s), d * (1 - 1.5*s), -d * (0.9*math.Cos(3*s) + 0.45*math.Sin(3*s))})
		mpc.States = append(mpc.States, []float64{0.5 + 1.05*s*d, 0.3 * d * math.Cos(2.8*s), 1.05 * d * (1 - 1.5*s), -d * 0.9 * math.Cos(2.8*s)})
		if k < n-1 {
			plan.Controls = append(plan.Controls, []float64{10 * d * math.Cos(4*s)})
			mpc.Controls = append(mpc.Controls, []float64{9.5 * d * math.Cos(3.8*s)})
		}
	}
	fig, err := TimeSeries("Cart-pole balance", "time [s]", t,
		[]string{"x [m]", "θ [rad]", "v [m/s]", "ω [rad/s]"}, []string{"force F [N]"}, plan, mpc)
	if err != nil {
		return nil, err
	}
	return fig.WithStyle(Slide), nil
}

var goldenFigures = []struct {
	name  string
	build func() (*Figure, error)
}{
	{"lines", figLines},
	{"bands", figBands},
	{"bands_log", figBandsLog},
	{"trajectories", figTrajectories},
	{"heatmap", figHeatmap},
	{"heatmap_labeled", figHeatmapLabeled},
	{"images", figImages},
	{"timeseries", figTimeSeries},
	{"cartpole_slide", figCartPole},
}

// TestGolden renders every builder's figure to PNG and compares it with
// testdata/<name>.png. Run `go test ./plotting -update` to accept changes,
// after looking at the new images.
func TestGolden(t *testing.T) {
	for _, g := range goldenFigures {
		t.Run(g.name, func(t *testing.T) {
			fig, err := g.build()
			if err != nil {
				t.Fatal(err)
			}
			got, err := fig.Render(PNG)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", g.name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			// Not byte-identical: allow tiny anti-aliasing differences that
			// another CPU architecture may produce, nothing visible.
			if msg := comparePNG(got, want); msg != "" {
				bad := filepath.Join(t.TempDir(), g.name+".png")
				os.WriteFile(bad, got, 0o644)
				t.Errorf("%s differs from golden: %s; new image in %s", path, msg, bad)
			}
		})
	}
}

// comparePNG returns "" if the two PNGs have the same size and at most
// 0.2% of pixels differ by more than 32 levels in some channel.
func comparePNG(a, b []byte) string {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return err.Error()
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return err.Error()
	}
	if ia.Bounds() != ib.Bounds() {
		return fmt.Sprintf("size %v, golden %v", ia.Bounds().Size(), ib.Bounds().Size())
	}
	r := ia.Bounds()
	bad := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if pixelDiff(ia, ib, x, y) > 32<<8 {
				bad++
			}
		}
	}
	if frac := float64(bad) / float64(r.Dx()*r.Dy()); frac > 0.002 {
		return fmt.Sprintf("%d of %d pixels differ", bad, r.Dx()*r.Dy())
	}
	return ""
}

func pixelDiff(a, b image.Image, x, y int) uint32 {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	d := uint32(0)
	for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
		if p[0] > p[1] {
			d = max(d, p[0]-p[1])
		} else {
			d = max(d, p[1]-p[0])
		}
	}
	return d
}
