package badtest

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestJudge: each way a case can go wrong is reported, and a right answer
// is not.
func TestJudge(t *testing.T) {
	want := Case{Want: []string{"x = NaN"}}
	none := Case{}
	doc := Case{Want: []string{"Grid", "-1"}, Panics: true}
	for name, c := range map[string]struct {
		got, want string
	}{
		"right error":      {want.judge(errors.New("f: x = NaN is not finite")), ""},
		"no error":         {want.judge(nil), "no error"},
		"wrong error":      {want.judge(errors.New("f: y")), "does not mention"},
		"nil wanted":       {none.judge(nil), ""},
		"error not wanted": {none.judge(errors.New("boom")), "boom"},
		"panic":            {want.judgePanic("index out of range"), "panic: index out of range"},
		"documented":       {doc.judgePanic("system: Grid: rows × k = -1 × 2"), ""},
		"wrong panic":      {doc.judgePanic("index out of range"), "does not mention"},
		"no panic":         {doc.judge(nil), "no panic"},
	} {
		if (c.want == "") != (c.got == "") || !strings.Contains(c.got, c.want) {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
}

func TestFinite(t *testing.T) {
	if err := Finite(nil, "v", 1, math.Inf(-1)); err == nil || err.Error() != "v[1] = -Inf is not finite" {
		t.Errorf("Finite: %v", err)
	}
	if err := FiniteRows(nil, "Q", [][]float64{{1}, {2, math.NaN()}}); err == nil || err.Error() != "Q[1][1] = NaN is not finite" {
		t.Errorf("FiniteRows: %v", err)
	}
	if err := FiniteRows(errors.New("e"), "Q", nil); err == nil || err.Error() != "e" {
		t.Errorf("FiniteRows keeps the error: %v", err)
	}
	Run(t, []Case{{Class: "nan", Name: "ok", Call: func() error { return errors.New("x = NaN") }, Want: []string{"NaN"}}})
}
