import CEdgeSeg
import EdgeSegCommands

// Embedded Swift has no CommandLine: the binary defines C's main and reads argv itself. A SwiftPM build on the
// host (the same commands, compiled and tested on x86) starts from @main like any executable.
#if hasFeature(Embedded)
@_cdecl("main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var arguments: [String] = []
    for i in 0..<Int(argc) {
        if let argument = argv[i] { arguments.append(String(cString: argument)) }
    }
    return runDevice(arguments)
}
#else
@main
enum EdgeSegDevice {
    static func main() {
        es_exit(runDevice(CommandLine.arguments))
    }
}
#endif
