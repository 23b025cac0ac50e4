// Package stats holds the few summary statistics the algorithms and lessons
// report (mean, standard deviation, standard error over seeds or samples).
package stats
