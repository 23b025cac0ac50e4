package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/gps"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
)

// benchGPSIteration times one MDGPS iteration on the arm task with lesson
// 06's settings (nine conditions, five samples each, GMM prior, the
// policy's regression), after two warm-up iterations so that the policy
// is trained and the KL is to its linearisation.
func benchGPSIteration(b *testing.B) {
	g, err := gps.New(imitation.ArmReach(), GPSConfig("arm", 1))
	if err != nil {
		b.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		if _, err := g.MDGPSIteration(false); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.MDGPSIteration(false); err != nil {
			b.Fatal(err)
		}
	}
}
