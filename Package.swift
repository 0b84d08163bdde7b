// swift-tools-version: 6.1
// EdgeSeg: an int8 SegFormer runtime. Module layers (each only calls down):
//   CEdgeSeg (C: kernels, libpng/libjpeg, POSIX shims)
//   EdgeSegRuntime (ships to the Pi: no Foundation; builds with Embedded Swift)
//   EdgeSegCapture (ships to the Pi: the camera loop, V4L2 capture, live view; no Foundation)
//   EdgeSegCommands (ships to the Pi: segment, info, bench, camera; the host CLI runs segment and camera from it)
//   EdgeSegLibrary (ships to the Pi: the C API, edgeseg.h, over the runtime's Segmenter; libedgeseg)
//   EdgeSegImport (host: Hugging Face checkpoints, hub download)
//   EdgeSegQuantize (host: calibration, float -> int8 quantizer), EdgeSegEval (host: metrics, data sets)
//   edgeseg (host CLI)
import PackageDescription

// Kernels are always optimised: a debug build of the numeric code would make the golden tests crawl.
// No fused multiply-add contraction: float preprocessing must give the same bits on x86 and on ARM (where FMA
// is baseline and compilers would fuse a·b + c), so the int8 input is the same on every CPU.
let kernelFlags: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]

let package = Package(
    name: "EdgeSeg",
    products: [
        .executable(name: "edgeseg", targets: ["edgeseg"]),
        .library(name: "EdgeSegRuntime", targets: ["EdgeSegRuntime"]),
        .library(name: "EdgeSegImport", targets: ["EdgeSegImport"]),
        // The C API (Sources/EdgeSegLibrary/edgeseg.h) for C, C++ and Python programs: libedgeseg.a and libedgeseg.so.
        .library(name: "edgeseg-static", type: .static, targets: ["EdgeSegLibrary"]),
        .library(name: "edgeseg-shared", type: .dynamic, targets: ["EdgeSegLibrary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CEdgeSeg",
            exclude: ["kernels/int8/QUANTIZATION.md"],
            cSettings: kernelFlags,
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg"), .linkedLibrary("m"), .linkedLibrary("v4l2")]
        ),
        .target(name: "EdgeSegRuntime", dependencies: ["CEdgeSeg"]),
        .target(name: "EdgeSegImport", dependencies: ["EdgeSegRuntime"]),
        .target(name: "EdgeSegShards", dependencies: ["EdgeSegRuntime", "CEdgeSeg"]),
        .target(name: "EdgeSegQuantize", dependencies: ["EdgeSegRuntime", "EdgeSegImport", "EdgeSegShards"]),
        .target(name: "EdgeSegEval", dependencies: ["EdgeSegRuntime", "EdgeSegShards"]),
        .target(name: "EdgeSegCapture", dependencies: ["EdgeSegRuntime"]),
        .target(name: "EdgeSegLibrary", dependencies: ["EdgeSegRuntime", "CEdgeSeg"], exclude: ["edgeseg.h"]),
        // The Foundation-free commands: the Pi binary's, and `segment` and `camera` of the host CLI too.
        .target(name: "EdgeSegCommands", dependencies: ["EdgeSegRuntime", "EdgeSegCapture", "CEdgeSeg"]),
        .executableTarget(
            name: "edgeseg",
            dependencies: [
                "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize", "EdgeSegEval", "EdgeSegCapture", "EdgeSegCommands", "EdgeSegShards",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Pi binary's commands (Foundation-free); Boards/build-pi.sh compiles it with Embedded Swift. Built here
        // with the Swift runtime linked in, as on the Pi: no shared Swift libraries mapped at start (3 MB of RSS).
        .executableTarget(name: "edgeseg-device", dependencies: ["EdgeSegCommands", "CEdgeSeg"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        // Test support: counts heap allocations (malloc interposed) for the zero-allocation tests.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // Well-formed files with hostile values (checksums and CRCs valid): the regression tests' and the fuzzer's.
        .target(name: "HostileInputs", dependencies: ["EdgeSegRuntime", "CEdgeSeg"], path: "Tests/HostileInputs"),
        // edgeseg-fuzz: every reader of untrusted bytes as a fuzz target; Tests/Fuzz/run-fuzz.sh builds it with libFuzzer.
        .target(name: "FuzzDriver", path: "Tests/Fuzz/Driver"),
        .executableTarget(name: "edgeseg-fuzz",
                          dependencies: ["FuzzDriver", "HostileInputs", "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize", "EdgeSegCapture"],
                          path: "Tests/Fuzz/Harness"),
        // What the three test targets share: paths into ../shared, running programs, the small int8 model.
        .target(name: "TestSupport", dependencies: ["AllocationCounter", "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize"],
                path: "Tests/TestSupport"),
        // The suite in three pieces (README, "Tests"): fast unit tests; golden, accuracy and command-line tests on real
        // models; ARM under qemu, the Pi binary, the camera VM and the browser.
        .testTarget(
            name: "UnitTests",
            dependencies: ["TestSupport", "AllocationCounter", "HostileInputs", "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize", "EdgeSegEval", "EdgeSegCapture", "EdgeSegShards"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ModelTests",
            dependencies: ["TestSupport", "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize", "EdgeSegEval", "EdgeSegCapture", "EdgeSegShards"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "DeviceTests",
            dependencies: ["TestSupport", "EdgeSegRuntime", "EdgeSegImport", "EdgeSegQuantize", "EdgeSegEval", "EdgeSegCapture"],
            exclude: ["Fixtures"]
        ),
    ]
)
