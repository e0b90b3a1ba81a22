// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "costsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "costsim", targets: ["costsim"]),
        .library(name: "CostModel", targets: ["CostModel"]),
        .library(name: "Workload", targets: ["Workload"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "CostModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Workload", dependencies: ["CostModel", .product(name: "Yams", package: "Yams")]),
        .target(name: "Simulation", dependencies: ["CostModel", "Workload", .product(name: "Yams", package: "Yams")]),
        .target(name: "Reports", dependencies: ["CostModel", "Workload", "Simulation"]),
        .target(name: "Executor", dependencies: ["CostModel", "Workload", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .executableTarget(
            name: "costsim",
            dependencies: [
                "CostModel", "Workload", "Simulation", "Reports", "Executor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "costsim-bench",
            dependencies: ["CostModel", "Workload", "Simulation", "Reports"],
            path: "Benchmarks/costsim-bench"
        ),
        .executableTarget(
            name: "executor-bench",
            dependencies: ["Executor", "Workload", "CostModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            path: "Benchmarks/executor-bench"
        ),
        .testTarget(name: "CostModelTests", dependencies: ["CostModel", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Workload", "CostModel", "Reports"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Simulation", "Workload", "CostModel"]),
        .testTarget(name: "CostsimCLITests", dependencies: ["costsim"]),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "Workload", "CostModel", "costsim", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
    ]
)
