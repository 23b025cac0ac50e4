// Command experiments reruns the measurements that the lessons and the
// closing notes quote, from scratch and deterministically (fixed seeds):
//
//	go run ./cmd/experiments samplesaving   # GMM prior vs least squares (lesson 02)
//	go run ./cmd/experiments trpo           # TRPO on the pendulum, 100k steps per seed (lesson 04)
//	go run ./cmd/experiments cartpole       # TRPO on the continuous cart-pole
//	go run ./cmd/experiments results [NAME…] # the lessons' stored full runs (make results)
//
// Each experiment prints what it measured, one figure per line, and can take
// minutes; the lessons run shortened versions.
package main
