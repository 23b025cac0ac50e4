// Package small holds allocation-free kernels for the tiny dense matrices of
// control problems (n, m ≲ 20). Every matrix is a row-major []float64 whose
// dimensions are passed explicitly; outputs never alias inputs unless a
// function says so. gonum/mat is the public face of the library; these kernels
// are what its hot loops run, because for 2×2 to 6×6 matrices gonum's
// per-call overhead dominates the arithmetic.
package small
