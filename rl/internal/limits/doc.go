// Package limits is the one size check the rl packages run before they
// allocate: a request for more than MaxElements numbers (or whose size
// product overflows int) is an error that names the sizes, not an
// out-of-memory crash of a notebook cell.
package limits
