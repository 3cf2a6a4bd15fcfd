import CharterCore
import CharterData
import Foundation
import CharterTestSupport
import Testing

/// A reference folder of `Tests/Fixtures/reference-metrics/`: the three tables and their metrics.json.
typealias DisclosureFixture = ReferenceFixture
