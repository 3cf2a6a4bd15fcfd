import CharterRegistry
import CharterWorkflow
import Prometheus
import Synchronization

/// The server's Prometheus metrics, in a registry of its own (no process-wide metrics system, so
/// several servers in one test process never share counters): requests and latencies per route,
/// decisions by outcome, and at scrape time each source's remaining ε and the certificates
/// expiring within 30 days.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The series made so far, by their labels: the registry's own lookup builds the metric's name
    /// and label list on every call, which a request should not pay for.
    private let series = Mutex(Series())

    private struct Series {
        var requests: [RequestLabels: (count: Counter, latency: DurationHistogram)] = [:]
        var decisions: [String: Counter] = [:]
    }

    private struct RequestLabels: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    /// Counts a finished request and its latency, by the route's pattern (never the raw path).
    func request(method: String, route: String, status: Int, duration: Duration) {
        let metrics = made(RequestLabels(method: method, route: route, status: status), in: \.requests) {
            (
                count: registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        metricName: "charter_http_requests", unitName: "total",
                        helpText: "HTTP requests answered, by method, route pattern and status."),
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                latency: registry.makeDurationHistogram(
                    descriptor: MetricNameDescriptor(
                        metricName: "charter_http_request_duration", unitName: "seconds",
                        helpText: "HTTP request latency, by route pattern."),
                    labels: [("route", route)],
                    buckets: [.microseconds(250), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
                        .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2),
                        .seconds(10)])
            )
        }
        metrics.count.increment()
        metrics.latency.record(duration)
    }

    /// Counts a decision by its outcome (allow, deny, pending).
    func decision(outcome: String) {
        made(outcome, in: \.decisions) {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "charter_decisions", unitName: "total", helpText: "Decisions made, by outcome."),
                labels: [("outcome", outcome)])
        }.increment()
    }

    /// The series under `key` in `table`, made by `make` the first time. Two requests that make the
    /// same series at once get the registry's one metric for those labels.
    private func made<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key, in table: WritableKeyPath<Series, [Key: Value]>, make: () -> Value
    ) -> Value {
        if let known = series.withLock({ $0[keyPath: table][key] }) { return known }
        let value = make()
        series.withLock { $0[keyPath: table][key] = value }
        return value
    }

    /// The exposition text, after the registry gauges are read at `instant`.
    func exposition(registryLocation: RegistryLocation, instant: ActingInstant) -> String {
        if let store = try? registryLocation.openForReading() {
            for statement in (try? store.budgets(at: instant.timestamp)) ?? [] {
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        metricName: "charter_budget_remaining", unitName: "epsilon",
                        helpText: "Privacy budget (ε) left per source, as the ledger reads now."),
                    labels: [("source", statement.source)]
                ).set(to: Double(statement.remainingEpsilon.description) ?? 0)
            }
            let expiring = (try? store.certificates(expiringWithin: .seconds(30 * 86_400), at: instant.timestamp)) ?? []
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "charter_certificates_expiring", unitName: "30d",
                    helpText: "Unrevoked certificates that expire within 30 days (or have expired).")
            ).set(to: Double(expiring.filter { $0.revocation == nil }.count))
        }
        return registry.emitToString()
    }
}
