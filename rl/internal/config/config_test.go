package config

import (
	"errors"
	"math"
	"slices"
	"testing"
)

type iface interface{ f() }

type impl struct{ x int }

func (impl) f() {}

func TestOr(t *testing.T) {
	i, f, s := 0, 0.0, ""
	Or(&i, 3)
	Or(&f, 0.5)
	Or(&s, "d")
	if i != 3 || f != 0.5 || s != "d" {
		t.Errorf("zero values: got %v, %v, %q", i, f, s)
	}
	i, f = -1, -2
	Or(&i, 3)
	Or(&f, 0.5)
	if i != -1 || f != -2 {
		t.Errorf("set values changed: %v, %v", i, f)
	}
	var v iface
	Or[iface](&v, impl{1})
	if v != (impl{1}) {
		t.Errorf("nil interface: got %v", v)
	}
	Or[iface](&v, impl{2})
	if v != (impl{1}) {
		t.Errorf("set interface changed: %v", v)
	}
}

func TestOrSlice(t *testing.T) {
	def := []int{64, 64}
	var h []int
	OrSlice(&h, def)
	if !slices.Equal(h, def) {
		t.Fatalf("nil: got %v", h)
	}
	h[0] = 1
	if def[0] != 64 {
		t.Error("OrSlice shares the default's backing array")
	}
	e := []int{}
	OrSlice(&e, def)
	if e == nil || len(e) != 0 {
		t.Errorf("empty non-nil slice changed to %v", e)
	}
}

func TestPredicates(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		v                float64
		pos, nonneg, fin bool
	}{
		{1, true, true, true}, {0, false, true, true}, {-1, false, false, true},
		{inf, false, false, false}, {-inf, false, false, false}, {nan, false, false, false},
	} {
		if Positive(c.v) != c.pos || NonNegative(c.v) != c.nonneg || Finite(c.v) != c.fin {
			t.Errorf("%v: Positive %v, NonNegative %v, Finite %v", c.v, Positive(c.v), NonNegative(c.v), Finite(c.v))
		}
	}
}

func TestNested(t *testing.T) {
	inner := errors.New("ilqr: Config.MaxIter = -1, want > 0")
	err := Nested("ilqr: MPCConfig.ILQR", inner)
	if got, want := err.Error(), "ilqr: MPCConfig.ILQR: Config.MaxIter = -1, want > 0"; got != want {
		t.Errorf("same package: %q, want %q", got, want)
	}
	if !errors.Is(err, inner) {
		t.Error("errors.Is does not see the nested error")
	}
	other := errors.New("policy: ValueFitConfig.Epochs = -1, want ≥ 1")
	if got, want := Nested("trpo: Config.Value", other).Error(), "trpo: Config.Value: policy: ValueFitConfig.Epochs = -1, want ≥ 1"; got != want {
		t.Errorf("other package: %q, want %q", got, want)
	}
	if Nested("x: Y.Z", nil) != nil {
		t.Error("Nested of nil is not nil")
	}
}
