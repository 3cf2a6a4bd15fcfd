/// The raw text of one column while a file is read: every field's bytes end to end, the end offset
/// of each, and whether it was missing. Converted to typed values once the column type is known.
struct FieldArena {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var isMissing: [Bool] = []
    /// Whether any present value was quoted: such a column is never inferred numeric or boolean.
    var anyQuoted = false

    var count: Int { ends.count }

    /// The bytes of field `row`.
    func withField<R>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = row == 0 ? 0 : ends[row - 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[row]])) }
    }

    func text(_ row: Int) -> String {
        withField(row) { String(decoding: $0, as: UTF8.self) }
    }
}

/// An open-addressing hash table from byte strings to dense codes, so that dictionary-encoding a
/// column allocates nothing per row.
struct ByteStringInterner {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private(set) var levelBytes: [UInt8] = []
    private(set) var levelEnds: [Int] = []

    init() {
        slots = [Int32](repeating: -1, count: 64)
    }

    var count: Int { levelEnds.count }

    /// The code of `key`, adding it when new.
    mutating func code(for key: UnsafeBufferPointer<UInt8>) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            if hashes[Int(code)] == hash && equals(Int(code), key) { return code }
            slot = (slot + 1) & mask
        }
        let code = Int32(levelEnds.count)
        slots[slot] = code
        hashes.append(hash)
        levelBytes.append(contentsOf: key)
        levelEnds.append(levelBytes.count)
        if levelEnds.count * 2 > slots.count { grow() }
        return code
    }

    private func equals(_ code: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = code == 0 ? 0 : levelEnds[code - 1]
        let end = levelEnds[code]
        guard end - start == key.count else { return false }
        return levelBytes.withUnsafeBufferPointer { stored in
            var i = 0
            while i < key.count {
                if stored[start + i] != key[i] { return false }
                i += 1
            }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for code in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }

    /// The bytes of level `code`.
    func levelBytes(_ code: Int) -> ArraySlice<UInt8> {
        let start = code == 0 ? 0 : levelEnds[code - 1]
        return levelBytes[start..<levelEnds[code]]
    }
}
