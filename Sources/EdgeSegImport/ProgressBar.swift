#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows how a long job goes, on stderr: on a terminal a bar redrawn in place (done/total, rate, ETA),
/// otherwise (a log, CI) a plain line every few seconds, so logs stay readable. Counts bytes (downloads)
/// or items (images).
public final class ProgressBar {
    public enum Unit: Sendable {
        case bytes
        /// Counted things, named in the plural ("images").
        case items(String)
    }

    private let label: String
    private let total: Int64?
    private let unit: Unit
    private let interactive: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant
    private var done: Int64 = 0

    /// `total` is nil when it is not known (a server that sent no Content-Length).
    public init(label: String, total: Int64?, unit: Unit) {
        self.label = label
        self.total = total
        self.unit = unit
        self.interactive = isatty(STDERR_FILENO) != 0
        self.start = clock.now
        self.lastShown = start
        if !interactive { Self.note(label + ": started" + (total.map { ", " + amount($0) } ?? "")) }
    }

    public func advance(to done: Int64) {
        self.done = done
        let now = clock.now
        let interval: Duration = interactive ? .milliseconds(100) : .seconds(5)
        guard now - lastShown >= interval else { return }
        lastShown = now
        interactive ? redraw(now) : Self.note(label + ": " + status(now))
    }

    /// Ends the bar's line; `completed` is false when the job broke off (the caller reports why).
    public func finish(completed: Bool) {
        let now = clock.now
        if interactive {
            redraw(now)
            Self.note("")
        } else if completed {
            Self.note(label + ": done, " + status(now))
        }
    }

    /// One line on stderr (a warning or a note beside the bar, which continues on the next line).
    public func note(_ text: String) {
        if interactive { writeToStandardError("\r\u{1B}[K") }
        Self.note(text)
        if interactive { redraw(clock.now) }
    }

    public static func note(_ text: String) {
        writeToStandardError(text + "\n")
    }

    public var elapsedSeconds: Double { seconds(clock.now - start) }

    private func status(_ now: ContinuousClock.Instant) -> String {
        let elapsed = max(seconds(now - start), 1e-3)
        let rate = Double(done) / elapsed
        var s: String
        switch unit {
        case .bytes:
            s = Self.formatBytes(done) + (total.map { " / " + Self.formatBytes($0) } ?? "") + ", " + Self.formatBytes(Int64(rate)) + "/s"
        case .items(let name):
            s = "\(done)" + (total.map { "/\($0)" } ?? "") + " \(name), " + formatRate(rate) + " \(name)/s"
        }
        if let total, rate > 0, done < total {
            s += ", ETA " + Self.formatDuration(Double(total - done) / rate)
        } else if done > 0 {
            s += ", " + Self.formatDuration(elapsed)
        }
        return s
    }

    private func amount(_ n: Int64) -> String {
        switch unit {
        case .bytes: Self.formatBytes(n)
        case .items(let name): "\(n) \(name)"
        }
    }

    /// Two significant figures below 10 (0.42, 3.1), whole numbers above.
    private func formatRate(_ rate: Double) -> String {
        if rate >= 10 { return "\(Int(rate.rounded()))" }
        let hundredths = Int((rate * 100).rounded())
        return rate >= 1 ? "\(hundredths / 100).\(hundredths % 100 / 10)" : "0." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }

    private func redraw(_ now: ContinuousClock.Instant) {
        let width = 24
        var bar = ""
        if let total, total > 0 {
            let filled = Int(min(Double(done) / Double(total), 1) * Double(width))
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
        }
        // \r returns to the line start, ESC[K clears what a longer earlier line left behind.
        writeToStandardError("\r" + label + " " + bar + status(now) + "\u{1B}[K")
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `14.9 MB`-style sizes (decimal units, as the hub shows them).
    public static func formatBytes(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        if unit == 0 { return "\(n) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `7s`, `2m05s`, `1h02m`.
    public static func formatDuration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        return "\(s / 3600)h" + ((s / 60) % 60 < 10 ? "0" : "") + "\((s / 60) % 60)m"
    }
}

/// Unbuffered, straight to fd 2: a bar must show at once, and C's `stderr` global is not concurrency-safe.
private func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { buffer in
        var rest = UnsafeRawBufferPointer(buffer)
        while !rest.isEmpty {
            let n = write(STDERR_FILENO, rest.baseAddress, rest.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }
}
