import EdgeSegRuntime
import Foundation
import TestSupport
import Testing

/// Board profiles, the device front end's command line on the host, and logits files.
@Suite struct BoardProfileTests {
    /// Boards/README.md's table is the documentation of the compiled-in table: every row as the code has it.
    @Test func readmeTableMatchesTheProfiles() throws {
        let readme = try String(contentsOfFile: SharedAssets.projectRoot.path + "/Boards/README.md", encoding: .utf8)
        let section = readme.components(separatedBy: "## Board profiles").dropFirst().first?.components(separatedBy: "\n## ").first ?? ""
        let tableRows = section.split(separator: "\n").filter { $0.hasPrefix("| `") && !$0.hasPrefix("| `--board`") }.map(String.init)
        let expected = BoardProfile.all.map { b in
            "| `\(b.name)` | \(b.title) | \(b.cpu) | \(b.threads) | \(b.memoryMB) MB | \(b.inputWidth)×\(b.inputHeight) | `\(b.expectedISA)` | "
                + "\(b.camera.device), \(b.camera.width)×\(b.camera.height) \(b.camera.format), \(b.camera.fps) fps |"
        }
        #expect(tableRows == expected)
    }

    @Test func unknownBoardListsTheKnownOnes() throws {
        #expect(Set(BoardProfile.all.map { $0.name }).count == BoardProfile.all.count, "board names must be unique")
        #expect(try BoardProfile.named("pi5").expectedISA == "neondot")
        do {
            _ = try BoardProfile.named("pi3")
            Issue.record("pi3 accepted")
        } catch {
            #expect(error.message == "unknown board 'pi3'; known boards: pi4, pi5, pizero2w, x86-64")
        }
        let device = try runProcess([deviceExecutable(), "info", "--board", "pi3"])
        #expect(device.status == 2)
        #expect(device.stderr.contains("known boards: pi4, pi5, pizero2w, x86-64"), "\(device.stderr)")
        let host = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", SmallModel.image,
                                   "--output", SharedAssets.scratchDirectory() + "/m.png", "--board", "pi3"])
        #expect(host.status == 2)
        #expect(host.stderr.contains("known boards: pi4, pi5, pizero2w, x86-64"), "\(host.stderr)")
    }

    /// The board's input size applies when --size is not given, in both front ends (here: the mask is still at
    /// the image's size, the logits at a quarter of the board's).
    @Test func boardSetsTheInputSize() throws {
        let dir = SharedAssets.scratchDirectory()
        let host = try runEdgeSeg(["segment", "--model", try SmallModel.path, "--input", SmallModel.image,
                                   "--output", dir + "/host.png", "--board", "pizero2w", "--logits", dir + "/host.logits"])
        #expect(host.status == 0, "\(host.stderr)")
        let device = try runProcess([deviceExecutable(), "segment", "--model", try SmallModel.path, "--board", "pizero2w",
                                     "--input", SmallModel.image, "--output", dir + "/device.png", "--logits", dir + "/device.logits"])
        #expect(device.status == 0, "\(device.stderr)")
        #expect(device.stdout.contains("int8 at 256x192"), "\(device.stdout)")
        #expect(device.stdout == host.stdout.replacingOccurrences(of: "host.png", with: "device.png"), "\(device.stdout)")
        let records = try LogitsRecord.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/host.logits"))), source: "host.logits")
        #expect(records.count == 1 && records[0].logits.height == 48 && records[0].logits.width == 64)
        #expect(FileManager.default.contents(atPath: dir + "/host.logits") == FileManager.default.contents(atPath: dir + "/device.logits"))
        #expect(FileManager.default.contents(atPath: dir + "/host.png") == FileManager.default.contents(atPath: dir + "/device.png"))
        #expect(try loadLabelImage(path: dir + "/host.png").width == 480)
    }

    /// Wrong command lines exit 2 with the reason; a failing run (missing model) exits 1 naming the file.
    @Test(arguments: [
        (["segment", "--input", "a.png", "--output", "m.png"], 2, "--model is required"),
        (["segment", "--model", "m.edgeseg", "--output", "m.png"], 2, "--input is required"),
        (["segment", "--model", "m.edgeseg", "--input", "a.png", "--output", "m.png", "--size", "12by4"], 2,
         "--size 12by4: expected WIDTHxHEIGHT"),
        (["segment", "--model", "m.edgeseg", "--input", "a.png", "--output", "m.png", "--threads", "0"], 2,
         "--threads 0: expected a whole number"),
        (["segment", "--model", "m.edgeseg", "--colour", "red"], 2, "unknown option --colour"),
        (["segment", "--model", "a.edgeseg", "--model", "b.edgeseg"], 2, "--model is given twice"),
        (["segment", "--model", "m.edgeseg", "a.png"], 2, "unexpected argument 'a.png'"),
        (["sgement"], 2, "unknown command 'sgement'"),
        (["info", "--model", "/nonexistent/m.edgeseg"], 1, "/nonexistent/m.edgeseg"),
    ])
    func deviceCommandLineErrors(arguments: [String], status: Int32, message: String) throws {
        let run = try runProcess([deviceExecutable()] + arguments)
        #expect(run.status == status, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("edgeseg-device: error: ") && run.stderr.contains(message), "\(run.stderr)")
    }

    @Test(arguments: [["help"], ["segment", "--help"], ["info", "--model", "m.edgeseg", "-h"]])
    func deviceHelpPrintsUsage(arguments: [String]) throws {
        let run = try runProcess([deviceExecutable()] + arguments)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.contains("segment --model"), "\(run.stdout)")
    }

    @Test func logitsRecordsRoundTripAndTruncationIsNamed() throws {
        var map = Int8Map(height: 2, width: 3, channels: 2, zeroPoint: -5)
        map.data = (0..<12).map { Int8($0 * 20 - 128) }
        let bytes = LogitsRecord(logits: map, scale: 0.125).encoded
        #expect(bytes.count == 28 + 12)
        #expect(Array(bytes.prefix(8)) == [0x45, 0x53, 0x4C, 0x47, 2, 0, 0, 0])
        let back = try LogitsRecord.decode(bytes + bytes, source: "x.logits")
        #expect(back.count == 2)
        #expect(back.allSatisfy { $0.logits.data == map.data && $0.logits.zeroPoint == -5 && $0.scale == 0.125 && $0.logits.channels == 2 })
        do {
            _ = try LogitsRecord.decode(bytes + bytes.dropLast(), source: "x.logits")
            Issue.record("a cut record decoded")
        } catch {
            #expect(error.message.contains("x.logits: record 2") && error.message.contains("cut short"), "\(error.message)")
        }
    }
}

/// The host build of the device binary, beside `edgeseg`.
func deviceExecutable() -> String {
    URL(fileURLWithPath: edgeSegExecutable()).deletingLastPathComponent().appendingPathComponent("edgeseg-device").path
}
