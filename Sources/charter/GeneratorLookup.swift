import CharterSynth

/// The generators `apply` and `run` can use, by the name a plan gives.
enum GeneratorLookup {
    static func generator(named name: String) -> (any SyntheticDataGenerator)? {
        SyntheticDataGenerators.generator(named: name)
    }
}
