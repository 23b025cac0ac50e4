package nn

import (
	"fmt"
	"math"
)

// Normalizer holds the per-component affine maps around the network: the
// network sees (x − InMean) ⊘ InStd and its output o is mapped back to
// y = OutMean + OutStd ⊙ o. Fit sets it to the means and standard
// deviations of the training data.
type Normalizer struct {
	InMean, InStd   []float64 // length In
	OutMean, OutStd []float64 // length Out
}

// minStd is the smallest standard deviation Fit uses: a component that
// varies less than this over the data (a constant input, say) is not
// rescaled (its std is taken as 1), so later inputs that differ slightly
// do not blow up.
const minStd = 1e-8

func identityNormalizer(in, out int) Normalizer {
	n := Normalizer{make([]float64, in), make([]float64, in), make([]float64, out), make([]float64, out)}
	for i := range n.InStd {
		n.InStd[i] = 1
	}
	for i := range n.OutStd {
		n.OutStd[i] = 1
	}
	return n
}

func (n Normalizer) clone() Normalizer {
	c := func(v []float64) []float64 { return append([]float64(nil), v...) }
	return Normalizer{c(n.InMean), c(n.InStd), c(n.OutMean), c(n.OutStd)}
}

// vector is the layout the graphs take: [InMean, InStd, OutMean, OutStd].
func (n Normalizer) vector() []float64 {
	v := make([]float64, 0, 2*len(n.InMean)+2*len(n.OutMean))
	v = append(v, n.InMean...)
	v = append(v, n.InStd...)
	v = append(v, n.OutMean...)
	return append(v, n.OutStd...)
}

func (n Normalizer) check(fn string, in, out int) error {
	for _, f := range []struct {
		name string
		v    []float64
		dim  int
		std  bool
	}{{"InMean", n.InMean, in, false}, {"InStd", n.InStd, in, true}, {"OutMean", n.OutMean, out, false}, {"OutStd", n.OutStd, out, true}} {
		if len(f.v) != f.dim {
			return fmt.Errorf("nn: %s: Normalizer.%s has length %d, want %d", fn, f.name, len(f.v), f.dim)
		}
		for i, x := range f.v {
			if math.IsNaN(x) || math.IsInf(x, 0) || (f.std && !(x > 0)) {
				want := "finite"
				if f.std {
					want = "finite and > 0"
				}
				return fmt.Errorf("nn: %s: Normalizer.%s[%d] = %v, want %s", fn, f.name, i, x, want)
			}
		}
	}
	return nil
}

// nnMomentsChecked is nnMoments that returns an error, naming the column
// and its entry of largest magnitude, if a mean or standard deviation
// overflows float64 (values near 1e300, or sums beyond 1.8e308).
func nnMomentsChecked(fn, what string, rows [][]float64, dim int) (mean, std []float64, err error) {
	mean, std = nnMoments(rows, dim)
	for j := range mean {
		if finite(mean[j]) && finite(std[j]) {
			continue
		}
		big := 0
		for i, r := range rows {
			if math.Abs(r[j]) > math.Abs(rows[big][j]) {
				big = i
			}
		}
		return nil, nil, fmt.Errorf("nn: %s: the mean or standard deviation of column %d of %s overflows float64 (%s[%d][%d] = %v): rescale the data",
			fn, j, what, what, big, j, rows[big][j])
	}
	return mean, std, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// nnMoments returns the mean and standard deviation (1/N) of each column
// of rows; a std below minStd becomes 1.
func nnMoments(rows [][]float64, dim int) (mean, std []float64) {
	mean, std = make([]float64, dim), make([]float64, dim)
	N := float64(len(rows))
	for _, r := range rows {
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= N
	}
	for _, r := range rows {
		for j, v := range r {
			d := v - mean[j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / N)
		if !(std[j] >= minStd) {
			std[j] = 1
		}
	}
	return mean, std
}

// Normalizer returns a copy of the current normaliser.
func (m *MLP) Normalizer() Normalizer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.norm.clone()
}

// SetNormalizer replaces the normaliser. With keepFunction false the
// network weights are left as they are, so the function x ↦ y changes.
// With keepFunction true the first and last layers are re-expressed in the
// new units so that the model computes the same function as before (up to
// rounding): with the input shift d = (new InMean − old InMean) ⊘ old InStd,
//
//	b₀ ← b₀ + W₀ᵀ·d,  W₀ ← diag(new InStd ⊘ old InStd)·W₀,
//	W_L ← W_L·diag(old OutStd ⊘ new OutStd),
//	b_L ← (old OutStd ⊙ b_L + old OutMean − new OutMean) ⊘ new OutStd.
//
// Fit uses keepFunction true when it re-estimates the normaliser of a model
// that already has one, so continued training starts from the model it had.
//
// It returns an error, changing nothing, if m is nil, n's lengths do not
// match In and Out, an entry is not finite, a std is not > 0, or (with
// keepFunction) re-expressing the weights overflows float64.
func (m *MLP) SetNormalizer(n Normalizer, keepFunction bool) error {
	if err := m.check("SetNormalizer"); err != nil {
		return err
	}
	if err := n.check("SetNormalizer", m.cfg.In, m.cfg.Out); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if keepFunction {
		theta := append([]float64(nil), m.theta...)
		if err := renormalize("SetNormalizer", theta, m.sizes, m.norm, n); err != nil {
			return err
		}
		copy(m.theta, theta)
	}
	m.norm, m.normSet = n.clone(), true
	return nil
}

// renormalize is nnRenormalize that returns an error naming the first
// weight that overflowed.
func renormalize(fn string, theta []float64, sizes []int, old, new Normalizer) error {
	nnRenormalize(theta, sizes, old, new)
	for i, v := range theta {
		if !finite(v) {
			return fmt.Errorf("nn: %s: re-expressing the weights in the new normaliser's units overflows: θ[%d] = %v", fn, i, v)
		}
	}
	return nil
}

// nnRenormalize rewrites theta (layout of MLP) from normaliser old to new
// without changing the function; see SetNormalizer.
func nnRenormalize(theta []float64, sizes []int, old, new Normalizer) {
	in, h1 := sizes[0], sizes[1]
	W0, b0 := theta[:in*h1], theta[in*h1:in*h1+h1]
	// z_old = (x − μ)/σ = (σ'/σ)·z_new + (μ' − μ)/σ.
	for i := 0; i < in; i++ {
		d := (new.InMean[i] - old.InMean[i]) / old.InStd[i]
		for j := 0; j < h1; j++ {
			b0[j] += d * W0[i*h1+j]
		}
	}
	for i := 0; i < in; i++ {
		s := new.InStd[i] / old.InStd[i]
		for j := 0; j < h1; j++ {
			W0[i*h1+j] *= s
		}
	}
	L := len(sizes) - 1
	a, out := sizes[L-1], sizes[L]
	off := len(theta) - (a*out + out)
	WL, bL := theta[off:off+a*out], theta[off+a*out:]
	// y = μo + σo·o_old = μo' + σo'·o_new.
	for k := 0; k < out; k++ {
		r := old.OutStd[k] / new.OutStd[k]
		for i := 0; i < a; i++ {
			WL[i*out+k] *= r
		}
		bL[k] = (old.OutStd[k]*bL[k] + old.OutMean[k] - new.OutMean[k]) / new.OutStd[k]
	}
}
