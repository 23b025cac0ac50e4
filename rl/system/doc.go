// Package system holds the dynamical systems of the lessons, each a
// discrete-time map x_{t+1} = f(x_t, u_t) with analytic Jacobians
// A = ∂f/∂x and B = ∂f/∂u, behind the System interface that iLQR, the
// local-model fitters and the samplers use.
//
//	system            state x                  action u     task
//	Pendulum          [θ, θ̇], θ = 0 down       [τ]          swing-up to θ = π
//	CartPole          [x, θ, ẋ, θ̇], θ = 0 up   [F]          balance at 0
//	Arm2Link          [q1, q2, q̇1, q̇2]         [τ1, τ2]     reach a point
//	PointMass         [px, py, vx, vy]         [Fx, Fy]     go to a point, avoid discs
//	DoubleIntegrator  [p_1…p_d, v_1…v_d]       [a_1…a_d]    exact LQR checks
//
// Units are SI.
//
// # Angles
//
// One angle convention holds here and in package env, whose Pendulum and
// CartPole expose their states in it:
//
//   - angles are in radians and never wrapped by Step, so a state records
//     how many turns were made; WrapAngle (Gym's angle_normalize) maps an
//     angle or a difference of angles to [−π, π) where a cost or a reward
//     compares them;
//   - a pendulum's θ is measured counter-clockwise from hanging straight
//     down: θ = 0 is the stable rest, θ = π upright (Gym's Pendulum-v1 angle
//     is θ − π);
//   - a cart-pole's θ is the pole's angle from upright, θ > 0 leaning
//     towards +x, the convention of Barto, Sutton & Anderson and of Gym.
//
// The swing-up and balance tasks, their start and goal states, are defined
// by the lessons, not here.
//
// # Integration
//
// The nonlinear systems (and PointMass) write their continuous dynamics
// ẋ = g(x, u) with analytic ∂g/∂x and ∂g/∂u, and share one discretisation:
// classical fourth-order Runge–Kutta over the system's TimeStep, with u held
// constant over the step (zero-order hold). Their Jacobians are the exact
// derivatives of that RK4 step, obtained by carrying the stage Jacobians
// through the RK4 chain rule, so they match finite differences of Step to
// rounding rather than only to O(Δt⁴). DoubleIntegrator is discretised
// exactly.
//
// # Conventions
//
// Matrices are []float64 in row-major order. Step and Jacobians check
// lengths and finiteness of their inputs and return errors naming the bad
// value; they never panic, never allocate, keep no scratch in the system
// value (one value may serve several goroutines while its fields stay
// unchanged), and do not clip actions: ActionLimits tells the optimizer the
// box. Each system is a struct of exported, documented parameter fields with
// a constructor (NewPendulum, …) that fills in the defaults and a Validate
// method; Step and Jacobians re-check the parameters they use, which costs a
// few comparisons.
//
// Every function and method with an error result checks its arguments
// (nil and typed-nil values, lengths, finiteness, sizes) and reports
// numbers that overflow, naming the bad value. Those without one document
// their panics: the accessors (Name, StateDim, Dt, ActionLimits, …) read
// the receiver's fields and panic on a nil receiver like any Go method,
// Trajectory.Final panics on an empty trajectory, and NewTrajectory and
// Grid panic with a message naming the sizes when they are negative or
// exceed limits.MaxElements (2^27 numbers, 1 GiB), the limit Rollout and
// Rollouts check (N·T·(n+m) numbers) before they allocate.
//
// Pendulum and PointMass also implement Renderer, drawing anti-aliased
// grayscale images such as the 48×48 pendulum and 40×40 planar observations
// of Embed to Control.
//
// # Trajectories and rollouts
//
// Trajectory (T+1 states X, T actions U, rows of []float64) is the project's
// one trajectory shape, and Batch (N trajectories) its one sample shape:
// iLQR and MPC results, rollouts, the samples the local dynamics are fitted
// to and the cost is expanded around, and the lessons' figures all use
// them. Rollout and Rollouts are the one rollout family: any Policy (an
// lqr.Controller, OpenLoop actions, later a neural-network policy) on any
// System, deterministic with a nil random source or noisy with one, one
// run or a batch. FiniteDiffJacobians checks Jacobians numerically.
package system
