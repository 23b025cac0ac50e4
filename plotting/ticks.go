package plotting

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks labels about n round values (steps of 1, 2 or 5 times a power
// of ten) with unlabelled minor ticks between them; n <= 0 means 5. gonum's
// default ticker labels as few as two values, which reads badly on a slide.
type niceTicks struct{ n int }

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(hi-lo) {
		return nil
	}
	n := t.n
	if n <= 0 {
		n = 5
	}
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(n))))
	var step, minor float64
	bestDiff := math.Inf(1)
	for _, c := range []struct{ step, minor float64 }{
		{20, 5}, {10, 2}, {5, 1}, {2, 0.5}, {1, 0.2}, // larger steps win ties
	} {
		st := c.step * mag
		count := math.Floor(hi/st) - math.Ceil(lo/st) + 1
		if d := math.Abs(count - float64(n)); d < bestDiff {
			bestDiff, step, minor = d, st, c.minor*mag
		}
	}
	prec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	format := func(v float64) string {
		if a := math.Max(math.Abs(lo), math.Abs(hi)); a >= 1e6 || a < 1e-3 {
			return strconv.FormatFloat(v, 'g', 4, 64)
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+minor*1e-9 && len(ticks) < 1000; k++ {
		v := k * minor
		if v == 0 {
			v = 0 // no "-0"
		}
		tk := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			tk.Label = format(v)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// logTicks labels powers of ten (every k-th one when the range spans more
// than eight decades), and 2× and 5× them when it spans two decades or less,
// with minor ticks at the other integer multiples. It replaces gonum's
// LogTicks, which drops the lowest decade.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	d0, d1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	decades := d1 - d0
	every := math.Max(1, math.Ceil(decades/8))
	var ticks []plot.Tick
	for d := d0; d <= d1; d++ {
		base := math.Pow(10, d)
		for m := 1; m < 10; m++ {
			if m > 1 && decades > 8 {
				break // minor ticks would merge into a black bar
			}
			v := base * float64(m)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if (m == 1 && math.Mod(d, every) == 0) || (decades <= 2 && (m == 2 || m == 5)) {
				t.Label = strconv.FormatFloat(v, 'g', 6, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
