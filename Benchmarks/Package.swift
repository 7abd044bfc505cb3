// swift-tools-version:6.0
import PackageDescription

// Benchmark helpers kept out of the main package, so that tlshello itself never
// depends on BoringSSL (pulled in by swift-nio-ssl).
let package = Package(
    name: "tlshello-benchmarks",
    products: [
        .executable(name: "nio-ssl-server", targets: ["NIOSSLServer"]),
        .executable(name: "crypto-limits", targets: ["CryptoLimits"]),
        .executable(name: "hello-http-nio-ssl", targets: ["HelloHTTPNIOSSL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Examples/HelloHTTP's application, built again here on NIOSSL (hello-http-nio-ssl).
        .package(path: "../Examples/HelloHTTP"),
    ],
    targets: [
        // A SwiftNIO + NIOSSL (BoringSSL) TLS server: the greeting exchange or an echo.
        .executableTarget(
            name: "NIOSSLServer",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // GnuTLS, nettle and hogweed from the system (cflags from pkg-config gnutls,
        // which lists nettle and hogweed; the module map links all three and GMP).
        .systemLibrary(
            name: "CNettleGnuTLS",
            pkgConfig: "gnutls",
            providers: [.apt(["libgnutls28-dev", "nettle-dev", "libgmp-dev"])]
        ),
        // Public-key and AEAD throughput through GnuTLS and nettle, single-threaded.
        .executableTarget(
            name: "CryptoLimits",
            dependencies: [
                "CNettleGnuTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Examples/HelloHTTP's application (HTTP/2 and HTTP/1.1 by ALPN) with NIOSSLServerHandler.
        .executableTarget(
            name: "HelloHTTPNIOSSL",
            dependencies: [
                .product(name: "HelloHTTPApplication", package: "HelloHTTP"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
