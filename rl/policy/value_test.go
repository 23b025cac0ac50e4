package policy

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// TestValueFit: V learns a smooth function of the observation from noisy
// targets in the hundreds (standardised inside Fit): loss falls and the
// fit explains most of the variance.
func TestValueFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 2000, 3)
	ret := make([]float64, len(obs))
	f := func(o []float64) float64 { return -300 + 100*math.Sin(o[0]) + 50*o[1]*o[2] }
	for i, o := range obs {
		ret[i] = f(o) + 5*rng.NormFloat64()
	}
	v := MustNewValue(ValueConfig{ObsDim: 3, Seed: 2})
	loss, err := v.Fit(obs, ret, ValueFitConfig{Epochs: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(loss) != 30 || !(loss[29] < loss[0]/5) {
		t.Errorf("losses %v … %v", loss[0], loss[len(loss)-1])
	}
	test := randObs(rng, 500, 3)
	pred, _ := v.Predict(test)
	var se, vr, mu float64
	for _, o := range test {
		mu += f(o) / float64(len(test))
	}
	for i, o := range test {
		se += (pred[i] - f(o)) * (pred[i] - f(o))
		vr += (f(o) - mu) * (f(o) - mu)
	}
	if ev := 1 - se/vr; ev < 0.9 {
		t.Errorf("explained variance on fresh points %.3f, want ≥ 0.9", ev)
	}
	// Bad inputs.
	if _, err := v.Fit(obs, ret[1:], ValueFitConfig{}); err == nil {
		t.Error("mismatched lengths accepted")
	}
	ret[3] = math.NaN()
	if _, err := v.Fit(obs, ret, ValueFitConfig{}); err == nil || !strings.Contains(err.Error(), "returns[3]") {
		t.Errorf("NaN return: err = %v", err)
	}
	if _, err := v.Fit(obs[:5], ret[:5], ValueFitConfig{LearningRate: -1}); err == nil {
		t.Error("negative learning rate accepted")
	}
	obs[4][1] = math.Inf(-1)
	if _, err := v.Predict(obs[:6]); err == nil || !strings.Contains(err.Error(), "obs[4][1]") {
		t.Errorf("infinite observation: err = %v", err)
	}
	if _, err := NewValue(ValueConfig{}); err == nil {
		t.Error("ObsDim 0 accepted")
	}
}

// TestCheckpointRoundTrip: a saved and loaded policy and value function
// compute bit for bit the same; corrupted data and the wrong kind are
// refused.
func TestCheckpointRoundTrip(t *testing.T) {
	g := testPolicy(t)
	th := g.Params()
	th[len(th)-1] = -1.2345678901234567 // a logσ that must survive exactly
	_ = g.SetParams(th)
	dir := t.TempDir()
	gp := filepath.Join(dir, "pi.ckpt")
	if err := g.Save(gp); err != nil {
		t.Fatal(err)
	}
	h, err := LoadGaussian(gp)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range h.Params() {
		if x != th[i] {
			t.Fatalf("θ[%d] = %v after load, want %v", i, x, th[i])
		}
	}
	if h.Config().InitStd != math.Exp(-0.5) || h.Config().Seed != 7 {
		t.Errorf("config after load %+v", h.Config())
	}
	obs := randObs(rand.New(rand.NewPCG(1, 1)), 9, 3)
	a1, l1, m1, _ := g.Act(obs, rand.New(rand.NewPCG(3, 3)))
	a2, l2, m2, _ := h.Act(obs, rand.New(rand.NewPCG(3, 3)))
	for i := range a1 {
		for j := range a1[i] {
			if a1[i][j] != a2[i][j] || m1[i][j] != m2[i][j] {
				t.Fatalf("row %d: actions %v vs %v", i, a1[i], a2[i])
			}
		}
		if l1[i] != l2[i] {
			t.Fatalf("row %d: logp %v vs %v", i, l1[i], l2[i])
		}
	}

	v := MustNewValue(ValueConfig{ObsDim: 3, Hidden: []int{8}, Seed: 4})
	rets := make([]float64, len(obs))
	for i := range rets {
		rets[i] = float64(i) * 10
	}
	if _, err := v.Fit(obs, rets, ValueFitConfig{Epochs: 3}); err != nil { // sets a normaliser
		t.Fatal(err)
	}
	vp := filepath.Join(dir, "v.ckpt")
	if err := v.Save(vp); err != nil {
		t.Fatal(err)
	}
	w, err := LoadValue(vp)
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := v.Predict(obs)
	p2, _ := w.Predict(obs)
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("V[%d] = %v before, %v after load", i, p1[i], p2[i])
		}
	}

	// Wrong kind, corruption, truncation, garbage.
	if _, err := LoadValue(gp); err == nil || !strings.Contains(err.Error(), "gaussian") {
		t.Errorf("loading a policy as a value: err = %v", err)
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	for name, d := range map[string][]byte{"flipped bit": bad, "truncated": data[:len(data)-9], "garbage": []byte("hello"), "empty": nil} {
		if _, err := ReadGaussian(bytes.NewReader(d)); err == nil {
			t.Errorf("%s checkpoint accepted", name)
		}
	}
	if _, err := ReadGaussian(bytes.NewReader(data)); err != nil {
		t.Errorf("intact checkpoint: %v", err)
	}
}
