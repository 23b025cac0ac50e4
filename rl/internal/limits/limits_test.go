package limits

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if n, err := Elements("f", "a × b", 3, 4); err != nil || n != 12 {
		t.Errorf("3 × 4: %d, %v", n, err)
	}
	if err := Check("f", "n", MaxElements); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
	for name, c := range map[string]struct {
		sizes []int
		want  string
	}{
		"over":     {[]int{MaxElements + 1}, "is too large"},
		"product":  {[]int{2, 1, 1 << 40}, "2 × 1 × 1099511627776 is too large"},
		"overflow": {[]int{1 << 62, 1 << 62}, "is too large"},
		"wraps":    {[]int{1 << 32, 1 << 32}, "is too large"},
		"zero":     {[]int{3, 0}, "must be ≥ 1"},
		"negative": {[]int{-1}, "must be ≥ 1"},
	} {
		if err := Check("lqr: NewSolver", "n × m × T", c.sizes...); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "lqr: NewSolver: n × m × T = ") {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
