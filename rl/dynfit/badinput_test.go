package dynfit

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// scaled returns a copy of s with every state and action multiplied by f:
// finite samples whose moments overflow for f = 1e200.
func scaled(s system.Batch, f float64) system.Batch {
	c := copySamples(s)
	for _, tr := range c {
		for _, rows := range [][][]float64{tr.X, tr.U} {
			for _, r := range rows {
				for j := range r {
					r[j] *= f
				}
			}
		}
	}
	return c
}

// wide returns N rollouts of horizon T of a system with n states and one
// action, all zero but for the first state component: small batches whose
// fits (n×n per step) are huge for a large n.
func wide(N, T, n int) system.Batch {
	b := make(system.Batch, N)
	for i := range b {
		b[i] = system.NewTrajectory(n, 1, T)
		b[i].X[0][0] = float64(i)
	}
	return b
}

// finiteDyn returns err, or an error naming the first non-finite entry of
// the fitted d.
func finiteDyn(d *lqr.Dynamics, err error) error {
	if err != nil {
		return err
	}
	_, _, _, err = d.Dims()
	return err
}

// finiteMats returns err, or an error naming the first non-finite entry of
// the matrices.
func finiteMats(err error, ms ...mat.Matrix) error {
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := finiteMat("result", m); err != nil {
			return err
		}
	}
	return nil
}

// TestBadInput: bad input to every exported function of the package gives
// an error naming the bad value (or the documented panic), never a silent
// NaN, a crash or a hang. The classes: silent NaN/Inf and overflow of
// finite input ("nan"), nil and typed-nil values ("nil"), ragged or
// mismatched shapes ("ragged"), sizes beyond limits.MaxElements
// ("oversized") and calls that never return ("hang").
func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(80, 1))
	good := systemSamples(t, system.NewPointMass(), rng, 8, 10, 0.1, 0.5, circle)
	big := scaled(good, 1e200)
	gp, err := NewGMMPrior(GMMPriorConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := gp.Update(good); err != nil {
		t.Fatal(err)
	}
	np, err := NewNNPrior(NNPriorConfig{Hidden: []int{8}, Fit: nn.FitConfig{Epochs: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := np.Update(good); err != nil {
		t.Fatal(err)
	}
	pts, err := StepPoints(good, 3)
	if err != nil {
		t.Fatal(err)
	}
	bigPts, err := StepPoints(big, 3)
	if err != nil {
		t.Fatal(err)
	}
	data := mat.NewDense(40, 2, randn(rng, 80, 1))
	g, err := FitGMM(data, 2, GMMConfig{}, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	far := mat.NewDense(2, 2, []float64{1e200, 0, 0, 0})
	X := mat.NewDense(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 9})
	y := mat.NewVecDense(4, []float64{1, 0, 1, 0})
	nan, inf := math.NaN(), math.Inf(1)
	nanMean := lqr.NewDynamics(4, 2, 10)
	nanMean.Fx[2].Set(1, 1, nan)
	xs, us := [][]float64{{0, 0, 0, 0}}, [][]float64{{0, 0}}
	var nilGP *GMMPrior
	var nilNP *NNPrior
	var nilG *GMM

	cases := []badtest.Case{
		badtest.Err("nan", "LeastSquares samples of 1e200", func() error { return finiteDyn(LeastSquares(big, 0.1)) }, "LeastSquares", "step 0", "overflow"),
		badtest.Err("nan", "FitBayesian samples of 1e200", func() error { return finiteDyn(FitBayesian(big, BayesPrior{Strength: 1})) }, "FitBayesian", "step 0", "overflow"),
		badtest.Err("nan", "FitWithPrior samples of 1e200", func() error { return finiteDyn(FitWithPrior(big, zeroPrior(10), 0.1)) }, "FitWithPrior", "step 0", "overflow"),
		badtest.Err("nan", "FitWithPrior GMM prior, samples of 1e200", func() error { return finiteDyn(FitWithPrior(big, gp, 0.1)) }, "FitWithPrior", "step 0"),
		badtest.Err("nan", "FitWithPrior NN prior, samples of 1e200", func() error { return finiteDyn(FitWithPrior(big, np, 0.1)) }, "FitWithPrior", "step 0"),
		badtest.Err("nan", "FitBayesian NaN prior mean", func() error { return finiteDyn(FitBayesian(good, BayesPrior{Mean: nanMean, Strength: 1})) }, "BayesPrior.Mean", "Fx", "NaN"),
		badtest.Err("nan", "BayesianLinearRegression X of 1e200", func() error {
			Xb := mat.DenseCopyOf(X)
			Xb.Scale(1e200, Xb)
			mean, cov, err := BayesianLinearRegression(Xb, y, 1, nil)
			return finiteMats(err, mean, cov)
		}, "BayesianLinearRegression", "overflow"),
		badtest.Err("nan", "NIWPosterior points of 1e200", func() error {
			mu, sig, err := NIWPosterior(bigPts, mat.NewVecDense(10, nil), mat.NewSymDense(10, nil), 1, 1)
			return finiteMats(err, mu, sig)
		}, "NIWPosterior", "overflow"),
		badtest.Err("nan", "NIWPosterior strength of 1e308", func() error {
			mu, sig, err := NIWPosterior(pts, mat.NewVecDense(10, nil), mat.NewSymDense(10, nil), 1e308, 1)
			return finiteMats(err, mu, sig)
		}, "NIWPosterior", "overflow"),
		badtest.Err("nan", "FitGMM data of 1e200", func() error {
			d := mat.DenseCopyOf(data)
			d.Scale(1e200, d)
			_, err := FitGMM(d, 2, GMMConfig{}, rand.New(rand.NewPCG(1, 1)))
			return err
		}, "FitGMM", "overflow"),
		badtest.Err("nan", "GMM.Refit data of 1e200", func() error {
			d := mat.DenseCopyOf(data)
			d.Scale(1e200, d)
			g2, _ := FitGMM(data, 2, GMMConfig{}, rand.New(rand.NewPCG(2, 2)))
			return g2.Refit(d, GMMConfig{})
		}, "Refit"),
		badtest.Err("nan", "GMM.LogLikelihood far point", func() error {
			ll, err := g.LogLikelihood(far)
			return badtest.Finite(err, "log-likelihood", ll)
		}, "LogLikelihood", "point 0"),
		badtest.Err("nan", "GMM.Responsibilities far point", func() error {
			r, err := g.Responsibilities(far)
			return finiteMats(err, r)
		}, "Responsibilities", "point 0"),
		badtest.Err("nan", "GMM.MixtureWeights far point", func() error {
			w, err := g.MixtureWeights(far)
			return badtest.Finite(err, "w", w...)
		}, "MixtureWeights", "point 0"),
		badtest.Err("nan", "GMMPrior.Update samples of 1e200", func() error { p, _ := NewGMMPrior(GMMPriorConfig{}); return p.Update(big) }, "GMMPrior.Update", "overflow"),
		badtest.Err("nan", "GMMPrior.Eval points of 1e200", func() error {
			mu, Phi, _, _, err := gp.Eval(bigPts)
			return finiteMats(err, mu, Phi)
		}, "GMMPrior.Eval", "point 0"),
		badtest.Err("nan", "NNPrior.Update samples of 1e200", func() error {
			p, _ := NewNNPrior(NNPriorConfig{Hidden: []int{8}, Fit: nn.FitConfig{Epochs: 2}})
			return p.Update(big)
		}, "NNPrior.Update"),
		badtest.Err("nan", "NNPrior.Eval points of 1e200", func() error {
			mu, Phi, _, _, err := np.Eval(bigPts)
			return finiteMats(err, mu, Phi)
		}, "NNPrior.Eval", "overflow"),
		badtest.Err("nan", "NNPrior.Predict NaN state", func() error {
			f, err := np.Predict([][]float64{{0, nan, 0, 0}}, us)
			return badtest.FiniteRows(err, "f", f)
		}, "NNPrior.Predict", "x[0][1] = NaN"),
		badtest.Err("nan", "NNPrior.Linearize Inf action", func() error {
			f, _, _, err := np.Linearize(xs, [][]float64{{inf, 0}})
			return badtest.FiniteRows(err, "f", f)
		}, "NNPrior.Linearize", "u[0][0] = +Inf"),

		badtest.Err("nil", "FitWithPrior typed-nil GMMPrior", func() error { _, err := FitWithPrior(good, nilGP, 0); return err }, "FitWithPrior", "nil *dynfit.GMMPrior"),
		badtest.Err("nil", "FitWithPrior typed-nil NNPrior", func() error { _, err := FitWithPrior(good, nilNP, 0); return err }, "FitWithPrior", "nil *dynfit.NNPrior"),
		badtest.Err("nil", "GMMPrior.Update nil", func() error { return nilGP.Update(good) }, "GMMPrior.Update", "nil *GMMPrior"),
		badtest.Err("nil", "GMMPrior.Eval nil", func() error { _, _, _, _, err := nilGP.Eval(pts); return err }, "GMMPrior.Eval", "nil *GMMPrior"),
		badtest.Err("nil", "GMMPrior.InitialState nil", func() error { _, _, _, _, err := nilGP.InitialState(); return err }, "GMMPrior.InitialState", "nil *GMMPrior"),
		badtest.Err("nil", "NNPrior.Update nil", func() error { return nilNP.Update(good) }, "NNPrior.Update", "nil *NNPrior"),
		badtest.Err("nil", "NNPrior.Eval nil", func() error { _, _, _, _, err := nilNP.Eval(pts); return err }, "NNPrior.Eval", "nil *NNPrior"),
		badtest.Err("nil", "NNPrior.Predict nil", func() error { _, err := nilNP.Predict(xs, us); return err }, "NNPrior.Predict", "nil *NNPrior"),
		badtest.Err("nil", "NNPrior.Linearize nil", func() error { _, _, _, err := nilNP.Linearize(xs, us); return err }, "NNPrior.Linearize", "nil *NNPrior"),
		badtest.Err("nil", "GMM.Refit nil", func() error { return nilG.Refit(data, GMMConfig{}) }, "GMM.Refit", "nil *GMM"),
		badtest.Err("nil", "GMM.LogLikelihood nil", func() error { _, err := nilG.LogLikelihood(data); return err }, "GMM.LogLikelihood", "nil *GMM"),
		badtest.Err("nil", "GMM.Responsibilities nil", func() error { _, err := nilG.Responsibilities(data); return err }, "GMM.Responsibilities", "nil *GMM"),
		badtest.Err("nil", "GMM.MixtureWeights nil", func() error { _, err := nilG.MixtureWeights(data); return err }, "GMM.MixtureWeights", "nil *GMM"),
		badtest.Err("nil", "GMM.Moments nil", func() error { _, _, err := nilG.Moments([]float64{1}); return err }, "GMM.Moments", "nil *GMM"),
		badtest.Panic("nil", "GMM.Weight nil", func() { nilG.Weight(0) }, "GMM.Weight", "nil *GMM"),
		badtest.Panic("nil", "GMM.Mean out of range", func() { g.Mean(2) }, "GMM.Mean", "k = 2", "K = 2"),
		badtest.Panic("nil", "GMM.Cov negative", func() { g.Cov(-1) }, "GMM.Cov", "k = -1"),
		badtest.OK("nil", "accessors of nil priors", func() error {
			if nilGP.GMM() != nil || nilGP.Rollouts() != 0 || nilGP.Points() != 0 || nilG.K() != 0 || nilG.Dim() != 0 ||
				nilNP.Model() != nil || nilNP.ResidualCov() != nil || nilNP.Loss() != nil || nilNP.Rollouts() != 0 || nilNP.Points() != 0 {
				return errors.New("a nil prior's accessor returned a value")
			}
			return nil
		}),
		badtest.Err("nil", "FitGMM nil data", func() error { _, err := FitGMM(nil, 2, GMMConfig{}, rng); return err }, "data is nil"),
		badtest.Err("nil", "NIWPosterior nil Phi", func() error { _, _, err := NIWPosterior(pts, mat.NewVecDense(10, nil), nil, 1, 1); return err }, "Phi is 0×0"),
		badtest.Err("nil", "BayesianLinearRegression nil y", func() error { _, _, err := BayesianLinearRegression(X, nil, 1, nil); return err }, "y has 0 entries"),
		badtest.Err("nil", "StepPoints nil batch", func() error { _, err := StepPoints(nil, 0); return err }, "empty batch"),
		badtest.Err("nil", "FitBayesian empty prior mean", func() error { _, err := FitBayesian(good, BayesPrior{Mean: &lqr.Dynamics{}}); return err }, "BayesPrior.Mean"),

		badtest.Err("ragged", "LeastSquares ragged action", func() error {
			s := copySamples(good)
			s[2].U[4] = s[2].U[4][:1]
			_, err := LeastSquares(s, 0)
			return err
		}, "trajectory 2", "U[4] has length 1, want 2"),
		badtest.Err("ragged", "FitWithPrior ragged horizon", func() error {
			s := copySamples(good)
			s[5].X, s[5].U = s[5].X[:5], s[5].U[:4]
			_, err := FitWithPrior(s, gp, 0)
			return err
		}, "trajectory 5 has (n, m, T) = (4, 2, 4)"),
		badtest.Err("ragged", "NIWPosterior short mu0", func() error {
			_, _, err := NIWPosterior(pts, mat.NewVecDense(9, nil), mat.NewSymDense(10, nil), 1, 1)
			return err
		}, "mu0 has 9 entries, want 10"),
		badtest.Err("ragged", "BayesianLinearRegressionWithMean long beta0", func() error {
			_, _, err := BayesianLinearRegressionWithMean(X, y, 1, nil, mat.NewVecDense(3, nil))
			return err
		}, "beta0 has 3 entries, want 2"),
		badtest.Err("ragged", "GMM.Moments short weights", func() error { _, _, err := g.Moments([]float64{1}); return err }, "1 weights for 2 clusters"),
		badtest.Err("ragged", "GMMPrior.Eval wrong columns", func() error { _, _, _, _, err := gp.Eval(mat.NewDense(2, 9, nil)); return err }, "9 columns"),
		badtest.Err("ragged", "NNPrior.Predict ragged", func() error { _, err := np.Predict([][]float64{{0, 0, 0}}, us); return err }, "x[0] has length 3"),

		badtest.Err("oversized", "LeastSquares n = 2^14", func() error { _, err := LeastSquares(wide(2, 1, 1<<14), 1); return err }, "LeastSquares", "1 × 16384 × 32770", "too large"),
		badtest.Err("oversized", "FitBayesian n = 2^14", func() error { _, err := FitBayesian(wide(2, 1, 1<<14), BayesPrior{Strength: 1}); return err }, "FitBayesian", "too large"),
		badtest.Err("oversized", "FitWithPrior n = 2^14", func() error { _, err := FitWithPrior(wide(2, 1, 1<<14), zeroPrior(2<<14+1), 1); return err }, "FitWithPrior", "too large"),
		badtest.Err("oversized", "BayesianLinearRegression d = 2^14", func() error {
			_, _, err := BayesianLinearRegression(mat.NewDense(1, 1<<14, nil), mat.NewVecDense(1, nil), 1, nil)
			return err
		}, "BayesianLinearRegression", "16384 × 16384", "too large"),
		badtest.Err("oversized", "NIWPosterior D = 2^14", func() error {
			_, _, err := NIWPosterior(mat.NewDense(1, 1<<14, nil), mat.NewVecDense(1<<14, nil), mat.NewSymDense(1, nil), 1, 1)
			return err
		}, "NIWPosterior", "16384 × 16384", "too large"),
		badtest.Err("oversized", "FitGMM K × D × D = 2^28", func() error {
			_, err := FitGMM(mat.NewDense(1<<10, 1<<10, nil), 1<<8, GMMConfig{}, rng)
			return err
		}, "FitGMM", "256 × 1024 × 1024", "too large"),
		badtest.Err("oversized", "GMM.Responsibilities N × K = 2^28", func() error {
			many, err := FitGMM(mat.NewDense(1<<10, 1, randn(rng, 1<<10, 1)), 1<<10, GMMConfig{MaxIter: 1}, rng)
			if err != nil {
				return err
			}
			_, err = many.Responsibilities(mat.NewDense(1<<18, 1, nil))
			return err
		}, "Responsibilities", "262144 × 1024", "too large"),

		badtest.OK("hang", "FitGMM MaxIter 2^40, log-likelihood near 0", func() error {
			// Points spread so that the density is about 1: ℓ ≈ 0 makes the
			// relative stopping test Tol·|ℓ| tiny.
			u := make([]float64, 400)
			for i := range u {
				u[i] = rng.Float64() * 2.5
			}
			_, err := FitGMM(mat.NewDense(400, 1, u), 3, GMMConfig{MaxIter: 1 << 40}, rng)
			return err
		}),
	}
	badtest.Run(t, cases)
}
