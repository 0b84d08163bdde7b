import CEdgeSeg
import EdgeSegCapture
import EdgeSegRuntime

/// The device binary's commands: what runs on the Pi (as `edgeseg-aarch64`) and, built by SwiftPM, on the host.
/// `arguments` is the whole argv; the result is the exit status.
func runDevice(_ arguments: [String]) -> Int32 {
    let program = arguments.first.map(fileName) ?? "edgeseg-device"
    let command = arguments.count > 1 ? arguments[1] : "help"
    let rest = Array(arguments.dropFirst(2))
    do throws(DeviceError) {
        switch command {
        case "segment": try runSegmentCommand(rest)
        case "info": try runInfoCommand(rest)
        case "bench": try runBenchCommand(rest)
        case "camera": return runCameraCommand(rest)
        case "help", "--help", "-h": print(deviceUsage(program))
        default: throw .usage("unknown command '\(command)'; commands: segment, info, bench, camera, help")
        }
        return 0
    } catch DeviceError.helpRequested {
        print(deviceUsage(program))
        return 0
    } catch {
        es_write_stderr("\(program): error: \(error.message(program: program))\n")
        return error.exitStatus
    }
}

func deviceUsage(_ program: String) -> String {
    let boards = BoardProfile.all.map { $0.name }.joined(separator: ", ")
    return """
        \(program): int8 SegFormer segmentation on the device.

          \(program) segment --model M.edgeseg IMAGE... [--size HxW] [--board NAME] [--threads N] [--out DIR]
                  [--logits FILE]
              Writes DIR/NAME.mask.png (palette PNG of class indices) and DIR/NAME.overlay.png per image (DIR
              defaults to .); --logits writes their raw int8 logits to FILE, a record per image. The input size
              is --size, else the board's, else the image's own; threads --threads, else the board's, else 1.
          \(program) info [--model M.edgeseg] [--board NAME]
              The model's summary, and the int8 kernels (isa) this CPU runs.
          \(program) bench --model M.edgeseg IMAGE [--size HxW] [--board NAME] [--threads N] [--runs N]
              Times the per-frame work (resize, int8 model, class map) on one image: median and min of 5 runs.
          \(program) camera --model M.edgeseg [--board NAME] [--http :8080] ...
              Live segmentation from a V4L2 camera (or --source DIR); `\(program) camera --help` lists its
              options and exit statuses (3: the camera vanished).

        Boards: \(boards). Exit status: 0 done, 1 failed (file, model, image), 2 wrong command line.
        """
}
