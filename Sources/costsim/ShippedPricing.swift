import Foundation

/// Finds the pricing catalog shipped with costsim, from any working directory.
///
/// Looks, in order, at `$COSTSIM_PRICING`, `<bin>/../share/costsim/pricing` (an installed
/// binary), the folders above the executable (`swift run`, `.build/release/costsim`), and the
/// source tree the binary was built from.
enum ShippedPricing {
    static let marker = "catalogs.yaml"

    static func locate() -> URL? {
        let fileManager = FileManager.default
        func valid(_ url: URL) -> Bool {
            fileManager.fileExists(atPath: url.appendingPathComponent(marker).path)
        }
        if let override = ProcessInfo.processInfo.environment["COSTSIM_PRICING"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        if let executable = executableURL() {
            let bin = executable.deletingLastPathComponent()
            let installed = bin.deletingLastPathComponent().appendingPathComponent("share/costsim/pricing")
            if valid(installed) { return installed }
            var folder = bin
            for _ in 0..<8 {
                let candidate = folder.appendingPathComponent("pricing")
                if valid(candidate) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("pricing")
        return valid(source) ? source : nil
    }

    static func executableURL() -> URL? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path).resolvingSymlinksInPath()
        }
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }
}
