import TestSupport
import Testing

/// The device binary's last word on a fatal signal: one line with the command and the file it was reading, and
/// still the signal as its cause of death (the Pi binary's under qemu: AArch64DeviceTests).
@Suite struct FatalSignalTests {
    @Test func aFatalSignalNamesTheCommandAndTheFile() throws {
        try expectFatalSignalLine(launch: [deviceExecutable()])
    }
}
