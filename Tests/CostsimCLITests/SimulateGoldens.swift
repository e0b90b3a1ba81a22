/// Goldens of `costsim simulate` (every format, with sensitivity) and `costsim workload generate`.
///
/// Simulated figures come from binary floating-point sampling (exp, log) before exact pricing: the
/// bytes are the same run after run on one platform; regenerate them if the C library changes.
extension Golden {
    static var simulateGoldens: [Golden] {
        formats.map { format in
            Golden(fixture: "saas-uncertain", command: "simulate", format: format,
                   arguments: ["simulate", "Fixtures/saas-uncertain.yaml", "--trials", "2000", "--seed", "7", "--budget", "250",
                               "--sensitivity", "--format", format])
        } + [
            Golden(fixture: "generate", command: "bursty-webhooks", format: "yaml",
                   arguments: ["workload", "generate", "--profile", "bursty-webhooks", "--jobs", "4", "--seed", "3"]),
            Golden(fixture: "generate", command: "steady-saas-fixed-10x", format: "yaml",
                   arguments: ["workload", "generate", "--profile", "steady-saas", "--jobs", "4", "--seed", "3", "--scale", "10", "--fixed"]),
        ]
    }
}
