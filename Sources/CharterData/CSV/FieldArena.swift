/// The raw text of a table while a file is read: every field's bytes end to end in row-major
/// order, the end offset of each and whether it was missing. One flat buffer keeps the reader's hot
/// path to a few appends per field; columns are typed from it once the whole file is read.
struct FieldStore {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var isMissing: [Bool] = []
    /// Per column: whether any present value was quoted (such a column is never inferred numeric
    /// or boolean).
    var anyQuoted: [Bool]
    let columns: Int

    init(columns: Int) {
        self.columns = columns
        anyQuoted = [Bool](repeating: false, count: columns)
    }

    var rows: Int { columns == 0 ? 0 : ends.count / columns }

    /// Column `column` of the store.
    func column(_ column: Int) -> FieldArena { FieldArena(store: self, column: column) }
}

/// One column of a ``FieldStore``.
struct FieldArena {
    let store: FieldStore
    let column: Int

    var count: Int { store.rows }
    var anyQuoted: Bool { store.anyQuoted[column] }

    @inline(__always)
    func index(_ row: Int) -> Int { row * store.columns + column }

    @inline(__always)
    func isMissing(_ row: Int) -> Bool { store.isMissing[index(row)] }

    /// The byte range of field `row`.
    @inline(__always)
    func range(_ row: Int) -> Range<Int> {
        let i = index(row)
        return (i == 0 ? 0 : store.ends[i - 1])..<store.ends[i]
    }

    /// The bytes of field `row`.
    func withField<R>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = range(row)
        return store.bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[r])) }
    }

    func text(_ row: Int) -> String {
        withField(row) { String(decoding: $0, as: UTF8.self) }
    }

    /// The missing mask of the column.
    var missingMask: [Bool] { (0..<count).map { isMissing($0) } }
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
