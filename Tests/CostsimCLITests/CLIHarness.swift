import Foundation
import Testing

/// Runs the built `costsim` binary as a subprocess, the way users and CI scripts do.
///
/// The binary is found next to the test bundle: SwiftPM puts the test executable
/// (`costsimPackageTests.xctest`) in the same build products folder as `costsim`, and this
/// test target depends on the `costsim` target, so it is always built first.
/// `COSTSIM_BINARY=/path/to/costsim` overrides the search (e.g. to test an installed binary).
enum CLI {
    /// What one run of the binary produced.
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The arguments, for failure messages.
        var arguments: [String]

        var description: String {
            "costsim \(arguments.joined(separator: " ")) -> exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }

        /// Standard output as a JSON object; the test fails at the caller's line when it is not one.
        func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(self)",
                         sourceLocation: sourceLocation)
        }
    }

    /// The package root (the folder holding Package.swift), from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // CostsimCLITests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root

    /// `Fixtures/` in the package root.
    static var fixtures: URL { packageRoot.appendingPathComponent("Fixtures") }

    /// The built `costsim` executable.
    static let binary: URL? = locateBinary()

    private static func locateBinary() -> URL? {
        let fileManager = FileManager.default
        func executable(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: url.path)
        }
        if let override = ProcessInfo.processInfo.environment["COSTSIM_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = []
        if let exe = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        starts.append(Bundle.main.bundleURL)
        if let executableURL = Bundle.main.executableURL { starts.append(executableURL) }
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: fileManager.currentDirectoryPath)))
        }
        for start in starts {
            // On Linux the test executable sits in the products folder; on macOS it is inside
            // `costsimPackageTests.xctest/Contents/MacOS/`, three levels further down.
            var folder = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = folder.appendingPathComponent("costsim")
                if executable(candidate) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// Runs `costsim arguments…` in `directory` (default: the package root) and waits for it.
    ///
    /// `COSTSIM_PRICING` is removed from the child's environment so that every run uses the
    /// catalog shipped with the binary, whatever the developer's shell has set; `environment`
    /// adds or overrides variables. Output goes to temporary files, not pipes, so a large
    /// report can never fill a pipe buffer and deadlock the run.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        guard let binary else {
            throw HarnessError("cannot find the built `costsim` next to the test bundle (looked beside /proc/self/exe, "
                               + "Bundle.main and argv[0]); build with `swift build --build-tests` or set COSTSIM_BINARY")
        }
        let scratch = try TemporaryDirectory()
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        env["COSTSIM_PRICING"] = nil
        env["COSTSIM_UPDATE_GOLDENS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()

        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr, arguments: arguments)
    }

    /// `run`, with the arguments as one space-separated string (no quoting needed by callers).
    static func run(_ commandLine: String, in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(commandLine.split(separator: " ").map(String.init), in: directory, environment: environment)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh folder under the system temporary directory, removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("costsim-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the folder (creating subfolders) and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

extension String {
    /// The lines, without the final empty one after a trailing newline.
    var lines: [Substring] {
        var lines = split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
