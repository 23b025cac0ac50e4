package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
)

// benchDAggerRound times DAgger's rounds on the arm with lesson 05's
// settings (full state, 2 rollouts per round, 64×64 net, 40 epochs per
// fit, β_i = 0.5^i): each iteration runs all Rounds rounds — rollouts of
// the mixture, the expert's labels of every visited state, aggregation and
// the refit on the growing data — and the time is reported per round, the
// mean over rounds whose data grow from 200 to 1200 pairs.
func benchDAggerRound(b *testing.B) {
	k := imitation.ArmReach()
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		b.Fatal(err)
	}
	s := DefaultImitationSettings(false)
	rounds := 0
	for b.Loop() {
		d, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: s.Learner(imitation.FullState{}, 1),
			Rounds: s.Rounds, Rollouts: s.Rollouts, P: s.P})
		if err != nil {
			b.Fatal(err)
		}
		rounds += len(d.Rounds())
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(rounds), "s/round")
}
