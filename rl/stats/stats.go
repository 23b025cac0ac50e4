package stats

import "math"

// MeanStd returns the mean of v and its sample standard deviation (divisor
// n−1; 0 for a single value). Both are NaN for an empty slice.
func MeanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) == 1 {
		return mean, 0
	}
	s := 0.0
	for _, x := range v {
		s += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(s / float64(len(v)-1))
}

// MeanSE returns the mean of v and the standard error of that mean,
// std/√n: the tolerance unit of Monte-Carlo checks.
func MeanSE(v []float64) (mean, se float64) {
	mean, std := MeanStd(v)
	return mean, std / math.Sqrt(float64(len(v)))
}
