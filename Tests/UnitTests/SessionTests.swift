import AllocationCounter
import CEdgeSeg
import EdgeSegRuntime
import Foundation
import Synchronization
import TestSupport
import Testing

/// The int8 session on its static arena: no heap allocation per frame, a caller's buffer, and the same bits as
/// the one-off forward.
@Suite struct SessionTests {
    /// 100 frames after a warm-up (three camera-sized pictures in turn, resized, run, class map written into the
    /// caller's buffer): not one heap allocation, on the calling thread or on the session's worker threads.
    @Test(arguments: [1, 2])
    func framesAllocateNothing(threads: Int) throws {
        let model = try SegFormerModel(path: try SmallModel.path)
        let pictures = try SharedAssets.threeFrames.map { try loadImage(path: $0) }
        let count = try allocationsPerFrames(100, pictures) { () throws(EdgeSegError) in
            try Session(model: model, height: 96, width: 128, threads: threads)
        }
        #expect(count == 0, "\(count) heap allocations in 100 frames with \(threads) thread(s)")
    }

    /// The counter sees allocations, so the test above can fail: one-off forwards allocate (their session).
    @Test func counterSeesAllocations() throws {
        guard allocation_counter_active() != 0 else { return recordNotRun("allocation counting (off under AddressSanitizer)") }
        let model = try SegFormerModel(path: try SmallModel.path)
        let pixels = try preprocess(try loadImage(path: SharedAssets.threeFrames[0]), size: ImageSize(width: 128, height: 96))
        allocation_tracking_begin()
        defer { allocation_tracking_end() }
        allocation_counting(1)
        _ = try model.forward(pixels)
        allocation_counting(0)
        #expect(allocation_count() > 0)
    }

    /// The counter sees allocations made on a worker of a session's thread pool, not only on the calling thread:
    /// two units of one op, the first held until the second has started, so each thread runs one; only the unit
    /// on the pool's thread allocates, once.
    @Test func counterSeesAllocationsOnWorkerThreads() throws {
        guard allocation_counter_active() != 0 else { return recordNotRun("allocation counting (off under AddressSanitizer)") }
        final class Probe: Sendable {
            let started = Atomic<Int>(0), waitedTooLong = Atomic<Bool>(false), sink = Atomic<Int>(0)
        }
        let task: es_thread_pool_task = { context, unit, worker in
            let probe = Unmanaged<Probe>.fromOpaque(context!).takeUnretainedValue()
            probe.started.add(1, ordering: .sequentiallyConsistent)
            if unit == 0 {
                var spins = 0
                while probe.started.load(ordering: .sequentiallyConsistent) < 2 {
                    spins += 1
                    if spins > 50_000_000 { probe.waitedTooLong.store(true, ordering: .relaxed); break }
                    sched_yield()
                }
            }
            if worker != 0 {   // the pool's thread: one allocation, its address kept so it is not optimised away
                let p = malloc(64)
                probe.sink.store(Int(bitPattern: p), ordering: .relaxed)
                free(p)
            }
        }
        allocation_tracking_begin()
        defer { allocation_tracking_end() }
        allocation_tracking_new_threads(1)
        let pool = try #require(es_thread_pool_create(2))
        allocation_tracking_new_threads(0)
        defer { es_thread_pool_destroy(pool) }
        let probe = Probe()
        let context = Unmanaged.passUnretained(probe).toOpaque()
        es_thread_pool_run(pool, task, context, 2)   // warm-up
        probe.started.store(0, ordering: .sequentiallyConsistent)
        allocation_counting(1)
        es_thread_pool_run(pool, task, context, 2)
        allocation_counting(0)
        let waitedTooLong = probe.waitedTooLong.load(ordering: .relaxed)
        #expect(!waitedTooLong, "the second unit never started")
        #expect(allocation_count() == 1, "\(allocation_count()) allocations counted; the worker made 1")
        withExtendedLifetime(probe) {}
    }

    /// The default session's decoder (stage 1 projected band by band inside the head, the fused map in bands)
    /// gives the bits of the observable one (every projection and the fused map whole), at 1 and 2 threads.
    @Test func bandedDecoderMatchesWholeMaps() throws {
        let model = try SegFormerModel(path: try SmallModel.path)
        let picture = try loadImage(path: SharedAssets.threeFrames[1])
        let whole = try Session(model: model, height: 96, width: 128, observable: true)
        try whole.run(image: picture)
        #expect(whole.memory.names.contains(ActivationPoint.decoderProjection(0)))
        for threads in [1, 2] {
            let banded = try Session(model: model, height: 96, width: 128, threads: threads)
            #expect(!banded.memory.names.contains(ActivationPoint.decoderProjection(0)))
            try banded.run(image: picture)
            #expect(Array(banded.logits.data) == Array(whole.logits.data), "\(threads) thread(s)")
        }
    }

    /// The fused RGB → int8 input gives the bits of preprocess + quantize, and the session the bits of forward,
    /// at 1 and 2 threads.
    @Test func sessionMatchesForward() throws {
        let model = try SegFormerModel(path: try SmallModel.path)
        for path in SharedAssets.threeFrames {
            let picture = try loadImage(path: path)
            let expected = try model.forward(try preprocess(picture, size: ImageSize(width: 128, height: 96)))
            for threads in [1, 2] {
                let session = try Session(model: model, height: 96, width: 128, threads: threads)
                try session.run(image: picture)
                #expect(Array(session.logits.data) == expected.logits.data, "\(path), \(threads) thread(s)")
                for s in expected.stages.indices { #expect(Array(session.stages[s].data) == expected.stages[s].data) }
                var labels = [UInt8](repeating: 0, count: 360 * 480)
                labels.withUnsafeMutableBufferPointer { session.writeClassMap(height: 360, width: 480, into: $0) }
                #expect(labels == classMap(logits: expected.logits, height: 360, width: 480))
            }
        }
    }

    /// A caller's buffer: one byte short → an error naming the bytes needed; exactly enough (from any
    /// alignment) → the same results as a session that allocates its own arena.
    @Test func callerProvidedArena() throws {
        let model = try SegFormerModel(path: try SmallModel.path)
        let needed = try model.memoryPlan(height: 64, width: 96).arenaBytes
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: needed + 64, alignment: 64)
        defer { buffer.deallocate() }
        let misaligned = UnsafeMutableRawBufferPointer(rebasing: buffer[3..<(3 + needed + 61)])   // 61 bytes to the next line
        do {
            _ = try Session(model: model, height: 64, width: 96, arena: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(needed - 1)]))
            Issue.record("a buffer one byte short was accepted")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.message.contains("\(needed)"), "\(error.message)")
        }
        let picture = try loadImage(path: SharedAssets.threeFrames[1])
        let own = try Session(model: model, height: 64, width: 96)
        try own.run(image: picture)
        for arena in [UnsafeMutableRawBufferPointer(rebasing: buffer[0..<needed]), misaligned] {
            let session = try Session(model: model, height: 64, width: 96, arena: arena)
            try session.run(image: picture)
            #expect(Array(session.logits.data) == Array(own.logits.data))
        }
    }
}
