package lessons

import (
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"gonum.org/v1/gonum/mat"
)

// teacherMeanGonum solves (Quu + λΣ⁻¹) m = Quu u* + λΣ⁻¹μ with gonum: an
// answer written independently of imitation.AdaptiveTeacher's Cholesky.
func teacherMeanGonum(uStar []float64, Quu [][]float64, mu, sigma []float64, lambda float64) []float64 {
	A := mat.NewDense(2, 2, []float64{Quu[0][0], Quu[0][1], Quu[1][0], Quu[1][1]})
	var b mat.VecDense
	b.MulVec(A, mat.NewVecDense(2, append([]float64(nil), uStar...)))
	for j := 0; j < 2; j++ {
		p := lambda / (sigma[j] * sigma[j])
		A.Set(j, j, A.At(j, j)+p)
		b.SetVec(j, b.AtVec(j)+p*mu[j])
	}
	var m mat.VecDense
	if err := m.SolveVec(A, &b); err != nil {
		panic(err)
	}
	return []float64{m.AtVec(0), m.AtVec(1)}
}

func TestCheckTeacherMean(t *testing.T) {
	if err := CheckTeacherMean(teacherMeanGonum); err != nil {
		t.Errorf("a right answer fails: %v", err)
	}
	wrong := func(uStar []float64, Quu [][]float64, mu, sigma []float64, lambda float64) []float64 {
		return teacherMeanGonum(uStar, Quu, mu, sigma, 1/lambda) // λ upside down
	}
	if err := CheckTeacherMean(wrong); err == nil {
		t.Error("λ⁻¹ in place of λ passes")
	}
	if err := CheckTeacherMean(nil); err == nil {
		t.Error("a missing function passes")
	}
}

func TestCheckDAggerRound(t *testing.T) {
	if err := CheckDAggerRound(solutionDAggerRound); err != nil {
		t.Errorf("the solution fails: %v", err)
	}
	trainFirst := func(d *imitation.DAgger, i int) error {
		if i > 0 {
			if _, err := d.Train(i); err != nil {
				return err
			}
		}
		starts, _ := d.Starts(i)
		rs, err := d.RunPolicy(d.Beta(i), starts, d.RoundSeed(i))
		if err != nil {
			return err
		}
		if _, err := d.Label(rs); err != nil {
			return err
		}
		return d.Aggregate(rs)
	}
	if err := CheckDAggerRound(trainFirst); err == nil {
		t.Error("training before aggregating passes")
	}
}

// TestImitationSeedRuns: the stored table has every task, method (six, with
// the small learner's BC and DAgger) and seed,
// and its counts follow from the settings: T = 100 labels per rollout,
// PLATO never executes the learner, DAgger executes it at its non-expert
// steps (some, fewer than all: β_0 = 1 makes round 0 the expert's).
func TestImitationSeedRuns(t *testing.T) {
	runs, src, err := ImitationSeedRuns()
	if err != nil {
		t.Fatal(err)
	}
	if !src.Stored {
		t.Errorf("source %v, want the stored file", src)
	}
	s := DefaultImitationSettings(false)
	labels := s.Rounds * s.Rollouts * 100
	if len(runs) != len(ImitationTasks())*len(ImitationSeeds)*6 {
		t.Fatalf("%d runs", len(runs))
	}
	for _, r := range runs {
		switch r.Method {
		case "expert":
			if r.ExpertQueries != 0 || r.Resets != 0 {
				t.Errorf("%+v", r)
			}
		case "BC", "BC, small net":
			if r.ExpertQueries != labels || r.PolicyExecutions != 0 || r.Resets != s.Rounds*s.Rollouts {
				t.Errorf("%+v", r)
			}
		case "DAgger", "DAgger, small net":
			if r.ExpertQueries != labels || r.PolicyExecutions <= 0 || r.PolicyExecutions >= labels-s.Rollouts*100 {
				t.Errorf("%+v", r)
			}
		case "PLATO":
			if r.ExpertQueries != labels || r.PolicyExecutions != 0 {
				t.Errorf("%+v", r)
			}
		default:
			t.Errorf("method %q", r.Method)
		}
		if !strings.Contains(strings.Join(ImitationTasks(), ","), r.Task) || !(r.SuccessRate >= 0 && r.SuccessRate <= 1) || !(r.MeanCost > 0) {
			t.Errorf("%+v", r)
		}
	}
}

// TestLesson05CheckersSurviveStudents: a missing or panicking student
// function gets an error, not a crashed cell.
func TestLesson05CheckersSurviveStudents(t *testing.T) {
	boom := func() { panic("index out of range [3] with length 2") }
	for name, err := range map[string]error{
		"teacher nil":   CheckTeacherMean(nil),
		"round nil":     CheckDAggerRound(nil),
		"teacher panic": CheckTeacherMean(func([]float64, [][]float64, []float64, []float64, float64) []float64 { boom(); return nil }),
		"round panic":   CheckDAggerRound(func(*imitation.DAgger, int) error { boom(); return nil }),
	} {
		if err == nil || !(strings.Contains(err.Error(), "no function given") || strings.Contains(err.Error(), "panicked")) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
