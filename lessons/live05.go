package lessons

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"gonum.org/v1/plot/vg"
)

// Lesson 05's live controls: DAgger's expert mixing β and PLATO's λ, on
// the arm. Both runs use the small learner (ImitationSettings.Small, 16
// tanh units), whose imitation error does not vanish, so that where its
// training states come from matters — with the 64×64 learner of the
// lesson's section 5 neither setting changes much on this forgiving task.
// DAgger's learner sees the full state, PLATO's two frames of positions.
// The runs are smaller than section 5's (ImitationLiveRounds rounds of
// two rollouts). Each move reruns the method whose setting it changes;
// runs are kept per setting, so moving a control back is instant.

// ImitationLiveRounds is the number of rounds of lesson 05's live DAgger
// and PLATO runs (the lesson's section 5 runs 6).
const ImitationLiveRounds = 4

// The defaults of lesson 05's controls: the lesson's β decay and the
// arm's λ (DefaultImitationSettings).
const (
	DAggerPDefault     = 0.5
	PLATOLambdaDefault = 0.01
)

// ImitationControls are lesson 05's controls: P of DAgger's schedule
// β_i = P^i (0 … 1 in steps of 0.1; P = 1 always executes the expert, so
// DAgger is behaviour cloning with the same labels; P = 0 the learner from
// round 1 on) and PLATO's λ (10⁻⁴ … 10², two positions per decade).
func ImitationControls() []live.Control {
	return []live.Control{
		live.Slider("P", "DAgger: β_i = P^i, P =", 0, 1, 0.1, DAggerPDefault),
		live.LogSlider("lambda", "PLATO: teacher's KL weight λ", 1e-4, 100, 2, PLATOLambdaDefault),
	}
}

// ImitationLiveRun is one live run: the held-out cost and success after
// each round, and what was executed during training.
type ImitationLiveRun struct {
	// Setting is P (DAgger) or λ (PLATO).
	Setting float64
	// Cost and Success are the held-out mean cost and success rate after
	// each round.
	Cost, Success []float64
	// Executions counts the steps at which the learner's own action was
	// executed (DAgger), of Steps training steps in all.
	Executions, Steps int
	// Departure is PLATO's mean ‖u − u*‖ over the training steps of the
	// rounds after round 0 (N·m): how far the executed teacher's action
	// is from the MPC's (0 for DAgger).
	Departure float64
}

// Final is the held-out cost after the last round.
func (r *ImitationLiveRun) Final() float64 { return r.Cost[len(r.Cost)-1] }

var imitationLive struct {
	sync.Mutex
	expert *imitation.Expert
	dagger map[float64]*ImitationLiveRun
	plato  map[float64]*ImitationLiveRun
}

// liveExpert returns the arm's MPC expert (made once).
func liveExpert() (*imitation.Expert, error) {
	imitationLive.Lock()
	defer imitationLive.Unlock()
	if imitationLive.expert == nil {
		e, err := imitation.NewExpert(imitation.ArmReach(), imitation.ExpertConfig{})
		if err != nil {
			return nil, err
		}
		imitationLive.expert = e
		imitationLive.dagger = map[float64]*ImitationLiveRun{}
		imitationLive.plato = map[float64]*ImitationLiveRun{}
	}
	return imitationLive.expert, nil
}

// cachedRun returns the run of cache for setting, computing it with run
// when it is not there.
func cachedRun(cache func() map[float64]*ImitationLiveRun, setting float64, run func() (*ImitationLiveRun, error)) (*ImitationLiveRun, error) {
	imitationLive.Lock()
	r := cache()[setting]
	imitationLive.Unlock()
	if r != nil {
		return r, nil
	}
	r, err := run()
	if err != nil {
		return nil, err
	}
	imitationLive.Lock()
	cache()[setting] = r
	imitationLive.Unlock()
	return r, nil
}

// DAggerLive runs DAgger on the arm with β_i = P^i: ImitationLiveRounds
// rounds of two rollouts, the small learner on the full state, the
// lesson's fit settings and seed 1, evaluated on the held-out starts
// after every round. progress sees each round; it stops between rounds
// when ctx is cancelled.
func DAggerLive(ctx context.Context, p float64, progress live.Progress) (*ImitationLiveRun, error) {
	if progress == nil {
		progress = func(string, ...any) {}
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("lessons: DAggerLive: P = %v, want a number in [0, 1]", p)
	}
	e, err := liveExpert()
	if err != nil {
		return nil, err
	}
	return cachedRun(func() map[float64]*ImitationLiveRun { return imitationLive.dagger }, p, func() (*ImitationLiveRun, error) {
		s := DefaultImitationSettings(false)
		beta := make([]float64, ImitationLiveRounds)
		for i := range beta {
			beta[i] = math.Pow(p, float64(i)) // 0⁰ = 1: round 0 is the expert's
		}
		d, err := imitation.NewDAgger(e, imitation.DAggerConfig{LearnerConfig: s.SmallLearner("arm", imitation.FullState{}, 1),
			Rounds: ImitationLiveRounds, Rollouts: s.Rollouts, Beta: beta, Evaluate: true})
		if err != nil {
			return nil, err
		}
		r := &ImitationLiveRun{Setting: p}
		for i := 0; i < ImitationLiveRounds; i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress("DAgger with P = %g: round %d of %d (β = %.3g)", p, i+1, ImitationLiveRounds, beta[i])
			rd, err := d.Round()
			if err != nil {
				return nil, err
			}
			r.Cost, r.Success = append(r.Cost, rd.MeanCost), append(r.Success, rd.SuccessRate)
			r.Steps += len(rd.Visited) - rd.Rollouts // T+1 states per rollout
		}
		r.Executions = d.PolicyExecutions()
		return r, nil
	})
}

// PLATOLive runs PLATO on the arm with weight λ: ImitationLiveRounds
// rounds of two rollouts with the small learner on two frames of
// positions and seed 1, evaluated on the held-out starts after every
// round, recording how far the executed actions are from the MPC's.
// progress sees each round; it stops between rounds when ctx is
// cancelled.
func PLATOLive(ctx context.Context, lambda float64, progress live.Progress) (*ImitationLiveRun, error) {
	if progress == nil {
		progress = func(string, ...any) {}
	}
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("lessons: PLATOLive: λ = %v, want a finite number ≥ 0", lambda)
	}
	e, err := liveExpert()
	if err != nil {
		return nil, err
	}
	return cachedRun(func() map[float64]*ImitationLiveRun { return imitationLive.plato }, lambda, func() (*ImitationLiveRun, error) {
		s := DefaultImitationSettings(false)
		k := e.Task()
		p, err := imitation.NewPLATO(e, imitation.PLATOConfig{LearnerConfig: s.SmallLearner("arm", k.Observer(), 1),
			Rounds: ImitationLiveRounds, Rollouts: s.Rollouts, Lambda: lambda})
		if err != nil {
			return nil, err
		}
		r := &ImitationLiveRun{Setting: lambda}
		dep, n := 0.0, 0
		for i := 0; i < ImitationLiveRounds; i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress("PLATO with λ = %g: round %d of %d", lambda, i+1, ImitationLiveRounds)
			// PLATO's round by its steps (as PLATO.Round), keeping the
			// rollouts to measure the teacher's departure from u*.
			starts, err := p.Starts(i)
			if err != nil {
				return nil, err
			}
			l := lambda
			if i == 0 {
				l = 0 // no learner yet: the plain MPC
			}
			rs, err := p.RunTeacher(l, starts, p.RoundSeed(i))
			if err != nil {
				return nil, err
			}
			if err := p.Aggregate(rs); err != nil {
				return nil, err
			}
			if _, err := p.Train(i); err != nil {
				return nil, err
			}
			ev, err := p.Evaluate()
			if err != nil {
				return nil, err
			}
			r.Cost, r.Success = append(r.Cost, ev.MeanCost), append(r.Success, ev.SuccessRate)
			for _, ro := range rs {
				r.Steps += len(ro.Trajectory.U)
				if i == 0 {
					continue
				}
				for t, u := range ro.Trajectory.U {
					dep += math.Hypot(u[0]-ro.Labels[t][0], u[1]-ro.Labels[t][1])
					n++
				}
			}
		}
		if n > 0 {
			r.Departure = dep / float64(n)
		}
		r.Executions = p.PolicyExecutions()
		return r, nil
	})
}

// ImitationLiveExpertCost is the arm's MPC expert's mean cost on the
// held-out starts, from lesson 05's stored runs.
func ImitationLiveExpertCost() (float64, error) {
	runs, _, err := ImitationSeedRuns()
	if err != nil {
		return 0, err
	}
	for _, r := range runs {
		if r.Task == "arm" && r.Method == "expert" {
			return r.MeanCost, nil
		}
	}
	return 0, fmt.Errorf("lessons: the stored runs have no expert row for the arm")
}

// ImitationLiveView is what lesson 05's controls show: both runs and the
// expert's cost.
type ImitationLiveView struct {
	DAgger, PLATO *ImitationLiveRun
	Expert        float64
}

// Text is the one-line result under the figure.
func (v *ImitationLiveView) Text() string {
	d, p := v.DAgger, v.PLATO
	return fmt.Sprintf("DAgger (P = %g): cost %.2f (%+.0f%% from the expert), success %.0f%%, %d of %d training steps the learner's; PLATO (λ = %g): cost %.2f (%+.0f%%), success %.0f%%, teacher %.3f N·m from u* on average, %d learner steps",
		d.Setting, d.Final(), 100*(d.Final()/v.Expert-1), 100*d.Success[len(d.Success)-1], d.Executions, d.Steps,
		p.Setting, p.Final(), 100*(p.Final()/v.Expert-1), 100*p.Success[len(p.Success)-1], p.Departure, p.Executions)
}

// Figure draws the held-out cost per round of both runs, with the
// expert's and, when a run is not at its control's default, the
// default's run if it has been computed.
func (v *ImitationLiveView) Figure() (*plotting.Figure, error) {
	rounds := make([]float64, len(v.DAgger.Cost))
	for i := range rounds {
		rounds[i] = float64(i)
	}
	imitationLive.Lock()
	refs := []*ImitationLiveRun{imitationLive.dagger[DAggerPDefault], imitationLive.plato[PLATOLambdaDefault]}
	imitationLive.Unlock()
	var figs []*plotting.Figure
	for i, c := range []struct {
		title, name string
		r           *ImitationLiveRun
	}{{fmt.Sprintf("DAgger, β = %gⁱ in round i", v.DAgger.Setting), "P", v.DAgger},
		{fmt.Sprintf("PLATO, λ = %g", v.PLATO.Setting), "λ", v.PLATO}} {
		ss := []plotting.Series{{Y: c.r.Cost}} // named only beside the default's
		if ref := refs[i]; ref != nil && ref != c.r && len(ref.Cost) == len(rounds) {
			ss[0].Name = fmt.Sprintf("%s = %g", c.name, c.r.Setting)
			ss = append(ss, plotting.Series{Name: fmt.Sprintf("%s = %g (default)", c.name, ref.Setting), Y: ref.Cost})
		}
		f, err := plotting.LinesLogY(c.title, "round", "mean cost, 24 held-out starts", rounds, ss...)
		if err != nil {
			return nil, err
		}
		if err := f.HLine(0, v.Expert, fmt.Sprintf("expert %.1f", v.Expert)); err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	fig, err := plotting.Combine("The 16-unit learner imitating the MPC expert on the arm", 2, figs...)
	if err != nil {
		return nil, err
	}
	return fig.WithSize(9*vg.Inch, 4*vg.Inch), nil
}

// ImitationLiveRender is the render function of lesson 05's controls (see
// ImitationControls): DAggerLive at P and PLATOLive at λ (each computed
// once per setting), drawn by ImitationLiveView.Figure.
func ImitationLiveRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	expert, err := ImitationLiveExpertCost()
	if err != nil {
		return live.View{}, err
	}
	d, err := DAggerLive(ctx, v.Float("P"), progress)
	if err != nil {
		return live.View{}, err
	}
	p, err := PLATOLive(ctx, v.Float("lambda"), progress)
	if err != nil {
		return live.View{}, err
	}
	view := &ImitationLiveView{DAgger: d, PLATO: p, Expert: expert}
	fig, err := view.Figure()
	return live.View{Figure: fig, Text: view.Text()}, err
}
