// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "tlshello",
    products: [
        .library(name: "SecureSockets", targets: ["SecureSockets"]),
        .library(name: "GnuTLSBackend", targets: ["GnuTLSBackend"]),
        .library(name: "SecureSocketsNIO", targets: ["SecureSocketsNIO"]),
        .executable(name: "tlshello", targets: ["tlshello"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The system GnuTLS (pkg-config gnutls) plus a header of static inline shims.
        .systemLibrary(
            name: "CGnuTLS",
            pkgConfig: "gnutls",
            providers: [.apt(["libgnutls28-dev"])]
        ),
        // Backend-agnostic core: what a Swift user imports. Never imports CGnuTLS.
        .target(name: "SecureSockets"),
        // The only code that calls GnuTLS.
        .target(name: "GnuTLSBackend", dependencies: ["CGnuTLS", "SecureSockets"]),
        // A SwiftNIO channel handler driving any backend's sans-I/O session.
        .target(
            name: "SecureSocketsNIO",
            dependencies: [
                "SecureSockets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // The async/await way in (ServerBootstrap/ClientBootstrap with NIOAsyncChannel).
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The command-line front end.
        .executableTarget(
            name: "tlshello",
            dependencies: [
                "SecureSockets",
                "GnuTLSBackend",
                "SecureSocketsNIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // Helpers shared by the test targets and the fuzz harness (temporary directories, TLS records
        // and ClientHellos as bytes).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "SecureSocketsTests",
            dependencies: ["SecureSockets", "GnuTLSBackend", "TestSupport", "FuzzHarness",
                           // The async/await way in and its example (AsyncTLSTests).
                           "SecureSocketsNIO", "AsyncGreeting", .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(
            name: "tlshelloTests",
            dependencies: ["tlshello", "SecureSockets", "GnuTLSBackend", "TestSupport"]
        ),
        // SecureSocketsNIO's handlers: two EmbeddedChannels back to back, and loopback sockets.
        .testTarget(
            name: "SecureSocketsNIOTests",
            dependencies: [
                "SecureSocketsNIO", "SecureSockets", "GnuTLSBackend", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

// Fuzzing (Fuzz/README.md): the targets' code lives in FuzzHarness, which the test suite also
// calls to replay the seeds and regression inputs; the Fuzz executable is libFuzzer's entry point
// for the target FUZZ_TARGET names (built by `make fuzz` with -sanitize=fuzzer -DFUZZING) or, in a
// normal build, a replayer of input files.
package.targets += [
    .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
    // TestSupport: the ClientHello and record builders the tests use make the large-hello seeds.
    .target(name: "FuzzHarness", dependencies: ["SecureSockets", "GnuTLSBackend", "CLibFuzzer", "TestSupport"], path: "Fuzz/Harness"),
    .executableTarget(name: "FuzzCorpusGenerator", dependencies: ["FuzzHarness"], path: "Fuzz/CorpusGenerator"),
    .executableTarget(name: "Fuzz", dependencies: ["FuzzHarness"], path: "Fuzz/Main"),
]

// The greeting server and client written with the async/await way in (docs/examples.md, "Async/await with
// NIOAsyncChannel"); the test suite runs the same code.
package.products += [.executable(name: "async-greeting", targets: ["AsyncGreeting"])]
package.targets += [
    .executableTarget(
        name: "AsyncGreeting",
        dependencies: [
            "SecureSockets", "SecureSocketsNIO",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Examples/AsyncGreeting"
    ),
]

// The OpenSSL backend (GNUTLS-NOTES §16): built only with the package trait `OpenSSL`
// (`swift build --traits OpenSSL`, needs libssl-dev); the default build compiles and links no OpenSSL.
package.traits = [.trait(name: "OpenSSL", description: "The OpenSSL backend (needs libssl-dev).")]
package.products += [.library(name: "OpenSSLBackend", targets: ["OpenSSLBackend"])]
// The command line's --backend openssl, with the trait only.
if let cli = package.targets.first(where: { $0.name == "tlshello" }) {
    cli.dependencies.append(.target(name: "OpenSSLBackend", condition: .when(traits: ["OpenSSL"])))
}
// The backend conformance suite (Tests/SecureSocketsTests/BackendConformance) runs on OpenSSL too, with the trait only.
if let tests = package.targets.first(where: { $0.name == "SecureSocketsTests" }) {
    tests.dependencies.append(.target(name: "OpenSSLBackend", condition: .when(traits: ["OpenSSL"])))
}
package.targets += [
    // The system OpenSSL 3 (pkg-config openssl) plus a header of static inline shims for its macros.
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    // The only code that calls OpenSSL.
    .target(
        name: "OpenSSLBackend",
        dependencies: ["SecureSockets", .target(name: "COpenSSL", condition: .when(traits: ["OpenSSL"]))]
    ),
    // OpenSSL sessions paired in memory with each other and with GnuTLS; compiled only with the trait.
    .testTarget(
        name: "OpenSSLBackendTests",
        dependencies: [
            "SecureSockets", "GnuTLSBackend", "TestSupport",
            .target(name: "OpenSSLBackend", condition: .when(traits: ["OpenSSL"])),
        ]
    ),
]

// Documentation (make docs): the DocC catalogs in Sources/<Module>/<Module>.docc, built into static
// HTML by swift-docc-plugin's `swift package generate-documentation`; a build without it is unchanged.
package.dependencies += [.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0")]
// --- backends ---
// The one place front ends get a TLSBackend from (the default, one by name, one with its
// library's options); the OpenSSL backend with the trait only.
package.products += [.library(name: "SecureSocketsBackends", targets: ["SecureSocketsBackends"])]
package.targets += [
    .target(
        name: "SecureSocketsBackends",
        dependencies: ["SecureSockets", "GnuTLSBackend", .target(name: "OpenSSLBackend", condition: .when(traits: ["OpenSSL"]))]
    ),
]
for name in ["tlshello", "AsyncGreeting"] {
    package.targets.first(where: { $0.name == name })?.dependencies.append("SecureSocketsBackends")
}

// --- greeting framing ---
// The greeting exchange's message framing (MessageAssembler, TLSSocket.readMessage), shared by
// the command line, the fuzz harness and the tests; not a product: the library speaks of TLS only.
package.targets += [.target(name: "GreetingFraming", dependencies: ["SecureSockets"])]
for name in ["tlshello", "FuzzHarness", "SecureSocketsTests", "tlshelloTests"] {
    package.targets.first(where: { $0.name == name })?.dependencies.append("GreetingFraming")
}
