package lessons

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxListLen caps a setting list: each entry is a full run in the lessons.
const maxListLen = 32

// ParseFloats reads a lesson setting that lists numbers, such as the
// `--eps=0.02,0.5,2,50` flag of lesson 03: comma-separated decimal numbers
// (spaces around them allowed), each finite and within [lo, hi], at most 32
// of them. Errors name the setting and the bad entry, e.g.
// `setting eps: entry 2 "abc" is not a number`.
func ParseFloats(name, s string, lo, hi float64) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("setting %s is empty: want comma-separated numbers in [%g, %g]", name, lo, hi)
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxListLen {
		return nil, fmt.Errorf("setting %s has %d entries, want at most %d", name, len(parts), maxListLen)
	}
	out := make([]float64, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		v, err := strconv.ParseFloat(p, 64)
		switch {
		case err != nil:
			return nil, fmt.Errorf("setting %s: entry %d %q is not a number", name, i+1, p)
		case math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi:
			return nil, fmt.Errorf("setting %s: entry %d = %v is outside [%g, %g]", name, i+1, v, lo, hi)
		}
		out = append(out, v)
	}
	return out, nil
}
