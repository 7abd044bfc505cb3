import Foundation
import TestSupport

/// Paths the end-to-end tests need.
enum Paths {
    /// The repository root (where `certs/` lives).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `tlshello` binary built next to the test runner.
    static let tlshello: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        if directory.path.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("tlshello").path
    }()

    /// The committed demo certificate and key.
    static let demoCertificate = root + "/certs/diegoUcamCert.pem"
    static let demoKey = root + "/certs/diegoUcamKey.pem"

    /// The original demo's own (expired, X.509 v1) pair beside the repository, when present.
    static let seedCertificate = root + "/../shared/seed/diegoUcamCert.pem"
    static let seedKey = root + "/../shared/seed/diegoUcamKey.pem"

    /// Full path of a program on PATH, or nil.
    static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// What a finished process left.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A child process whose output is collected line by line, waited on with deadlines, and
/// stopped by PID when the value is released: no test leaves a process behind.
final class RunningProcess: @unchecked Sendable {
    let process = Process()
    private let condition = NSCondition()
    private var out = Data()
    private var err = Data()
    private var outClosed = false
    private var errClosed = false
    private let stdinPipe = Pipe()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         directory: String = Paths.root) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = stdinPipe
        // Children started at the same time by other tests must not inherit these pipes: an
        // inherited write end would hold back the end of file that tells a reader its child is done.
        for pipe in [outPipe, errPipe, stdinPipe] {
            for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
                _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
            }
        }
        _ = Self.ignoreSIGPIPE
        // Wake the waiters when the child exits, so no wait has to poll.
        process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.condition.lock()
            self.condition.broadcast()
            self.condition.unlock()
        }
        try process.run()
        // One reader thread per pipe, reading until end of file: no output is lost and the end is seen.
        for (pipe, isStdout) in [(outPipe, true), (errPipe, false)] {
            let handle = pipe.fileHandleForReading
            Thread { [weak self] in
                while true {
                    let data = handle.availableData
                    guard let self else { return }
                    self.collect(data, stdout: isStdout)
                    if data.isEmpty { return }
                }
            }.start()
        }
    }

    /// Writing to a child that already exited must fail quietly, not end the test process.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    private func collect(_ data: Data, stdout: Bool) {
        condition.lock()
        if data.isEmpty {
            if stdout { outClosed = true } else { errClosed = true }
        } else if stdout {
            out.append(data)
        } else {
            err.append(data)
        }
        condition.broadcast()
        condition.unlock()
    }

    var pid: Int32 { process.processIdentifier }

    /// Standard output so far.
    var stdout: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard error so far.
    var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    /// Waits until stdout or stderr has a line containing `text`; returns that line, or nil at the deadline
    /// or when the process ended without it.
    func waitForLine(containing text: String, timeout: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            for data in [out, err] {
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.contains(text) {
                    return String(line)
                }
            }
            if outClosed && errClosed { return nil }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// Standard output so far, as bytes.
    var stdoutData: Data {
        condition.lock()
        defer { condition.unlock() }
        return out
    }

    /// Waits until `predicate(stdout bytes)` holds or the deadline passes; true if it held.
    func waitUntil(timeout: Double, _ predicate: (Data) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if predicate(out) { return true }
            if outClosed && errClosed { return false }
            if !condition.wait(until: deadline) { return false }
        }
    }

    /// Waits until the process exited or the deadline passes; true if it exited.
    func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while process.isRunning && condition.wait(until: deadline) {}
        condition.unlock()
        return !process.isRunning
    }

    /// Sends text to the process's standard input; false if it is gone.
    @discardableResult
    func send(_ text: String) -> Bool {
        (try? stdinPipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))) != nil
    }

    /// Closes the process's standard input.
    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// Waits for the process to exit by itself; kills it at the deadline. Returns its result.
    @discardableResult
    func wait(timeout: Double = 20) -> ProcessResult {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while process.isRunning && condition.wait(until: deadline) {}
        condition.unlock()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        condition.lock()
        let outputDeadline = Date().addingTimeInterval(2)
        while !(outClosed && errClosed) && condition.wait(until: outputDeadline) {}
        condition.unlock()
        return ProcessResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Sends `signal` and waits for the exit.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> ProcessResult {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return wait(timeout: timeout)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs a command to completion (killed at the deadline) and returns its result.
func run(_ executable: String, _ arguments: [String], input: String? = nil, timeout: Double = 30,
         environment: [String: String]? = nil) throws -> ProcessResult {
    let child = try RunningProcess(executable, arguments, environment: environment)
    if let input { child.send(input) }
    child.closeInput()
    return child.wait(timeout: timeout)
}

/// Runs `tlshello` with `arguments`.
func tlshello(_ arguments: [String], timeout: Double = 30) throws -> ProcessResult {
    try run(Paths.tlshello, arguments, timeout: timeout)
}

/// A `tlshello server` on 127.0.0.1 with a free port, stopped by PID at the end.
final class ServerUnderTest {
    let process: RunningProcess
    let port: Int

    init(_ extra: [String] = [], timeout: Double = 20) throws {
        process = try RunningProcess(Paths.tlshello, ["server", "--host", "127.0.0.1", "--port", "0"] + extra)
        guard let line = process.waitForLine(containing: "listening on", timeout: timeout),
              let portText = line.split(separator: " ").first(where: { $0.hasPrefix("127.0.0.1:") })?.split(separator: ":").last,
              let port = Int(portText) else {
            let result = process.stop()
            throw HarnessError.serverDidNotStart(result.stdout + result.stderr)
        }
        self.port = port
    }

    /// Runs the CLI client against this server.
    func client(_ extra: [String], timeout: Double = 30) throws -> ProcessResult {
        try tlshello(["client", "127.0.0.1", "--port", String(port)] + extra, timeout: timeout)
    }

    deinit { process.stop() }
}

/// Failures of the harness itself.
enum HarnessError: Error {
    case serverDidNotStart(String)
    case peerDidNotStart(String)
}
