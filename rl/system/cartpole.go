package system

import (
	"errors"
	"math"
)

// CartPole is the classic frictionless cart-pole for the balance task: a
// cart of mass CartMass on a horizontal track carries a uniform pole of mass
// PoleMass and half-length HalfLength hinged on top. The state is
// x = [x, θ, ẋ, θ̇]: the cart's position in m and the pole's angle from
// UPRIGHT in rad, θ > 0 leaning towards +x. The action is the horizontal
// force u = [F] on the cart in N, F > 0 pushing towards +x.
//
// The dynamics are those of Barto, Sutton & Anderson (1983) as corrected by
// Florian (2007, "Correct equations for the dynamics of the cart-pole
// system") without friction, with M = m_c + m_p and l the half-length:
//
//	θ̈ = (g sin θ − cos θ · (F + m_p l θ̇² sin θ)/M) / (l (4/3 − m_p cos²θ / M))
//	ẍ = (F + m_p l (θ̇² sin θ − θ̈ cos θ)) / M
//
// The step integrates them with classical RK4 over TimeStep seconds
// (default 0.02 s, the step of the usual benchmark) holding F constant;
// Jacobians returns the exact derivatives of that RK4 step, built from the
// analytic derivatives of the two accelerations above.
//
// Defaults: m_c = 1 kg, m_p = 0.1 kg, l = 0.5 m, g = 9.81 m/s², |F| ≤ 10 N.
// The balance task's goal is x = 0: centred, upright, at rest.
//
// Methods keep no scratch: one CartPole may be stepped from several
// goroutines as long as its fields are not changed meanwhile.
type CartPole struct {
	// CartMass is m_c in kg (> 0; default 1).
	CartMass float64
	// PoleMass is m_p in kg (> 0; default 0.1).
	PoleMass float64
	// HalfLength is l, the distance from the hinge to the pole's centre of
	// mass, in m (> 0; default 0.5, a 1 m pole).
	HalfLength float64
	// Gravity is g in m/s² (finite; default 9.81).
	Gravity float64
	// MaxForce bounds |F| in N (> 0, +Inf for none; default 10). Step does
	// not clip; ActionLimits reports it to the optimizer.
	MaxForce float64
	// TimeStep is the RK4 step in seconds (> 0; default 0.02).
	TimeStep float64
}

// NewCartPole returns a cart-pole with the default parameters listed on
// CartPole's fields.
func NewCartPole() *CartPole {
	return &CartPole{
		CartMass:   1,
		PoleMass:   0.1,
		HalfLength: 0.5,
		Gravity:    9.81,
		MaxForce:   10,
		TimeStep:   0.02,
	}
}

const cartPoleName = "cart-pole"

func (c *CartPole) checkDynamics() error {
	if c == nil {
		return errors.New("cart-pole: nil *CartPole")
	}
	if err := positive(cartPoleName, "CartMass", c.CartMass); err != nil {
		return err
	}
	if err := positive(cartPoleName, "PoleMass", c.PoleMass); err != nil {
		return err
	}
	if err := positive(cartPoleName, "HalfLength", c.HalfLength); err != nil {
		return err
	}
	if err := checkFinite(cartPoleName, "Gravity", c.Gravity); err != nil {
		return err
	}
	return timeStep(cartPoleName, c.TimeStep)
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (c *CartPole) Validate() error {
	if err := c.checkDynamics(); err != nil {
		return err
	}
	return limit(cartPoleName, "MaxForce", c.MaxForce)
}

// Name returns "cart-pole".
func (c *CartPole) Name() string { return cartPoleName }

// StateDim returns 4.
func (c *CartPole) StateDim() int { return 4 }

// ActionDim returns 1.
func (c *CartPole) ActionDim() int { return 1 }

// Dt returns TimeStep.
func (c *CartPole) Dt() float64 { return c.TimeStep }

// ActionLimits returns [-MaxForce, MaxForce].
func (c *CartPole) ActionLimits() (lo, hi []float64) { return symmetricLimits(c.MaxForce, 1) }

// StateNames returns the labels of x, θ, ẋ, θ̇.
func (c *CartPole) StateNames() []string {
	return []string{"x (m)", "θ (rad)", "ẋ (m/s)", "θ̇ (rad/s)"}
}

// ActionNames returns the label of the force.
func (c *CartPole) ActionNames() []string { return []string{"F (N)"} }

// Step writes the RK4 step from (x, u) into next. next may alias x.
func (c *CartPole) Step(next, x, u []float64) error {
	if err := c.checkDynamics(); err != nil {
		return err
	}
	if err := checkStepArgs(cartPoleName, 4, 1, next, x, u); err != nil {
		return err
	}
	rk4Step(c, 4, c.TimeStep, next, x, u)
	return checkResult(cartPoleName, next)
}

// Jacobians writes the exact derivatives A (4×4) and B (4×1) of the RK4
// step at (x, u).
func (c *CartPole) Jacobians(A, B, x, u []float64) error {
	if err := c.checkDynamics(); err != nil {
		return err
	}
	if err := checkJacArgs(cartPoleName, 4, 1, A, B, x, u); err != nil {
		return err
	}
	rk4Jacobians(c, 4, 1, c.TimeStep, A, B, x, u)
	return checkJacResult(cartPoleName, A, B)
}

// Accelerations returns the cart's acceleration ẍ and the pole's θ̈ at the
// pole angle theta, its rate omega and the force on the cart: the equations
// of the type's doc comment, with ẍ = temp − m_p l θ̈ cos θ / M computed as
// Gym's CartPoleEnv writes it. It checks neither its arguments nor the
// parameters. Package env steps Gym's cart-pole with it.
func (c *CartPole) Accelerations(theta, omega, force float64) (xacc, thacc float64) {
	mt := c.CartMass + c.PoleMass
	ml := c.PoleMass * c.HalfLength
	s, co := math.Sincos(theta)
	temp := (force + ml*omega*omega*s) / mt
	thacc = (c.Gravity*s - co*temp) / (c.HalfLength * (4.0/3.0 - c.PoleMass*co*co/mt))
	xacc = temp - ml*thacc*co/mt
	return
}

func (c *CartPole) deriv(x vecX, u vecU) vecX {
	xacc, thacc := c.Accelerations(x[1], x[3], u[0])
	return vecX{x[2], x[3], xacc, thacc}
}

// derivJac differentiates the accelerations. With s = sin θ, c = cos θ,
// ω = θ̇, temp = (F + m_p l ω² s)/M, num = g s − c·temp and
// den = l (4/3 − m_p c²/M), θ̈ = num/den and ẍ = temp − (m_p l/M) θ̈ c; the
// quotient and product rules give every partial below.
func (c *CartPole) derivJac(x vecX, u vecU) (g vecX, gx matXX, gu matXU) {
	mt := c.CartMass + c.PoleMass
	ml := c.PoleMass * c.HalfLength
	l := c.HalfLength
	s, co := math.Sincos(x[1])
	w := x[3]
	F := u[0]

	temp := (F + ml*w*w*s) / mt
	dtempTh := ml * w * w * co / mt
	dtempW := 2 * ml * w * s / mt
	dtempF := 1 / mt

	num := c.Gravity*s - co*temp
	dnumTh := c.Gravity*co + s*temp - co*dtempTh
	dnumW := -co * dtempW
	dnumF := -co * dtempF

	den := l * (4.0/3.0 - c.PoleMass*co*co/mt)
	ddenTh := l * 2 * c.PoleMass * co * s / mt

	thacc := num / den
	dthTh := (dnumTh*den - num*ddenTh) / (den * den)
	dthW := dnumW / den
	dthF := dnumF / den

	k := ml / mt
	xacc := temp - ml*thacc*co/mt
	dxTh := dtempTh - k*(dthTh*co-thacc*s)
	dxW := dtempW - k*dthW*co
	dxF := dtempF - k*dthF*co

	g = vecX{x[2], x[3], xacc, thacc}
	gx[0][2] = 1
	gx[1][3] = 1
	gx[2][1], gx[2][3] = dxTh, dxW
	gx[3][1], gx[3][3] = dthTh, dthW
	gu[2][0] = dxF
	gu[3][0] = dthF
	return
}
