// swift-tools-version:6.1
import PackageDescription

// Layers (see README "Layout"): pure MeshCRDT → MeshModel → MeshWire; IO in MeshStore and MeshNet;
// wiring in MeshNode and the three executables.
let package = Package(
    name: "ideamesh",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ideameshd", targets: ["ideameshd"]),
        .executable(name: "ideamesh", targets: ["ideamesh"]),
        .executable(name: "ideamesh-bench", targets: ["ideamesh-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // libuv, from the system (apt: libuv1-dev). Only MeshNet imports it.
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        // zlib, from the system (apt: zlib1g-dev). Only MeshWire imports it (compressed op batches).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Pure layers: no IO, time and randomness come in as parameters.
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
        // The deterministic simulator of the mesh: the real sync and membership state machines,
        // batch checks and wire encoding (all MeshWire's), a virtual clock and a simulated
        // network. Pure, like the layers above.
        .target(name: "MeshSim", dependencies: ["MeshCRDT", "MeshModel", "MeshWire"]),
        // The control socket's methods, declared once (Protocol/CONTROL.md): names, params,
        // results, who may call them. Pure: the daemon serves them, clients call them.
        .target(name: "MeshControl"),
        // The CLI's views that the web pages show too: the run and XmR charts as text and SVG
        // (one chart code for both), and the text formatting they use.
        .target(name: "MeshCharts", dependencies: ["MeshControl", "MeshClient"]),
        // The department's web pages (Hummingbird): sign-in, sessions and the pages, every action
        // a control method called in-process through `WebBackend`, so the web has no path to the
        // store of its own. Pages are typed HTML, rendered without JavaScript.
        .target(
            name: "MeshWeb",
            dependencies: [
                "MeshControl", "MeshModel", "MeshCharts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // IO layers.
        // The libuv façade: one loop thread, TCP, Unix sockets, timers, wake-ups. Only it imports CLibUV.
        .target(name: "MeshNet", dependencies: ["CLibUV", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "MeshStore",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire",
                // Hashes of the materialized state (the digest) and of ops.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // The apply path binds its hot statements through the C API (Statement+Run.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "MeshNode",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire", "MeshStore", "MeshNet", "MeshControl", "MeshWeb",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),

        // Executables: wiring only.
        .executableTarget(
            name: "ideameshd",
            dependencies: [
                "MeshNode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The control socket's client side (Protocol/CONTROL.md): the CLI, the benchmarks and the
        // end-to-end tests talk to daemons through it.
        .target(name: "MeshClient", dependencies: ["MeshControl"]),
        // Real ideameshd processes on loopback: free ports, init, config, spawn, wait until
        // ready, stop; one node (DaemonNode) or several (DaemonCluster). The end-to-end tests,
        // the demo and the benchmarks all run daemons through it.
        .target(name: "MeshLoopback", dependencies: ["MeshClient"]),
        .executableTarget(
            name: "ideamesh",
            dependencies: [
                "MeshModel", "MeshControl", "MeshClient", "MeshLoopback", "MeshCharts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ideamesh-bench",
            dependencies: [
                "MeshCRDT", "MeshModel", "MeshWire", "MeshStore", "MeshNode", "MeshClient", "MeshLoopback", "MeshSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The raw-SQLite baseline talks to the C API directly.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),

        .testTarget(
            name: "MeshCRDTTests",
            dependencies: ["MeshCRDT", .product(name: "PropertyBased", package: "swift-property-based")]),
        // Vectors/ and Interop/ are read from the source tree at test time (#filePath).
        .testTarget(
            name: "MeshWireTests",
            dependencies: [
                "MeshWire", "MeshModel", "MeshCRDT", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Vectors", "Interop"]),
        .testTarget(name: "MeshNetTests", dependencies: ["MeshNet"]),
        .testTarget(name: "MeshSimTests", dependencies: ["MeshSim", "MeshWire", "MeshModel", "MeshCRDT"]),
        .testTarget(name: "MeshModelTests", dependencies: ["MeshCRDT", "MeshModel"]),
        // The control methods against Protocol/CONTROL.md (read from the source tree, #filePath).
        .testTarget(name: "MeshControlTests", dependencies: ["MeshControl"]),
        .testTarget(
            name: "MeshStoreTests",
            dependencies: [
                "MeshStore", "MeshWire", "MeshModel", "MeshCRDT",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        // The web pages' pure parts: escaping, forms, the sign-in file, rate limits.
        .testTarget(name: "MeshWebTests", dependencies: ["MeshWeb"]),
        // The node's parts on their own: config, backoff, control request parsing.
        .testTarget(name: "MeshNodeTests", dependencies: ["MeshNode", "MeshControl", "MeshModel", "MeshWire", "MeshCRDT"]),
        // End-to-end: runs the real executables (built because the target depends on them).
        .testTarget(
            name: "IdeameshdTests",
            dependencies: [
                "ideameshd", "MeshNode", "MeshStore", "MeshWire", "MeshModel", "MeshCRDT", "MeshControl", "MeshClient", "MeshLoopback",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // The CLI run as a real process against real daemons.
        .testTarget(
            name: "IdeameshCLITests", dependencies: ["ideamesh", "ideameshd", "MeshControl", "MeshClient", "MeshLoopback", "MeshModel"]),
        // The CLI's views, charts and formatting on their own, from fixed replies, and every
        // command's help from the real binary: golden files of each.
        .testTarget(
            name: "IdeameshViewTests", dependencies: ["ideamesh", "MeshCharts", "MeshControl", "MeshClient", "MeshLoopback", "MeshModel"], exclude: ["Golden"]),
    ]
)
