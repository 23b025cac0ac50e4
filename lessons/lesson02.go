package lessons

// Lesson 02's scenarios, in notebook order: the model comparison on the arm
// and the stored samples-per-iteration sweep on the point mass.
func init() {
	register("02", ModelComparison{}, "02-model-error")
	register("02", SamplesPerIterationScenario{}, "02-samples-per-iteration", "02-samples-per-iteration-zoom")
}
