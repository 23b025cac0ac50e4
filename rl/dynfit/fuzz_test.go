package dynfit

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// fuzzBytes reads a fuzz input: bytes while they last, then numbers from a
// generator seeded by the input, so that short inputs still give varied
// batches.
type fuzzBytes struct {
	b   []byte
	rng *rand.Rand
}

func newFuzzBytes(b []byte) *fuzzBytes {
	var seed [8]byte
	copy(seed[:], b)
	return &fuzzBytes{b: b, rng: rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:]), uint64(len(b))))}
}

// next returns the next byte (a random one past the end).
func (r *fuzzBytes) next() byte {
	if len(r.b) == 0 {
		return byte(r.rng.UintN(256))
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// value returns a sample value: mostly ordinary ones, some NaN, ±Inf,
// huge (1e200, whose squares overflow), tiny, or any float64 from the next
// eight bytes.
func (r *fuzzBytes) value() float64 {
	switch c := r.next(); c {
	case 250:
		return math.NaN()
	case 251:
		return math.Inf(1)
	case 252:
		return math.Inf(-1)
	case 253:
		return 1e200 * (float64(r.next()) - 127)
	case 254:
		return 1e-300 * (float64(r.next()) - 127)
	case 255:
		var raw [8]byte
		for i := range raw {
			raw[i] = r.next()
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(raw[:]))
	default:
		return (float64(c)-125)/25 + 0.1*r.rng.NormFloat64()
	}
}

// param returns a setting (reg or a strength) from a palette of good and
// bad ones.
func (r *fuzzBytes) param() float64 {
	return [...]float64{0, 1e-6, 1e-3, 1, 100, -1, math.NaN(), math.Inf(1), 1e300}[r.next()%9]
}

// batch returns N rollouts (1…6) of horizon T (1…4) with n (1…3) states and
// m (1…2) actions, made ragged one time in four.
func (r *fuzzBytes) batch() system.Batch {
	N, T, n, m := 1+int(r.next()%6), 1+int(r.next()%4), 1+int(r.next()%3), 1+int(r.next()%2)
	b := make(system.Batch, N)
	for i := range b {
		b[i] = system.NewTrajectory(n, m, T)
		for _, rows := range [][][]float64{b[i].X, b[i].U} {
			for _, row := range rows {
				for j := range row {
					row[j] = r.value()
				}
			}
		}
	}
	i := int(r.next()) % N
	switch r.next() % 16 {
	case 1:
		b[i].X[T] = b[i].X[T][:n-1]
	case 2:
		b[i].X = b[i].X[:T]
	case 3:
		b[i].U[0] = append(b[i].U[0], 0)
	case 4:
		b[i].U = nil
	}
	return b
}

// cleaned returns a copy of b with its non-finite and huge values replaced
// by ordinary ones, for a prior to learn from.
func cleaned(b system.Batch, r *fuzzBytes) system.Batch {
	c := make(system.Batch, len(b))
	for i, tr := range b {
		c[i] = tr.Clone()
		for _, rows := range [][][]float64{c[i].X, c[i].U} {
			for _, row := range rows {
				for j, v := range row {
					if !(math.Abs(v) < 1e6) {
						row[j] = r.rng.NormFloat64()
					}
				}
			}
		}
	}
	return c
}

// FuzzFitters feeds small random batches — NaN, Inf, huge and tiny values,
// ragged shapes, bad settings — to LeastSquares, FitBayesian and
// FitWithPrior with a GMM prior. Each must answer within a few seconds,
// without panicking, with an error or with finite dynamics.
func FuzzFitters(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 1, 2, 3, 4, 5, 6, 7},
		{5, 3, 1, 1, 0, 0, 1, 2},
		{5, 3, 2, 1, 100, 110, 120, 130, 140, 150, 250, 90, 0, 0},
		{4, 2, 1, 0, 253, 200, 253, 100, 253, 50, 120, 130, 0, 0},
		{3, 1, 0, 1, 254, 1, 254, 200, 110, 0, 1, 3, 4},
		{5, 3, 2, 1, 1, 1, 2, 4, 0, 8},
		{2, 0, 1, 0, 251, 252, 255, 0, 0, 0, 0, 0, 0, 240, 127, 0, 0},
		{5, 2, 2, 1, 10, 20, 30, 40, 50, 60, 70, 80, 0, 3, 7, 8},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzFitters(t, data)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer within 10 s for input %v", data)
		}
	})
}

// fuzzFitters runs the fitters on the batch data decodes to.
func fuzzFitters(t *testing.T, data []byte) {
	r := newFuzzBytes(data)
	b := r.batch()
	reg, strength := r.param(), r.param()
	check := func(what string, d *lqr.Dynamics, err error) {
		if err != nil {
			return
		}
		if _, _, _, err := d.Dims(); err != nil {
			t.Errorf("%s: no error, but %v", what, err)
		}
	}
	d, err := LeastSquares(b, reg)
	check("LeastSquares", d, err)
	d, err = FitBayesian(b, BayesPrior{Strength: strength})
	check("FitBayesian", d, err)
	d, err = FitBayesian(b, BayesPrior{Mean: d, Strength: strength})
	check("FitBayesian with a mean", d, err)

	gp, err := NewGMMPrior(GMMPriorConfig{MaxClusters: 2, MinSamplesPerCluster: 4, EM: GMMConfig{MaxIter: 10}, Seed: uint64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if gp.Update(b) != nil {
		_ = gp.Update(cleaned(b, r))
	}
	d, err = FitWithPrior(b, gp, reg)
	check("FitWithPrior", d, err)
}
