import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterRegistry

@Suite("budget composition")
struct BudgetCompositionTests {
    @Test("the order grid is dp-accounting's DEFAULT_RDP_ORDERS")
    func orderGrid() {
        let orders = RDPCurve.orders
        #expect(orders.count == 156)
        #expect(orders.first == 1.1)
        #expect(orders[98] == 10.9)
        #expect(orders[99] == 11)
        #expect(orders[151] == 63)
        #expect(Array(orders.suffix(4)) == [128, 256, 512, 1024])
        #expect(zip(orders, orders.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// One row of `Tests/Fixtures/dp-vectors/dp-vectors.csv`.
    struct VectorRow: Sendable, CustomStringConvertible {
        var caseID: String
        var delta: Double
        var rho: Double
        var epsilon: Double
        var order: Double
        var description: String { caseID }
    }

    static func zcdpRows() throws -> [VectorRow] {
        let url = Fixtures.url("Tests/Fixtures/dp-vectors/dp-vectors.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        // The file has CRLF line ends, which Swift reads as one Character.
        var lines = text.split(whereSeparator: \.isNewline).map { parseCSVLine(String($0)) }
        let header = lines.removeFirst()
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let (method, caseID, delta, rho, value, order) = (
            try column("method"), try column("case_id"), try column("delta"), try column("rho"),
            try column("result_value"), try column("optimal_order")
        )
        return lines.filter { $0.count == header.count && $0[method] == "rdp_zcdp_event_dpacc" }.compactMap { row in
            guard let d = Double(row[delta]), let r = Double(row[rho]), let e = Double(row[value]),
                let o = Double(row[order])
            else { return nil }
            return VectorRow(caseID: row[caseID], delta: d, rho: r, epsilon: e, order: o)
        }
    }

    static func parseCSVLine(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" { quoted = false } else { field.append(character) }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    @Test("ρ-zCDP converted on the grid matches dp-accounting 0.6.0 (rdp_zcdp_event_dpacc rows) to 1e-8")
    func zcdpReferenceRows() throws {
        let rows = try Self.zcdpRows()
        #expect(rows.count >= 5)
        for row in rows {
            let converted = try #require(RDPConversion.epsilon(RDPCurve(zeroConcentrated: row.rho), delta: row.delta))
            #expect(
                abs(converted.epsilon - row.epsilon) <= 1e-8 * row.epsilon,
                "\(row.caseID): \(converted.epsilon) vs \(row.epsilon)")
            #expect(converted.order == row.order, "\(row.caseID)")
        }
    }

    @Test("a ledger of zCDP events composes by adding ρ and converting once")
    func zcdpLedger() throws {
        let rows = try Self.zcdpRows()
        let row = try #require(rows.first { $0.rho == 0.5 })
        // Five events of ρ = 0.1 are one of ρ = 0.5: the ε is the reference's, rounded up to 1e-9.
        let costs = Array(repeating: PrivacyCost.zeroConcentrated(rho: Sample.decimal("0.1")), count: 5)
        let spend = BudgetComposition.compose(costs, deltaCap: Sample.decimal("0.00001"))
        let epsilon = try #require(spend.epsilon)
        let value = try #require(Double(epsilon.description))
        #expect(value >= row.epsilon)
        #expect(value - row.epsilon <= 3e-9)
        #expect(spend.delta == Sample.decimal("0.00001"))
        // Converting per event and adding would be far worse: that is what composing once avoids.
        let single = try #require(RDPConversion.epsilon(RDPCurve(zeroConcentrated: 0.1), delta: 1e-5))
        #expect(5 * single.epsilon > 2 * value)
    }

    @Test("pure ε adds exactly: 0.1 + 0.2 is 0.3, which fits a cap of 0.3")
    func exactDecimals() {
        let costs: [PrivacyCost] = [.pure(epsilon: Sample.decimal("0.1")), .pure(epsilon: Sample.decimal("0.2"))]
        let spend = BudgetComposition.compose(costs, deltaCap: 0)
        #expect(spend.epsilon == Sample.decimal("0.3"))
        #expect(spend.fits(BudgetCap(epsilon: Sample.decimal("0.3"), delta: 0)))
        #expect(!spend.fits(BudgetCap(epsilon: Sample.decimal("0.29999999999"), delta: 0)))
        #expect(0.1 + 0.2 != 0.3 as Double)  // the reason for decimals
    }

    @Test("(ε, δ) events compose by basic composition")
    func basic() {
        let costs: [PrivacyCost] = [
            .approximate(epsilon: Sample.decimal("1"), delta: Sample.decimal("0.000001")),
            .approximate(epsilon: Sample.decimal("0.5"), delta: Sample.decimal("0.000002")),
            .pure(epsilon: Sample.decimal("0.25")),
        ]
        let spend = BudgetComposition.compose(costs, deltaCap: Sample.decimal("0.00001"))
        #expect(spend.epsilon == Sample.decimal("1.75"))
        #expect(spend.delta == Sample.decimal("0.000003"))
        #expect(spend.method == .basic)
    }

    @Test("mixed ledgers convert the curve at the δ the (ε, δ) events leave")
    func mixed() throws {
        let costs: [PrivacyCost] = [
            .approximate(epsilon: Sample.decimal("1"), delta: Sample.decimal("0.000004")),
            .zeroConcentrated(rho: Sample.decimal("0.5")),
        ]
        let spend = BudgetComposition.compose(costs, deltaCap: Sample.decimal("0.00001"))
        let conversion = try #require(RDPConversion.epsilon(RDPCurve(zeroConcentrated: 0.5), delta: 6e-6))
        let epsilon = try #require(spend.epsilon.flatMap { Double($0.description) })
        #expect(abs(epsilon - (1 + conversion.epsilon)) <= 2e-9)
        #expect(spend.delta == Sample.decimal("0.00001"))
        #expect(spend.method == .renyi(order: conversion.order, conversionDelta: Sample.decimal("0.000006")))
    }

    @Test("no δ left to convert a curve at means no finite ε")
    func noDeltaLeft() {
        let costs: [PrivacyCost] = [
            .approximate(epsilon: Sample.decimal("1"), delta: Sample.decimal("0.00001")),
            .zeroConcentrated(rho: Sample.decimal("0.01")),
        ]
        let spend = BudgetComposition.compose(costs, deltaCap: Sample.decimal("0.00001"))
        #expect(spend.epsilon == nil)
        #expect(!spend.fits(Sample.cap))
    }

    @Test("many small pure-ε events are cheaper folded into the curve than added")
    func foldedPure() throws {
        let costs =
            Array(repeating: PrivacyCost.pure(epsilon: Sample.decimal("0.1")), count: 100)
            + [.zeroConcentrated(rho: Sample.decimal("0.01"))]
        let spend = BudgetComposition.compose(costs, deltaCap: Sample.decimal("0.00001"))
        let epsilon = try #require(spend.epsilon)
        #expect(epsilon < Sample.decimal("10"))  // basic composition alone would exceed 10
        // The folded curve: 100 × min(0.1, α·0.005) + α·0.01.
        let curve = RDPCurve.zero.adding { order in 100 * min(0.1, order * 0.005) + order * 0.01 }
        let expected = try #require(RDPConversion.epsilon(curve, delta: 1e-5))
        #expect(abs((Double(epsilon.description) ?? 0) - expected.epsilon) <= 2e-9)
    }

    @Test("RDP curves add order by order")
    func curves() throws {
        let a = try #require(RDPCurve(values: RDPCurve.orders.map { $0 * 0.2 }))
        let b = try #require(RDPCurve(values: RDPCurve.orders.map { $0 * 0.3 }))
        let spend = BudgetComposition.compose([.renyi(a), .renyi(b)], deltaCap: Sample.decimal("0.00001"))
        let same = BudgetComposition.compose(
            [.zeroConcentrated(rho: Sample.decimal("0.5"))], deltaCap: Sample.decimal("0.00001"))
        #expect(spend.epsilon == same.epsilon)
    }

    @Test(
        "malformed costs are refused",
        arguments: [
            #"{"kind": "pure", "epsilon": 1}"#, #"{"kind": "pure", "epsilon": "-1"}"#,
            #"{"kind": "pure", "epsilon": "NaN"}"#,
            #"{"kind": "approximate", "epsilon": "1", "delta": "1"}"#, #"{"kind": "zcdp", "rho": "x"}"#,
            #"{"kind": "rdp", "orders": "dp-accounting-default", "rdp": [1, 2]}"#,
            #"{"kind": "rdp", "orders": "opacus", "rdp": []}"#,
            #"{"kind": "gdp"}"#, #"[]"#,
        ])
    func malformed(text: String) throws {
        let json = try JSONParser().parse(text)
        #expect(throws: RegistryError.self) { try PrivacyCost(json: json) }
    }

    @Test("costs round-trip through their JSON form")
    func roundTrip() throws {
        let curve = try #require(RDPCurve(values: RDPCurve.orders.map { 0.0123 * $0 + 1e-7 }))
        for cost: PrivacyCost in [
            .pure(epsilon: Sample.decimal("0.3")),
            .approximate(epsilon: Sample.decimal("1.5"), delta: Sample.decimal("1e-6")),
            .zeroConcentrated(rho: Sample.decimal("0.125")), .renyi(curve),
        ] {
            let text = try cost.json.canonical()
            #expect(try PrivacyCost(json: JSONParser().parse(text)) == cost)
        }
    }
}
