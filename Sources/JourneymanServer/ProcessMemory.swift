#if canImport(Glibc)
    import Glibc
#endif

/// How the process gives memory back to the system.
public enum ProcessMemory {
    /// Makes glibc serve every allocation of at least `threshold` bytes with a mapping of its own, unmapped when it is
    /// freed. A render's pixel buffers are tens of megabytes; by default glibc raises its threshold each time such a
    /// block is freed, so the next ones come from the heap and stay resident: one 2048×2048 grid left the server
    /// twice its size at rest. Answers whether the setting took (always false off glibc).
    @discardableResult
    public static func returnLargeBlocksToTheSystem(threshold: Int32 = 4 << 20) -> Bool {
        #if canImport(Glibc)
            // `mallopt` is declared in <malloc.h>, which Swift's Glibc module does not bring in.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD; setting it also turns glibc's raising of it off
            return mallopt(mmapThreshold, threshold) == 1
        #else
            return false
        #endif
    }

    /// Gives the free memory of every malloc arena back to the system (glibc's `malloc_trim(0)`). Blocks under the
    /// mapping threshold are freed into their thread's arena and stay resident: 18 grids rendered three at a time left
    /// 27 MB of them, of which this returns 20 MB. Answers whether anything was returned (always false off glibc).
    @discardableResult
    public static func releaseFreeMemory() -> Bool {
        #if canImport(Glibc)
            // Declared in <malloc.h>, like `mallopt`.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return false }
            typealias MallocTrim = @convention(c) (Int) -> Int32
            return unsafeBitCast(symbol, to: MallocTrim.self)(0) == 1
        #else
            return false
        #endif
    }
}
