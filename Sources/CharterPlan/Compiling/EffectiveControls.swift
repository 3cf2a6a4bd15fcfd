import CharterCore
import CharterPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The controls that bind a run: the tier's, tightened by the `require` controls of every
/// mandatory rule that applied. For each threshold the strictest wins (the highest minimum, the
/// lowest maximum), and the check names where it came from.
struct EffectiveControls {
    /// Controls with where they come from, the tier first.
    var layers: [(controls: Controls, source: String)]

    init(tier: Tier, policy: Policy, decision: Decision) {
        layers = [(tier.controls, "tier \(tier.name.value)")]
        for rule in policy.rules {
            guard case .require(_, let controls?) = rule.effect, rule.enforcement.value != .advisory else { continue }
            // A rule applied when its condition held or could not be evaluated (fail closed).
            let applied = decision.trace.contains { $0.subject == "rule \(rule.id.value)" && $0.held != false }
            if applied { layers.append((controls, "rule \(rule.id.value)")) }
        }
    }

    /// The strictest value of a threshold across the layers, with its source.
    func strictest(_ key: String, isMinimum: Bool, in pick: (Controls) -> Decimal?) -> (Decimal, String)? {
        var best: (Decimal, String)?
        for layer in layers {
            guard let value = pick(layer.controls) else { continue }
            if let current = best {
                if isMinimum ? value > current.0 : value < current.0 { best = (value, layer.source) }
            } else {
                best = (value, layer.source)
            }
        }
        return best
    }

    /// Every key of a threshold set across the layers, in first-written order.
    func thresholdKeys(_ pick: (Controls) -> ThresholdSet?) -> [String] {
        var keys: [String] = []
        for layer in layers {
            for threshold in pick(layer.controls)?.thresholds ?? [] where !keys.contains(threshold.key) {
                keys.append(threshold.key)
            }
        }
        return keys
    }

    /// Checks for every key of a threshold set (`fidelity`, `fairness`, `distance_to_closest_record`).
    func checks(_ name: String, _ pick: (Controls) -> ThresholdSet?, parameters: [String: JSONValue]) -> [PlanCheck] {
        thresholdKeys(pick).compactMap { key in
            let isMinimum = key.hasSuffix("_min")
            guard
                let (value, source) = strictest(
                    key, isMinimum: isMinimum, in: { pick($0)?.threshold(key)?.value.value })
            else { return nil }
            let metric = name + "." + String(key.dropLast(4))
            return PlanCheck(
                id: "\(name).\(key)", metric: metric, bound: isMinimum ? .atLeast : .atMost, threshold: value,
                source: source, parameters: parameters)
        }
    }

    /// The first value any layer gives (for settings that are not thresholds, such as a metric).
    func first<T>(_ pick: (Controls) -> T?) -> T? {
        for layer in layers { if let value = pick(layer.controls) { return value } }
        return nil
    }
}
