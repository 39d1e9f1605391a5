// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for ideamesh (see README.md here; run.sh builds and runs them).
//
// The library modules are the main package's own sources, reached through the symlinks in
// Sources/ (a path dependency could only use the main package's products, and it exports only
// executables), so the fuzz targets see `package` declarations as the tests do. The fuzz checks
// are the files the regression tests compile too: Sources/*FuzzChecks link to
// Tests/{MeshWireTests,MeshStoreTests,IdeameshdTests}/FuzzChecks. Keep the targets below in step
// with ../../Package.swift.
let package = Package(
    name: "ideamesh-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The main package's modules (symlinked sources), as in ../../Package.swift.
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "MeshCRDT"),
        .target(name: "MeshModel", dependencies: ["MeshCRDT"]),
        .target(
            name: "MeshWire",
            dependencies: [
                "MeshCRDT", "MeshModel", "CZlib",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Generated/README.md"]),
        .target(name: "MeshControl"),
        .target(name: "MeshNet", dependencies: ["CLibUV", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "MeshStore",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "MeshNode",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire", "MeshStore", "MeshNet", "MeshControl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),

        // The checks, shared with the regression tests (symlinked test folders).
        .target(
            name: "WireFuzzChecks",
            dependencies: ["MeshCRDT", "MeshWire", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "StoreFuzzChecks",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire", "MeshStore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        .target(name: "ControlFuzzChecks", dependencies: ["MeshNode"]),

        // One executable per libFuzzer target.
        .executableTarget(name: "FuzzFrames", dependencies: ["WireFuzzChecks"]),
        .executableTarget(name: "FuzzHandshake", dependencies: ["WireFuzzChecks"]),
        .executableTarget(name: "FuzzSync", dependencies: ["WireFuzzChecks"]),
        .executableTarget(name: "FuzzOps", dependencies: ["StoreFuzzChecks"]),
        .executableTarget(name: "FuzzControl", dependencies: ["ControlFuzzChecks"]),
    ]
)
