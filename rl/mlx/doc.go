// Package mlx is the one place rlcontrol chooses its GoMLX backend.
//
// Every learned model in the project (policies, value functions, neural
// dynamics priors, Embed to Control) builds GoMLX graphs and runs them on the
// backend returned by Backend. Only GoMLX's pure-Go backend is linked: it
// needs no plugin download, so notebooks and tests run offline. It costs about
// 20 µs per graph call on these machines, so callers should batch work into
// few, large graph calls.
package mlx
