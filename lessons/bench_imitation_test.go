package lessons

import "testing"

func BenchmarkDAggerRoundArm(b *testing.B) { benchNamed(b, "dagger_round_arm") }
