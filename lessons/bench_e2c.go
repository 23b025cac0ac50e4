package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/e2c"
)

// benchE2CTrainStep times Adam steps of lesson 07's planar E2C model on
// its training data (the stored run's networks and batch size); `make
// bench` reports steps per second, the figure behind the stored run's
// training time.
func benchE2CTrainStep(b *testing.B) {
	s := E2CPlanar(false)
	d, err := s.Data()
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := s.Config(e2c.E2C)
	if err != nil {
		b.Fatal(err)
	}
	m, err := e2c.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := e2c.NewTrainer(m, s.TrainSeed)
	if err != nil {
		b.Fatal(err)
	}
	tc := s.TrainConfig(nil)
	tc.Steps = 1 // compiles the step's graph outside the timing
	if err := tr.Train(d, tc); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	tc.Steps = 1 + b.N
	if err := tr.Train(d, tc); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
