import CharterCore
import Testing

/// SplitMix64's direct jump to the n-th value, which the class mix's attempts and the parametric
/// bootstrap's replicates take their seeds from.
@Suite struct SplitMix64Tests {
    @Test(arguments: [0, 1, 0x5042_4F4F_544E_4F49, UInt64.max] as [UInt64])
    func valueIsTheNthCall(_ seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for call in 1...40 {
            #expect(SplitMix64.value(seed: seed, call: call) == generator.next(), "call \(call)")
        }
    }

    /// The first value from seed 0 is SplitMix64's published first output (Vigna's reference
    /// implementation: 0xE220A8397B1DCDAF).
    @Test func referenceValue() {
        #expect(SplitMix64.value(seed: 0, call: 1) == 0xE220_A839_7B1D_CDAF)
    }
}
