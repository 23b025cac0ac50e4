package lqr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomProblem builds a random well-posed problem with every term present:
// offsets, cross terms, linear terms and constants. The joint stage Hessian
// [Cxx Cxu; Cux Cuu] = GᵀG + 0.1 I is positive definite, so the QP in the
// stacked actions is strictly convex.
func randomProblem(rng *rand.Rand, n, m, T int) *Problem {
	rnd := func(r, c int, s float64) *mat.Dense {
		d := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				d.Set(i, j, s*rng.NormFloat64())
			}
		}
		return d
	}
	vec := func(k int) *mat.VecDense {
		v := mat.NewVecDense(k, nil)
		for i := 0; i < k; i++ {
			v.SetVec(i, rng.NormFloat64())
		}
		return v
	}
	p := &Problem{}
	for t := 0; t < T; t++ {
		A := rnd(n, n, 0.4)
		for i := 0; i < n; i++ {
			A.Set(i, i, A.At(i, i)+1)
		}
		G := rnd(n+m, n+m, 1)
		H := mat.NewDense(n+m, n+m, nil)
		H.Mul(G.T(), G)
		for i := 0; i < n+m; i++ {
			H.Set(i, i, H.At(i, i)+0.1)
		}
		p.Steps = append(p.Steps, Step{
			A: A, B: rnd(n, m, 1), Offset: vec(n),
			Cxx: mat.DenseCopyOf(H.Slice(0, n, 0, n)),
			Cuu: mat.DenseCopyOf(H.Slice(n, n+m, n, n+m)),
			Cux: mat.DenseCopyOf(H.Slice(n, n+m, 0, n)),
			Cx:  vec(n), Cu: vec(m), C0: rng.NormFloat64(),
		})
	}
	G := rnd(n, n, 1)
	F := mat.NewDense(n, n, nil)
	F.Mul(G.T(), G)
	p.Final = Final{Cxx: F, Cx: vec(n), C0: 0.5}
	return p
}

// directSolve writes the whole problem as one QP in the stacked actions
// U = [u_0; …; u_{T−1}]: x_t = Sx_t x0 + Su_t U + s_t, so
// J(U) = ½UᵀHU + gᵀU + const, solved with a dense Cholesky. It is the
// lecture's "differentiate and optimise" done by brute force, independent of
// the backward pass.
func directSolve(t *testing.T, p *Problem, x0 *mat.VecDense) (*mat.VecDense, float64) {
	n, m, T := p.Dims()
	N := m * T
	// Affine maps: x_t = Mx_t·[U; 1] with Mx_t an n×(N+1) matrix.
	Mx := make([]*mat.Dense, T+1)
	Mx[0] = mat.NewDense(n, N+1, nil)
	for i := 0; i < n; i++ {
		Mx[0].Set(i, N, x0.AtVec(i))
	}
	for k := 0; k < T; k++ {
		s := p.Steps[k]
		next := mat.NewDense(n, N+1, nil)
		next.Mul(s.A, Mx[k])
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				next.Set(i, k*m+j, next.At(i, k*m+j)+s.B.At(i, j))
			}
			next.Set(i, N, next.At(i, N)+s.Offset.AtVec(i))
		}
		Mx[k+1] = next
	}
	// Accumulate the quadratic form in z = [U; 1]: J = ½ zᵀ W z.
	W := mat.NewDense(N+1, N+1, nil)
	addQuad := func(L *mat.Dense, C *mat.Dense, c *mat.VecDense, c0 float64) {
		// ½ (Lz)ᵀ C (Lz) + cᵀ(Lz) + c0
		var CL, LCL mat.Dense
		CL.Mul(C, L)
		LCL.Mul(L.T(), &CL)
		W.Add(W, &LCL)
		var lc mat.VecDense
		lc.MulVec(L.T(), c)
		for i := 0; i <= N; i++ {
			W.Set(i, N, W.At(i, N)+lc.AtVec(i))
			W.Set(N, i, W.At(N, i)+lc.AtVec(i))
		}
		W.Set(N, N, W.At(N, N)+2*c0)
	}
	for k := 0; k < T; k++ {
		s := p.Steps[k]
		// Joint map [x; u] = L z.
		L := mat.NewDense(n+m, N+1, nil)
		L.Slice(0, n, 0, N+1).(*mat.Dense).Copy(Mx[k])
		for j := 0; j < m; j++ {
			L.Set(n+j, k*m+j, 1)
		}
		C := mat.NewDense(n+m, n+m, nil)
		C.Slice(0, n, 0, n).(*mat.Dense).Copy(s.Cxx)
		C.Slice(n, n+m, n, n+m).(*mat.Dense).Copy(s.Cuu)
		C.Slice(n, n+m, 0, n).(*mat.Dense).Copy(s.Cux)
		C.Slice(0, n, n, n+m).(*mat.Dense).Copy(s.Cux.T())
		c := mat.NewVecDense(n+m, nil)
		c.SliceVec(0, n).(*mat.VecDense).CopyVec(s.Cx)
		c.SliceVec(n, n+m).(*mat.VecDense).CopyVec(s.Cu)
		addQuad(L, C, c, s.C0)
	}
	addQuad(Mx[T], p.Final.Cxx, p.Final.Cx, p.Final.C0)
	H := mat.NewSymDense(N, nil)
	g := mat.NewVecDense(N, nil)
	for i := 0; i < N; i++ {
		for j := i; j < N; j++ {
			H.SetSym(i, j, W.At(i, j))
		}
		g.SetVec(i, -W.At(i, N))
	}
	var ch mat.Cholesky
	if !ch.Factorize(H) {
		t.Fatal("direct QP is not convex")
	}
	U := mat.NewVecDense(N, nil)
	if err := ch.SolveVecTo(U, g); err != nil {
		t.Fatal(err)
	}
	z := mat.NewVecDense(N+1, nil)
	for i := 0; i < N; i++ {
		z.SetVec(i, U.AtVec(i))
	}
	z.SetVec(N, 1)
	return U, 0.5 * mat.Inner(z, W, z)
}

// TestAgainstDirectQP: the backward pass and the brute-force QP agree on the
// optimal actions and cost. Tolerance 1e-8 relative: both are backward-stable
// solves of a well-conditioned problem (condition number ≲ 1e4 here), so
// agreement is expected to ~1e-12; 1e-8 leaves room without hiding bugs,
// which show up as O(1) differences.
func TestAgainstDirectQP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dims := range [][3]int{{2, 1, 5}, {3, 2, 6}, {4, 2, 4}} {
		n, m, T := dims[0], dims[1], dims[2]
		p := randomProblem(rng, n, m, T)
		x0 := mat.NewVecDense(n, nil)
		for i := 0; i < n; i++ {
			x0.SetVec(i, rng.NormFloat64())
		}
		sol, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		tr, Jroll, err := sol.Rollout(p, x0.RawVector().Data)
		if err != nil {
			t.Fatal(err)
		}
		U, Jdirect := directSolve(t, p, x0)
		for k := 0; k < T; k++ {
			for j := 0; j < m; j++ {
				if d := math.Abs(tr.U[k][j] - U.AtVec(k*m+j)); d > 1e-8*(1+math.Abs(U.AtVec(k*m+j))) {
					t.Errorf("n=%d m=%d: u[%d][%d] = %v, direct QP %v", n, m, k, j, tr.U[k][j], U.AtVec(k*m+j))
				}
			}
		}
		Jvalue := 0.5*mat.Inner(x0, sol.V[0], x0) + mat.Dot(sol.Vx[0], x0) + sol.V0[0]
		for name, J := range map[string]float64{"rollout": Jroll, "value function": Jvalue} {
			if math.Abs(J-Jdirect) > 1e-8*(1+math.Abs(Jdirect)) {
				t.Errorf("n=%d m=%d: %s cost %v, direct QP %v", n, m, name, J, Jdirect)
			}
		}
	}
}

// doubleIntegrator returns the dt-discretised double integrator with state
// cost diag(q), action cost r, horizon T.
func doubleIntegrator(dt float64, q [2]float64, r float64, T int) *Problem {
	A := mat.NewDense(2, 2, []float64{1, dt, 0, 1})
	B := mat.NewDense(2, 1, []float64{dt * dt / 2, dt})
	Q := mat.NewDense(2, 2, []float64{q[0], 0, 0, q[1]})
	R := mat.NewDense(1, 1, []float64{r})
	p := &Problem{Final: Final{Cxx: Q}}
	for t := 0; t < T; t++ {
		p.Steps = append(p.Steps, Step{A: A, B: B, Cxx: Q, Cuu: R})
	}
	return p
}

// TestRiccatiDoubleIntegrator compares the value Hessians and gains with the
// textbook Riccati recursion P = Q + AᵀPA − AᵀPB(R + BᵀPB)⁻¹BᵀPA and
// K = −(R + BᵀPB)⁻¹BᵀPA, computed here with gonum's general inverse.
// Tolerance 1e-9 relative: two different orderings of the same O(T) float
// operations.
func TestRiccatiDoubleIntegrator(t *testing.T) {
	const T = 200
	p := doubleIntegrator(0.1, [2]float64{1, 0.1}, 0.01, T)
	sol, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Steps[0]
	P := mat.DenseCopyOf(p.Final.Cxx)
	for k := T - 1; k >= 0; k-- {
		var BtP, S, Sinv, BtPA, K mat.Dense
		BtP.Mul(s.B.T(), P)
		S.Mul(&BtP, s.B)
		S.Add(&S, s.Cuu)
		if err := Sinv.Inverse(&S); err != nil {
			t.Fatal(err)
		}
		BtPA.Mul(&BtP, s.A)
		K.Mul(&Sinv, &BtPA)
		K.Scale(-1, &K)
		var AtPA, AtPB, corr mat.Dense
		var PA mat.Dense
		PA.Mul(P, s.A)
		AtPA.Mul(s.A.T(), &PA)
		AtPB.Mul(s.A.T(), BtP.T())
		corr.Mul(&AtPB, &K)
		next := mat.NewDense(2, 2, nil)
		next.Add(s.Cxx, &AtPA)
		next.Add(next, &corr)
		P = next
		if !mat.EqualApprox(&K, sol.K[k], 1e-9*mat.Norm(&K, math.Inf(1))) {
			t.Fatalf("t=%d: K = %v, Riccati %v", k, mat.Formatted(sol.K[k]), mat.Formatted(&K))
		}
		if !mat.EqualApprox(P, sol.V[k], 1e-9*mat.Norm(P, math.Inf(1))) {
			t.Fatalf("t=%d: V = %v, Riccati %v", k, mat.Formatted(sol.V[k]), mat.Formatted(P))
		}
	}
}

// TestScalarDARE: over a long horizon the first value coefficient converges
// to the closed-form root of the scalar discrete algebraic Riccati equation
// b²p² + (r(1−a²) − qb²)p − qr = 0. The convergence is geometric with rate
// ((a + bK)²) ≈ 0.5 here, so after 200 steps only rounding remains (1e-10).
func TestScalarDARE(t *testing.T) {
	a, b, q, r := 1.1, 0.5, 2.0, 0.3
	A := mat.NewDense(1, 1, []float64{a})
	B := mat.NewDense(1, 1, []float64{b})
	Q := mat.NewDense(1, 1, []float64{q})
	R := mat.NewDense(1, 1, []float64{r})
	p := &Problem{Final: Final{Cxx: mat.NewDense(1, 1, []float64{0})}}
	for t := 0; t < 200; t++ {
		p.Steps = append(p.Steps, Step{A: A, B: B, Cxx: Q, Cuu: R})
	}
	sol, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	B2, B1, B0 := b*b, r*(1-a*a)-q*b*b, -q*r
	pStar := (-B1 + math.Sqrt(B1*B1-4*B2*B0)) / (2 * B2)
	kStar := -a * b * pStar / (r + b*b*pStar)
	if got := sol.V[0].At(0, 0); math.Abs(got-pStar) > 1e-10*pStar {
		t.Errorf("V_0 = %v, DARE p* = %v", got, pStar)
	}
	if got := sol.K[0].At(0, 0); math.Abs(got-kStar) > 1e-10*math.Abs(kStar) {
		t.Errorf("K_0 = %v, DARE K* = %v", got, kStar)
	}
}

// TestRegularisation checks Q̃uu = Cuu + Bᵀ(V + μI)B at the last step, where
// V = Final.Cxx is known exactly.
func TestRegularisation(t *testing.T) {
	p := doubleIntegrator(0.1, [2]float64{1, 1}, 0.5, 3)
	s, err := NewSolver(2, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	const mu = 7.0
	sol, err := s.Backward(p, Options{Mu: mu})
	if err != nil {
		t.Fatal(err)
	}
	B := p.Steps[2].B
	Vmu := mat.DenseCopyOf(p.Final.Cxx)
	Vmu.Set(0, 0, Vmu.At(0, 0)+mu)
	Vmu.Set(1, 1, Vmu.At(1, 1)+mu)
	var want mat.Dense
	want.Product(B.T(), Vmu, B)
	want.Add(&want, p.Steps[2].Cuu)
	if !mat.EqualApprox(&want, sol.Quu[2], 1e-12) {
		t.Errorf("Q̃uu = %v, want %v", mat.Formatted(sol.Quu[2]), mat.Formatted(&want))
	}
}

func TestBadInput(t *testing.T) {
	good := func() *Problem { return doubleIntegrator(0.1, [2]float64{1, 1}, 1, 3) }
	cases := []struct {
		name string
		edit func(p *Problem)
		want string
	}{
		{"empty", func(p *Problem) { p.Steps = nil }, "T = 0"},
		{"nil A", func(p *Problem) { p.Steps[1] = Step{B: p.Steps[0].B, Cxx: p.Steps[0].Cxx, Cuu: p.Steps[0].Cuu} }, "Steps[1].A is nil"},
		{"bad B dims", func(p *Problem) { p.Steps[2].B = mat.NewDense(3, 1, nil) }, "Steps[2].B is 3×1"},
		{"NaN A", func(p *Problem) { p.Steps[1].A = mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1}) }, "Steps[1].A[0,1] = NaN"},
		{"Inf offset", func(p *Problem) { p.Steps[0].Offset = mat.NewVecDense(2, []float64{0, math.Inf(1)}) }, "Offset[1] = +Inf"},
		{"asymmetric", func(p *Problem) { p.Steps[0].Cxx = mat.NewDense(2, 2, []float64{1, 2, 0, 1}) }, "not symmetric"},
		{"short Cx", func(p *Problem) { p.Steps[0].Cx = mat.NewVecDense(1, nil) }, "Cx has length 1, want 2"},
		{"final NaN", func(p *Problem) { p.Final.C0 = math.NaN() }, "Final.C0 = NaN"},
		{"not PD", func(p *Problem) {
			for i := range p.Steps {
				p.Steps[i].Cuu = mat.NewDense(1, 1, []float64{-1})
			}
			p.Final.Cxx = mat.NewDense(2, 2, nil)
		}, "not positive definite at t = 2"},
	}
	for _, c := range cases {
		p := good()
		c.edit(p)
		_, err := Solve(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	s, _ := NewSolver(2, 1, 3)
	if _, err := s.Backward(good(), Options{Mu: -1}); err == nil || !strings.Contains(err.Error(), "Mu = -1") {
		t.Errorf("negative Mu: err = %v", err)
	}
	if _, err := s.Backward(doubleIntegrator(0.1, [2]float64{1, 1}, 1, 4), Options{}); err == nil || !strings.Contains(err.Error(), "T=4") {
		t.Errorf("wrong horizon: err = %v", err)
	}
	if _, err := NewSolver(0, 1, 3); err == nil {
		t.Error("NewSolver(0, …) succeeded")
	}
	box := func(lo, hi float64) Options {
		var o Options
		for i := 0; i < 3; i++ {
			o.Lower = append(o.Lower, mat.NewVecDense(1, []float64{lo}))
			o.Upper = append(o.Upper, mat.NewVecDense(1, []float64{hi}))
		}
		return o
	}
	if _, err := s.Backward(good(), box(1, -1)); err == nil || !strings.Contains(err.Error(), "empty box") {
		t.Errorf("empty box: err = %v", err)
	}
	if _, err := s.Backward(good(), box(math.NaN(), 1)); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN bound: err = %v", err)
	}
	if _, _, err := (&Solution{}).Rollout(good(), []float64{0, 0}); err == nil {
		t.Error("Rollout of a mismatched solution succeeded")
	}
	sol, _ := Solve(good())
	if _, _, err := sol.Rollout(good(), []float64{0, 0, 0}); err == nil || !strings.Contains(err.Error(), "x0 has length 3") {
		t.Errorf("bad x0: err = %v", err)
	}
}

// TestAllocations: the backward pass and a controller's noisy Act (m ≤ 6)
// allocate nothing, their validation and overflow checks included.
func TestAllocations(t *testing.T) {
	p := doubleIntegrator(0.1, [2]float64{1, 1}, 1, 50)
	s, err := NewSolver(2, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(10, func() {
		if _, err := s.Backward(p, Options{Mu: 0.1}); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Backward: %v allocations, want 0", a)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	c := randomController(rng, 3, 2, 4)
	u, x := make([]float64, 2), []float64{0.3, -1, 2}
	if a := testing.AllocsPerRun(10, func() {
		if err := c.Act(u, 2, x, rng); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Act: %v allocations, want 0", a)
	}
}
