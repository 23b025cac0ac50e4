package e2c

// Dataset holds image transitions (x_t, u_t, x_{t+1}) of one system, with
// the true states kept for evaluation (the model never sees them).
//
// Each image is Frames grayscale frames of Width×Height pixels, row-major,
// frame after frame (the newest last), values in [0, 1].
type Dataset struct {
	// Name says which system made the data ("planar", "pendulum").
	Name string
	// Width, Height and Frames give the image layout.
	Width, Height, Frames int
	// X, U and XNext are the transitions: N images, N actions, N images.
	X, U, XNext [][]float64
	// State and StateNext are the true states behind X and XNext.
	State, StateNext [][]float64
}

// Pixels returns Width·Height·Frames, the length of one image.
func (d *Dataset) Pixels() int { return d.Width * d.Height * d.Frames }

// Len returns the number of transitions.
func (d *Dataset) Len() int { return len(d.X) }
