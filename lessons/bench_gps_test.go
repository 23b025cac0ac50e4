package lessons

import "testing"

func BenchmarkGPSIterationArm(b *testing.B) { benchNamed(b, "gps_iteration_arm") }
