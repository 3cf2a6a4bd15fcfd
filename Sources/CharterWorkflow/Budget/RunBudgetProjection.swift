import CharterCore
public import CharterPolicy
public import CharterRegistry
public import Foundation

/// A source's spend before and after one more run, composed the way the ledger composes
/// (``BudgetComposition``): what a decision hands the policy layer as ``SourceBudget/Composed``.
///
/// The spends are composed against the cap the run is judged by: the ledger's cap, tightened
/// component by component to the policy's `budgets.per_source` where that is lower, so the Rényi
/// curve is converted within the tightened δ. With the policy's cap not the lower one this is the
/// computation `SQLiteRegistry.reserve` makes (the same events, in the same order, then the run),
/// so the decision allows a run exactly when the ledger would reserve it.
public struct RunBudgetProjection: Sendable {
    /// The live events' costs (committed, and reservations whose lease has not ended), counted:
    /// composing a tally is O(distinct costs), so a denied run's largest ε is bisected cheaply.
    public let costs: PrivacyCostTally
    /// The cap the run is judged by.
    public let cap: BudgetCap

    /// A projection over the live events' `costs`, in the ledger's id order.
    public init(costs: [PrivacyCost], cap: BudgetCap) {
        self.costs = PrivacyCostTally(costs)
        self.cap = cap
    }

    /// The source's budget for a decision on `request`: its standing in the ledger and the spend
    /// composed before and after the run. `statement` is `nil` for a source the ledger does not
    /// know: nothing is spent, and the policy's cap applies (none without a policy ε cap: the
    /// budget is then not checked).
    public static func sourceBudget(
        ledger: String, source: String, statement: BudgetStatement?, policy: Policy, request: GenerationRequest
    ) -> SourceBudget {
        let policyEpsilon = policy.budgets?.perSourceEpsilon?.value
        let policyDelta = policy.budgets?.perSourceDelta?.value
        guard let statement else {
            let composed = policyEpsilon.map { epsilon in
                RunBudgetProjection(costs: [], cap: BudgetCap(epsilon: epsilon, delta: policyDelta ?? 0))
                    .composed(for: request)
            }
            return SourceBudget(ledger: ledger, source: source, standing: .unregistered, composed: composed)
        }
        let cap = BudgetCap(
            epsilon: min(statement.cap.epsilon, policyEpsilon ?? statement.cap.epsilon),
            delta: min(statement.cap.delta, policyDelta ?? statement.cap.delta))
        let projection = RunBudgetProjection(costs: liveCosts(statement), cap: cap)
        return SourceBudget(
            ledger: ledger, source: source,
            standing: .registered(
                capEpsilon: statement.cap.epsilon, capDelta: statement.cap.delta,
                remainingEpsilon: statement.remainingEpsilon, remainingDelta: statement.remainingDelta),
            composed: projection.composed(for: request))
    }

    /// The costs a reservation at the statement's instant is checked against: committed events and
    /// reservations whose lease has not ended (the writer releases the others first), in id order.
    public static func liveCosts(_ statement: BudgetStatement) -> [PrivacyCost] {
        statement.events.filter {
            $0.state == .committed || ($0.state == .reserved && !$0.leaseExpired(at: statement.asOf))
        }
        .map(\.cost)
    }

    /// The spend before and after `request`'s run (``RunReservation``), and for a run that does
    /// not fit, the largest ε and δ the request could state instead.
    public func composed(for request: GenerationRequest) -> SourceBudget.Composed {
        let before = BudgetComposition.compose(costs, deltaCap: cap.delta)
        let cost = RunReservation.cost(of: request)
        let after = cost.map { compose($0) } ?? before
        var composed = SourceBudget.Composed(
            capEpsilon: cap.epsilon, capDelta: cap.delta, before: Self.spend(before), beforeMethod: Self.method(before),
            cost: cost?.summary, after: Self.spend(after), afterMethod: Self.method(after))
        if let cost, !after.fits(cap) {
            composed.largestEpsilon = largestEpsilon(cost, before: before)
            composed.largestDelta = largestDelta(cost, before: before)
        }
        return composed
    }

    /// The spend with `cost` reserved on top of the live events.
    public func compose(_ cost: PrivacyCost) -> BudgetSpend {
        BudgetComposition.compose(costs.adding(cost), deltaCap: cap.delta)
    }

    /// Whether `cost` reserved on top of the live events stays within the cap.
    public func fits(_ cost: PrivacyCost) -> Bool {
        compose(cost).fits(cap)
    }

    /// The largest ε a run of `cost`'s kind could reserve, its δ unchanged; `nil` when not even
    /// ε 0 fits, or for a kind the request does not state an ε for.
    public func largestEpsilon(_ cost: PrivacyCost, before: BudgetSpend) -> Decimal? {
        let make: (Decimal) -> PrivacyCost
        let stated: Decimal
        switch cost {
        case .pure(let epsilon):
            (make, stated) = ({ .pure(epsilon: $0) }, epsilon)
        case .approximate(let epsilon, let delta):
            (make, stated) = ({ .approximate(epsilon: $0, delta: delta) }, epsilon)
        case .zeroConcentrated, .renyi:
            return nil
        }
        // Basic composition leaves exactly the cap less the spend; try it first.
        let exact = before.epsilon.map { cap.epsilon - $0 }
        return Self.largest(below: stated, exact: exact) { fits(make($0)) }
    }

    /// The largest δ a run of `cost`'s kind could reserve, its ε unchanged; `nil` when not even
    /// δ 0 fits, or for a run that states no δ.
    public func largestDelta(_ cost: PrivacyCost, before: BudgetSpend) -> Decimal? {
        guard case .approximate(let epsilon, let delta) = cost else { return nil }
        return Self.largest(below: delta, exact: cap.delta - before.delta) {
            fits(.approximate(epsilon: epsilon, delta: $0))
        }
    }

    /// The largest value in [0, `stated`) on which `fits` holds, for a `fits` that holds on an
    /// interval starting at 0 (spend grows with every ε and δ, so it does): bisection on a grid of
    /// six significant digits of `stated`, rounded down, then `exact` where that fits and is
    /// larger. Every value returned was checked to fit; `nil` when 0 does not.
    /// - Complexity: O(log₂ 10⁶) calls of `fits`.
    public static func largest(below stated: Decimal, exact: Decimal?, fits: (Decimal) -> Bool) -> Decimal? {
        guard stated > 0, fits(0) else { return nil }
        let magnitude = Int(log10(stated.approximateDouble).rounded(.down))
        let scale = 5 - magnitude
        var low: Decimal = 0
        var high = stated
        while true {
            var middle = (low + high) / 2
            var rounded = Decimal()
            NSDecimalRound(&rounded, &middle, scale, .down)
            guard rounded > low, rounded < high else { break }
            if fits(rounded) { low = rounded } else { high = rounded }
        }
        if let exact, exact > low, exact < stated, fits(exact) { low = exact }
        return low
    }

    static func spend(_ spend: BudgetSpend) -> SourceBudget.Spend {
        SourceBudget.Spend(epsilon: spend.epsilon, delta: spend.delta)
    }

    static func method(_ spend: BudgetSpend) -> SourceBudget.Method {
        switch spend.method {
        case .none: .none
        case .basic: .basic
        case .renyi(let order, let conversionDelta): .renyi(order: order, conversionDelta: conversionDelta)
        }
    }
}
