package imitation

import "fmt"

// Observer maps what the system is doing to what the learner sees. Observe
// writes the observation of state x, whose previous state was xPrev (x
// itself at the first step), into obs (length ObsDim(n) for states of
// length n). It must not allocate or keep x.
type Observer interface {
	// Name describes the observation for legends and messages.
	Name() string
	// ObsDim returns the observation length for a state of length n, or
	// an error naming a setting that does not fit such a state.
	ObsDim(n int) (int, error)
	// Observe writes the observation; lengths are those ObsDim accepted.
	Observe(obs, x, xPrev []float64)
}

// FullState observes the state itself: o = x.
type FullState struct{}

// Name returns "full state".
func (FullState) Name() string { return "full state" }

// ObsDim returns n.
func (FullState) ObsDim(n int) (int, error) { return n, nil }

// Observe copies x.
func (FullState) Observe(obs, x, _ []float64) { copy(obs, x) }

// Positions observes the state components at Index only (the positions of
// a system whose state is positions then velocities), over one frame or
// two. With Frames = 2 the observation is [p_t, (p_t − p_{t−1})/Dt]: two
// frames carry the velocity as a finite difference, so the learner sees
// what the teacher needs, in another form. With Frames = 1 it is p_t alone:
// a learner that cannot tell which way the system is moving.
type Positions struct {
	// Index lists the observed state components (≥ 1 of them).
	Index []int
	// Frames is 1 or 2.
	Frames int
	// Dt is the time between frames in s (> 0; used when Frames = 2).
	Dt float64
}

// Name describes the observation.
func (p Positions) Name() string {
	if p.Frames == 2 {
		return "positions, two frames"
	}
	return "positions, one frame"
}

// ObsDim returns len(Index)·Frames, or an error for an index outside the
// state, no index, Frames other than 1 or 2, or a bad Dt.
func (p Positions) ObsDim(n int) (int, error) {
	if len(p.Index) == 0 {
		return 0, fmt.Errorf("imitation: Positions has no Index")
	}
	for _, i := range p.Index {
		if i < 0 || i >= n {
			return 0, fmt.Errorf("imitation: Positions.Index holds %d, outside a state of length %d", i, n)
		}
	}
	switch {
	case p.Frames != 1 && p.Frames != 2:
		return 0, fmt.Errorf("imitation: Positions.Frames = %d, want 1 or 2", p.Frames)
	case p.Frames == 2 && !(p.Dt > 0 && p.Dt < 1e6):
		return 0, fmt.Errorf("imitation: Positions.Dt = %v, want a time step > 0", p.Dt)
	}
	return len(p.Index) * p.Frames, nil
}

// Observe writes p_t and, for two frames, (p_t − p_{t−1})/Dt.
func (p Positions) Observe(obs, x, xPrev []float64) {
	k := len(p.Index)
	for j, i := range p.Index {
		obs[j] = x[i]
		if p.Frames == 2 {
			obs[k+j] = (x[i] - xPrev[i]) / p.Dt
		}
	}
}
