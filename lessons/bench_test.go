package lessons

import "testing"

// The headline benchmarks of Benchmarks, for `go test -bench`.

func BenchmarkILQRPendulumSwingUp(b *testing.B)  { Benchmarks()[0].Run(b) }
func BenchmarkILQRCartPoleBalance(b *testing.B)  { Benchmarks()[1].Run(b) }
func BenchmarkKLUpdatePointMass(b *testing.B)    { Benchmarks()[2].Run(b) }
func BenchmarkGMMPriorFitPointMass(b *testing.B) { Benchmarks()[3].Run(b) }
func BenchmarkLocalModelIteration(b *testing.B)  { Benchmarks()[4].Run(b) }
func BenchmarkRollouts(b *testing.B)             { Benchmarks()[5].Run(b) }
func BenchmarkTRPOUpdate(b *testing.B)           { Benchmarks()[6].Run(b) }
func BenchmarkTRPOPendulum100k(b *testing.B)     { Benchmarks()[7].Run(b) }
func BenchmarkTRPOUpdateSubsample5(b *testing.B) { Benchmarks()[8].Run(b) }
