package lessons

import (
	"math"
	"strings"
	"testing"
)

// The exercise checkers accept the right answers and reject the starters.
func TestL06Checkers(t *testing.T) {
	target := func(u, lambda []float64, rho float64) []float64 {
		out := make([]float64, len(u))
		for j := range u {
			out[j] = u[j] - lambda[j]/(2*rho)
		}
		return out
	}
	if err := CheckRegressionTarget(target); err != nil {
		t.Errorf("right target rejected: %v", err)
	}
	if err := CheckRegressionTarget(func(u, _ []float64, _ float64) []float64 { return u }); err == nil {
		t.Error("starter target accepted")
	}
	dual := func(lambda, v []float64, rho float64) []float64 {
		out := make([]float64, len(lambda))
		for j := range lambda {
			out[j] = lambda[j] + 2*rho*v[j]
		}
		return out
	}
	if err := CheckDualUpdate(dual); err != nil {
		t.Errorf("right dual step rejected: %v", err)
	}
	if err := CheckDualUpdate(func(l, _ []float64, _ float64) []float64 { return l }); err == nil {
		t.Error("starter dual step accepted")
	}
}

// The stored seed table holds both tasks, both methods and three seeds,
// with finite numbers, and the DAgger-vs-GPS table has a GPS row per task
// and method.
func TestL06StoredTable(t *testing.T) {
	runs, _, err := GPSSeedRuns()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(GPSTaskNames)*2*len(gpsSeeds) {
		t.Fatalf("%d runs, want %d", len(runs), len(GPSTaskNames)*2*len(gpsSeeds))
	}
	for _, r := range runs {
		if math.IsNaN(r.MeanCost) || r.SuccessRate < 0 || r.SuccessRate > 1 || len(r.Mismatch) == 0 {
			t.Errorf("%s %s seed %d: bad run %+v", r.Task, r.Method, r.Seed, r)
		}
	}
	tab, _ := DAggerVsGPSTable(runs)
	if strings.Count(tab, "MDGPS") != 2 || strings.Count(tab, "AL-GPS") != 2 {
		t.Errorf("table:\n%s", tab)
	}
}

// The quick scenarios run, MDGPS meets its KL bound and AL-GPS's mismatch
// falls.
func TestL06QuickScenarios(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	out, err := MDGPSScenario{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	md := out.(*MDGPSOutcome)
	if !md.BoundMet() {
		t.Errorf("MDGPS KL above its bound: %v (bound %g)", md.KL, md.Bound)
	}
	al, err := ALScenario{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	a := al.(*ALOutcome)
	if !(a.Mean[len(a.Mean)-1] < a.Mean[0]) {
		t.Errorf("AL mismatch did not fall: %v", a.Mean)
	}
}
