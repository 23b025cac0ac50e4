// Package atomicfile writes files so that a reader never sees half of one:
// figures, checkpoints and exported data go to a temporary file in the same
// directory, which is synced and then renamed over the destination.
package atomicfile
