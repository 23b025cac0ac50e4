package limits

import (
	"fmt"
	"math/bits"
)

// MaxElements is the largest number of float64 values (1 GiB) one
// allocation of a constructor, solver, sampler or checkpoint reader may
// request. The lessons' largest (a TRPO batch, a GMM data set) are below
// 2^22.
const MaxElements = 1 << 27

// Check returns nil when every size is ≥ 1 and their product is at most
// MaxElements, and otherwise an error naming what and the sizes, e.g.
// "lqr: NewSolver: n × m × T = 2 × 1 × 1099511627776 is too large (limit
// 134217728 values)". names labels the sizes (e.g. "n × m × T").
func Check(what, names string, sizes ...int) error {
	if _, err := Elements(what, names, sizes...); err != nil {
		return err
	}
	return nil
}

// Elements is Check that also returns the product.
func Elements(what, names string, sizes ...int) (int, error) {
	p := uint64(1)
	for _, s := range sizes {
		if s < 1 {
			return 0, fmt.Errorf("%s: %s = %s: every size must be ≥ 1", what, names, join(sizes))
		}
		hi, lo := bits.Mul64(p, uint64(s))
		if hi != 0 || lo > MaxElements {
			return 0, fmt.Errorf("%s: %s = %s is too large (limit %d values)", what, names, join(sizes), MaxElements)
		}
		p = lo
	}
	return int(p), nil
}

func join(sizes []int) string {
	s := ""
	for i, v := range sizes {
		if i > 0 {
			s += " × "
		}
		s += fmt.Sprint(v)
	}
	return s
}
