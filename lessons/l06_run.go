package lessons

import (
	"github.com/rlcontrol/rlcontrol/rl/gps"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// runMean runs condition c's local controller noise-free from its start.
func runMean(k *imitation.Task, c *gps.Condition) (system.Trajectory, error) {
	return system.Rollout(k.System, c.Controller, c.X0, k.T, nil)
}
