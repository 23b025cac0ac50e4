package stats

import (
	"math"
	"testing"
)

func TestMeanStd(t *testing.T) {
	m, s := MeanStd([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	// mean 5; Σ(x−5)² = 32, n−1 = 7
	if m != 5 || math.Abs(s-math.Sqrt(32.0/7)) > 1e-15 {
		t.Errorf("MeanStd = %v, %v", m, s)
	}
	if m, s := MeanStd([]float64{3}); m != 3 || s != 0 {
		t.Errorf("single value: %v, %v", m, s)
	}
	if m, _ := MeanStd(nil); !math.IsNaN(m) {
		t.Errorf("empty: mean %v, want NaN", m)
	}
	if _, se := MeanSE([]float64{1, 3}); math.Abs(se-1) > 1e-15 {
		t.Errorf("MeanSE of {1, 3}: se = %v, want 1", se)
	}
}
