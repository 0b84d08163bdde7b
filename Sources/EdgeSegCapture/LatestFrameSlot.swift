/// The hand-over between capture and inference: one frame deep, newest wins. The camera never waits for
/// the model; a frame it offers while the previous one is still unclaimed replaces it (a drop the caller
/// counts), so the model always takes the latest picture.
final class LatestFrameSlot: @unchecked Sendable {
    private let lock = Lock()
    private let changed = Condition()
    private var frame: CapturedFrame?
    private var closed = false
    /// A frame was taken and its `finished()` has not come yet.
    private var inFlight = false

    /// Puts `frame` in the slot; returns the unclaimed frame it replaced, if any.
    func offer(_ frame: CapturedFrame) -> CapturedFrame? {
        lock.withLock {
            let replaced = self.frame
            self.frame = frame
            changed.broadcast()
            return replaced
        }
    }

    /// Waits up to `timeoutMs` for the slot to be empty (a lossless source does, before offering).
    func waitUntilEmpty(timeoutMs: Int) -> Bool {
        lock.withLock {
            if frame != nil && !closed { changed.wait(lock, timeoutMs: timeoutMs) }
            return frame == nil
        }
    }

    /// Waits up to `timeoutMs` until every frame offered has been through the model (`finished()`).
    func waitUntilDrained(timeoutMs: Int) -> Bool {
        lock.withLock {
            if (frame != nil || inFlight) && !closed { changed.wait(lock, timeoutMs: timeoutMs) }
            return frame == nil && !inFlight
        }
    }

    /// The next frame, waiting for one; nil once the slot is closed and empty. Call `finished()` when done with it.
    func take() -> CapturedFrame? {
        lock.withLock {
            while frame == nil && !closed { changed.wait(lock, timeoutMs: 1000) }
            let next = frame
            frame = nil
            inFlight = next != nil
            changed.broadcast()
            return next
        }
    }

    /// The frame last taken is through the model.
    func finished() {
        lock.withLock {
            inFlight = false
            changed.broadcast()
        }
    }

    /// No more frames will come; the one waiting (if any) is still taken.
    func close() {
        lock.withLock {
            closed = true
            changed.broadcast()
        }
    }
}
