import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A page of randomness from the operating system's CSPRNG, handed out one word at a time.
///
/// On Linux the page is filled from `/dev/urandom` (the same ChaCha20 CRNG as `getrandom`), on Apple
/// platforms by `arc4random_buf`; if either fails, or the page cannot be set up, every word comes
/// straight from `SystemRandomNumberGenerator`. Three properties keep buffering as safe as a system
/// call per word:
/// - **fork**: the page is marked `MADV_WIPEONFORK` (Linux ≥ 4.14), so a child process sees it zeroed;
///   a zero "filled" word forces a refill, and a child never replays its parent's noise. Where the
///   advice is refused, the pool does not buffer at all;
/// - **copies**: the pool is a reference shared by every copy of a ``SecureRandomness``, and its
///   state sits behind a mutex, so each word is handed out once;
/// - **afterwards**: each word is zeroed as it is handed out, so no used noise stays in memory.
final class SecureRandomPool: Sendable {
    /// Words per page: one flag word, one index word, 510 words of randomness.
    private static let pageWords = 512
    private static let firstData = 2

    /// The mmap'd page, or nil when buffering is off.
    private struct Page: @unchecked Sendable {
        // INVARIANT: the pointer is owned by the pool, used only under `state`'s lock, and unmapped
        // in `deinit`.
        let words: UnsafeMutablePointer<UInt64>?
    }

    private let state: Mutex<Page>

    init() {
        state = Mutex(Page(words: Self.mapPage()))
    }

    deinit {
        state.withLock { page in
            if let words = page.words {
                words.update(repeating: 0, count: Self.pageWords)
                munmap(UnsafeMutableRawPointer(words), Self.pageWords * 8)
            }
        }
    }

    /// The next 64 random bits.
    func next() -> UInt64 {
        state.withLock { page in
            guard let words = page.words else {
                var system = SystemRandomNumberGenerator()
                return system.next()
            }
            if words[0] == 0 || Int(words[1]) >= Self.pageWords {
                Self.refill(words)
            }
            let index = Int(words[1])
            let value = words[index]
            words[index] = 0
            words[1] = UInt64(index + 1)
            return value
        }
    }

    /// Fills `destination` with the words as many calls of ``next()`` would hand out, under one lock:
    /// whole runs of the page are copied out and zeroed, and the page is refilled as often as needed.
    /// - Complexity: O(`destination.count`).
    func fill(_ destination: UnsafeMutableBufferPointer<UInt64>) {
        guard let base = destination.baseAddress, !destination.isEmpty else { return }
        let count = destination.count
        state.withLock { page in
            guard let words = page.words else {
                var system = SystemRandomNumberGenerator()
                for index in 0..<count { base[index] = system.next() }
                return
            }
            var filled = 0
            while filled < count {
                if words[0] == 0 || Int(words[1]) >= Self.pageWords {
                    Self.refill(words)
                }
                let index = Int(words[1])
                let take = min(Self.pageWords - index, count - filled)
                (base + filled).update(from: words + index, count: take)
                (words + index).update(repeating: 0, count: take)
                words[1] = UInt64(index + take)
                filled += take
            }
        }
    }

    /// A page that a forked child sees zeroed, or nil if that cannot be promised.
    private static func mapPage() -> UnsafeMutablePointer<UInt64>? {
        #if os(Linux)
            let size = pageWords * 8
            guard let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                raw != MAP_FAILED
            else { return nil }
            let wipeOnFork: Int32 = 18  // MADV_WIPEONFORK
            guard madvise(raw, size, wipeOnFork) == 0 else {
                munmap(raw, size)
                return nil
            }
            let words = raw.bindMemory(to: UInt64.self, capacity: pageWords)
            words.update(repeating: 0, count: pageWords)
            return words
        #else
            // Without a wipe-on-fork guarantee the pool does not buffer.
            return nil
        #endif
    }

    /// Fills the data words, then marks the page filled with the index at the first data word.
    private static func refill(_ words: UnsafeMutablePointer<UInt64>) {
        let data = UnsafeMutableRawPointer(words + firstData)
        let byteCount = (pageWords - firstData) * 8
        if !readSystemRandom(into: data, count: byteCount) {
            var system = SystemRandomNumberGenerator()
            for index in firstData..<pageWords { words[index] = system.next() }
        }
        words[0] = 1
        words[1] = UInt64(firstData)
    }

    /// Reads `count` bytes of operating-system randomness; false if the source failed.
    private static func readSystemRandom(into buffer: UnsafeMutableRawPointer, count: Int) -> Bool {
        #if os(Linux)
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            var filled = 0
            while filled < count {
                let result = read(descriptor, buffer + filled, count - filled)
                if result > 0 {
                    filled += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        #else
            arc4random_buf(buffer, count)
            return true
        #endif
    }
}
