package lessons

import "testing"

// The headline benchmarks of Benchmarks, for `go test -bench`.

func benchNamed(b *testing.B, name string) {
	for _, bm := range Benchmarks() {
		if bm.Name == name {
			bm.Run(b)
			return
		}
	}
	b.Fatalf("no benchmark named %q", name)
}

func BenchmarkILQRPendulumSwingUp(b *testing.B) { benchNamed(b, "ilqr_pendulum_swingup_T300") }
func BenchmarkILQRCartPoleBalance(b *testing.B) { benchNamed(b, "ilqr_cartpole_balance_T150") }
func BenchmarkKLUpdatePointMass(b *testing.B)   { benchNamed(b, "kl_update_pointmass_T100") }
func BenchmarkKLUpdatePointMassOneCall(b *testing.B) {
	benchNamed(b, "kl_update_pointmass_T100_one_call")
}
func BenchmarkGMMPriorFitPointMass(b *testing.B) { benchNamed(b, "gmm_prior_fit_pointmass") }
func BenchmarkLocalModelIteration(b *testing.B)  { benchNamed(b, "local_model_loop_pointmass_5iter") }
func BenchmarkRollouts(b *testing.B)             { benchNamed(b, "rollouts_pendulum_16envs") }
func BenchmarkTRPOUpdate(b *testing.B)           { benchNamed(b, "trpo_update_batch4000") }
func BenchmarkTRPOPendulum100k(b *testing.B)     { benchNamed(b, "trpo_pendulum_100k_steps") }
func BenchmarkTRPOUpdateSubsample5(b *testing.B) {
	benchNamed(b, "trpo_update_batch4000_fisher_subsample5")
}
