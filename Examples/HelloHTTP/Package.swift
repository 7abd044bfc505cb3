// swift-tools-version:6.0
import PackageDescription

// An HTTPS server (HTTP/2 and HTTP/1.1, chosen by ALPN) whose TLS is GnuTLS through
// SecureSocketsNIO. A package of its own: the main package never depends on an HTTP stack.
let package = Package(
    name: "HelloHTTP",
    products: [
        .executable(name: "hello-http", targets: ["HelloHTTP"]),
        // The application without its TLS: the benchmarks build it again on swift-nio-ssl.
        .library(name: "HelloHTTPApplication", targets: ["HelloHTTPApplication"]),
    ],
    dependencies: [
        .package(name: "tlshello", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
    ],
    targets: [
        // HTTP handling and the pipeline after a TLS handler given by the caller; no TLS library.
        .target(
            name: "HelloHTTPApplication",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]
        ),
        // hello-http: the application with GnuTLS's TLS (TLSServerHandler).
        .executableTarget(
            name: "HelloHTTP",
            dependencies: [
                "HelloHTTPApplication",
                .product(name: "SecureSockets", package: "tlshello"),
                .product(name: "SecureSocketsBackends", package: "tlshello"),
                .product(name: "SecureSocketsNIO", package: "tlshello"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
