import Foundation
import Testing
import TestSupport

/// An installed `tlshello server` (BIN/tlshello beside SHARE/tlshello/certs, as the Debian package
/// lays it out in /usr) run without `--cert` from a folder with no certs/: it serves the installed
/// demo certificate; ./certs still wins where it exists.
@Suite struct InstalledCertificatesTests {
    /// A prefix holding bin/tlshello (a copy of the built binary) and, when `withCertificates`,
    /// share/tlshello/certs with the demo's pair; plus an empty working folder.
    private final class Installation {
        let folder: TemporaryDirectory
        var binary: String { folder.file("usr/bin/tlshello") }
        var installedCertificate: String { folder.file("usr/share/tlshello/certs/diegoUcamCert.pem") }
        var work: String { folder.file("work") }

        init(withCertificates: Bool) throws {
            folder = try TemporaryDirectory()
            let files = FileManager.default
            try files.createDirectory(atPath: folder.file("usr/bin"), withIntermediateDirectories: true)
            try files.createDirectory(atPath: work, withIntermediateDirectories: true)
            try files.copyItem(atPath: Paths.tlshello, toPath: binary)
            if withCertificates {
                try files.createDirectory(atPath: folder.file("usr/share/tlshello/certs"), withIntermediateDirectories: true)
                try files.copyItem(atPath: Paths.demoCertificate, toPath: installedCertificate)
                try files.copyItem(atPath: Paths.demoKey, toPath: folder.file("usr/share/tlshello/certs/diegoUcamKey.pem"))
            }
        }
    }

    @Test func serverWithoutCertFindsTheInstalledDemoCertificate() throws {
        let installation = try Installation(withCertificates: true)
        let server = try RunningProcess(installation.binary, ["server", "--host", "127.0.0.1", "--port", "0"],
                                        directory: installation.work)
        defer { server.stop() }
        let read = try #require(server.waitForLine(containing: "certificate read:"))
        #expect(read.contains("certificate read: \(installation.installedCertificate) (CN=diegoUcamCert,"))
        let listening = try #require(server.waitForLine(containing: "listening on 127.0.0.1:"))
        let port = try #require(listening.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }?.split(separator: ":").last)
        let client = try tlshello(["client", "127.0.0.1", "--port", String(port), "--cafile", Paths.demoCertificate])
        #expect(client.status == 0, "\(client.stderr)")
        #expect(client.stdout.contains("verified (chain and name 127.0.0.1)"))
        #expect(client.stdout.contains("3. reply received: Hola soy tu servidor...."))
    }

    @Test func workingDirectoryCertsComeFirst() throws {
        let installation = try Installation(withCertificates: true)
        let server = try RunningProcess(installation.binary, ["server", "--host", "127.0.0.1", "--port", "0"],
                                        directory: Paths.root)
        defer { server.stop() }
        let read = try #require(server.waitForLine(containing: "certificate read:"))
        #expect(read.contains("certificate read: certs/diegoUcamCert.pem ("))
    }

    @Test func withNeitherTheErrorNamesTheWorkingDirectoryFile() throws {
        let installation = try Installation(withCertificates: false)
        let server = try RunningProcess(installation.binary, ["server", "--host", "127.0.0.1", "--port", "0"],
                                        directory: installation.work)
        let result = server.wait(timeout: 20)
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello server: certificate certs/diegoUcamCert.pem: no such file\n")
    }
}
