package e2c

import (
	"math/rand/v2"
	"testing"
)

// randomData returns n transitions of random images of the given layout.
func randomData(n, w, h, frames, nu int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := &Dataset{Name: "random", Width: w, Height: h, Frames: frames}
	img := func() []float64 {
		v := make([]float64, w*h*frames)
		for i := range v {
			if rng.Float64() < 0.1 {
				v[i] = 1
			}
		}
		return v
	}
	for i := 0; i < n; i++ {
		u := make([]float64, nu)
		for j := range u {
			u[j] = 2*rng.Float64() - 1
		}
		d.X, d.XNext, d.U = append(d.X, img()), append(d.XNext, img()), append(d.U, u)
	}
	return d
}

// BenchmarkTrainStepPlanar is one Adam step of the planar model (40×40
// images, the paper's networks, batch 128).
func BenchmarkTrainStepPlanar(b *testing.B) {
	m, err := New(Config{Width: 40, Height: 40, Frames: 1, Action: 2})
	if err != nil {
		b.Fatal(err)
	}
	d := randomData(512, 40, 40, 1, 2, 1)
	tr, err := NewTrainer(m, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := tr.Train(d, TrainConfig{Steps: 1}); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := tr.Train(d, TrainConfig{Steps: 1 + b.N}); err != nil {
		b.Fatal(err)
	}
}
