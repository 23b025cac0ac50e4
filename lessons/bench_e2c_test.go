package lessons

import "testing"

func BenchmarkE2CTrainStepPlanar(b *testing.B) { benchNamed(b, "e2c_train_step_planar") }
