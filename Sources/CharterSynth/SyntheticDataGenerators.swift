/// The generators Charter ships, by the name requests and policies use (`generator.type`).
public enum SyntheticDataGenerators {
    /// Every generator, in name order.
    public static let all: [any SyntheticDataGenerator] = [
        DPCopulaGenerator(), DPVAEGenerator(), ExternalGenerator(), GaussianCopulaGenerator(), VAEGenerator(),
    ]

    /// The names, sorted.
    public static var names: [String] { all.map(\.name).sorted() }

    /// The generator called `name` (`gaussian-copula`, `dp-copula`, `vae`, `dp-vae`, `external`), or `nil`.
    public static func generator(named name: String) -> (any SyntheticDataGenerator)? {
        all.first { $0.name == name }
    }
}
