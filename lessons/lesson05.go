package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Lesson 05's scenarios, in notebook order: the adaptive teacher's mean as
// λ grows; behaviour cloning, DAgger and PLATO on the arm (the drift of a
// cloned policy, cost per round); and a learner that sees one frame of
// positions.

func init() {
	register("05", TeacherScenario{}, "05-teacher-lambda")
	register("05", ImitationScenario{}, "05-bc-drift", "05-cost-per-round")
	register("05", OneFrameScenario{}, "05-one-frame")
}

// ImitationScenario runs, on one task and seed with the lesson's settings:
// the expert on the held-out starts; DAgger (full state) with the held-out
// evaluation after every round — its round 0, trained on the expert's
// demonstrations alone, is behaviour cloning from Rollouts demonstrations;
// behaviour cloning with as many expert labels as DAgger has after each
// round (the same demonstrations, growing; as many gradient steps); PLATO
// with the learner on two frames of positions; and DAgger and behaviour
// cloning again with the small learner (ImitationSettings.Small).
type ImitationScenario struct {
	// Task is "arm" (default) or "point mass".
	Task string
	// Seed seeds the learners (default 1).
	Seed uint64
}

// ImitationOutcome is what ImitationScenario measured.
type ImitationOutcome struct {
	Name     string // "arm" or "point mass"
	Task     *imitation.Task
	Settings ImitationSettings
	Expert   *imitation.Evaluation
	// DAgger and PLATO rounds, with held-out evaluations.
	DAgger, PLATO []imitation.Round
	DAggerRun     *imitation.DAgger
	PLATORun      *imitation.PLATO
	// BC[i] is behaviour cloning with the labels of DAgger's rounds 0…i.
	BC []*imitation.Evaluation
	// DAggerSmall and BCSmall are the same with the small learner
	// (ImitationSettings.Small).
	DAggerSmall []imitation.Round
	BCSmall     []*imitation.Evaluation
	// Labels[i] is the number of expert labels after round i.
	Labels []int
	// DemoStates are the states of the expert demonstrations DAgger's
	// round 0 (behaviour cloning) was trained on.
	DemoStates [][]float64
}

// Run runs the expert, DAgger, the behaviour-cloning comparison and PLATO.
func (c ImitationScenario) Run() (Outcome, error) {
	if c.Task == "" {
		c.Task = "arm"
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	k, err := ImitationTask(c.Task)
	if err != nil {
		return nil, err
	}
	s := DefaultImitationSettings(Quick())
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		return nil, err
	}
	o := &ImitationOutcome{Name: c.Task, Task: k, Settings: s}
	if o.Expert, err = e.Evaluate(k.Test); err != nil {
		return nil, err
	}
	d, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: s.Learner(imitation.FullState{}, c.Seed),
		Rounds: s.Rounds, Rollouts: s.Rollouts, P: s.P, Evaluate: true})
	if err != nil {
		return nil, err
	}
	o.DAgger, o.DAggerRun = d.Rounds(), d
	o.DemoStates = o.DAgger[0].Visited
	// Behaviour cloning with the same labels: demonstrations from the
	// starts BehaviourCloning would draw, prefixes of one batch.
	n := s.Rounds * s.Rollouts
	starts, err := k.DrawStarts(n, c.Seed)
	if err != nil {
		return nil, err
	}
	demos, err := imitation.ExpertRollouts(e, imitation.FullState{}, starts)
	if err != nil {
		return nil, err
	}
	if o.BC, o.Labels, err = bcPrefixes(k, demos, s, s.Hidden, c.Seed); err != nil {
		return nil, err
	}
	small, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: s.SmallLearner(c.Task, imitation.FullState{}, c.Seed),
		Rounds: s.Rounds, Rollouts: s.Rollouts, P: s.P, Evaluate: true})
	if err != nil {
		return nil, err
	}
	o.DAggerSmall = small.Rounds()
	if o.BCSmall, _, err = bcPrefixes(k, demos, s, s.Small[c.Task], c.Seed); err != nil {
		return nil, err
	}
	pl, err := imitation.RunPLATO(e, imitation.PLATOConfig{LearnerConfig: s.Learner(k.Observer(), c.Seed),
		Rounds: s.Rounds, Rollouts: s.Rollouts, Lambda: s.Lambda[c.Task], Evaluate: true})
	if err != nil {
		return nil, err
	}
	o.PLATO, o.PLATORun = pl.Rounds(), pl
	return o, nil
}

// bcPrefixes fits behaviour cloning (full state, the given hidden widths)
// to the first (i+1)·Rollouts demonstrations for each round i, with as many
// gradient steps as DAgger has taken by round i, and evaluates each on the
// held-out starts. It returns the evaluations and the label counts.
func bcPrefixes(k *imitation.Task, demos []*imitation.Rollout, s ImitationSettings, hidden []int, seed uint64) ([]*imitation.Evaluation, []int, error) {
	var evs []*imitation.Evaluation
	var labels []int
	for i := 0; i < s.Rounds; i++ {
		data := &imitation.Dataset{}
		for _, r := range demos[:(i+1)*s.Rollouts] {
			di, err := r.Data()
			if err != nil {
				return nil, nil, err
			}
			data.Append(di)
		}
		p, err := imitation.NewPolicy(imitation.PolicyConfig{ObsDim: k.System.StateDim(), ActDim: k.System.ActionDim(), Hidden: hidden, Seed: seed})
		if err != nil {
			return nil, nil, err
		}
		fit := s.Fit()
		fit.Epochs = s.Epochs * (i + 2) / 2 // DAgger's gradient steps up to round i
		fit.Seed = seed
		if _, err := p.Fit(data.Obs, data.Act, fit); err != nil {
			return nil, nil, err
		}
		ev, err := evalLearner(k, p, imitation.FullState{})
		if err != nil {
			return nil, nil, err
		}
		evs, labels = append(evs, ev), append(labels, data.Len())
	}
	return evs, labels, nil
}

// endPaths maps the first n runs of an evaluation to end-effector (or
// point-mass) paths in the plane.
func endPaths(k *imitation.Task, trs system.Batch, n int, name string) ([]plotting.Path, error) {
	var out []plotting.Path
	for i, tr := range trs[:min(n, len(trs))] {
		p := plotting.Path{}
		if i == 0 {
			p.Name = name
		}
		for _, x := range tr.X {
			px, py, err := k.Position(x)
			if err != nil {
				return nil, err
			}
			p.X, p.Y = append(p.X, px), append(p.Y, py)
		}
		out = append(out, p)
	}
	return out, nil
}

// DriftFromData returns, for each run, the mean over its steps of the
// distance from the run's position (end effector or point mass, in m) to
// the nearest position in the training states: how far the runs go from
// the data the learner was fitted to.
func DriftFromData(k *imitation.Task, trs system.Batch, data [][]float64) (float64, error) {
	var px, py []float64
	for _, x := range data {
		a, b, err := k.Position(x)
		if err != nil {
			return 0, err
		}
		px, py = append(px, a), append(py, b)
	}
	sum, n := 0.0, 0
	for _, tr := range trs {
		for _, x := range tr.X {
			a, b, err := k.Position(x)
			if err != nil {
				return 0, err
			}
			best := math.Inf(1)
			for j := range px {
				best = math.Min(best, math.Hypot(a-px[j], b-py[j]))
			}
			sum += best
			n++
		}
	}
	return sum / float64(n), nil
}

// Figures draws the drift (expert, behaviour cloning from round 0's
// demonstrations and DAgger's last policy on the first held-out starts,
// with the training positions) and the held-out cost per round.
func (o *ImitationOutcome) Figures() ([]NamedFigure, error) {
	k := o.Task
	goal := []plotting.Point{{X: k.Goal[0], Y: k.Goal[1]}}
	last := o.DAgger[len(o.DAgger)-1]
	return collect(step{"05-bc-drift", func() (*plotting.Figure, error) {
		var figs []*plotting.Figure
		for _, c := range []struct {
			title string
			ev    *imitation.Evaluation
		}{{"expert (MPC)", o.Expert}, {fmt.Sprintf("BC from %d demos", o.Settings.Rollouts), o.DAgger[0].Eval}, {fmt.Sprintf("DAgger after %d rounds", len(o.DAgger)), last.Eval}} {
			paths, err := endPaths(k, c.ev.Trajectories, 8, "held-out runs")
			if err != nil {
				return nil, err
			}
			f, err := plotting.Trajectories(c.title, "x (m)", "y (m)", plotting.Scene{Paths: paths, Goals: goal, EqualAspect: true})
			if err != nil {
				return nil, err
			}
			figs = append(figs, f)
		}
		return plotting.Combine(fmt.Sprintf("%s: where the policies go from 8 held-out starts", k.Name), 3, figs...)
	}}, step{"05-cost-per-round", func() (*plotting.Figure, error) {
		x := make([]float64, len(o.Labels))
		var dag, bc, pl, dagS, bcS []float64
		for i := range o.Labels {
			x[i] = float64(o.Labels[i])
			dag = append(dag, o.DAgger[i].MeanCost)
			bc = append(bc, o.BC[i].MeanCost)
			pl = append(pl, o.PLATO[i].MeanCost)
			dagS = append(dagS, o.DAggerSmall[i].MeanCost)
			bcS = append(bcS, o.BCSmall[i].MeanCost)
		}
		small := "small learner"
		if h := o.Settings.Small[o.Name]; len(h) == 1 {
			small = fmt.Sprintf("%d-unit learner", h[0])
		}
		f, err := plotting.LinesLogY(fmt.Sprintf("%s: held-out cost per round", k.Name), "expert labels", "mean cost on 24 held-out starts", x,
			plotting.Series{Name: "DAgger, 64×64 learner", Y: dag},
			plotting.Series{Name: "BC, same labels, 64×64 learner", Y: bc},
			plotting.Series{Name: "PLATO, 64×64 learner on two frames of positions", Y: pl},
			plotting.Series{Name: "DAgger, " + small, Y: dagS},
			plotting.Series{Name: "BC, same labels, " + small, Y: bcS})
		if err != nil {
			return nil, err
		}
		return f.LegendOutside(), f.HLine(0, o.Expert.MeanCost, fmt.Sprintf("expert %.1f", o.Expert.MeanCost))
	}})
}

// TeacherScenario shows PLATO's adaptive teacher at one state of the arm: a
// learner cloned from two demonstrations (two frames of positions), the
// expert's u* and Quu at step 10 of a held-out start's expert run, and π̂'s
// mean m(λ) for λ from 10⁻³ to 10³.
type TeacherScenario struct{}

// TeacherOutcome is the teacher at one state.
type TeacherOutcome struct {
	UStar, Mu, Sigma []float64
	Quu              [][]float64
	Lambdas          []float64
	Means            [][]float64 // m(λ) per λ
}

// Run fits the learner and computes m(λ).
func (TeacherScenario) Run() (Outcome, error) {
	k := imitation.ArmReach()
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		return nil, err
	}
	bc, err := imitation.BehaviourCloning(e, imitation.BCConfig{Demos: 2, LearnerConfig: imitation.LearnerConfig{
		Observer: k.Observer(), Hidden: []int{64, 64}, Fit: nn.FitConfig{Epochs: 40, LearningRate: 1e-3, FinalLearningRate: 1e-5}, Seed: 1}})
	if err != nil {
		return nil, err
	}
	mpc, err := e.Policy(k.Test[0])
	if err != nil {
		return nil, err
	}
	x, prev := append([]float64(nil), k.Test[0]...), append([]float64(nil), k.Test[0]...)
	u := make([]float64, 2)
	for t := 0; t <= 10; t++ {
		if err := mpc.Act(u, t, x, nil); err != nil {
			return nil, err
		}
		if t == 10 {
			break
		}
		copy(prev, x)
		if err := k.System.Step(x, x, u); err != nil {
			return nil, err
		}
	}
	obs := make([]float64, 4)
	k.Observer().Observe(obs, x, prev)
	mu, err := bc.Policy.Mean([][]float64{obs})
	if err != nil {
		return nil, err
	}
	Q := mpc.LastPlan().Solution.Quu[0]
	o := &TeacherOutcome{UStar: append([]float64(nil), u...), Mu: mu[0], Sigma: bc.Policy.Std(),
		Quu: [][]float64{{Q.At(0, 0), Q.At(0, 1)}, {Q.At(1, 0), Q.At(1, 1)}}}
	for i := 0; i <= 60; i++ {
		l := math.Pow(10, -3+float64(i)/10)
		m, _, err := imitation.AdaptiveTeacher(o.UStar, Q, o.Mu, o.Sigma, l)
		if err != nil {
			return nil, err
		}
		o.Lambdas, o.Means = append(o.Lambdas, l), append(o.Means, m)
	}
	return o, nil
}

// Figures draws m(λ) in the action plane.
func (o *TeacherOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"05-teacher-lambda", func() (*plotting.Figure, error) {
		var p plotting.Path
		p.Name = "π̂'s mean m(λ), λ = 10⁻³ … 10³"
		for _, m := range o.Means {
			p.X, p.Y = append(p.X, m[0]), append(p.Y, m[1])
		}
		marks := []plotting.Path{p}
		for _, l := range []float64{0.001, 0.01, 0.1} {
			i := int(math.Round((math.Log10(l) + 3) * 10))
			marks = append(marks, plotting.Path{Name: fmt.Sprintf("λ = %g", l), X: []float64{o.Means[i][0]}, Y: []float64{o.Means[i][1]}})
		}
		f, err := plotting.Trajectories("PLATO's teacher: from u* to the learner's μθ as λ grows", "τ1 (N·m)", "τ2 (N·m)",
			plotting.Scene{Paths: marks, Goals: []plotting.Point{{X: o.Mu[0], Y: o.Mu[1]}},
				StartLabel: "MPC action u* (λ → 0)", GoalLabel: "learner's mean μθ (λ → ∞)"})
		if err != nil {
			return nil, err
		}
		return f.LegendOutside(), nil
	}})
}

// OneFrameScenario runs DAgger on the arm with a learner that sees the
// joint angles over one frame (no velocity) and over two frames, with the
// lesson's settings and the held-out evaluation after each round.
type OneFrameScenario struct{}

// OneFrameOutcome holds both runs.
type OneFrameOutcome struct {
	OneFrame, Two  []imitation.Round
	OneObs, TwoObs string
}

// Run runs DAgger with both observers.
func (OneFrameScenario) Run() (Outcome, error) {
	k := imitation.ArmReach()
	s := DefaultImitationSettings(Quick())
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		return nil, err
	}
	one, err := OneFrame(k)
	if err != nil {
		return nil, err
	}
	o := &OneFrameOutcome{OneObs: one.Name(), TwoObs: k.Observer().Name()}
	for i, obs := range []imitation.Observer{one, k.Observer()} {
		d, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: s.Learner(obs, 1), Rounds: s.Rounds, Rollouts: s.Rollouts, P: s.P, Evaluate: true})
		if err != nil {
			return nil, err
		}
		if i == 0 {
			o.OneFrame = d.Rounds()
		} else {
			o.Two = d.Rounds()
		}
	}
	return o, nil
}

// Figures draws the held-out cost per round for both observers.
func (o *OneFrameOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"05-one-frame", func() (*plotting.Figure, error) {
		x := make([]float64, len(o.Two))
		var a, b []float64
		for i := range o.Two {
			x[i] = float64(i)
			a, b = append(a, o.OneFrame[i].MeanCost), append(b, o.Two[i].MeanCost)
		}
		f, err := plotting.Lines("DAgger on the arm: a learner that cannot see velocity stalls", "DAgger round", "mean cost on 24 held-out starts", x,
			plotting.Series{Name: "learner sees " + o.OneObs, Y: a},
			plotting.Series{Name: "learner sees " + o.TwoObs, Y: b})
		if err != nil {
			return nil, err
		}
		return f.LegendOutside(), nil
	}})
}
