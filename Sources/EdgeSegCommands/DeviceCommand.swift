import CEdgeSeg
import EdgeSegCapture
import EdgeSegRuntime

/// The Pi binary's commands (as `edgeseg-aarch64`; built by SwiftPM as `edgeseg-device` on the host).
/// `arguments` is the whole argv; the result is the exit status. `segment` and `camera` are the very commands
/// of the host CLI; `info` and `bench` take the host's option names (a subset).
public func runDevice(_ arguments: [String]) -> Int32 {
    let program = arguments.first.map(fileName) ?? "edgeseg-device"
    let command = arguments.count > 1 ? arguments[1] : "help"
    let rest = Array(arguments.dropFirst(2))
    let wantsHelp = rest.contains("--help") || rest.contains("-h")
    es_fatal_signals_install(program)
    es_fatal_signals_context(command, nil)
    do throws(CommandError) {
        switch command {
        case "segment": if wantsHelp { print(segmentUsage) } else { try runSegmentCommand(rest, open: openModelFile) }
        case "info": if wantsHelp { print(deviceUsage(program)) } else { try runInfoCommand(rest) }
        case "bench": if wantsHelp { print(deviceUsage(program)) } else { try runBenchCommand(rest, open: openModelFile) }
        case "camera": return runCameraCommand(rest, open: openModelFile)
        case "help", "--help", "-h": print(deviceUsage(program))
        default: throw .usage("unknown command '\(command)'; commands: segment, info, bench, camera, help")
        }
        return 0
    } catch {
        es_write_stderr("\(program): error: \(error.message(program: program))\n")
        return error.exitStatus
    }
}

func deviceUsage(_ program: String) -> String {
    let boards = BoardProfile.all.map { $0.name }.joined(separator: ", ")
    return """
        \(program): SegFormer segmentation on the device (the host CLI's commands and options, a subset).

          \(program) segment --model M.edgeseg --input IMAGE --output MASK.png [--overlay FILE] [--size WxH]
                  [--board NAME] [--threads N] [--logits FILE]
              One picture's class mask (and overlay, int8 logits); `\(program) segment --help` says more.
          \(program) info [--model M.edgeseg] [--board NAME]
              The model's summary, and the int8 kernels (isa) this CPU runs.
          \(program) bench --model M.edgeseg [--image IMAGE] [--size WxH] [--board NAME] [--threads N] [--runs N] [--max-pixels N]
              Times the per-frame work (resize, model, class map): median and min of 5 runs after a warm-up.
          \(program) camera --model M.edgeseg [--board NAME] [--http :8080] ...
              Live segmentation from a V4L2 camera (or --source DIR, a pipe or a file of frames); `\(program) camera --help` lists its
              options and exit statuses (3: the camera vanished).

        Models: int8, mixed-precision or float32 .edgeseg files. Sizes are WIDTHxHEIGHT (640x480).
        Boards: \(boards). Exit status: 0 done, 1 failed (file, model, image), 2 wrong command line.
        """
}
