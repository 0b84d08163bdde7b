import CEdgeSeg
import EdgeSegRuntime

/// A mutual-exclusion lock over pthreads (the C shim keeps the pthread object where Swift never moves it).
final class Lock: @unchecked Sendable {
    fileprivate let mutex: OpaquePointer

    init() { mutex = es_mutex_create() }
    deinit { es_mutex_destroy(mutex) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        es_mutex_lock(mutex)
        defer { es_mutex_unlock(mutex) }
        return try body()
    }
}

/// A condition variable used with a `Lock`, waited on with a timeout (CLOCK_MONOTONIC).
final class Condition: @unchecked Sendable {
    private let cond: OpaquePointer

    init() { cond = es_cond_create() }
    deinit { es_cond_destroy(cond) }

    /// Call with `lock` held (inside `withLock`); returns after a broadcast, the timeout, or spuriously.
    func wait(_ lock: Lock, timeoutMs: Int) {
        _ = es_cond_wait(cond, lock.mutex, Int32(timeoutMs))
    }

    func broadcast() { es_cond_broadcast(cond) }
}

/// A thread running one closure; `join` waits for it to return.
final class WorkerThread {
    private var handle: OpaquePointer?

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    init(_ body: @escaping @Sendable () -> Void) throws(EdgeSegError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var errNo: Int32 = 0
        handle = es_thread_start({ context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
        }, context, &errNo)
        if handle == nil {
            Unmanaged<Body>.fromOpaque(context).release()
            throw EdgeSegError(.io, "cannot start a thread: \(String(cString: es_strerror(errNo)))")
        }
    }

    func join() {
        es_thread_join(handle)
        handle = nil
    }
}

/// Nanoseconds on CLOCK_MONOTONIC, the clock V4L2 stamps buffers with.
func monotonicNanoseconds() -> UInt64 { es_monotonic_ns() }
