import EdgeSegImport
import EdgeSegQuantize
import EdgeSegRuntime
import Foundation
import FuzzDriver
import HostileInputs

// edgeseg-fuzz: fuzz targets for every reader of untrusted bytes (FuzzTarget). Tests/Fuzz/run-fuzz.sh builds it
// with libFuzzer (-sanitize=fuzzer) and runs each target for a bounded time; built normally (swift build), it
// runs the same targets and structure-aware mutations in its own loop, without coverage guidance, which is what
// the test suite does.
let usage = """
    edgeseg-fuzz seeds OUT SHARED FIXTURES   write seed corpora OUT/TARGET/ from ../shared and Tests/UnitTests/Fixtures
    edgeseg-fuzz TARGET [libFuzzer options] CORPUS...   fuzz (libFuzzer build: any libFuzzer option)
    edgeseg-fuzz TARGET -max_total_time=S [-artifact_prefix=P] CORPUS...   (plain build: its own loop)
    targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    """

nonisolated(unsafe) var current = FuzzTarget.http

@_cdecl("LLVMFuzzerCustomMutator")
func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    let mutated = current.mutate(Array(UnsafeBufferPointer(start: data, count: size)), maxSize: maxSize, seed: seed)
    let n = min(mutated.count, maxSize)
    mutated.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: n) }
    return n
}

func runOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    current.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// The plain build's loop: mutate corpus entries (up to 3 mutations chained) until the time is up. Each input is
/// written to ARTIFACT_PREFIX + "last-input" before it runs, so a crash leaves its reproducer behind; a run
/// longer than 10 s is ended by SIGALRM.
func plainLoop(_ options: [String: String], _ corpusFolders: [String]) -> Int32 {
    var corpus: [[UInt8]] = []
    for folder in corpusFolders {
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { corpus.append([UInt8](data)) }
        }
    }
    guard !corpus.isEmpty else {
        FileHandle.standardError.write(Data("edgeseg-fuzz: no seed files in \(corpusFolders)\n".utf8))
        return 2
    }
    let seconds = Double(options["max_total_time"] ?? "30") ?? 30
    let reproducer = (options["artifact_prefix"] ?? "./") + "last-input"
    let maxSize = max(corpus.map(\.count).max()!, 4096) + 1024
    var generator = SystemRandomNumberGenerator()
    let start = Date()
    var executions = 0
    for seed in corpus {   // every seed as it is first
        current.run(seed)
        executions += 1
    }
    while Date().timeIntervalSince(start) < seconds {
        var input = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            input = current.mutate(input, maxSize: maxSize, seed: UInt32.random(in: 0...UInt32.max, using: &generator))
        }
        FileManager.default.createFile(atPath: reproducer, contents: Data(input))
        alarm(10)
        current.run(input)
        alarm(0)
        executions += 1
    }
    try? FileManager.default.removeItem(atPath: reproducer)
    print("#\(executions) DONE plain loop (no coverage guidance): \(current.rawValue), \(executions) executions in \(Int(Date().timeIntervalSince(start))) s, 0 crashes")
    return 0
}

func main() -> Int32 {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else {
        print(usage)
        return 2
    }
    if arguments[1] == "seeds" {
        guard arguments.count == 5 else {
            print(usage)
            return 2
        }
        do throws(EdgeSegError) {
            try writeSeeds(to: arguments[2], shared: arguments[3], fixtures: arguments[4])
        } catch {
            FileHandle.standardError.write(Data("edgeseg-fuzz: \(error.message)\n".utf8))
            return 1
        }
        return 0
    }
    guard let target = FuzzTarget(rawValue: arguments[1]) else {
        print(usage)
        return 2
    }
    current = target
    let rest = Array(arguments.dropFirst(2))
    if target == .scales {
        FuzzTarget.camvidConfig = (ProcessInfo.processInfo.environment["EDGESEG_FUZZ_CONFIG"]).flatMap { try? loadSegFormerConfig(path: $0) }
    }
    if es_fuzz_libfuzzer_linked() != 0 {
        var cArguments = ([arguments[0]] + rest).map { strdup($0) }
        var argc = Int32(cArguments.count)
        return cArguments.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            return es_fuzz_run_libfuzzer(&argc, &argv, runOne)
        }
    }
    var options: [String: String] = [:], folders: [String] = []
    for argument in rest {
        if argument.hasPrefix("-"), let equals = argument.firstIndex(of: "=") {
            options[String(argument[argument.index(after: argument.startIndex)..<equals])] = String(argument[argument.index(after: equals)...])
        } else {
            folders.append(argument)
        }
    }
    return plainLoop(options, folders)
}

exit(main())
