package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// TestErrors: the fitters' argument checks give errors naming the bad
// value, never a panic (TestBadInput has the classes of issue 8).
func TestErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(50, 1))
	sys := system.NewPointMass()
	good := systemSamples(t, sys, rng, 8, 10, 0.1, 0.5, circle)
	prior, err := NewGMMPrior(GMMPriorConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := prior.Update(good); err != nil {
		t.Fatal(err)
	}
	fitters := map[string]func(system.Batch) error{
		"LeastSquares": func(s system.Batch) error { _, err := LeastSquares(s, 0); return err },
		"FitBayesian":  func(s system.Batch) error { _, err := FitBayesian(s, BayesPrior{Strength: 1}); return err },
		"FitWithPrior": func(s system.Batch) error { _, err := FitWithPrior(s, prior, 1e-6); return err },
		"Update": func(s system.Batch) error {
			p, _ := NewGMMPrior(GMMPriorConfig{})
			return p.Update(s)
		},
	}

	nan := copySamples(good)
	nan[3].X[4][1] = math.NaN()
	infU := copySamples(good)
	infU[2].U[5][0] = math.Inf(1)
	short := copySamples(good)
	short[1].U[2] = short[1].U[2][:1]
	missing := copySamples(good)
	missing[4].X = missing[4].X[:5]
	for name, fit := range fitters {
		noPanic(t, name, func() {
			wantErr(t, name+" NaN", fit(nan), "trajectory 3: X[4][1] = NaN")
			wantErr(t, name+" Inf", fit(infU), "trajectory 2: U[5][0] = +Inf")
			wantErr(t, name+" short action", fit(short), "trajectory 1: U[2]", "length 1, want 2")
			wantErr(t, name+" short rollout", fit(missing), "trajectory 4")
			wantErr(t, name+" empty", fit(system.Batch{}), "empty batch")
		})
	}

	noPanic(t, "LeastSquares", func() {
		_, err := LeastSquares(good, -1)
		wantErr(t, "reg < 0", err, "reg = -1")
		_, err = LeastSquares(good, math.NaN())
		wantErr(t, "reg NaN", err, "reg = NaN")
		few := good[:3]
		_, err = LeastSquares(few, 0)
		wantErr(t, "too few", err, "N = 3", "n+m+1 = 7")
		_, err = LeastSquares(good[:1], 0.1)
		wantErr(t, "one rollout", err, "N = 1")
		// A constant second action component: singular regressors.
		flat := copySamples(good)
		for i := range flat {
			for k := range flat[i].U {
				flat[i].U[k][1] = 0.3
			}
		}
		_, err = LeastSquares(flat, 0)
		wantErr(t, "constant action", err, "step 0", "u[1]")
		if _, err := LeastSquares(flat, 1e-6); err != nil {
			t.Errorf("constant action with reg > 0: %v", err)
		}
		// A state component that duplicates another (collinear).
		dup := copySamples(good)
		for i := range dup {
			for k := range dup[i].X {
				dup[i].X[k][3] = 2 * dup[i].X[k][2]
			}
		}
		_, err = LeastSquares(dup, 0)
		wantErr(t, "collinear state", err, "x[3]")
	})

	noPanic(t, "FitBayesian", func() {
		_, err := FitBayesian(good, BayesPrior{Strength: -2})
		wantErr(t, "Strength < 0", err, "Strength = -2")
		_, err = FitBayesian(good[:2], BayesPrior{})
		wantErr(t, "too few", err, "N = 2", "n+m+1 = 7")
		other := systemSamples(t, system.NewPendulum(), rng, 3, 10, 0.1, 0.5, nil)
		otherDyn, _ := LeastSquares(other, 0.1)
		_, err = FitBayesian(good, BayesPrior{Mean: otherDyn, Strength: 1})
		wantErr(t, "mismatched mean", err, "n = 2, m = 1")
		flat := copySamples(good)
		for i := range flat {
			for k := range flat[i].U {
				flat[i].U[k][1] = 0.3
			}
		}
		_, err = FitBayesian(flat, BayesPrior{})
		wantErr(t, "constant action", err, "step 0", "u[1]")
	})

	noPanic(t, "FitWithPrior", func() {
		_, err := FitWithPrior(good, nil, 0)
		wantErr(t, "nil prior", err, "prior is nil")
		_, err = FitWithPrior(good, prior, -0.5)
		wantErr(t, "reg < 0", err, "reg = -0.5")
		_, err = FitWithPrior(good, zeroPrior(7), 0)
		wantErr(t, "prior of the wrong size", err, "mu0 has 7 entries, want 10")
		bad := zeroPrior(10)
		bad.m = -1
		_, err = FitWithPrior(good, bad, 0)
		wantErr(t, "negative m", err, "m = -1")
		nanPrior := zeroPrior(10)
		nanPrior.Phi = mat.NewSymDense(10, nil)
		nanPrior.Phi.SetSym(2, 3, math.NaN())
		_, err = FitWithPrior(good, nanPrior, 0)
		wantErr(t, "NaN Phi", err, "Phi[2,3] = NaN")
		// An empty prior with two rollouts: singular.
		_, err = FitWithPrior(good[:2], zeroPrior(10), 0)
		wantErr(t, "empty prior, 2 rollouts", err, "singular at x[1]")
		empty, _ := NewGMMPrior(GMMPriorConfig{})
		_, err = FitWithPrior(good, empty, 0)
		wantErr(t, "prior without data", err, "step 0", "Update first")
		_, _, err = NIWPosterior(mat.NewDense(2, 3, nil), mat.NewVecDense(3, nil), mat.NewSymDense(3, nil), 1, math.Inf(1))
		wantErr(t, "NIW n0 = Inf", err, "n0 = +Inf")
		_, err = StepPoints(good, 10)
		wantErr(t, "StepPoints t = T", err, "t = 10", "T = 10")
	})

	noPanic(t, "BayesianLinearRegression", func() {
		X := mat.NewDense(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 9})
		y := mat.NewVecDense(4, nil)
		_, _, err := BayesianLinearRegression(X, y, 0, nil)
		wantErr(t, "sigma2 = 0", err, "sigma2 = 0")
		_, _, err = BayesianLinearRegression(X, mat.NewVecDense(3, nil), 1, nil)
		wantErr(t, "short y", err, "y has 3 entries, want 4")
		_, _, err = BayesianLinearRegression(X, y, 1, mat.NewSymDense(3, nil))
		wantErr(t, "Lambda size", err, "Lambda is 3×3, want 2×2")
		_, _, err = BayesianLinearRegressionWithMean(X, y, 1, nil, mat.NewVecDense(5, nil))
		wantErr(t, "beta0 size", err, "beta0 has 5 entries")
		Xn := mat.DenseCopyOf(X)
		Xn.Set(2, 1, math.NaN())
		_, _, err = BayesianLinearRegression(Xn, y, 1, nil)
		wantErr(t, "NaN X", err, "X[2,1] = NaN")
		neg := mat.NewSymDense(2, []float64{-10, 0, 0, -10})
		_, _, err = BayesianLinearRegression(X, y, 1, neg)
		wantErr(t, "negative Lambda", err, "not positive definite")
		_, _, err = BayesianLinearRegression(nil, y, 1, nil)
		wantErr(t, "nil X", err, "X is nil")
	})

	noPanic(t, "GMM", func() {
		data := mat.NewDense(20, 2, randn(rng, 40, 1))
		r := rand.New(rand.NewPCG(1, 1))
		_, err := FitGMM(data, 0, GMMConfig{}, r)
		wantErr(t, "K = 0", err, "K = 0")
		_, err = FitGMM(data, 30, GMMConfig{}, r)
		wantErr(t, "K > N", err, "K = 30", "N = 20")
		_, err = FitGMM(data, 2, GMMConfig{}, nil)
		wantErr(t, "nil rng", err, "rng is nil")
		_, err = FitGMM(data, 2, GMMConfig{Reg: -1}, r)
		wantErr(t, "Reg < 0", err, "Reg = -1")
		_, err = FitGMM(data, 2, GMMConfig{MaxIter: -3}, r)
		wantErr(t, "MaxIter < 0", err, "MaxIter = -3")
		_, err = FitGMM(data, 2, GMMConfig{Tol: math.NaN()}, r)
		wantErr(t, "Tol NaN", err, "Tol = NaN")
		bad := mat.DenseCopyOf(data)
		bad.Set(7, 1, math.Inf(-1))
		_, err = FitGMM(bad, 2, GMMConfig{}, r)
		wantErr(t, "Inf data", err, "data[7,1] = -Inf")
		g, err := FitGMM(data, 2, GMMConfig{}, r)
		if err != nil {
			t.Fatal(err)
		}
		err = g.Refit(mat.NewDense(5, 3, nil), GMMConfig{})
		wantErr(t, "Refit dims", err, "3 columns", "dimension 2")
		_, err = g.MixtureWeights(mat.NewDense(5, 4, nil))
		wantErr(t, "MixtureWeights dims", err, "4 columns")
		_, _, err = g.Moments([]float64{0.5})
		wantErr(t, "Moments weights", err, "1 weights for 2 clusters")
		_, _, err = g.Moments([]float64{0.5, 0.6})
		wantErr(t, "Moments sum", err, "sum to 1.1")
	})

	noPanic(t, "GMMPrior", func() {
		for _, tc := range []struct {
			cfg  GMMPriorConfig
			want string
		}{
			{GMMPriorConfig{MaxClusters: -1}, "MaxClusters = -1"},
			{GMMPriorConfig{MinSamplesPerCluster: -4}, "MinSamplesPerCluster = -4"},
			{GMMPriorConfig{MaxSamples: -2}, "MaxSamples = -2"},
			{GMMPriorConfig{Strength: -1}, "Strength = -1"},
			{GMMPriorConfig{EM: GMMConfig{Reg: -1}}, "Reg = -1"},
		} {
			_, err := NewGMMPrior(tc.cfg)
			wantErr(t, tc.want, err, tc.want)
		}
		other := systemSamples(t, system.NewPendulum(), rng, 5, 10, 0.1, 0.5, nil)
		err := prior.Update(other)
		wantErr(t, "Update with other dims", err, "n = 2, m = 1", "n = 4, m = 2")
		p, _ := NewGMMPrior(GMMPriorConfig{})
		err = p.Update(good[:1])
		wantErr(t, "too few points", err, "10 points", "2n+m+2 = 12")
		_, _, _, _, err = p.Eval(mat.NewDense(2, 10, nil))
		wantErr(t, "Eval before Update", err, "Update first")
		_, _, _, _, err = prior.Eval(mat.NewDense(2, 9, nil))
		wantErr(t, "Eval dims", err, "9 columns", "dimension 10")
	})
}
