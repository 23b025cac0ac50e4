package lessons

// Lesson 03's figures, in notebook order (scenarios in l03_trust.go).
func init() {
	register("03", KLOfEta{}, "03-kl-eta")
	register("03", EpsilonScenario{}, "03-epsilon")
	register("03", TrustRegionScenario{}, "03-trust-region")
	register("03", DualToy{}, "03-dual-vs-al")
}
