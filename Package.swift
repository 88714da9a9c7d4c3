// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

// Pixel loops are 10-30x slower unoptimised: the renderer and codecs are optimised even in debug builds,
// so `swift run journeyman serve` and the test suite render at real speed.
let pixelSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "journeyman",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "journeyman", targets: ["journeyman"]),
        // Only targets built without unsafe flags are products: the pixel targets' `-O` stays inside this package.
        .library(name: "MidjourneyAPI", targets: ["MidjourneyAPI"]),
        .library(name: "JourneymanClient", targets: ["JourneymanClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "MidjourneyAPI", swiftSettings: swiftSettings),
        .target(name: "JourneymanImaging", dependencies: ["CPNG", "CJPEG"], swiftSettings: pixelSettings),
        .target(
            name: "JourneymanCore",
            dependencies: [
                "JourneymanImaging",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // H.264 in MP4, written here: the local engine's videos (a camera panning across a rendered picture).
        .target(name: "JourneymanVideo", swiftSettings: pixelSettings),
        .target(
            name: "JourneymanEngine",
            dependencies: ["JourneymanCore", "JourneymanImaging", "JourneymanVideo"],
            swiftSettings: pixelSettings
        ),
        .target(
            name: "JourneymanStore",
            dependencies: [
                "JourneymanCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneymanHTTP",
            dependencies: ["JourneymanCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MidjourneyContract",
            dependencies: [
                "MidjourneyAPI", "JourneymanCore", "JourneymanHTTP", "JourneymanImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "MidjourneyProxyAPI", dependencies: ["MidjourneyAPI"], swiftSettings: swiftSettings),
        .target(
            name: "MidjourneyProxyContract",
            dependencies: [
                "MidjourneyProxyAPI", "MidjourneyAPI", "JourneymanCore", "JourneymanHTTP", "JourneymanImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web console at /console: its page, script and style are Swift strings inside the module.
        .target(
            name: "JourneymanConsole",
            dependencies: ["JourneymanCore", "JourneymanHTTP", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneymanUpstream",
            dependencies: [
                "JourneymanCore", "JourneymanImaging", "MidjourneyAPI", "MidjourneyProxyAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneymanMetrics",
            dependencies: [
                "JourneymanCore", "JourneymanHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneymanServer",
            dependencies: [
                "MidjourneyAPI",
                "MidjourneyContract",
                "MidjourneyProxyContract",
                "JourneymanHTTP",
                "JourneymanMetrics",
                "JourneymanConsole",
                "JourneymanCore",
                "JourneymanStore",
                "JourneymanEngine",
                "JourneymanImaging",
                "JourneymanUpstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JourneymanClient",
            dependencies: [
                "MidjourneyAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "journeyman",
            dependencies: [
                "JourneymanClient",
                "MidjourneyAPI",
                "JourneymanServer",
                "JourneymanCore",
                "JourneymanStore",
                "JourneymanEngine",
                "JourneymanImaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "JourneymanBenchmarks",
            dependencies: ["JourneymanEngine", "JourneymanImaging", "JourneymanCore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "JourneymanStoreBenchmarks",
            dependencies: [
                "JourneymanServer",
                "JourneymanStore",
                "JourneymanCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The framework's floor for scripts/bench-retrieve: Hummingbird answering fixed bytes.
        .executableTarget(
            name: "JourneymanFloorBenchmark",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JourneymanImagingTests", dependencies: ["JourneymanImaging"], swiftSettings: swiftSettings),
        .testTarget(name: "JourneymanVideoTests", dependencies: ["JourneymanVideo"], swiftSettings: swiftSettings),
        .testTarget(name: "JourneymanCoreTests", dependencies: ["JourneymanCore", "MidjourneyAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JourneymanEngineTests",
            dependencies: ["JourneymanEngine", "JourneymanImaging", "JourneymanCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneymanStoreTests",
            dependencies: ["JourneymanStore", "JourneymanCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneymanServerTests",
            dependencies: [
                "JourneymanServer",
                "JourneymanHTTP",
                "JourneymanMetrics",
                "JourneymanConsole",
                "JourneymanClient",
                "MidjourneyContract",
                "MidjourneyProxyAPI",
                "MidjourneyProxyContract",
                "JourneymanStore",
                "JourneymanUpstream",
                "JourneymanEngine",
                "JourneymanImaging",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Loads the SQLite upgrade fixture (a `.dump`) into a data directory.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // Stores written by earlier releases, as SQL text, with the answers those releases gave.
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JourneymanClientTests",
            dependencies: [
                "JourneymanClient",
                "JourneymanImaging",
                "JourneymanServer",
                "JourneymanStore",
                "JourneymanCore",
                "JourneymanEngine",
                "MidjourneyAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
