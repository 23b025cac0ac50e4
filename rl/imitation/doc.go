// Package imitation turns optimal controllers into one general policy, the
// last third of the lecture ("Learning general policies by imitating local
// controllers"): each iLQR controller solves a task from one start; a neural
// network trained to imitate many of them should solve it from all.
//
// The ground the algorithms stand on:
//
//   - Task: a system, a cost, a horizon, a handful of training starts (the
//     conditions guided policy search trains on) and ≥ 20 held-out test
//     starts never trained on, with a success test (the end point within Tol
//     of the goal, and no collision on the way). ArmReach and PointMassGap
//     are the two tasks of lessons 05 and 06.
//   - Observer: what the learner sees. FullState is the state itself;
//     Positions is positions only, over one frame (too little to imitate a
//     controller that uses velocities) or two (a finite-difference velocity:
//     the lecture's "observability at train and test time", where the
//     teacher sees the state and the learner observations).
//   - Policy: the learner π_θ(u|o) = N(μ_θ(o), diag σ²), a GoMLX MLP mean
//     (package nn, with its input/output normaliser) fitted by regression,
//     σ the residual spread of the fit.
//   - Expert: model-predictive control with iLQR on the task (ilqr.MPCPolicy),
//     warm-started from a full iLQR solve at the rollout's start, which can
//     label any state it is shown.
//   - Evaluate: run any policy from many starts (in parallel) and report the
//     costs, the success rate and the trajectories.
//
// Behaviour cloning, DAgger and PLATO are built on these.
package imitation
