import Foundation
import Testing
@testable import CostModel

// MARK: - Exact decimals

/// An exact decimal from literal test text; the text is a constant of the test, so a parse
/// failure is a mistake in the test itself.
func exact(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Decimal {
    guard let value = Decimal(exactText: text) else {
        Issue.record("test constant \"\(text)\" is not exact decimal text", sourceLocation: sourceLocation)
        return .nan
    }
    return value
}

/// significand × 10^exponent, built without any text or floating-point value.
func scaled(_ significand: Int, _ exponent: Int) -> Decimal {
    let magnitude = Decimal(sign: .plus, exponent: exponent, significand: Decimal(abs(significand)))
    return significand < 0 ? -magnitude : magnitude
}

// MARK: - Seeded randomness

/// Draws for property tests from CostModel's SplitMix64, a fully deterministic generator, so
/// every failure replays from the seed printed with it.
extension SplitMix64 {
    /// A uniformly random integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A random exact decimal `n × 10^-scale` with n in `significands` and scale in `scales`.
    mutating func decimal(_ significands: ClosedRange<Int>, scales: ClosedRange<Int>) -> Decimal {
        scaled(int(significands), -int(scales))
    }
}

/// Seeds used by every property test: fixed, so runs are reproducible, and printed on failure.
let propertySeeds: [UInt64] = [1, 2, 3, 42, 2025, 0xC057_5111, 0xDEAD_BEEF, 987_654_321]

// MARK: - Pricing files

/// Parses pricing text, recording an issue with every diagnostic when it fails.
func parsePricing(_ text: String, file: String = "p.yaml",
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> PricingFile {
    do {
        return try PricingFile.parse(text, file: file)
    } catch {
        Issue.record("expected a valid pricing file, got:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The diagnostics a pricing text produces (empty when it parses).
func pricingDiagnostics(_ text: String, file: String = "p.yaml") -> [Diagnostic] {
    do {
        _ = try PricingFile.parse(text, file: file)
        return []
    } catch {
        guard case .invalid(let diagnostics) = error else { return [] }
        return diagnostics
    }
}

/// The rendered messages of a pricing text's diagnostics, one string per diagnostic.
func pricingErrors(_ text: String, file: String = "p.yaml") -> [String] {
    pricingDiagnostics(text, file: file).map(\.description)
}

/// A minimal valid provider file; `plans` is spliced in verbatim after `plans:`.
func providerFile(meters: String = "  steps: {steps: 1}\n", extraTop: String = "", plans: String) -> String {
    """
    version: 1
    provider: acme
    catalog: test-1
    effective: 2025-01-08
    source: "unit test"
    confidence: published
    execution: steps
    runs_on: platform
    \(extraTop)meters:
    \(meters)plans:
    \(plans)
    """
}

// MARK: - Folders

/// The catalog shipped in the repository: Tests/CostModelTests/<file> -> ../../pricing.
let shippedPricingRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("pricing")

/// A fresh, uniquely named temporary folder (tests run in parallel).
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("costmodel-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to `relative` under `root`, creating folders as needed.
func write(_ text: String, to relative: String, under root: URL) throws {
    let url = root.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}
