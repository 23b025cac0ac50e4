package mlx

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// Backend returns the process-wide pure-Go GoMLX backend. It is created on
// the first call and shared afterwards.
func Backend() compute.Backend {
	return gobackend.GetBackend()
}
