import Foundation
import TestSupport
import Testing

/// Headless Chromium (Debian's `chromium`) with a throwaway profile. It runs under coreutils'
/// `timeout`, which puts it in a process group of its own and kills the whole group (browser,
/// zygote, renderers) at the deadline.
struct HeadlessChromium {
    static let path = Paths.which("chromium")
    static let timeout = Paths.which("timeout")

    /// Takes a screenshot of `page` into `png`; returns the console lines Chromium logged (any
    /// console message, error or uncaught exception is one `CONSOLE` line on stderr).
    static func screenshot(_ page: String, into png: String, size: String = "1280,2000") throws -> (status: Int32, console: [String]) {
        let profile = try TemporaryDirectory()
        let result = try run(try #require(timeout), [
            "--kill-after=5", "80", try #require(path), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--enable-logging=stderr", "--v=0", "--window-size=\(size)", "--screenshot=\(png)", "file://\(page)",
        ], timeout: 90)
        let console = result.stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return (result.status, console)
    }
}

/// The page renders in a real browser without a single console message.
@Suite(.enabled(if: HeadlessChromium.path != nil, "chromium is not installed (scripts/ensure-packages.sh test installs it)"))
struct IllustrationRenderingTests {
    @Test func chromiumRendersThePageWithoutConsoleErrors() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest()
        let page = directory.file("exchange.html")
        let result = try server.client(["--cafile", Paths.demoCertificate, "--illustrate", page])
        #expect(result.status == 0, "\(result.stderr)")

        let png = directory.file("exchange.png")
        let shot = try HeadlessChromium.screenshot(page, into: png)
        #expect(shot.status == 0)
        #expect(shot.console.isEmpty, "\(shot.console)")
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(image.count > 10_000)
        #expect(Array(image.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

        // The check itself: the same page with one script error must be caught.
        let broken = directory.file("broken.html")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        try html.replacingOccurrences(of: "</body>", with: "<script>undefinedFunction()</script></body>")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let failing = try HeadlessChromium.screenshot(broken, into: directory.file("broken.png"))
        #expect(failing.console.contains { $0.contains("undefinedFunction") })
    }

    @Test func thePageNeedsNothingFromTheNetwork() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest()
        let page = directory.file("exchange.html")
        #expect(try server.client(["--cafile", Paths.demoCertificate, "--illustrate", page]).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for reference in ["http://", "https://", "src=", "@import", "url(", "<link"] {
            #expect(!html.contains(reference), "the page refers to \(reference)")
        }
    }
}
