package constrained

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// kl is a synthetic decreasing constraint KL(η) = a/(η + b); with a = 10,
// b = 1 and ε = 0.5 the root is η* = a/ε − b = 19, and |KL − ε| ≤ 0.1ε
// holds for η ∈ [10/0.55 − 1, 10/0.45 − 1] ≈ [17.2, 21.2].
func kl(a, b float64) func(float64) (float64, error) {
	return func(eta float64) (float64, error) { return a / (eta + b), nil }
}

func TestDualAscent1D(t *testing.T) {
	const eps = 0.5
	// dKL/dη = −a/(η*+b)² = −0.025 at the root, so α = 20 contracts the
	// error by 1 − 20·0.025 = 0.5 per step near it.
	for _, eta0 := range []float64{0, 1, 100} {
		var calls int
		res, err := DualAscent1D(Plain1D(kl(10, 1)), eta0, eps, AscentConfig{Alpha: 20, Progress: func(Step1D) { calls++ }})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := kl(10, 1)(res.Eta)
		if !res.Converged || math.Abs(v-eps) > 0.1*eps || v != res.Value {
			t.Errorf("η0 = %g: converged %v, η = %v, KL = %v; want |KL − ε| ≤ 0.1ε", eta0, res.Converged, res.Eta, v)
		}
		if calls != len(res.History) || len(res.History) > 30 {
			t.Errorf("η0 = %g: %d progress calls, %d evaluations", eta0, calls, len(res.History))
		}
		if last := res.History[len(res.History)-1]; last.Gap != last.Value-eps || last.Phase != "ascent" {
			t.Errorf("bad history entry %+v", last)
		}
	}
	// A tight tolerance lands on the root itself.
	res, err := DualAscent1D(Plain1D(kl(10, 1)), 1, eps, AscentConfig{Alpha: 20, Tol: 1e-9})
	if err != nil || math.Abs(res.Eta-19) > 1e-6 {
		t.Errorf("Tol 1e-9: η = %v, err %v; want 19", res.Eta, err)
	}
	// A too-small step runs out of iterations without an error.
	res, err = DualAscent1D(Plain1D(kl(10, 1)), 1, eps, AscentConfig{Alpha: 0.01, MaxIter: 20})
	if err != nil || res.Converged || len(res.History) != 20 {
		t.Errorf("small α: converged %v after %d, err %v", res.Converged, len(res.History), err)
	}
	// Slack constraint: KL < ε already at EtaMin.
	res, err = DualAscent1D(Plain1D(kl(0.1, 1)), 5, eps, AscentConfig{Alpha: 20})
	if err != nil || !res.Converged || res.Status != ConstraintSlack || res.Eta != 1e-8 {
		t.Errorf("slack: %+v, err %v; want η = EtaMin with AtLowerBound", res, err)
	}
}

func TestBracket1D(t *testing.T) {
	const eps = 0.5
	for _, eta0 := range []float64{1e-8, 1e-3, 1, 19, 1e6, 1e20} {
		res, err := Bracket1D(Plain1D(kl(10, 1)), eta0, eps, BracketConfig{})
		if err != nil {
			t.Fatalf("η0 = %g: %v", eta0, err)
		}
		v, _ := kl(10, 1)(res.Eta)
		// Expansion covers at most 24 decades in 25 evaluations, and the
		// bisection needs log2(log(10)/log(1.2)) ≈ 4 more to shrink a
		// decade to the ±10% window.
		if !res.Converged || math.Abs(v-eps) > 0.1*eps || len(res.History) > 40 {
			t.Errorf("η0 = %g: converged %v, η = %v, KL = %v after %d evaluations", eta0, res.Converged, res.Eta, v, len(res.History))
		}
		for _, st := range res.History {
			if st.Lo > st.Hi {
				t.Errorf("η0 = %g: bracket [%g, %g] inverted", eta0, st.Lo, st.Hi)
			}
		}
	}
	res, err := Bracket1D(Plain1D(kl(10, 1)), 1, eps, BracketConfig{Tol: 1e-10})
	// Bisection in log space to |KL − ε| ≤ 5e-11 means |η − 19| ≲ 2e-9.
	if err != nil || math.Abs(res.Eta-19) > 1e-7 {
		t.Errorf("Tol 1e-10: η = %v, err %v; want 19", res.Eta, err)
	}
	// Slack constraint.
	res, err = Bracket1D(Plain1D(kl(0.1, 1)), 1, eps, BracketConfig{})
	if err != nil || res.Status != ConstraintSlack || res.Eta != 1e-8 {
		t.Errorf("slack: η = %v, status %v, err %v", res.Eta, res.Status, err)
	}
}

func TestBracket1DExhausted(t *testing.T) {
	// KL(η) = 10/(η+1) + 0.7 never falls below ε = 0.5.
	f := func(eta float64) (float64, error) { return 10/(eta+1) + 0.7, nil }
	res, err := Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{EtaMax: 1e6})
	if !errors.Is(err, ErrBracketExhausted) {
		t.Fatalf("err = %v; want ErrBracketExhausted", err)
	}
	reached := fmt.Sprintf("%.6g", res.Value) // 0.70001
	if res.Eta != 1e6 || !strings.Contains(err.Error(), "KL reached "+reached) {
		t.Errorf("η = %v, err = %q; want the KL reached (%s) at EtaMax", res.Eta, err, reached)
	}
	if len(res.History) == 0 {
		t.Error("no history with the error")
	}
	// A jump over ε collapses the bracket.
	step := func(eta float64) (float64, error) {
		if eta < 5 {
			return 1, nil
		}
		return 0.1, nil
	}
	if _, err := Bracket1D(Plain1D(step), 1, 0.5, BracketConfig{}); err == nil || !strings.Contains(err.Error(), "collapsed") {
		t.Errorf("discontinuous KL: err = %v", err)
	}
	// Too few evaluations.
	if _, err := Bracket1D(Plain1D(kl(10, 1)), 1e-8, 0.5, BracketConfig{MaxIter: 3}); err == nil || !strings.Contains(err.Error(), "3 evaluations") {
		t.Errorf("MaxIter 3: err = %v", err)
	}
}

func TestScalarBadInputs(t *testing.T) {
	f := kl(10, 1)
	boom := errors.New("boom")
	fail := func(float64) (float64, error) { return 0, boom }
	nan := func(float64) (float64, error) { return math.NaN(), nil }
	for name, err := range map[string]error{
		"eps 0":          second(DualAscent1D(Plain1D(f), 1, 0, AscentConfig{})),
		"eps NaN":        second(DualAscent1D(Plain1D(f), 1, math.NaN(), AscentConfig{})),
		"eta0 < 0":       second(DualAscent1D(Plain1D(f), -1, 0.5, AscentConfig{})),
		"nil f":          second(DualAscent1D(nil, 1, 0.5, AscentConfig{})),
		"alpha < 0":      second(DualAscent1D(Plain1D(f), 1, 0.5, AscentConfig{Alpha: -1})),
		"alpha NaN":      second(DualAscent1D(Plain1D(f), 1, 0.5, AscentConfig{Alpha: math.NaN()})),
		"etamin < 0":     second(DualAscent1D(Plain1D(f), 1, 0.5, AscentConfig{EtaMin: -1})),
		"tol < 0":        second(DualAscent1D(Plain1D(f), 1, 0.5, AscentConfig{Tol: -1})),
		"b eps < 0":      second(Bracket1D(Plain1D(f), 1, -0.5, BracketConfig{})),
		"b eta0 Inf":     second(Bracket1D(Plain1D(f), math.Inf(1), 0.5, BracketConfig{})),
		"b etamax<min":   second(Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{EtaMin: 1, EtaMax: 0.5})),
		"b expand 1":     second(Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{Expand: 1})),
		"b maxiter < 0":  second(Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{MaxIter: -1})),
		"b etamin NaN":   second(Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{EtaMin: math.NaN()})),
		"NaN value":      second(DualAscent1D(Plain1D(nan), 1, 0.5, AscentConfig{})),
		"b NaN value":    second(Bracket1D(Plain1D(nan), 1, 0.5, BracketConfig{})),
		"b nil f":        second(Bracket1D(nil, 1, 0.5, BracketConfig{})),
		"b tol Inf":      second(Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{Tol: math.Inf(1)})),
		"ascent maxiter": second(DualAscent1D(Plain1D(f), 1, 0.5, AscentConfig{MaxIter: -2})),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := DualAscent1D(Plain1D(fail), 1, 0.5, AscentConfig{}); !errors.Is(err, boom) {
		t.Errorf("DualAscent1D does not wrap the closure's error: %v", err)
	}
	if _, err := Bracket1D(Plain1D(fail), 1, 0.5, BracketConfig{}); !errors.Is(err, boom) {
		t.Errorf("Bracket1D does not wrap the closure's error: %v", err)
	}
	if _, err := Bracket1D(Plain1D(f), 1, 0.5, BracketConfig{Expand: 0.5}); err == nil || !strings.Contains(err.Error(), "0.5") {
		t.Errorf("error should name the bad value: %v", err)
	}
}

// raising is an x-step that cannot run below η = 3.5 and, like guided
// policy search, raises η by δ, 2δ, 4δ, … (δ = 1e-4) until it can; above
// that its KL(η) = 10/(η − 3) decreases.
func raising(eta float64) (float64, float64, error) {
	used, del := eta, 1e-4
	for used <= 3.5 {
		used = eta + del
		del *= 2
	}
	return used, 10 / (used - 3), nil
}

// TestRaisedEtaMovesBracket: from η₀ = 1e-6 the first evaluation is raised
// to 6.5536 (KL = 2.8 < ε = 4.5); a search that kept bracketing from the η it
// asked for would then walk down to EtaMin and call the constraint slack.
// Both searches must instead land within 10% of ε, at an η they evaluated.
func TestRaisedEtaMovesBracket(t *testing.T) {
	const eps = 4.5 // root η* = 3 + 10/4.5 ≈ 5.22
	b, err := Bracket1D(raising, 1e-6, eps, BracketConfig{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := DualAscent1D(raising, 1e-6, eps, AscentConfig{Alpha: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]Result1D{"bracket": b, "ascent": a} {
		if r.Status != Converged || math.Abs(r.Value-eps) > 0.1*eps {
			t.Errorf("%s: status %v, η = %v, KL = %v; want KL within 10%% of %v", name, r.Status, r.Eta, r.Value, eps)
		}
		last := r.History[len(r.History)-1]
		if last.Eta != r.Eta || last.Eta < last.Asked || r.Eta <= 3.5 {
			t.Errorf("%s: result η = %v, last step asked %v used %v", name, r.Eta, last.Asked, last.Eta)
		}
	}
	lower := func(eta float64) (float64, float64, error) { return eta / 2, 1, nil }
	if _, err := Bracket1D(lower, 1, eps, BracketConfig{}); err == nil || !strings.Contains(err.Error(), "used η = 0.5") {
		t.Errorf("an x-step that lowers η must be an error, got %v", err)
	}
}
