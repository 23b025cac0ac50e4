package plotting

import (
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
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

// spacedTicks wraps one of this package's tickers for an axis of known
// length so that no two tick labels touch: a niceTicks asks for fewer
// labels until they fit, and any other ticker loses labels (the ticks stay,
// unlabelled) until the rest are far enough apart. Panels wrap their axes in
// it when drawn, once the length of the axis is known.
type spacedTicks struct {
	plot.Ticker
	length   vg.Length       // axis length in points
	label    text.Style      // tick label style
	vertical bool            // a y axis: labels are stacked, not side by side
	scale    plot.Normalizer // the axis scale, to place values along it
}

// Ticks implements plot.Ticker.
func (s spacedTicks) Ticks(lo, hi float64) []plot.Tick {
	if nt, ok := s.Ticker.(niceTicks); ok {
		n := nt.n
		if n <= 0 {
			n = 5
		}
		for ; n >= 2; n-- {
			if ts := (niceTicks{n: n}).Ticks(lo, hi); !s.crowded(lo, hi, ts) {
				return ts
			}
		}
	}
	ts := s.Ticker.Ticks(lo, hi)
	if !s.crowded(lo, hi, ts) {
		return ts
	}
	// Keep the label of the smallest value, then each one that clears the
	// last one kept.
	out := make([]plot.Tick, len(ts))
	copy(out, ts)
	last := -1
	for _, i := range s.order(lo, hi, out) {
		if last >= 0 && s.tooClose(lo, hi, out[last], out[i]) {
			out[i].Label = ""
			continue
		}
		last = i
	}
	return out
}

// order returns the indices of the labelled ticks inside [lo, hi], sorted
// by value, which for a monotonic scale is also their order on the axis.
func (s spacedTicks) order(lo, hi float64, ts []plot.Tick) []int {
	var idx []int
	for i, t := range ts {
		if t.Label != "" && t.Value >= math.Min(lo, hi) && t.Value <= math.Max(lo, hi) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ts[idx[a]].Value < ts[idx[b]].Value })
	return idx
}

// crowded reports whether two neighbouring labels of ts overlap.
func (s spacedTicks) crowded(lo, hi float64, ts []plot.Tick) bool {
	idx := s.order(lo, hi, ts)
	for k := 1; k < len(idx); k++ {
		if s.tooClose(lo, hi, ts[idx[k-1]], ts[idx[k]]) {
			return true
		}
	}
	return false
}

// tooClose reports whether the labels of a and b, drawn at their places on
// the axis, are closer than a small gap.
func (s spacedTicks) tooClose(lo, hi float64, a, b plot.Tick) bool {
	d := vg.Length(math.Abs(s.pos(lo, hi, a.Value)-s.pos(lo, hi, b.Value))) * s.length
	size := s.label.Font.Size
	if s.vertical {
		// Tick labels are one line of digits: no descenders, so a line
		// spacing of 1.1 em leaves a clear gap.
		return d < size*1.1
	}
	wa, wb := s.label.Width(a.Label), s.label.Width(b.Label)
	return d < (wa+wb)/2+size*0.6
}

// pos is the place of v on the axis, from 0 to 1.
func (s spacedTicks) pos(lo, hi, v float64) float64 {
	if s.scale == nil {
		return (v - lo) / (hi - lo)
	}
	return s.scale.Normalize(lo, hi, v)
}

// spaceTicks wraps the tick marker of axis a, of the given length, in
// spacedTicks if it is one of this package's tickers and not yet wrapped.
// Tickers set by the user are left alone.
func spaceTicks(a *plot.Axis, length vg.Length, vertical bool) {
	switch a.Tick.Marker.(type) {
	case niceTicks, logTicks, intTicks, labelTicks:
	default:
		return
	}
	if !(length > 0) {
		return
	}
	a.Tick.Marker = spacedTicks{
		Ticker:   a.Tick.Marker,
		length:   length,
		label:    a.Tick.Label,
		vertical: vertical,
		scale:    a.Scale,
	}
}
