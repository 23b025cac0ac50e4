package plotting

import (
	"fmt"
	"math"
)

// badValue returns a description of the first NaN or ±Inf in v and its
// index, or ok = false when every value is finite.
func badValue(v []float64) (i int, desc string, ok bool) {
	for i, x := range v {
		switch {
		case math.IsNaN(x):
			return i, "NaN", true
		case math.IsInf(x, 0):
			return i, fmt.Sprint(x), true
		}
	}
	return 0, "", false
}

// checkFinite returns an error naming what[i] if v holds a NaN or ±Inf.
func checkFinite(fn, what string, v []float64) error {
	if i, d, bad := badValue(v); bad {
		return fmt.Errorf("plotting: %s: %s[%d] is %s", fn, what, i, d)
	}
	return nil
}

// checkX validates a shared x: non-empty and finite.
func checkX(fn string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("plotting: %s: x is empty", fn)
	}
	return checkFinite(fn, "x", x)
}

// checkLen returns an error unless len(v) == n.
func checkLen(fn, what string, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("plotting: %s: %s has %d values, x has %d", fn, what, len(v), n)
	}
	return nil
}

// seriesName names series i in messages: `series 2 ("KL")`.
func seriesName(kind string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s %d", kind, i)
	}
	return fmt.Sprintf("%s %d (%q)", kind, i, name)
}

// finite reports whether x is neither NaN nor ±Inf.
func finite(x float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0)
}
