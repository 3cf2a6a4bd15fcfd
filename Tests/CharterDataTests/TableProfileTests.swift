import CharterData
import Testing

@Suite struct TableProfileTests {
    @Test func profilesEveryType() throws {
        let table = try CSVReader().read(text: "n,c,b,e\n1,x,true,\n2,y,false,\n,x,,\n4,x,true,\n")
        let profile = TableProfile(table)
        let n = profile.columns[0]
        #expect(n.type == .numeric)
        #expect(n.missingCount == 1)
        #expect(n.missingShare == 0.25)
        #expect(n.minimum == 1 && n.maximum == 4)
        #expect(n.distinctCount == 3)
        #expect(n.histogram.count == 10)
        #expect(n.histogram.map(\.count).reduce(0, +) == 3)
        #expect(n.histogram.first?.count == 1 && n.histogram.last?.count == 1)
        let c = profile.columns[1]
        #expect(c.histogram.map(\.label) == ["x", "y"])
        #expect(c.histogram.map(\.count) == [3, 1])
        #expect(profile.columns[2].distinctCount == 2)
        let e = profile.columns[3]
        #expect(e.missingShare == 1)
        #expect(e.distinctCount == 0 && e.isConstant)
        #expect(e.histogram.isEmpty && e.minimum == nil)
    }

    @Test func constantColumnWidensHistogram() throws {
        let profile = TableProfile(try CSVReader().read(text: "k\n5\n5\n"))
        let k = profile.columns[0]
        #expect(k.isConstant)
        #expect(k.histogram.first?.lower == 4.5)
        #expect(k.histogram.last?.upper == 5.5)
    }
}
