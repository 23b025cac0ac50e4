package trpo

import (
	"fmt"
	"math"
)

// GAE computes generalized advantage estimates (Schulman et al. 2016) for
// one stream of transitions from one environment copy:
//
//	δ_t = r_t + γ V(s_{t+1}) − V(s_t),   Â_t = Σ_{l≥0} (γλ)^l δ_{t+l},
//
// with the sum cut at episode ends. values[t] is V(s_t); next[t] is V(s_{t+1}),
// the value of the observation that followed step t (for a step that ended
// an episode by termination it is ignored: V = 0 after a terminal state;
// after a truncation — a time limit or the end of the batch — it is the
// bootstrap value of the last observation). done[t] marks the last step of an
// episode, terminal[t] whether that end was a termination. It returns the
// advantages and the value targets Â_t + V(s_t) (λ-returns).
//
// It returns an error if the lengths differ, γ or λ is out of range, a
// reward or value is not finite, or an advantage or return overflows
// float64 (the error names the entry).
func GAE(rewards, values, next []float64, done, terminal []bool, gamma, lambda float64) (adv, ret []float64, err error) {
	T := len(rewards)
	if len(values) != T || len(next) != T || len(done) != T || len(terminal) != T {
		return nil, nil, fmt.Errorf("trpo: GAE: rewards, values, next values, done and terminal flags have lengths %d, %d, %d, %d, %d; want equal",
			T, len(values), len(next), len(done), len(terminal))
	}
	if !(gamma > 0 && gamma <= 1) {
		return nil, nil, fmt.Errorf("trpo: GAE: γ = %v, want a value in (0, 1]", gamma)
	}
	if !(lambda >= 0 && lambda <= 1) {
		return nil, nil, fmt.Errorf("trpo: GAE: λ = %v, want a value in [0, 1]", lambda)
	}
	adv, ret = make([]float64, T), make([]float64, T)
	acc := 0.0
	for t := T - 1; t >= 0; t-- {
		if !finite(rewards[t]) || !finite(values[t]) || !finite(next[t]) {
			return nil, nil, gaeInputError(t, rewards, values, next)
		}
		bootstrap := next[t]
		if terminal[t] {
			bootstrap = 0
		}
		if done[t] {
			acc = 0 // the sum does not cross an episode boundary
		}
		delta := rewards[t] + gamma*bootstrap - values[t]
		acc = delta + gamma*lambda*acc
		adv[t] = acc
		ret[t] = acc + values[t]
		if !finite(ret[t]) { // ret is finite only if acc is
			return nil, nil, fmt.Errorf("trpo: GAE: adv[%d] = %v, ret[%d] = %v: the discounted sum overflows float64 (rewards or values too large)", t, adv[t], t, ret[t])
		}
	}
	return adv, ret, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// gaeInputError names the non-finite input of GAE at step t.
func gaeInputError(t int, rewards, values, next []float64) error {
	for _, in := range [...]struct {
		name string
		v    []float64
	}{{"rewards", rewards}, {"values", values}, {"next", next}} {
		if !finite(in.v[t]) {
			return fmt.Errorf("trpo: GAE: %s[%d] = %v is not finite", in.name, t, in.v[t])
		}
	}
	return nil
}

// Normalize shifts and scales v in place to zero mean and unit standard
// deviation (a no-op scale when all entries are equal). It panics if an
// entry of v is NaN or infinite, or if v's mean or standard deviation
// overflows float64 (entries near 1e300); Train checks the same and
// returns an error instead.
func Normalize(v []float64) {
	if err := normalize(v); err != nil {
		panic(err)
	}
}

// normalize is Normalize that returns an error, leaving v unchanged,
// instead of panicking.
func normalize(v []float64) error {
	if len(v) == 0 {
		return nil
	}
	mu := 0.0
	for _, x := range v {
		mu += x
	}
	if !finite(mu) { // a non-finite entry, or an overflowing sum
		for i, x := range v {
			if !finite(x) {
				return fmt.Errorf("trpo: Normalize: v[%d] = %v is not finite", i, x)
			}
		}
		return fmt.Errorf("trpo: Normalize: the sum of v overflows float64")
	}
	mu /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - mu) * (x - mu)
	}
	sd := math.Sqrt(s / float64(len(v)))
	if math.IsInf(sd, 0) {
		return fmt.Errorf("trpo: Normalize: the standard deviation of v overflows float64 (mean %v)", mu)
	}
	if sd < 1e-12 {
		sd = 1
	}
	for i := range v {
		v[i] = (v[i] - mu) / sd
	}
	return nil
}
