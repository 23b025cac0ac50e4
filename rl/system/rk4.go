package system

// This file holds the one integrator every continuous-time system in the
// package shares: classical fourth-order Runge–Kutta with the action held
// constant over the step (zero-order hold), together with the exact
// derivative of that discrete step.
//
// A system supplies its continuous dynamics ẋ = g(x, u) and the analytic
// Jacobians ∂g/∂x, ∂g/∂u through the odeModel interface. The step is
//
//	k1 = g(x, u)
//	k2 = g(x + h/2·k1, u)
//	k3 = g(x + h/2·k2, u)
//	k4 = g(x + h·k3, u)
//	f(x, u) = x + h/6·(k1 + 2k2 + 2k3 + k4)
//
// and the chain rule gives its Jacobians stage by stage. Writing
// Kx_i = ∂k_i/∂x, Ku_i = ∂k_i/∂u and Gx_i, Gu_i for ∂g/∂x, ∂g/∂u evaluated at
// the i-th stage point,
//
//	Kx1 = Gx1                      Ku1 = Gu1
//	Kx2 = Gx2·(I + h/2·Kx1)        Ku2 = Gx2·(h/2·Ku1) + Gu2
//	Kx3 = Gx3·(I + h/2·Kx2)        Ku3 = Gx3·(h/2·Ku2) + Gu3
//	Kx4 = Gx4·(I + h·Kx3)          Ku4 = Gx4·(h·Ku3) + Gu4
//	A = I + h/6·(Kx1 + 2Kx2 + 2Kx3 + Kx4)
//	B =     h/6·(Ku1 + 2Ku2 + 2Ku3 + Ku4)
//
// so A and B are the derivatives of the computed step itself, not of the
// continuous flow: finite differences of Step agree with them to rounding.
//
// All scratch lives in small fixed-size arrays passed by value, so a step
// never allocates and a system value may be stepped from several goroutines
// at once (as long as nobody changes its parameter fields meanwhile).

const (
	// maxState and maxAction bound n and m of the systems that use rk4.
	maxState  = 4
	maxAction = 2
)

type (
	vecX  [maxState]float64
	vecU  [maxAction]float64
	matXX [maxState][maxState]float64
	matXU [maxState][maxAction]float64
)

// odeModel is the continuous-time model ẋ = g(x, u) of a system. Only the
// first n entries of a state and the first m of an action are meaningful;
// implementations leave the rest zero.
type odeModel interface {
	// deriv returns g(x, u).
	deriv(x vecX, u vecU) vecX
	// derivJac returns g(x, u), ∂g/∂x and ∂g/∂u.
	derivJac(x vecX, u vecU) (g vecX, gx matXX, gu matXU)
}

// load copies x and u (already checked: len(x) = n ≤ maxState,
// len(u) = m ≤ maxAction) into fixed arrays.
func load(x, u []float64) (xv vecX, uv vecU) {
	copy(xv[:], x)
	copy(uv[:], u)
	return
}

// axpy returns x + c·k over the first n entries.
func axpy(x *vecX, c float64, k *vecX, n int) (r vecX) {
	for i := 0; i < n; i++ {
		r[i] = x[i] + c*k[i]
	}
	return
}

// rk4Step writes the RK4 step of sys from (x, u) with time step h into next.
// next may alias x.
func rk4Step(sys odeModel, n int, h float64, next, x, u []float64) {
	xv, uv := load(x, u)
	k1 := sys.deriv(xv, uv)
	x2 := axpy(&xv, h/2, &k1, n)
	k2 := sys.deriv(x2, uv)
	x3 := axpy(&xv, h/2, &k2, n)
	k3 := sys.deriv(x3, uv)
	x4 := axpy(&xv, h, &k3, n)
	k4 := sys.deriv(x4, uv)
	for i := 0; i < n; i++ {
		next[i] = xv[i] + h/6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
}

// chainStage returns the Jacobians of one RK4 stage k = g(x + c·k_prev, u):
// Kx = Gx·(I + c·KxPrev) and Ku = Gx·(c·KuPrev) + Gu.
func chainStage(gx *matXX, gu *matXU, kxPrev *matXX, kuPrev *matXU, c float64, n, m int) (kx matXX, ku matXU) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += gx[i][k] * kxPrev[k][j]
			}
			kx[i][j] = gx[i][j] + c*s
		}
		for j := 0; j < m; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += gx[i][k] * kuPrev[k][j]
			}
			ku[i][j] = gu[i][j] + c*s
		}
	}
	return
}

// rk4Jacobians writes A = ∂f/∂x (n×n) and B = ∂f/∂u (n×m), row-major, of the
// RK4 step f of sys at (x, u) with time step h.
func rk4Jacobians(sys odeModel, n, m int, h float64, A, B, x, u []float64) {
	xv, uv := load(x, u)
	k1, kx1, ku1 := sys.derivJac(xv, uv)
	x2 := axpy(&xv, h/2, &k1, n)
	k2, gx2, gu2 := sys.derivJac(x2, uv)
	kx2, ku2 := chainStage(&gx2, &gu2, &kx1, &ku1, h/2, n, m)
	x3 := axpy(&xv, h/2, &k2, n)
	k3, gx3, gu3 := sys.derivJac(x3, uv)
	kx3, ku3 := chainStage(&gx3, &gu3, &kx2, &ku2, h/2, n, m)
	x4 := axpy(&xv, h, &k3, n)
	_, gx4, gu4 := sys.derivJac(x4, uv)
	kx4, ku4 := chainStage(&gx4, &gu4, &kx3, &ku3, h, n, m)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a := h / 6 * (kx1[i][j] + 2*kx2[i][j] + 2*kx3[i][j] + kx4[i][j])
			if i == j {
				a++
			}
			A[i*n+j] = a
		}
		for j := 0; j < m; j++ {
			B[i*m+j] = h / 6 * (ku1[i][j] + 2*ku2[i][j] + 2*ku3[i][j] + ku4[i][j])
		}
	}
}
