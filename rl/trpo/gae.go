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
		for _, v := range [...]float64{rewards[t], values[t], next[t]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("trpo: GAE: non-finite reward or value %v at step %d", v, t)
			}
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
	}
	return adv, ret, nil
}

// Normalize shifts and scales v in place to zero mean and unit standard
// deviation (a no-op scale when all entries are equal).
func Normalize(v []float64) {
	if len(v) == 0 {
		return
	}
	mu := 0.0
	for _, x := range v {
		mu += x
	}
	mu /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - mu) * (x - mu)
	}
	sd := math.Sqrt(s / float64(len(v)))
	if sd < 1e-12 {
		sd = 1
	}
	for i := range v {
		v[i] = (v[i] - mu) / sd
	}
}
