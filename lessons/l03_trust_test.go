package lessons

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
)

// The reference solutions of lesson 03's exercises pass their checkers and
// wrong answers fail them.
func TestLesson03Exercises(t *testing.T) {
	kl := func(K, k, s2, Kb, kb, sb2, mu, v float64) float64 {
		dm, dK := (K-Kb)*mu+(k-kb), K-Kb
		return 0.5 * (s2/sb2 + (dm*dm+dK*dK*v)/sb2 - 1 + math.Log(sb2/s2))
	}
	if err := CheckControllerKL1D(kl); err != nil {
		t.Errorf("KL solution: %v", err)
	}
	noState := func(K, k, s2, Kb, kb, sb2, mu, v float64) float64 { return kl(K, k, s2, Kb, kb, sb2, mu, 0) }
	if CheckControllerKL1D(noState) == nil {
		t.Error("KL without the state spread passed")
	}
	step := func(eta, eps, alpha float64, klAt func(float64) float64) float64 {
		return math.Max(eta+alpha*(klAt(eta)-eps), 1e-8)
	}
	if err := CheckDualStep(step); err != nil {
		t.Errorf("dual step solution: %v", err)
	}
	if CheckDualStep(func(eta, eps, alpha float64, klAt func(float64) float64) float64 { return eta + alpha*(klAt(eta)-eps) }) == nil {
		t.Error("dual step without the floor passed")
	}
	if CheckDualStep(func(eta, eps, alpha float64, klAt func(float64) float64) float64 { return eta - alpha*(klAt(eta)-eps) }) == nil {
		t.Error("dual step with the wrong sign passed")
	}
	mc := func(r, eta, mbar, sbar2 float64) (float64, float64) { return r/eta + 1/sbar2, -mbar / sbar2 }
	if err := CheckModifiedCost1D(mc); err != nil {
		t.Errorf("modified cost solution: %v", err)
	}
	if CheckModifiedCost1D(func(r, eta, mbar, sbar2 float64) (float64, float64) { return r*eta + 1/sbar2, -mbar / sbar2 }) == nil {
		t.Error("modified cost with r·η passed")
	}
	if CheckControllerKL1D(nil) == nil || CheckDualStep(nil) == nil || CheckModifiedCost1D(nil) == nil {
		t.Error("a nil function passed")
	}
}

// The KL between the two joint trajectory Gaussians (start and dynamics
// included) equals the controllers' KL when the dynamics are shared, and
// not when they differ; the dual function's derivative is KL(η) − ε.
func TestLesson03Identities(t *testing.T) {
	p, err := PointMassUpdate()
	if err != nil {
		t.Fatal(err)
	}
	up, err := trajopt.KLUpdate(p.Prev, p.Dyn, p.Cost, 20, trajopt.KLConfig{})
	if err != nil {
		t.Fatal(err)
	}
	dyn := WithNoise(p.Dyn, 0.01, 1e-6)
	dist, err := lqr.Forward(up.Controller, dyn)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := lqr.KL(up.Controller, p.Prev, dist)
	if err != nil {
		t.Fatal(err)
	}
	m1, S1, err := TrajectoryGaussian(up.Controller, dyn)
	if err != nil {
		t.Fatal(err)
	}
	m2, S2, err := TrajectoryGaussian(p.Prev, dyn)
	if err != nil {
		t.Fatal(err)
	}
	got, err := GaussianKL(m1, S1, m2, S2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("controller KL %.6f, joint KL %.6f", want, got)
	if math.Abs(got-want) > 1e-8*want {
		t.Errorf("joint KL %.9g ≠ controller KL %.9g", got, want)
	}
	m3, S3, err := TrajectoryGaussian(p.Prev, WithActuatorGain(dyn, 1.5))
	if err != nil {
		t.Fatal(err)
	}
	other, err := GaussianKL(m1, S1, m3, S3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("with p̄ under other dynamics: %.3f", other)
	if math.Abs(other-want) < 0.1*want {
		t.Errorf("other dynamics give %.4g, close to %.4g", other, want)
	}
}
