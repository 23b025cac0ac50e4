package e2c

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Image sizes of the two tasks, as in the paper.
const (
	// PlanarSize is the side of the planar task's images: 40×40 pixels,
	// 0.1 m each over system.Planar's default World.
	PlanarSize = 40
	// PendulumSize is the side of the pendulum's frames: 48×48 pixels.
	PendulumSize = 48
	// PendulumDataSpeed bounds the pendulum's angular velocity in
	// PendulumData's states, in rad/s: above the 6.3 rad/s with which the
	// default pendulum (m g l = 9.81 N·m, m l² = 1 kg·m²) must pass the
	// bottom to coast up to upright, so the data cover a swing-up.
	PendulumDataSpeed = 7.0
)

// dataChunk is the number of samples one random stream makes: sample i
// comes from the stream of chunk i / dataChunk, whichever goroutine runs
// it, so the data do not depend on the number of workers.
const dataChunk = 256

// ErrEmptyDataset is the error (wrapped) for a dataset with no transitions.
var ErrEmptyDataset = errors.New("e2c: empty dataset")

// PlanarData renders n transitions of the planar system sys as 40×40
// images (Frames 1): positions x_t uniform over free space (uniform over
// the positions where the agent lies in World, those overlapping an
// obstacle rejected), actions u_t uniform in the box [−MaxSpeed,
// MaxSpeed]², and x_{t+1} = Step(x_t, u_t), blocked moves included. Pixels
// are rounded to float32 (see Dataset.Save). The same seed gives the same
// data, whatever the number of CPUs.
//
// It returns an error for a nil or invalid sys, an infinite MaxSpeed (no
// box to sample from), n < 1 or a dataset above limits.MaxElements
// numbers, and when free space is too small to sample (fewer than 1 in
// 10⁴ candidate positions free).
func PlanarData(sys *system.Planar, n int, seed uint64) (*Dataset, error) {
	return planarData(sys, n, seed, PlanarSize, PlanarSize)
}

func planarData(sys *system.Planar, n int, seed uint64, w, h int) (*Dataset, error) {
	const fn = "e2c: PlanarData"
	if sys == nil {
		return nil, fmt.Errorf("%s: nil *system.Planar", fn)
	}
	if err := sys.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if math.IsInf(sys.MaxSpeed, 0) {
		return nil, fmt.Errorf("%s: MaxSpeed = %v, want a finite action box to sample from", fn, sys.MaxSpeed)
	}
	d, err := newDataset(fn, "planar", n, w, h, 1, 2, 2)
	if err != nil {
		return nil, err
	}
	r, wd := sys.AgentRadius, sys.World
	err = dataChunks(fn, n, seed, func(rng *rand.Rand, i int) error {
		x, u := d.State[i], d.U[i]
		for try := 0; ; try++ {
			if try == 10000 {
				return fmt.Errorf("no free position in 10000 tries: obstacles cover (almost) all of World = %+v", wd)
			}
			x[0] = wd.XMin + r + (wd.XMax-wd.XMin-2*r)*rng.Float64()
			x[1] = wd.YMin + r + (wd.YMax-wd.YMin-2*r)*rng.Float64()
			if ok, err := sys.Free(x); err != nil {
				return err
			} else if ok {
				break
			}
		}
		u[0] = sys.MaxSpeed * (2*rng.Float64() - 1)
		u[1] = sys.MaxSpeed * (2*rng.Float64() - 1)
		if err := sys.Step(d.StateNext[i], x, u); err != nil {
			return err
		}
		if err := renderFrame(sys, d.X[i], w, h, x); err != nil {
			return err
		}
		return renderFrame(sys, d.XNext[i], w, h, d.StateNext[i])
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// PendulumData renders n transitions of the pendulum p as pairs of 48×48
// frames (Frames 2), so that the velocity can be seen: it draws
// x_{t−1} = (θ, θ̇) uniform over [−π, π) × [−PendulumDataSpeed,
// PendulumDataSpeed] and torques u_{t−1}, u_t uniform in [−MaxTorque,
// MaxTorque], steps twice, x_t = f(x_{t−1}, u_{t−1}) and
// x_{t+1} = f(x_t, u_t), and stores
//
//	X = [frame(x_{t−1}), frame(x_t)],  U = u_t,  XNext = [frame(x_t), frame(x_{t+1})],
//	State = x_t,  StateNext = x_{t+1}.
//
// Pixels are rounded to float32 (see Dataset.Save). The same seed gives the
// same data, whatever the number of CPUs.
//
// It returns an error for a nil or invalid p, an infinite MaxTorque, n < 1
// or a dataset above limits.MaxElements numbers.
func PendulumData(p *system.Pendulum, n int, seed uint64) (*Dataset, error) {
	return pendulumData(p, n, seed, PendulumSize, PendulumSize)
}

func pendulumData(p *system.Pendulum, n int, seed uint64, w, h int) (*Dataset, error) {
	const fn = "e2c: PendulumData"
	if p == nil {
		return nil, fmt.Errorf("%s: nil *system.Pendulum", fn)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if math.IsInf(p.MaxTorque, 0) {
		return nil, fmt.Errorf("%s: MaxTorque = %v, want a finite action box to sample from", fn, p.MaxTorque)
	}
	d, err := newDataset(fn, "pendulum", n, w, h, 2, 1, 2)
	if err != nil {
		return nil, err
	}
	P := w * h
	err = dataChunks(fn, n, seed, func(rng *rand.Rand, i int) error {
		prev := []float64{math.Pi * (2*rng.Float64() - 1), PendulumDataSpeed * (2*rng.Float64() - 1)}
		uPrev := []float64{p.MaxTorque * (2*rng.Float64() - 1)}
		d.U[i][0] = p.MaxTorque * (2*rng.Float64() - 1)
		x, next := d.State[i], d.StateNext[i]
		if err := p.Step(x, prev, uPrev); err != nil {
			return err
		}
		if err := p.Step(next, x, d.U[i]); err != nil {
			return err
		}
		if err := renderFrame(p, d.X[i][:P], w, h, prev); err != nil {
			return err
		}
		if err := renderFrame(p, d.X[i][P:], w, h, x); err != nil {
			return err
		}
		copy(d.XNext[i][:P], d.X[i][P:])
		return renderFrame(p, d.XNext[i][P:], w, h, next)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// newDataset allocates a dataset of n transitions, each row a capped slice
// of one block per field (a few large allocations instead of 5n small).
func newDataset(fn, name string, n, w, h, frames, m, s int) (*Dataset, error) {
	if n < 1 {
		return nil, fmt.Errorf("%s: n = %d transitions, want ≥ 1", fn, n)
	}
	if err := limits.Check(fn, "n×2×width×height×frames", n, 2, w, h, frames); err != nil {
		return nil, err
	}
	d := &Dataset{Name: name, Width: w, Height: h, Frames: frames}
	P := d.Pixels()
	d.X, d.XNext = rowsOf(n, P), rowsOf(n, P)
	d.U = rowsOf(n, m)
	d.State, d.StateNext = rowsOf(n, s), rowsOf(n, s)
	return d, nil
}

// rowsOf returns n rows of length k sharing one backing array.
func rowsOf(n, k int) [][]float64 {
	back := make([]float64, n*k)
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = back[i*k : (i+1)*k : (i+1)*k]
	}
	return rows
}

// renderFrame renders x into dst with r and rounds the pixels to float32,
// the precision Dataset.Save stores.
func renderFrame(r system.Renderer, dst []float64, w, h int, x []float64) error {
	if err := r.Render(dst, w, h, x); err != nil {
		return err
	}
	for k, v := range dst {
		dst[k] = float64(float32(v))
	}
	return nil
}

// dataChunks calls sample(rng, i) for i = 0…n−1 on GOMAXPROCS goroutines;
// the samples of chunk c = i / dataChunk run in order on the random stream
// PCG(seed, c), so the result depends on the seed only. It returns the
// error of the lowest failing chunk.
func dataChunks(fn string, n int, seed uint64, sample func(rng *rand.Rand, i int) error) error {
	chunks := (n + dataChunk - 1) / dataChunk
	errs := make([]error, chunks)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				rng := rand.New(rand.NewPCG(seed, 0xe2c0da7a+uint64(c)))
				for i := c * dataChunk; i < min(n, (c+1)*dataChunk); i++ {
					if err := sample(rng, i); err != nil {
						errs[c] = fmt.Errorf("%s: sample %d: %w", fn, i, err)
						break
					}
				}
			}
		}()
	}
	for c := range chunks {
		next <- c
	}
	close(next)
	wg.Wait()
	return firstErr(errs)
}

// firstErr returns the first non-nil error of errs, or nil.
func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Check returns an error naming the first problem of d: no transitions
// (ErrEmptyDataset), a bad image layout, rows of X, U, XNext (and State,
// StateNext when present: they may be both empty) whose count differs from
// len(X), an image of the wrong length or with a pixel outside [0, 1] (NaN
// included), actions or states of unequal lengths or not finite.
func (d *Dataset) Check() error {
	if nilcheck.IsNil(d) {
		return errors.New("e2c: Dataset.Check: nil *Dataset")
	}
	n := len(d.X)
	if n == 0 {
		return fmt.Errorf("%w %q: no transitions", ErrEmptyDataset, d.Name)
	}
	if d.Width < 1 || d.Height < 1 || d.Width > system.MaxImageSide || d.Height > system.MaxImageSide || d.Frames < 1 || d.Frames > 16 {
		return fmt.Errorf("e2c: dataset %q: image layout %d×%d×%d frames, want width and height in [1, %d] and 1 to 16 frames", d.Name, d.Width, d.Height, d.Frames, system.MaxImageSide)
	}
	if len(d.U) != n || len(d.XNext) != n {
		return fmt.Errorf("e2c: dataset %q: %d images X, %d actions U, %d images XNext, want as many of each", d.Name, n, len(d.U), len(d.XNext))
	}
	if (len(d.State) != 0 || len(d.StateNext) != 0) && (len(d.State) != n || len(d.StateNext) != n) {
		return fmt.Errorf("e2c: dataset %q: %d transitions but %d states and %d next states, want %d of each (or none)", d.Name, n, len(d.State), len(d.StateNext), n)
	}
	P := d.Pixels()
	for _, set := range []struct {
		name string
		rows [][]float64
	}{{"X", d.X}, {"XNext", d.XNext}} {
		for i, img := range set.rows {
			if len(img) != P {
				return fmt.Errorf("e2c: dataset %q: %s[%d] has %d pixels, want %d×%d×%d = %d", d.Name, set.name, i, len(img), d.Width, d.Height, d.Frames, P)
			}
			for k, v := range img {
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("e2c: dataset %q: pixel %s[%d][%d] = %v, want a value in [0, 1]", d.Name, set.name, i, k, v)
				}
			}
		}
	}
	for _, set := range []struct {
		name string
		rows [][]float64
	}{{"U", d.U}, {"State", d.State}, {"StateNext", d.StateNext}} {
		if len(set.rows) == 0 {
			continue
		}
		m := len(set.rows[0])
		if m == 0 {
			return fmt.Errorf("e2c: dataset %q: %s[0] is empty", d.Name, set.name)
		}
		for i, row := range set.rows {
			if err := system.CheckVec(fmt.Sprintf("%s[%d]", set.name, i), row, m); err != nil {
				return fmt.Errorf("e2c: dataset %q: %w", d.Name, err)
			}
		}
	}
	if len(d.State) > 0 && len(d.State[0]) != len(d.StateNext[0]) {
		return fmt.Errorf("e2c: dataset %q: states have length %d but next states %d", d.Name, len(d.State[0]), len(d.StateNext[0]))
	}
	return nil
}

// Split returns the first ⌊frac·N⌉ transitions as train and the rest as
// test (the transitions are independent draws, so no shuffling is
// needed). Both share d's rows. It returns an error when frac is not in
// (0, 1) or either part would be empty.
func (d *Dataset) Split(frac float64) (train, test *Dataset, err error) {
	if nilcheck.IsNil(d) {
		return nil, nil, errors.New("e2c: Dataset.Split: nil *Dataset")
	}
	n := d.Len()
	k := int(math.Round(frac * float64(n)))
	if !(frac > 0 && frac < 1) || k < 1 || k >= n {
		return nil, nil, fmt.Errorf("e2c: Dataset.Split: frac = %v of %d transitions, want a fraction in (0, 1) leaving both parts non-empty", frac, n)
	}
	part := func(lo, hi int) *Dataset {
		p := &Dataset{Name: d.Name, Width: d.Width, Height: d.Height, Frames: d.Frames,
			X: d.X[lo:hi:hi], U: d.U[lo:hi:hi], XNext: d.XNext[lo:hi:hi]}
		if len(d.State) == n && len(d.StateNext) == n {
			p.State, p.StateNext = d.State[lo:hi:hi], d.StateNext[lo:hi:hi]
		}
		return p
	}
	return part(0, k), part(k, n), nil
}
